/*
 * mkboot: makes Keel's boot images. It checks the kernel (an x86-64 ELF64 file with a
 * Multiboot2 header where GRUB looks for one) and the optional ramfs (a newc cpio archive),
 * writes a grub.cfg that boots them with COM1 as the console, and leaves the rest to GRUB's
 * own tools: grub-mkrescue for a hybrid BIOS+UEFI ISO, grub-mkstandalone and mtools for a
 * FAT EFI System Partition image. The output appears whole or not at all: it is built under
 * a temporary name beside its final one and renamed into place at the very end.
 */
#define _GNU_SOURCE
#include "config.h"
#include "outfile.h"
#include "xalloc.h"

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <endian.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include <keel/cpio.h>
#include <keel/multiboot2.h>

#ifndef GRUB_LIBDIR
#define GRUB_LIBDIR "/usr/lib/grub"
#endif

/* Where both kinds of image keep the kernel and the ramfs; grub.cfg names them. */
#define IMG_KERNEL	"boot/keel.elf"
#define IMG_RAMFS	"boot/ramfs.img"

/*
 * The GRUB modules an image carries besides those GRUB's tools put in its core: what
 * grub.cfg's commands need, and all_video, so that a kernel asking for a framebuffer gets
 * one under UEFI too (without a video driver, UEFI GRUB, which has no text mode, reports
 * "no suitable video mode found" on every boot). With only these, an ISO is about 4.5 MB
 * instead of 20.
 */
#define GRUB_MODULES	"normal multiboot2 serial terminal boot all_video"
/* The ESP's GRUB must also find the disk it came from, whether partitioned or not. */
#define GRUB_ESP_MODULES GRUB_MODULES " search test fat part_gpt part_msdos"

#define TIMEOUT_MAX	86400		/* a day: more is surely a typo */
#define ESP_ALIGN	(1024 * 1024)	/* ESP sizes are whole MiB ... */
#define ESP_HEADS	64		/* ... which is whole cylinders of this geometry */
#define ESP_SECTORS	32
#define SECTOR_SIZE	512
#define DIAG_MAX	200		/* longest quoted line of a helper's output */

#define STR_(x)		#x
#define STR(x)		STR_(x)

enum format { FMT_NONE, FMT_ISO, FMT_ESP };

/* The helper programs, looked up on PATH before anything is built. */
enum tool { T_MKRESCUE, T_MKSTANDALONE, T_XORRISO, T_MFORMAT, T_MCOPY, T_COUNT };

static const struct tooldesc {
	const char *names[3];		/* alternatives: Fedora calls GRUB's tools grub2-* */
	const char *package;		/* the Debian package to install */
} tooldescs[T_COUNT] = {
	[T_MKRESCUE] = { { "grub-mkrescue", "grub2-mkrescue" }, "grub-common" },
	[T_MKSTANDALONE] = { { "grub-mkstandalone", "grub2-mkstandalone" }, "grub-common" },
	[T_XORRISO] = { { "xorriso" }, "xorriso" },
	[T_MFORMAT] = { { "mformat" }, "mtools" },
	[T_MCOPY] = { { "mcopy" }, "mtools" },
};

/* grub-mkrescue runs xorriso, mformat and mcopy itself; they are checked up front so that a
   missing one is named with its package rather than in grub-mkrescue's words. */
static const enum tool iso_tools[] = { T_MKRESCUE, T_XORRISO, T_MFORMAT, T_MCOPY, T_COUNT };
static const enum tool esp_tools[] = { T_MKSTANDALONE, T_MFORMAT, T_MCOPY, T_COUNT };

/* A whole input file, read once, so that what is checked is exactly what is copied. */
struct blob {
	const char *path;
	unsigned char *data;
	size_t size;
};

static struct {
	enum format format;
	const char *out;
	const char *kernel;
	const char *ramfs;
	const char *cmdline;
	long timeout;
	int verbose;
} opt;

static char *toolpath[T_COUNT];

/*
 * What mkboot has made and must remove unless it succeeds, kept where exit() (through
 * atexit) and the signal handler both find it. A signal only sets signo and stops the
 * running helper; the main flow notices at its next step and cleans up there, because
 * removing a directory tree is not something a signal handler can do safely.
 */
static struct {
	char *stage;			/* staging directory, removed with all it holds */
	struct outfile out;		/* the output, under its temporary name */
	pid_t child;			/* the helper running now, or 0 */
	volatile sig_atomic_t signo;	/* the signal that asks mkboot to stop */
} scratch = { .out = { .fd = -1 } };

/* Prints what --help shows. */
static void
usage(void)
{
	printf(
"Usage: mkboot --iso OUT --kernel KERNEL [--ramfs IMG] [--cmdline STR] [--timeout SEC]\n"
"       mkboot --esp OUT --kernel KERNEL [--ramfs IMG] [--cmdline STR] [--timeout SEC]\n"
"Make a bootable image of Keel: a hybrid BIOS+UEFI ISO or a FAT EFI System Partition\n"
"image, in which GRUB boots KERNEL through Multiboot2 with COM1 as the console.\n"
"\n"
"  -i, --iso=OUT        write a hybrid BIOS+UEFI ISO 9660 image (grub-mkrescue)\n"
"  -e, --esp=OUT        write a FAT EFI System Partition image (grub-mkstandalone)\n"
"  -k, --kernel=FILE    the kernel: x86-64 ELF64 with a Multiboot2 header\n"
"  -r, --ramfs=FILE     the ramfs (a newc cpio archive), loaded as a Multiboot2 module\n"
"  -c, --cmdline=STR    the kernel command line: words separated by blanks\n"
"  -t, --timeout=SEC    how long GRUB shows its menu (default 0: boot at once)\n"
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

/* Returns the little-endian 32-bit number at p, wherever it is aligned. */
static uint32_t
le32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

/* Reads the fixed part of a Multiboot2 header at off, which the caller has checked is in k. */
static void
mb2_header_at(const struct blob *k, size_t off, struct mb2_header *h)
{
	const unsigned char *p = k->data + off;

	h->magic = le32_at(p + offsetof(struct mb2_header, magic));
	h->architecture = le32_at(p + offsetof(struct mb2_header, architecture));
	h->header_length = le32_at(p + offsetof(struct mb2_header, header_length));
	h->checksum = le32_at(p + offsetof(struct mb2_header, checksum));
}

/*
 * Looks for a Multiboot2 header the way GRUB does: the first MB2_HEADER_ALIGN-aligned
 * offset below limit holding the magic and a checksum that holds. Returns its offset, or
 * SIZE_MAX if there is none; *magic_at gets the first offset that had the magic at all
 * (SIZE_MAX if none did), so that a bad checksum can be told from a missing header.
 */
static size_t
mb2_scan(const struct blob *k, size_t limit, size_t *magic_at)
{
	struct mb2_header h;
	size_t off;

	*magic_at = SIZE_MAX;
	if (limit > k->size)
		limit = k->size;
	for (off = 0; off + sizeof(h) <= limit; off += MB2_HEADER_ALIGN) {
		mb2_header_at(k, off, &h);
		if (h.magic != MB2_HEADER_MAGIC)
			continue;
		if (*magic_at == SIZE_MAX)
			*magic_at = off;
		if ((uint32_t)(h.magic + h.architecture + h.header_length + h.checksum) == 0)
			return off;
	}
	return SIZE_MAX;
}

/*
 * Checks the tags that follow the fixed part of the header at off (spec 3.1.3: each is a
 * 16-bit type, 16-bit flags and a 32-bit size, on an MB2_HEADER_ALIGN boundary), up to
 * the end tag, which must be there.
 */
static void
mb2_check_tags(const struct blob *k, size_t off, uint32_t len)
{
	size_t p, end = off + len;
	uint32_t size;
	uint16_t type;

	for (p = off + sizeof(struct mb2_header); p + 8 <= end; p += (size + 7) & ~7u) {
		memcpy(&type, k->data + p, sizeof(type));
		type = le16toh(type);
		size = le32_at(k->data + p + 4);
		if (size < 8 || size > end - p)
			errx(1, "%s: Multiboot2 header at offset %#zx has a tag of bad size "
			    "%u at offset %#zx", k->path, off, size, p);
		if (type == MB2_HTAG_END)
			return;
	}
	errx(1, "%s: Multiboot2 header at offset %#zx has no end tag", k->path, off);
}

/* Checks the kernel's Multiboot2 header (spec 3.1.1-3.1.2), exiting if GRUB would refuse it. */
static void
mb2_check(const struct blob *k)
{
	struct mb2_header h;
	size_t off, magic_at, far;
	uint32_t arch, len;

	off = mb2_scan(k, MB2_HEADER_SEARCH, &magic_at);
	if (off == SIZE_MAX) {
		if (magic_at != SIZE_MAX)
			errx(1, "%s: Multiboot2 header at offset %#zx has a bad checksum",
			    k->path, magic_at);
		far = mb2_scan(k, SIZE_MAX, &magic_at);
		if (far != SIZE_MAX)
			errx(1, "%s: Multiboot2 header at offset %#zx is beyond the first "
			    "%d bytes, where GRUB looks", k->path, far, MB2_HEADER_SEARCH);
		errx(1, "%s: no Multiboot2 header in the first %d bytes", k->path,
		    MB2_HEADER_SEARCH);
	}
	mb2_header_at(k, off, &h);
	arch = h.architecture;
	len = h.header_length;
	if (arch != MB2_ARCH_I386)
		errx(1, "%s: Multiboot2 header at offset %#zx is for architecture %u, not "
		    "i386 (%d)", k->path, off, arch, MB2_ARCH_I386);
	if (len < sizeof(struct mb2_header) + sizeof(struct mb2_tag))
		errx(1, "%s: Multiboot2 header at offset %#zx has a header_length of %u, "
		    "too short for its end tag", k->path, off, len);
	if (len > k->size - off)
		errx(1, "%s: Multiboot2 header at offset %#zx runs past the end of the file",
		    k->path, off);
	if (off + len > MB2_HEADER_SEARCH)
		errx(1, "%s: Multiboot2 header at offset %#zx runs past the first %d bytes",
		    k->path, off, MB2_HEADER_SEARCH);
	mb2_check_tags(k, off, len);
}

/* Checks that the kernel is something GRUB's multiboot2 command loads on x86-64. */
static void
kernel_check(const struct blob *k)
{
	GElf_Ehdr eh;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		errx(1, "libelf cannot be used: %s", elf_errmsg(-1));
	e = elf_memory((char *)k->data, k->size);
	if (e == NULL || elf_kind(e) != ELF_K_ELF)
		errx(1, "%s: not an ELF64 file", k->path);
	if (gelf_getclass(e) != ELFCLASS64)
		errx(1, "%s: not an ELF64 file (it is a 32-bit ELF)", k->path);
	if (gelf_getehdr(e, &eh) == NULL)
		errx(1, "%s: not an ELF64 file: %s", k->path, elf_errmsg(-1));
	if (eh.e_machine != EM_X86_64)
		errx(1, "%s: not an x86-64 ELF file (e_machine is %u)", k->path, eh.e_machine);
	if (eh.e_type == ET_REL)
		errx(1, "%s: an object file, not a linked executable", k->path);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		errx(1, "%s: not an executable ELF file (e_type is %u)", k->path, eh.e_type);
	elf_end(e);
	mb2_check(k);
}

/* Checks that the ramfs starts like a newc cpio archive, the only kind the kernel reads. */
static void
ramfs_check(const struct blob *r)
{
	if (r->size < CPIO_MAGIC_LEN ||
	    (memcmp(r->data, CPIO_MAGIC_NEWC, CPIO_MAGIC_LEN) != 0 &&
	    memcmp(r->data, CPIO_MAGIC_CRC, CPIO_MAGIC_LEN) != 0))
		errx(1, "%s: not a newc cpio archive (it does not start with %s or %s)",
		    r->path, CPIO_MAGIC_NEWC, CPIO_MAGIC_CRC);
}

/* Returns the path of an executable regular file called name in a directory of PATH. */
static char *
path_search(const char *name)
{
	const char *path, *p, *end;
	struct stat st;
	char *cand;

	if ((path = getenv("PATH")) == NULL)
		path = "/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		/* An empty entry means the current directory, as in sh. */
		if (end == p)
			cand = xasprintf("./%s", name);
		else
			cand = xasprintf("%.*s/%s", (int)(end - p), p, name);
		if (access(cand, X_OK) == 0 && stat(cand, &st) == 0 && S_ISREG(st.st_mode))
			return cand;
		free(cand);
		if (*end == '\0')
			return NULL;
	}
}

/* Finds every helper in the list (ended by T_COUNT), or exits naming the missing one. */
static void
tools_find(const enum tool *list)
{
	const struct tooldesc *d;
	int i;

	for (; *list != T_COUNT; list++) {
		d = &tooldescs[*list];
		for (i = 0; d->names[i] != NULL && toolpath[*list] == NULL; i++)
			toolpath[*list] = path_search(d->names[i]);
		if (toolpath[*list] == NULL)
			errx(1, "%s not found on PATH (Debian package: %s)", d->names[0],
			    d->package);
	}
}

/* Exits unless GRUB's modules for platform (i386-pc, x86_64-efi) are installed. */
static void
grub_platform_check(const char *platform, const char *what, const char *package)
{
	char *mod;

	/* Without them grub-mkrescue quietly leaves the platform out of the image. */
	mod = xasprintf("%s/%s/multiboot2.mod", GRUB_LIBDIR, platform);
	if (access(mod, R_OK) != 0)
		errx(1, "GRUB's %s modules are missing: %s: %s (Debian package: %s)", what,
		    mod, strerror(errno), package);
	free(mod);
}

/* Removes one entry of the staging tree; nftw visits a directory after what it holds. */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Removes what an unfinished run leaves: the output's temporary file and the staging tree. */
static void
scratch_clean(void)
{
	outfile_discard(&scratch.out);
	if (scratch.stage != NULL) {
		nftw(scratch.stage, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(scratch.stage);
		scratch.stage = NULL;
	}
}

/* Asks the main flow to stop, and the running helper with it. */
static void
on_signal(int sig)
{
	scratch.signo = sig;
	if (scratch.child > 0)
		kill(scratch.child, SIGTERM);
}

/* If a signal asked mkboot to stop, cleans up and dies of that signal, as a shell expects. */
static void
signal_check(void)
{
	int sig = scratch.signo;

	if (sig == 0)
		return;
	scratch_clean();
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/*
 * From here on, what mkboot makes is removed however it ends. The signals are mkboot's
 * own, not outfile_catch_signals: the temporary output is the helpers' to write, and is
 * removed only once the running helper is gone, lest it make the file anew.
 */
static void
signals_catch(void)
{
	/* SIGPIPE too: "mkboot -v ... | head" must not leave the staging directory behind. */
	static const int sigs[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: waitpid should return early so the stop is noticed at once. */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	atexit(scratch_clean);
}

/* Tells whether path names the file st describes. */
static int
same_file(const struct stat *st, const char *path)
{
	struct stat o;

	return path != NULL && stat(path, &o) == 0 && o.st_dev == st->st_dev &&
	    o.st_ino == st->st_ino;
}

/*
 * Claims a temporary file beside out, where the image is built before it is renamed to
 * out; exits if out cannot be written, before any time is spent building.
 */
static void
out_begin(const char *out)
{
	struct stat st;

	if (stat(out, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			errx(1, "cannot write %s: it is a directory", out);
		if (same_file(&st, opt.kernel) || same_file(&st, opt.ramfs))
			errx(1, "cannot write %s: it is one of the inputs", out);
	}
	/* A dot-name keeps an image being built out of ls and of globs like *.iso. */
	if (outfile_open(&scratch.out, out, outfile_perm(0666), OUTFILE_HIDDEN) == -1)
		err(1, "cannot write %s", out);
}

/* Gives the finished image its final name. */
static void
out_commit(const char *out)
{
	signal_check();
	if (outfile_commit(&scratch.out) == -1)
		err(1, "cannot write %s", out);
}

/* Makes the staging directory; helpers get it as TMPDIR, so it takes their leftovers too. */
static void
stage_begin(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	dir = xasprintf("%s/mkboot.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		err(1, "cannot make a staging directory %s", dir);
	scratch.stage = dir;
	if (setenv("TMPDIR", dir, 1) == -1)
		err(1, NULL);
}

/* Returns the path of rel in the staging directory, for the caller to free. */
static char *
stage_path(const char *rel)
{
	return xasprintf("%s/%s", scratch.stage, rel);
}

/* Makes the directory rel in the staging directory. */
static void
stage_mkdir(const char *rel)
{
	char *path = stage_path(rel);

	if (mkdir(path, 0755) == -1)
		err(1, "%s", path);
	free(path);
}

/* Writes len bytes to a new file rel in the staging directory. */
static void
stage_write(const char *rel, const void *data, size_t len)
{
	const unsigned char *p = data;
	char *path = stage_path(rel);
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
		err(1, "%s", path);
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", path);
		}
		p += n;
		len -= n;
	}
	if (close(fd) == -1)
		err(1, "%s", path);
	free(path);
}

/* Returns the last non-empty line of a helper's log, made safe to print on one line. */
static char *
log_last_line(const char *path)
{
	char buf[4096], *line, *end, *q;
	ssize_t n;
	off_t size;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (end = buf + n; end > buf && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '); end--)
		;
	*end = '\0';
	for (line = end; line > buf && line[-1] != '\n'; line--)
		;
	if (*line == '\0')
		return NULL;
	for (q = line; *q != '\0'; q++)
		if ((unsigned char)*q < ' ' || *q == 0x7f)
			*q = ' ';
	if (strlen(line) > DIAG_MAX)
		strcpy(line + DIAG_MAX - 3, "...");
	return strdup(line);
}

/* Explains in one line how a helper failed: what it said last, or how it ended. */
static void
run_failed(const char *name, int status, const char *log)
{
	char *line = log != NULL ? log_last_line(log) : NULL;
	size_t skip = strlen(name);

	if (line != NULL) {
		/* "grub-mkrescue: error: ..." reads better without the name said twice. */
		if (strncmp(line, name, skip) == 0 && strncmp(line + skip, ": ", 2) == 0)
			errx(1, "%s failed: %s", name, line + skip + 2);
		errx(1, "%s failed: %s", name, line);
	}
	if (WIFSIGNALED(status))
		errx(1, "%s failed: killed by signal %d", name, WTERMSIG(status));
	errx(1, "%s failed with exit status %d", name, WEXITSTATUS(status));
}

/*
 * Runs a helper program (argv[0] is the path tools_find gave) and waits for it. Its output
 * goes to a log in the staging directory, or to stderr with --verbose. If it fails, mkboot
 * exits with one line naming it and quoting the last line it wrote.
 */
static void
run(char *const argv[])
{
	const char *name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
	posix_spawn_file_actions_t fa;
	char *log = NULL;
	int status, i, e;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (opt.verbose) {
		fprintf(stderr, "mkboot: running");
		for (i = 0; argv[i] != NULL; i++)
			fprintf(stderr, strpbrk(argv[i], " \t\"$\\") != NULL ? " '%s'" : " %s",
			    argv[i]);
		fputc('\n', stderr);
	} else {
		log = stage_path("log");
		posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC,
		    0600);
	}
	/* The helpers' stdout is chatter too; mkboot's own stdout stays clean. */
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if ((e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ)) != 0)
		errx(1, "cannot run %s: %s", name, strerror(e));
	posix_spawn_file_actions_destroy(&fa);
	scratch.child = pid;
	if (scratch.signo != 0)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	scratch.child = 0;
	signal_check();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		run_failed(name, status, log);
	free(log);
}

/*
 * Writes grub.cfg to rel in the staging directory. For the ESP, uuid is the FAT volume
 * serial the configuration looks for to find its own disk; for the ISO it is NULL, since
 * grub-mkrescue's core image already sets root to the ISO.
 */
static void
cfg_write(const char *rel, int have_ramfs, const char *uuid)
{
	const char *w = opt.cmdline != NULL ? opt.cmdline : "";
	char *text;
	size_t len, n;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		err(1, NULL);
	fprintf(f, "# Written by mkboot (%s) %s.\n", PACKAGE_NAME, PACKAGE_VERSION);
	if (uuid != NULL) {
		/* Loaded now, else probing each disk goes through GRUB's list of every
		   file system module, complaining of each one that is not there. */
		fprintf(f, "insmod part_gpt\ninsmod part_msdos\ninsmod fat\n");
		fprintf(f, "# Boot from this ESP, found by its volume serial; failing that, "
		    "from any disk with the kernel.\n");
		fprintf(f, "search --no-floppy --fs-uuid --set=root %s\n", uuid);
		fprintf(f, "if [ \"$root\" = memdisk ]; then\n");
		fprintf(f, "\tsearch --no-floppy --file --set=root /%s\nfi\n", IMG_KERNEL);
	}
	fprintf(f, "set timeout=%ld\nset default=0\n", opt.timeout);
	fprintf(f, "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1\n");
	fprintf(f, "terminal_input serial console\nterminal_output serial console\n");
	fprintf(f, "insmod all_video\n");
	fprintf(f, "menuentry \"Keel\" {\n\tmultiboot2 /%s", IMG_KERNEL);
	/* One single-quoted word per kernel word: see cmdline_check. */
	for (;;) {
		w += strspn(w, " \t");
		if (*w == '\0')
			break;
		n = strcspn(w, " \t");
		fprintf(f, " '%.*s'", (int)n, w);
		w += n;
	}
	fprintf(f, "\n");
	if (have_ramfs)
		fprintf(f, "\tmodule2 /%s ramfs\n", IMG_RAMFS);
	fprintf(f, "\tboot\n}\n");
	if (fclose(f) != 0)
		err(1, NULL);
	stage_write(rel, text, len);
	free(text);
}

/* Builds the hybrid ISO: the files in a tree, then grub-mkrescue over it. */
static void
iso_build(const struct blob *kernel, const struct blob *ramfs)
{
	char *tree = stage_path("iso");
	char *xorriso = xasprintf("--xorriso=%s", toolpath[T_XORRISO]);
	char *argv[] = {
		toolpath[T_MKRESCUE], xorriso, "-o", scratch.out.tmp,
		"--install-modules=" GRUB_MODULES, "--fonts=", "--locales=", "--themes=",
		tree, NULL
	};

	stage_mkdir("iso");
	stage_mkdir("iso/boot");
	stage_mkdir("iso/boot/grub");
	stage_write("iso/" IMG_KERNEL, kernel->data, kernel->size);
	if (ramfs->data != NULL)
		stage_write("iso/" IMG_RAMFS, ramfs->data, ramfs->size);
	cfg_write("iso/boot/grub/grub.cfg", ramfs->data != NULL, NULL);
	run(argv);
	free(xorriso);
	free(tree);
}

/* Returns a volume serial for the ESP, for its grub.cfg to know it by. */
static uint32_t
esp_serial(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	return v;
}

/*
 * Returns the size of an ESP for files of the given total size: room for each file's last
 * cluster, the FATs and directories (an eighth more is plenty for FAT12 and FAT16), in
 * whole MiB so that the image is whole cylinders of the geometry given to mformat.
 */
static off_t
esp_size(off_t files)
{
	off_t need = files + files / 8 + 256 * 1024;

	return (need + ESP_ALIGN - 1) / ESP_ALIGN * ESP_ALIGN;
}

/*
 * Builds the ESP image: a standalone GRUB (its modules and grub.cfg in a memdisk inside
 * BOOTX64.EFI), then a FAT file system made straight into the output by mtools, no root
 * or loop device needed. It is a bare file system with no partition table, which is what
 * an ESP image is; OVMF boots it as a whole disk too.
 */
static void
esp_build(const struct blob *kernel, const struct blob *ramfs)
{
	char *efi = stage_path("esp/EFI/BOOT/BOOTX64.EFI");
	char *cfg = stage_path("grub.cfg");
	char *graft = xasprintf("boot/grub/grub.cfg=%s", cfg);
	char *dir_efi = stage_path("esp/EFI"), *dir_boot = stage_path("esp/boot");
	uint32_t serial = esp_serial();
	char uuid[16], hex[16], sectors[32];
	struct stat st;
	off_t size;
	char *mkstandalone[] = {
		toolpath[T_MKSTANDALONE], "-O", "x86_64-efi", "-o", efi,
		"--install-modules=" GRUB_ESP_MODULES, "--fonts=", "--locales=",
		"--themes=", graft, NULL
	};
	char *mformat[] = {
		toolpath[T_MFORMAT], "-i", scratch.out.tmp, "-T", sectors,
		"-h", STR(ESP_HEADS), "-s", STR(ESP_SECTORS), "-N", hex,
		"-v", "KEEL", "::", NULL
	};
	char *mcopy[] = {
		toolpath[T_MCOPY], "-i", scratch.out.tmp, "-s", "-Q", dir_efi, dir_boot, "::/",
		NULL
	};

	/* GRUB shows a FAT serial as two groups of four lowercase hex digits. */
	snprintf(uuid, sizeof(uuid), "%04x-%04x", serial >> 16, serial & 0xffff);
	snprintf(hex, sizeof(hex), "%08x", serial);
	cfg_write("grub.cfg", ramfs->data != NULL, uuid);
	stage_mkdir("esp");
	stage_mkdir("esp/EFI");
	stage_mkdir("esp/EFI/BOOT");
	stage_mkdir("esp/boot");
	stage_write("esp/" IMG_KERNEL, kernel->data, kernel->size);
	if (ramfs->data != NULL)
		stage_write("esp/" IMG_RAMFS, ramfs->data, ramfs->size);
	run(mkstandalone);
	if (stat(efi, &st) == -1)
		err(1, "%s", efi);
	size = esp_size(st.st_size + (off_t)kernel->size + (off_t)ramfs->size);
	snprintf(sectors, sizeof(sectors), "%lld", (long long)(size / SECTOR_SIZE));
	if (ftruncate(scratch.out.fd, size) == -1)
		err(1, "%s", scratch.out.tmp);
	run(mformat);
	run(mcopy);
	free(dir_boot);
	free(dir_efi);
	free(graft);
	free(cfg);
	free(efi);
}

int
main(int argc, char **argv)
{
	struct blob kernel, ramfs = { NULL, NULL, 0 };

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
