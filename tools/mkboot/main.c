/*
 * mkboot: makes Keel's boot images. It checks the kernel (an x86-64 ELF64 file with a
 * Multiboot2 header where GRUB looks for one) and the optional ramfs (a newc cpio archive),
 * writes a grub.cfg that boots them with COM1 as the console, and leaves the rest to GRUB's
 * own tools: grub-mkrescue for a hybrid BIOS+UEFI ISO, grub-mkstandalone and mtools for a
 * FAT EFI System Partition image. The output appears whole or not at all: it is built under
 * a temporary name beside its final one and renamed into place at the very end.
 *
 * This file reads the command line and runs the steps: check.c checks the inputs,
 * helpers.c finds and runs GRUB's tools, image.c builds each kind of image with them, and
 * scratch.c keeps what a run makes until it succeeds or is cleaned up.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkboot.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TIMEOUT_MAX	86400		/* a day: more is surely a typo */

struct options opt;

/* Prints what --help shows. */
static void
usage(void)
{
	printf(
"Usage: mkboot --iso OUT --kernel KERNEL [--ramfs IMG] [--cmdline STR] [--timeout SEC]\n"
"       mkboot --esp OUT --kernel KERNEL [--ramfs IMG] [--cmdline STR] [--timeout SEC]\n"
"       mkboot --disk OUT --size SIZE [--add HOST=PATH]...\n"
"Make a bootable image of Keel: a hybrid BIOS+UEFI ISO or a FAT EFI System Partition\n"
"image, in which GRUB boots KERNEL through Multiboot2 with COM1 as the console.\n"
"\n"
"  -i, --iso=OUT        write a hybrid BIOS+UEFI ISO 9660 image (grub-mkrescue)\n"
"  -e, --esp=OUT        write a FAT EFI System Partition image (grub-mkstandalone)\n"
"  -k, --kernel=FILE    the kernel: x86-64 ELF64 with a Multiboot2 header\n"
"  -r, --ramfs=FILE     the ramfs (a newc cpio archive), loaded as a Multiboot2 module\n"
"  -c, --cmdline=STR    the kernel command line: words separated by blanks\n"
"  -t, --timeout=SEC    how long GRUB shows its menu (default 0: boot at once)\n"
"      --disk=OUT       write a GPT disk image with one FAT32 partition (mformat, mcopy)\n"
"      --size=SIZE      the disk's size: bytes, or a number and K, M or G (40M at least)\n"
"      --add=HOST=PATH  copy the host file HOST to PATH on the disk (repeatable)\n"
"  -v, --verbose        show the commands mkboot runs and their output\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 on success, 1 on failure, 2 on a usage error.\n");
}

/*
 * Checks a --cmdline. GRUB rebuilds the command line it hands the kernel from its
 * arguments, putting double quotes around one that holds a space and a backslash before
 * every ', " and \. So the line is passed as one GRUB word per kernel word, and the
 * characters GRUB would change, or that cannot appear on a line at all, are refused.
 */
static void
cmdline_check(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '"' || *s == '\\')
			errx(2, "--cmdline may not contain quotes or backslashes (GRUB would "
			    "pass them to the kernel escaped)");
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			errx(2, "--cmdline may not contain a newline or other control character");
	}
}

/* Returns the number of seconds in a --timeout argument, or exits with a usage error. */
static long
timeout_parse(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0')
		errx(2, "--timeout is '%s': not a whole number of seconds", s);
	if (errno == ERANGE || v > TIMEOUT_MAX)
		errx(2, "--timeout is %s: more than %d seconds", s, TIMEOUT_MAX);
	return v;
}

/* Records the kind of image to make; there is one per run. */
static void
format_set(enum format f, const char *out)
{
	if (opt.format != FMT_NONE)
		errx(2, "give only one of --iso and --esp");
	opt.format = f;
	opt.out = out;
}

/* Fills opt from the command line; --help and --version end here, as do usage errors. */
static void
args_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iso",	required_argument,	NULL, 'i' },
		{ "esp",	required_argument,	NULL, 'e' },
		{ "kernel",	required_argument,	NULL, 'k' },
		{ "ramfs",	required_argument,	NULL, 'r' },
		{ "cmdline",	required_argument,	NULL, 'c' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	/* getopt's own messages would not say where to look for help; ours do, on one line. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:e:k:r:c:t:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			format_set(FMT_ISO, optarg);
			break;
		case 'e':
			format_set(FMT_ESP, optarg);
			break;
		case 'k':
			opt.kernel = optarg;
			break;
		case 'r':
			opt.ramfs = optarg;
			break;
		case 'c':
			cmdline_check(optarg);
			opt.cmdline = optarg;
			break;
		case 't':
			opt.timeout = timeout_parse(optarg);
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'h':
			usage();
			exit(0);
		case 'V':
			printf("mkboot (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		case ':':
			errx(2, "option %s needs an argument (see mkboot --help)",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				errx(2, "unknown option -%c (see mkboot --help)", optopt);
			errx(2, "unknown option %s (see mkboot --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		errx(2, "unexpected argument '%s' (see mkboot --help)", argv[optind]);
	if (opt.format == FMT_NONE)
		errx(2, "give --iso OUT or --esp OUT (see mkboot --help)");
	if (opt.kernel == NULL)
		errx(2, "give --kernel FILE (see mkboot --help)");
}

/* Reads a whole file into b, or exits saying why it cannot. */
static void
blob_read(struct blob *b, const char *path)
{
	size_t cap = 64 * 1024;
	ssize_t n;
	int fd;

	b->path = path;
	b->size = 0;
	b->data = xmalloc(cap);
	if ((fd = open(path, O_RDONLY)) == -1)
		err(1, "%s", path);
	for (;;) {
		if (b->size == cap) {
			cap *= 2;
			if ((b->data = realloc(b->data, cap)) == NULL)
				err(1, NULL);
		}
		n = read(fd, b->data + b->size, cap - b->size);
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", path);
		}
		b->size += n;
	}
	close(fd);
}

int
main(int argc, char **argv)
{
	struct blob kernel, ramfs = { NULL, NULL, 0 };

	if (disk_requested(argc, argv))
		return disk_main(argc, argv);	/* a disk image is another job (disk.c) */
	args_parse(argc, argv);
	blob_read(&kernel, opt.kernel);
	kernel_check(&kernel);
	if (opt.ramfs != NULL) {
		blob_read(&ramfs, opt.ramfs);
		ramfs_check(&ramfs);
	}
	if (opt.format == FMT_ISO) {
		tools_find(iso_tools);
		grub_platform_check("i386-pc", "BIOS", "grub-pc-bin");
	} else
		tools_find(esp_tools);
	grub_platform_check("x86_64-efi", "UEFI", "grub-efi-amd64-bin");

	signals_catch();
	out_begin(opt.out);
	stage_begin();
	if (opt.format == FMT_ISO)
		iso_build(&kernel, &ramfs);
	else
		esp_build(&kernel, &ramfs);
	out_commit(opt.out);
	scratch_clean();
	return 0;
}
