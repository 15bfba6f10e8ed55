/*
 * mkramfs: makes, lists, extracts, extends and verifies Keel's ramfs images, which are
 * cpio archives in the newc format (<keel/cpio.h>). It reads images with the kernel's own
 * reader (kernel/lib/cpio.c), so an image mkramfs accepts is one the kernel accepts.
 *
 * Images are reproducible: entries are written sorted by name, with inode and device
 * numbers zeroed and mtimes clamped to SOURCE_DATE_EPOCH when it is set. Every directory
 * that an entry's name passes through gets an entry of its own, before it. An image is
 * written under a temporary name beside its final one and renamed into place at the end,
 * so a failure leaves whatever was there before intact.
 *
 * This file reads the command line and hands it to the mode it names. The modes live in
 * write.c (-o, --add), read.c (--list, --verify) and extract.c (--extract); collect.c and
 * listfile.c gather the entries that an image is written from.
 */
#define _GNU_SOURCE
#include "config.h"
#include "outfile.h"
#include "xalloc.h"
#include "mkramfs.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN_MAX	(2 * 1024 * 1024)	/* --align: a large page at most */

/* The options, as bits, so that each mode can say which ones it takes. */
enum {
	O_DIR = 1 << 0, O_LISTFILE = 1 << 1, O_FORMAT = 1 << 2, O_ALIGN = 1 << 3,
	O_OWNER = 1 << 4, O_KEEP_OWNER = 1 << 5, O_PRESERVE = 1 << 6,
};

static const char *const option_names[] = { "-C", "-F", "--format", "--align", "--owner",
	"--keep-owner", "--preserve-permissions" };

struct options opt = { .align = CPIO_ALIGN };

/* What each mode takes, and the function that does it with the arguments left. */
static const struct modedesc {
	const char *option;	/* how the user asked for it */
	unsigned options;	/* the O_* it takes */
	bool args;		/* whether it takes PATH or FILE arguments */
	int (*run)(int argc, char **argv);
} modes[] = {
	[M_CREATE] = { "-o", O_DIR | O_LISTFILE | O_FORMAT | O_ALIGN | O_OWNER, true, cmd_create },
	[M_LIST] = { "--list", 0, false, cmd_list },
	[M_EXTRACT] = { "--extract", O_DIR | O_PRESERVE, false, cmd_extract },
	[M_ADD] = { "--add", O_DIR | O_FORMAT | O_ALIGN | O_OWNER | O_KEEP_OWNER, true, cmd_add },
	[M_VERIFY] = { "--verify", 0, false, cmd_verify },
};

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: mkramfs -o IMG [-C DIR] [-F LIST]... [OPTION]... [PATH | FILE=DEST]...\n"
"       mkramfs --list IMG\n"
"       mkramfs --extract IMG [-C DIR]\n"
"       mkramfs --add IMG [-C DIR] [OPTION]... FILE[=DEST]...\n"
"       mkramfs --verify IMG\n"
"Make, list, extract, extend or verify a Keel ramfs image (a newc cpio archive).\n"
"\n"
"  -o, --output=IMG       write IMG from the PATHs (directories recursively), the\n"
"                         FILE=DEST pairs (FILE stored as DEST) and the list files\n"
"  -t, --list=IMG         list IMG's entries like ls -l\n"
"  -x, --extract=IMG      extract IMG into DIR (default: the current directory)\n"
"  -r, --add=IMG          add entries to IMG, replacing those of the same name\n"
"  -W, --verify=IMG       check IMG's structure and 070702 checksums\n"
"  -C, --directory=DIR    read PATHs and FILEs from DIR; extract into DIR\n"
"  -F, --list-file=LIST   add the entries of a gen_init_cpio-style list file:\n"
"                           file NAME SOURCE MODE UID GID\n"
"                           dir NAME MODE UID GID\n"
"                           slink NAME TARGET MODE UID GID\n"
"  -H, --format=FMT       crc (070702, with checksums; the default) or newc (070701)\n"
"  -a, --align=N          start regular files' data on N-byte boundaries (e.g. 4096)\n"
"  -u, --owner=UID:GID    store files read from disk with this owner\n"
"                         (--add's default: 0:0, root; -o keeps the files' own)\n"
"  -k, --keep-owner       --add: store the files' own owners instead of 0:0\n"
"  -p, --preserve-permissions\n"
"                         --extract: keep setuid and setgid bits (dropped otherwise)\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"SOURCE_DATE_EPOCH, when set, is the latest mtime an entry gets.\n"
"Exit status: 0 on success, 1 on failure (a damaged image), 2 on a usage error.\n");
}

/*
 * Parses a whole decimal (base 10) or octal (base 8) number of at most max. Returns false
 * when s is anything else.
 */
bool
number_parse(const char *s, int base, unsigned long long max, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, base);
	if (*end != '\0' || errno == ERANGE || n > max)
		return false;
	*v = (uint32_t)n;
	return true;
}

static void
mode_set(enum mode m, const char *image)
{
	if (opt.mode != M_NONE)
		errx(2, "give only one of -o, --list, --extract, --add and --verify "
		    "(see mkramfs --help)");
	opt.mode = m;
	opt.image = image;
}

static void
format_parse(const char *s)
{
	if (strcmp(s, "crc") == 0)
		opt.magic = CPIO_MAGIC_CRC;
	else if (strcmp(s, "newc") == 0)
		opt.magic = CPIO_MAGIC_NEWC;
	else
		errx(2, "--format is '%s': not crc or newc", s);
}

static void
align_parse(const char *s)
{
	uint32_t v;

	if (!number_parse(s, 10, ALIGN_MAX, &v) || v < CPIO_ALIGN || (v & (v - 1)) != 0)
		errx(2, "--align is '%s': not a power of two from %d to %d", s, CPIO_ALIGN,
		    ALIGN_MAX);
	opt.align = v;
}

static void
owner_parse(const char *s)
{
	char *colon = strchr(s, ':');
	char *uid;

	if (colon == NULL)
		errx(2, "--owner is '%s': not UID:GID", s);
	uid = xstrdup(s);
	uid[colon - s] = '\0';
	if (!number_parse(uid, 10, UINT32_MAX, &opt.uid) ||
	    !number_parse(colon + 1, 10, UINT32_MAX, &opt.gid))
		errx(2, "--owner is '%s': not UID:GID in decimal", s);
	free(uid);
	opt.owner_set = true;
}

/* Reads SOURCE_DATE_EPOCH (reproducible-builds.org); an empty one counts as unset. */
static void
epoch_read(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");

	if (s == NULL || *s == '\0')
		return;
	if (!number_parse(s, 10, UINT32_MAX, &opt.epoch))
		errx(2, "SOURCE_DATE_EPOCH is '%s': not a number of seconds from 0 to %u", s,
		    UINT32_MAX);
	opt.epoch_set = true;
}

/* Fills opt from the command line; --help and --version end here, as do usage errors. */
static void
args_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",	required_argument,	NULL, 'o' },
		{ "list",	required_argument,	NULL, 't' },
		{ "extract",	required_argument,	NULL, 'x' },
		{ "add",	required_argument,	NULL, 'r' },
		{ "verify",	required_argument,	NULL, 'W' },
		{ "directory",	required_argument,	NULL, 'C' },
		{ "list-file",	required_argument,	NULL, 'F' },
		{ "format",	required_argument,	NULL, 'H' },
		{ "align",	required_argument,	NULL, 'a' },
		{ "owner",	required_argument,	NULL, 'u' },
		{ "keep-owner",	no_argument,		NULL, 'k' },
		{ "preserve-permissions", no_argument,	NULL, 'p' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	/* getopt's own messages would not say where to look for help; ours do, on one line. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:t:x:r:W:C:F:H:a:u:kphV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': mode_set(M_CREATE, optarg); break;
		case 't': mode_set(M_LIST, optarg); break;
		case 'x': mode_set(M_EXTRACT, optarg); break;
		case 'r': mode_set(M_ADD, optarg); break;
		case 'W': mode_set(M_VERIFY, optarg); break;
		case 'C':
			opt.dir = optarg;
			opt.given |= O_DIR;
			break;
		case 'F':
			opt.lists = xrealloc(opt.lists, (opt.nlists + 1) * sizeof(*opt.lists));
			opt.lists[opt.nlists++] = optarg;
			opt.given |= O_LISTFILE;
			break;
		case 'H':
			format_parse(optarg);
			opt.given |= O_FORMAT;
			break;
		case 'a':
			align_parse(optarg);
			opt.given |= O_ALIGN;
			break;
		case 'u':
			owner_parse(optarg);
			opt.given |= O_OWNER;
			break;
		case 'k':
			opt.keep_owner = true;
			opt.given |= O_KEEP_OWNER;
			break;
		case 'p':
			opt.preserve_perms = true;
			opt.given |= O_PRESERVE;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("mkramfs (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		case ':':
			errx(2, "option %s needs an argument (see mkramfs --help)",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				errx(2, "unknown option -%c (see mkramfs --help)", optopt);
			errx(2, "unknown option %s (see mkramfs --help)", argv[optind - 1]);
		}
	}
	if (opt.mode == M_NONE)
		errx(2, "give -o IMG, --list IMG, --extract IMG, --add IMG or --verify IMG "
		    "(see mkramfs --help)");
	for (c = 0; c < (int)(sizeof(option_names) / sizeof(option_names[0])); c++)
		if ((opt.given & ~modes[opt.mode].options & 1u << c) != 0)
			errx(2, "%s does not go with %s (see mkramfs --help)", option_names[c],
			    modes[opt.mode].option);
	if (!modes[opt.mode].args && optind < argc)
		errx(2, "unexpected argument '%s' (see mkramfs --help)", argv[optind]);
	if (opt.mode == M_CREATE && optind == argc && opt.nlists == 0)
		errx(2, "-o needs at least one PATH, FILE=DEST or -F LIST (see mkramfs --help)");
	if (opt.mode == M_ADD && optind == argc)
		errx(2, "--add needs at least one FILE (see mkramfs --help)");
	if (opt.owner_set && opt.keep_owner)
		errx(2, "--owner and --keep-owner say different things (see mkramfs --help)");
	/*
	 * A file added to a running system's image would otherwise belong to whoever owns it
	 * on the host: uid 1000 there is Keel's guest. --add stores root unless told.
	 */
	if (opt.mode == M_ADD && !opt.owner_set && !opt.keep_owner)
		opt.owner_set = true;	/* opt.uid and opt.gid are 0 */
}

int
main(int argc, char **argv)
{
	args_parse(argc, argv);
	epoch_read();
	outfile_catch_signals(NULL);
	return modes[opt.mode].run(argc - optind, argv + optind);
}
