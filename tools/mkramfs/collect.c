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
 */
#define _GNU_SOURCE
#include "config.h"
#include "outfile.h"
#include "xalloc.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cpio_reader.h>

#define OUT_BUFSIZE	(1024 * 1024)	/* the output is written in pieces of this size */
#define ALIGN_MAX	(2 * 1024 * 1024)	/* --align: a large page at most */
#define LIST_LINE_MAX	4096		/* longest line of a list file */
#define IMPLIED_MODE	(CPIO_MODE_DIR | 0755)	/* of directories no input names */

enum mode { M_NONE, M_CREATE, M_LIST, M_EXTRACT, M_ADD, M_VERIFY };

/* The options, as bits, so that each mode can say which ones it takes. */
enum {
	O_DIR = 1 << 0, O_LISTFILE = 1 << 1, O_FORMAT = 1 << 2, O_ALIGN = 1 << 3,
	O_OWNER = 1 << 4,
};

static const char *const option_names[] = { "-C", "-F", "--format", "--align", "--owner" };

static struct {
	enum mode mode;
	const char *image;	/* the image written or read */
	const char *dir;	/* -C */
	const char **lists;	/* -F, in the order given */
	size_t nlists;
	const char *magic;	/* CPIO_MAGIC_CRC, CPIO_MAGIC_NEWC, or NULL for the default */
	uint32_t align;		/* of regular files' data; CPIO_ALIGN means none */
	bool owner_set;		/* --owner */
	uint32_t uid, gid;
	bool epoch_set;		/* SOURCE_DATE_EPOCH */
	uint32_t epoch;
	unsigned given;		/* the O_* seen */
} opt = { .align = CPIO_ALIGN };

static int cmd_create(int argc, char **argv);
static int cmd_list(int argc, char **argv);
static int cmd_extract(int argc, char **argv);
static int cmd_add(int argc, char **argv);
static int cmd_verify(int argc, char **argv);

/* What each mode takes, and the function that does it with the arguments left. */
static const struct modedesc {
	const char *option;	/* how the user asked for it */
	unsigned options;	/* the O_* it takes */
	bool args;		/* whether it takes PATH or FILE arguments */
	int (*run)(int argc, char **argv);
} modes[] = {
	[M_CREATE] = { "-o", O_DIR | O_LISTFILE | O_FORMAT | O_ALIGN | O_OWNER, true, cmd_create },
	[M_LIST] = { "--list", 0, false, cmd_list },
	[M_EXTRACT] = { "--extract", O_DIR, false, cmd_extract },
	[M_ADD] = { "--add", O_DIR | O_FORMAT | O_ALIGN | O_OWNER, true, cmd_add },
	[M_VERIFY] = { "--verify", 0, false, cmd_verify },
};

/* Where an entry's data come from. */
enum source { SRC_NONE, SRC_DISK, SRC_MEM };

/* One entry of the image to be written. */
struct node {
	char *name;		/* normalized: relative, no ".", "..", or empty components */
	uint32_t mode, uid, gid, mtime, rdevmajor, rdevminor;
	enum source src;
	char *path;		/* SRC_DISK: the file, relative to -C */
	const unsigned char *data;	/* SRC_MEM: the data, size bytes */
	size_t size;
	const char *origin;	/* what gave the entry, for messages */
	size_t seq;		/* the order entries were given in, for ties */
	bool old;		/* --add: the entry comes from the image */
};

static struct {
	struct node *v;
	size_t n, cap;
} nodes;

/* The image being written, through a buffer. */
static struct {
	struct outfile of;
	uint64_t off;
	size_t len;
	unsigned char *buf;
	const char *magic;
} out;

/* The file the output will replace, if any: it must not be read as an input. */
static struct {
	bool exists;
	dev_t dev;
	ino_t ino;
} replaced;

/* A whole image, read into memory. */
struct image {
	const char *path;
	unsigned char *data;
	size_t size;
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
static bool
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
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	/* getopt's own messages would not say where to look for help; ours do, on one line. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:t:x:r:W:C:F:H:a:u:hV", longopts, NULL)) != -1) {
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
}

/* ---- Names ---- */

/*
 * Returns the name under which a path is stored: relative, without "." components, empty
 * components or a trailing slash ("./a//b/" is "a/b", "/" and "." are ""). Returns NULL
 * when the path has a ".." component, which no stored name may have.
 */
static char *
name_normalize(const char *path)
{
	char *name = xrealloc(NULL, strlen(path) + 1);
	const char *p = path, *end;
	size_t len = 0, n;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			free(name);
			return NULL;
		}
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (len > 0)
				name[len++] = '/';
			memcpy(name + len, p, n);
			len += n;
		}
		p = end;
	}
	name[len] = '\0';
	return name;
}

/* Returns true when the raw name of an image entry is one that extraction may write. */
static bool
name_is_safe(const char *raw)
{
	char *name;

	if (raw[0] == '/' || (name = name_normalize(raw)) == NULL)
		return false;
	free(name);
	return true;
}

/* ---- Collecting the entries ---- */

/* Returns a path of the tree as the user knows it: with the -C directory in front. */
static char *
path_show(const char *path)
{
	if (opt.dir == NULL || path[0] == '/')
		return xstrdup(path);
	return xasprintf("%s/%s", opt.dir, path);
}

static struct node *
node_new(const char *origin)
{
	struct node *n;

	if (nodes.n == nodes.cap) {
		nodes.cap = nodes.cap ? 2 * nodes.cap : 256;
		nodes.v = xrealloc(nodes.v, nodes.cap * sizeof(*nodes.v));
	}
	n = &nodes.v[nodes.n];
	memset(n, 0, sizeof(*n));
	n->seq = nodes.n++;
	n->origin = origin;
	return n;
}

/* Returns a file's mtime as an image keeps it: within 32 bits, at most SOURCE_DATE_EPOCH. */
static uint32_t
mtime_of(const struct stat *st)
{
	int64_t t = st->st_mtim.tv_sec;

	if (t < 0)
		t = 0;
	if (t > UINT32_MAX)
		t = UINT32_MAX;
	if (opt.epoch_set && t > opt.epoch)
		t = opt.epoch;
	return (uint32_t)t;
}

/* The mtime of an entry that no file gives one: SOURCE_DATE_EPOCH, or else 0. */
static uint32_t
mtime_default(void)
{
	return opt.epoch_set ? opt.epoch : 0;
}

/* Refuses to read the image being written as one of its own inputs. */
static void
target_check(const char *path, const struct stat *st)
{
	if (replaced.exists && st->st_dev == replaced.dev && st->st_ino == replaced.ino)
		errx(1, "%s: this is the image being written (%s); it cannot be an input too",
		    path, opt.image);
}

/*
 * Adds the entry for one file found on disk, named name, as lstat() gave st. Returns the
 * node, whose data are read only when the image is written.
 */
static struct node *
node_from_disk(int dirfd, const char *path, const char *name, const struct stat *st)
{
	char *show = path_show(path), target_buf[PATH_MAX];
	struct node *n = node_new(show);
	ssize_t len;

	n->name = xstrdup(name);
	n->mode = st->st_mode & (CPIO_MODE_TYPE | CPIO_MODE_PERM);
	n->uid = opt.owner_set ? opt.uid : st->st_uid;
	n->gid = opt.owner_set ? opt.gid : st->st_gid;
	n->mtime = mtime_of(st);
	if (S_ISREG(st->st_mode)) {
		target_check(show, st);
		if (st->st_size > UINT32_MAX)
			errx(1, "%s: too large for a cpio image (%lld bytes; at most %u)", show,
			    (long long)st->st_size, UINT32_MAX);
		n->src = SRC_DISK;
		n->path = xstrdup(path);
	} else if (S_ISLNK(st->st_mode)) {
		if ((len = readlinkat(dirfd, path, target_buf, sizeof(target_buf))) == -1)
			err(1, "%s", show);
		if ((size_t)len == sizeof(target_buf))
			errx(1, "%s: symlink target longer than %d bytes", show, PATH_MAX - 1);
		n->src = SRC_MEM;
		n->data = (unsigned char *)xrealloc(NULL, (size_t)len);
		memcpy((unsigned char *)n->data, target_buf, (size_t)len);
		n->size = (size_t)len;
	} else if (!S_ISDIR(st->st_mode)) {
		errx(1, "%s: not a regular file, directory or symlink (the ramfs keeps no "
		    "other kind)", show);
	}
	return n;
}

static int
strptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Adds the file at path (relative to dirfd) as name, and if it is a directory, everything
 * below it, in sorted order. An empty name (the PATH "." or "/") adds only what is below.
 */
static void
path_add(int dirfd, const char *path, const char *name)
{
	struct stat st;
	struct dirent *d;
	char **names = NULL;
	size_t n = 0, i;
	DIR *dir;
	int fd;

	if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == -1)
		err(1, "%s", path_show(path));
	if (*name != '\0')
		node_from_disk(dirfd, path, name, &st);
	else if (!S_ISDIR(st.st_mode))
		errx(1, "%s: would be stored under an empty name (give FILE=DEST)",
		    path_show(path));
	if (!S_ISDIR(st.st_mode))
		return;

	if ((fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    (dir = fdopendir(fd)) == NULL)
		err(1, "%s", path_show(path));
	while ((errno = 0, d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(d->d_name);
	}
	if (errno != 0)
		err(1, "%s", path_show(path));
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof(*names), strptr_cmp);
	for (i = 0; i < n; i++) {
		char *subpath = strcmp(path, ".") == 0 ? xstrdup(names[i]) :
		    xasprintf("%s/%s", path, names[i]);
		char *subname = *name ? xasprintf("%s/%s", name, names[i]) : xstrdup(names[i]);

		path_add(dirfd, subpath, subname);
		free(subpath);
		free(subname);
		free(names[i]);
	}
	free(names);
}

/*
 * Adds one command-line argument: a PATH, stored under its own (normalized) name, or
 * FILE=DEST (split at the last '='), the file FILE stored as DEST.
 */
static void
arg_add(int dirfd, const char *arg)
{
	const char *eq = strrchr(arg, '=');
	char *path, *name;

	if (eq == NULL) {
		if ((name = name_normalize(arg)) == NULL)
			errx(1, "%s: a stored name may not contain '..' (give %s=NAME to choose "
			    "one)", arg, arg);
		path_add(dirfd, arg, name);
		free(name);
		return;
	}
	path = xstrdup(arg);
	path[eq - arg] = '\0';
	if (*path == '\0')
		errx(2, "%s: FILE=DEST without a FILE", arg);
	if ((name = name_normalize(eq + 1)) == NULL)
		errx(1, "%s: the name '%s' may not contain '..'", arg, eq + 1);
	if (*name == '\0')
		errx(1, "%s: DEST names no entry", arg);
	path_add(dirfd, path, name);
	free(path);
	free(name);
}

/* ---- List files ---- */

/* One line of a list file, split into words. */
struct listline {
	const char *where;	/* "LIST:LINE", for messages */
	char *word[8];
	int nwords;
	int dirfd;		/* what SOURCE paths are relative to */
};

/* Checks the MODE UID GID words that every kind of line ends with, from word i on. */
static void
list_ids(const struct listline *l, int i, struct node *n, uint32_t type)
{
	uint32_t mode;

	if (!number_parse(l->word[i], 8, CPIO_MODE_PERM, &mode))
		errx(1, "%s: MODE '%s' is not an octal number from 0 to 7777", l->where,
		    l->word[i]);
	if (!number_parse(l->word[i + 1], 10, UINT32_MAX, &n->uid))
		errx(1, "%s: UID '%s' is not a decimal number", l->where, l->word[i + 1]);
	if (!number_parse(l->word[i + 2], 10, UINT32_MAX, &n->gid))
		errx(1, "%s: GID '%s' is not a decimal number", l->where, l->word[i + 2]);
	n->mode = type | mode;
}

/* Returns a new node named by the line's second word. */
static struct node *
list_node(const struct listline *l)
{
	struct node *n = node_new(xstrdup(l->where));

	if ((n->name = name_normalize(l->word[1])) == NULL)
		errx(1, "%s: NAME '%s' may not contain '..'", l->where, l->word[1]);
	if (*n->name == '\0')
		errx(1, "%s: NAME '%s' names no entry", l->where, l->word[1]);
	n->mtime = mtime_default();
	return n;
}

/* file NAME SOURCE MODE UID GID: SOURCE's data, with the line's mode and owner. */
static void
list_file(const struct listline *l)
{
	struct node *n = list_node(l);
	struct stat st;

	if (fstatat(l->dirfd, l->word[2], &st, 0) == -1)
		err(1, "%s: %s", l->where, l->word[2]);
	if (!S_ISREG(st.st_mode))
		errx(1, "%s: %s: not a regular file", l->where, l->word[2]);
	if (st.st_size > UINT32_MAX)
		errx(1, "%s: %s: too large for a cpio image", l->where, l->word[2]);
	target_check(l->word[2], &st);
	n->src = SRC_DISK;
	n->path = xstrdup(l->word[2]);
	n->mtime = mtime_of(&st);
	list_ids(l, 3, n, CPIO_MODE_FILE);
}

static void
list_dir(const struct listline *l)
{
	list_ids(l, 2, list_node(l), CPIO_MODE_DIR);
}

static void
list_slink(const struct listline *l)
{
	struct node *n = list_node(l);

	n->src = SRC_MEM;
	n->data = (const unsigned char *)xstrdup(l->word[2]);
	n->size = strlen(l->word[2]);
	list_ids(l, 3, n, CPIO_MODE_SYMLINK);
}

/* The kinds of line, as gen_init_cpio knows them; the ramfs has no use for the last three. */
static const struct listtype {
	const char *type;
	int nwords;		/* the type included */
	void (*handler)(const struct listline *);
	const char *form;
} listtypes[] = {
	{ "file",	6, list_file,	"file NAME SOURCE MODE UID GID" },
	{ "dir",	5, list_dir,	"dir NAME MODE UID GID" },
	{ "slink",	6, list_slink,	"slink NAME TARGET MODE UID GID" },
	{ "nod",	0, NULL,	"device nodes" },
	{ "pipe",	0, NULL,	"named pipes" },
	{ "sock",	0, NULL,	"sockets" },
};

static void
list_line(struct listline *l, char *line)
{
	const struct listtype *t;
	char *save, *w;
	size_t i;

	/* Words beyond the array are counted, for the message, but not kept. */
	l->nwords = 0;
	for (w = strtok_r(line, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (l->nwords == 0 && w[0] == '#')
			return;
		if (l->nwords < (int)(sizeof(l->word) / sizeof(l->word[0])))
			l->word[l->nwords] = w;
		l->nwords++;
	}
	if (l->nwords == 0)
		return;
	for (i = 0; i < sizeof(listtypes) / sizeof(listtypes[0]); i++) {
		t = &listtypes[i];
		if (strcmp(l->word[0], t->type) != 0)
			continue;
		if (t->handler == NULL)
			errx(1, "%s: '%s' lines are not supported: the ramfs keeps no %s",
			    l->where, t->type, t->form);
		if (l->nwords != t->nwords)
			errx(1, "%s: %s words where '%s' wants %d: %s", l->where,
			    l->nwords < t->nwords ? "too few" : "too many", t->type,
			    t->nwords, t->form);
		t->handler(l);
		return;
	}
	errx(1, "%s: unknown type '%s' (file, dir or slink)", l->where, l->word[0]);
}

/* Adds the entries of a list file ("-" is standard input). */
static void
list_read(int dirfd, const char *path)
{
	char line[LIST_LINE_MAX + 2];
	struct listline l = { .dirfd = dirfd };
	unsigned long lineno = 0;
	FILE *f;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL)
		err(1, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		l.where = xasprintf("%s:%lu", path, lineno);
		if (strchr(line, '\n') == NULL && !feof(f))
			errx(1, "%s: line longer than %d bytes", l.where, LIST_LINE_MAX);
		list_line(&l, line);
	}
	if (ferror(f))
		err(1, "%s", path);
	if (f != stdin)
		fclose(f);
}

/* ---- Putting the entries in order ---- */

/* By name; among equal names, what was given later comes later. */
static int
node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct node *
node_find(const char *name)
{
	struct node key = { .name = (char *)name, .seq = 0 };
	size_t lo = 0, hi = nodes.n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key.name, nodes.v[mid].name);
		if (c == 0)
			return &nodes.v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Sorts the entries and drops duplicates: an entry from the image (--add) gives way to a
 * new one of the same name, and two new ones of the same name are an error.
 */
static void
nodes_sort_unique(void)
{
	size_t i, j;

	if (nodes.n > 1)
		qsort(nodes.v, nodes.n, sizeof(*nodes.v), node_cmp);
	for (i = j = 0; i < nodes.n; i++) {
		if (j > 0 && strcmp(nodes.v[j - 1].name, nodes.v[i].name) == 0) {
			if (!nodes.v[j - 1].old)
				errx(1, "%s: given twice (by %s and by %s)", nodes.v[i].name,
				    nodes.v[j - 1].origin, nodes.v[i].origin);
			j--;
		}
		nodes.v[j++] = nodes.v[i];
	}
	nodes.n = j;
}

/*
 * Adds an entry for every directory that an entry's name passes through and that has
 * none, then checks that each of those directories is one.
 */
static void
nodes_complete(void)
{
	char **missing = NULL, *name, *slash;
	size_t nmissing = 0, n, i;
	struct node *p, *added;

	nodes_sort_unique();
	n = nodes.n;
	for (i = 0; i < n; i++) {
		name = xstrdup(nodes.v[i].name);
		while ((slash = strrchr(name, '/')) != NULL) {
			*slash = '\0';
			if (node_find(name) != NULL)
				break;
			missing = xrealloc(missing, (nmissing + 1) * sizeof(*missing));
			missing[nmissing++] = xstrdup(name);
		}
		free(name);
	}
	if (nmissing > 1)
		qsort(missing, nmissing, sizeof(*missing), strptr_cmp);
	for (i = 0; i < nmissing; i++) {
		if (i == 0 || strcmp(missing[i - 1], missing[i]) != 0) {
			added = node_new("an entry below it");
			added->name = missing[i];
			added->mode = IMPLIED_MODE;
			added->mtime = mtime_default();
		} else
			free(missing[i]);
	}
	free(missing);
	if (nodes.n > n)
		nodes_sort_unique();

	for (i = 0; i < nodes.n; i++) {
		name = xstrdup(nodes.v[i].name);
		if ((slash = strrchr(name, '/')) != NULL) {
			*slash = '\0';
			p = node_find(name);
			if ((p->mode & CPIO_MODE_TYPE) != CPIO_MODE_DIR)
				errx(1, "%s: cannot be stored: %s (from %s) is not a directory",
				    nodes.v[i].name, p->name, p->origin);
		}
		free(name);
	}
}

/* ---- Writing an image ---- */

/* Records which file the image will replace, so that it is not read as an input. */
static void
target_note(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0) {
		replaced.exists = true;
		replaced.dev = st.st_dev;
		replaced.ino = st.st_ino;
	}
}

/* Creates the temporary file that becomes path, with the permissions mode. */
static void
out_open(const char *path, mode_t mode)
{
	if (outfile_open(&out.of, path, mode, 0) == -1)
		err(1, "%s: cannot create a file beside it", path);
	out.buf = xrealloc(NULL, OUT_BUFSIZE);
}

static void
write_all(int fd, const void *p, size_t n, const char *path)
{
	const unsigned char *b = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, b, n)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", path);
		}
		b += w;
		n -= (size_t)w;
	}
}

static void
out_flush(void)
{
	if (outfile_write(&out.of, out.buf, out.len) == -1)
		err(1, "%s", out.of.tmp);
	out.len = 0;
}

static void
out_write(const void *p, size_t n)
{
	if (n == 0)
		return;
	if (out.len + n > OUT_BUFSIZE)
		out_flush();
	if (n >= OUT_BUFSIZE / 2) {
		if (outfile_write(&out.of, p, n) == -1)
			err(1, "%s", out.of.tmp);
	} else {
		memcpy(out.buf + out.len, p, n);
		out.len += n;
	}
	out.off += n;
}

static void
out_zeros(size_t n)
{
	static const unsigned char zeros[4096];

	for (; n > sizeof(zeros); n -= sizeof(zeros))
		out_write(zeros, sizeof(zeros));
	out_write(zeros, n);
}

/* Writes the output's last bytes and renames it into place. */
static void
out_commit(const char *path)
{
	out_flush();
	if (outfile_close(&out.of) == -1)
		err(1, "%s", out.of.tmp);
	if (outfile_commit(&out.of) == -1)
		err(1, "%s: cannot rename %s to it", path, out.of.tmp);
}

/* Writes one entry: header, name (padded for --align), data and padding. */
static void
entry_write(const char *name, uint32_t mode, uint32_t uid, uint32_t gid, uint32_t mtime,
    const unsigned char *data, size_t size, uint32_t rdevmajor, uint32_t rdevminor)
{
	uint32_t f[CPIO_NFIELDS] = { 0 };
	char hdr[CPIO_HEADER_SIZE];
	size_t namesize = strlen(name) + 1;
	uint64_t end = out.off + CPIO_HEADER_SIZE + namesize;
	size_t namepad = 0;

	/* Extra NULs after the name move the data to the boundary; readers stop at the first. */
	if ((mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE && size > 0 && opt.align > CPIO_ALIGN)
		namepad = (opt.align - end % opt.align) % opt.align;
	f[CPIO_MODE] = mode;
	f[CPIO_UID] = uid;
	f[CPIO_GID] = gid;
	/*
	 * Every inode number is 0, so nlink must be 1 even for directories: libarchive (bsdtar)
	 * takes any two entries with the same inode number and nlink > 1 for hard links.
	 */
	f[CPIO_NLINK] = 1;
	f[CPIO_MTIME] = mtime;
	f[CPIO_FILESIZE] = (uint32_t)size;
	f[CPIO_RDEVMAJOR] = rdevmajor;
	f[CPIO_RDEVMINOR] = rdevminor;
	f[CPIO_NAMESIZE] = (uint32_t)(namesize + namepad);
	if (strcmp(out.magic, CPIO_MAGIC_CRC) == 0)
		f[CPIO_CHECK] = cpio_checksum(data, size);
	cpio_header_encode(hdr, out.magic, f);
	out_write(hdr, sizeof(hdr));
	out_write(name, namesize);
	out_zeros(namepad + (CPIO_ALIGN - (end + namepad) % CPIO_ALIGN) % CPIO_ALIGN);
	out_write(data, size);
	out_zeros((CPIO_ALIGN - out.off % CPIO_ALIGN) % CPIO_ALIGN);
}

/* Reads a whole file of the tree into *buf (grown as needed). Returns its size. */
static size_t
file_read(int dirfd, const struct node *n, unsigned char **buf, size_t *cap)
{
	struct stat st;
	size_t len = 0;
	ssize_t r;
	int fd;

	if ((fd = openat(dirfd, n->path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", n->origin);
	if (!S_ISREG(st.st_mode) || st.st_size > UINT32_MAX)
		errx(1, "%s: changed while mkramfs was reading the tree", n->origin);
	if ((size_t)st.st_size + 1 > *cap) {
		*cap = (size_t)st.st_size + 1;
		*buf = xrealloc(*buf, *cap);
	}
	/* One byte more than the size is asked for, to see that the file has not grown. */
	while ((r = read(fd, *buf + len, *cap - len)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", n->origin);
		}
		len += (size_t)r;
		if (len > (size_t)st.st_size)
			errx(1, "%s: grew while mkramfs was reading it", n->origin);
	}
	if (len != (size_t)st.st_size)
		errx(1, "%s: shrank while mkramfs was reading it", n->origin);
	close(fd);
	return len;
}

/* Writes the collected entries and the trailer to path, replacing it at the end. */
static void
image_write(int dirfd, const char *path, mode_t perm)
{
	unsigned char *buf = NULL;
	size_t cap = 0, i;
	const struct node *n;

	nodes_complete();
	out.magic = opt.magic != NULL ? opt.magic : CPIO_MAGIC_CRC;
	out_open(path, perm);
	for (i = 0; i < nodes.n; i++) {
		n = &nodes.v[i];
		if (n->src == SRC_DISK) {
			size_t len = file_read(dirfd, n, &buf, &cap);

			entry_write(n->name, n->mode, n->uid, n->gid, n->mtime, buf, len, 0, 0);
		} else
			entry_write(n->name, n->mode, n->uid, n->gid, n->mtime,
			    n->data, n->size, n->rdevmajor, n->rdevminor);
	}
	entry_write(CPIO_TRAILER, 0, 0, 0, 0, NULL, 0, 0, 0);
	out_commit(path);
	free(buf);
}

/* Returns a descriptor of the -C directory, or of the current one. */
static int
dir_open(void)
{
	int fd;

	if ((fd = open(opt.dir ? opt.dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", opt.dir ? opt.dir : ".");
	return fd;
}

/* The permissions of a new file: 0666 less the umask, as for any file a program creates. */
static mode_t
perm_default(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

static int
cmd_create(int argc, char **argv)
{
	int dirfd = dir_open();
	size_t i;
	int a;

	target_note(opt.image);
	for (i = 0; i < opt.nlists; i++)
		list_read(dirfd, opt.lists[i]);
	for (a = 0; a < argc; a++)
		arg_add(dirfd, argv[a]);
	image_write(dirfd, opt.image, perm_default());
	close(dirfd);
	return 0;
}

/* ---- Reading an image ---- */

/*
 * Reads a whole image into memory ("-" is standard input), or exits saying why not. A
 * regular file is mapped rather than copied, which halves the time --list takes on a
 * large image.
 */
static void
image_read(struct image *im, const char *path)
{
	size_t cap = 1024 * 1024;
	struct stat st;
	ssize_t n;
	void *map;
	int fd;

	im->path = path;
	im->size = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s", path);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= SIZE_MAX &&
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
		im->data = map;
		im->size = (size_t)st.st_size;
		goto done;
	}
	im->data = xrealloc(NULL, cap);
	for (;;) {
		if (im->size == cap)
			im->data = xrealloc(im->data, cap *= 2);
		if ((n = read(fd, im->data + im->size, cap - im->size)) == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", path);
		}
		im->size += (size_t)n;
	}
done:
	if (fd != STDIN_FILENO)
		close(fd);
}

/*
 * Reads every entry of an image into a new array (*count of them). Exits with the
 * reader's description of the damage when the image is damaged.
 */
static struct cpio_entry *
image_entries(const struct image *im, size_t *count, bool *crc)
{
	struct cpio_reader r;
	struct cpio_entry *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	cpio_reader_init(&r, im->data, im->size);
	for (;;) {
		if (n == cap)
			v = xrealloc(v, (cap = cap ? 2 * cap : 256) * sizeof(*v));
		if ((rc = cpio_next(&r, &v[n])) <= 0)
			break;
		n++;
	}
	if (rc < 0)
		errx(1, "%s: %s", im->path, r.err.msg);
	*count = n;
	if (crc != NULL)
		*crc = n > 0 ? v[0].crc : true;
	return v;
}

/*
 * Finds the data of a hard-linked file. GNU cpio writes a file with several names as
 * several entries that share an inode number, with the data in the last one only.
 */
static void
hardlink_data(const struct cpio_entry *v, size_t n, size_t i, const unsigned char **data,
    size_t *size)
{
	const struct cpio_entry *e = &v[i];
	size_t j;

	*data = e->data;
	*size = e->filesize;
	if (e->filesize != 0 || e->nlink < 2 || e->ino == 0 ||
	    (e->mode & CPIO_MODE_TYPE) != CPIO_MODE_FILE)
		return;
	for (j = i + 1; j < n; j++) {
		if (v[j].ino == e->ino && v[j].devmajor == e->devmajor &&
		    v[j].devminor == e->devminor && v[j].filesize > 0 &&
		    (v[j].mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE) {
			*data = v[j].data;
			*size = v[j].filesize;
			return;
		}
	}
}

/* Writes a name for a listing: control characters and backslashes as octal escapes. */
static void
name_print(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			printf("\\%03o", p[i]);
		else
			putchar(p[i]);
	}
}

/* Returns the ls -l letters of a mode: the type, then rwx three times. */
static const char *
mode_string(uint32_t mode, char s[11])
{
	static const struct { uint32_t type; char c; } types[] = {
		{ CPIO_MODE_FILE, '-' }, { CPIO_MODE_DIR, 'd' }, { CPIO_MODE_SYMLINK, 'l' },
		{ 0020000, 'c' }, { 0060000, 'b' }, { 0010000, 'p' }, { 0140000, 's' },
	};
	static const char rwx[] = "rwxrwxrwx";
	size_t i;

	s[0] = '?';
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((mode & CPIO_MODE_TYPE) == types[i].type)
			s[0] = types[i].c;
	for (i = 0; i < 9; i++)
		s[i + 1] = mode & (0400 >> i) ? rwx[i] : '-';
	if (mode & 04000)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = '\0';
	return s;
}

static void
entry_list(const struct cpio_entry *e)
{
	char mode[11], date[32];
	time_t t = e->mtime;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", &tm);
	printf("%s %3u %5u %5u %10u %s ", mode_string(e->mode, mode), e->nlink, e->uid,
	    e->gid, e->filesize, date);
	name_print(e->name, e->namelen);
	if ((e->mode & CPIO_MODE_TYPE) == CPIO_MODE_SYMLINK) {
		fputs(" -> ", stdout);
		name_print((const char *)e->data, e->filesize);
	}
	putchar('\n');
}

/* --list: every entry up to the first damage, which is reported after them. */
static int
cmd_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct cpio_reader r;
	struct cpio_entry e;
	struct image im;
	int rc;

	image_read(&im, opt.image);
	cpio_reader_init(&r, im.data, im.size);
	while ((rc = cpio_next(&r, &e)) > 0)
		entry_list(&e);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "standard output");
	if (rc < 0) {
		warnx("%s: %s", im.path, r.err.msg);
		return 1;
	}
	return 0;
}

/* --verify: the reader's verdict, and nothing but zeros after the trailer. */
static int
cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct cpio_reader r;
	struct cpio_entry e;
	struct image im;
	size_t n = 0, checked = 0, i;
	int rc;

	image_read(&im, opt.image);
	cpio_reader_init(&r, im.data, im.size);
	while ((rc = cpio_next(&r, &e)) > 0) {
		n++;
		checked += e.crc;
	}
	if (rc < 0) {
		warnx("%s: %s", im.path, r.err.msg);
		return 1;
	}
	for (i = r.end_offset; i < im.size; i++) {
		if (im.data[i] != 0) {
			warnx("%s: offset %#zx: data after the " CPIO_TRAILER " entry (which "
			    "ends at offset %#zx)", im.path, i, r.end_offset);
			return 1;
		}
	}
	printf("%s: sound: %zu entries, %zu with verified checksums\n", im.path, n, checked);
	return 0;
}

/* ---- Extracting ---- */

/*
 * Opens the directory that holds name (relative to rootfd), creating missing directories
 * on the way and following no symlink. Returns its descriptor, and sets *base to the
 * last component of name.
 */
static int
parent_open(int rootfd, const char *name, const char **base)
{
	char *path = xstrdup(name), *p = path, *slash;
	int fd = dup(rootfd), next;

	if (fd == -1)
		err(1, "dup");
	while ((slash = strchr(p, '/')) != NULL) {
		*slash = '\0';
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next == -1 && errno == ENOENT) {
			if (mkdirat(fd, p, 0700) == -1)
				err(1, "%s: %s", name, path);
			next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next == -1 && (errno == ELOOP || errno == ENOTDIR))
			errx(1, "%s: refused: %s is a symlink or not a directory, and mkramfs "
			    "writes through no symlink", name, path);
		if (next == -1)
			err(1, "%s: %s", name, path);
		close(fd);
		fd = next;
		*slash = '/';
		p = slash + 1;
	}
	*base = name + (p - path);
	free(path);
	return fd;
}

/* Removes what is at base in dirfd unless it is a directory and keep_dir is set. */
static void
slot_clear(int dirfd, const char *base, const char *name, bool keep_dir)
{
	struct stat st;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	if (S_ISDIR(st.st_mode)) {
		if (keep_dir)
			return;
		errx(1, "%s: refused: a directory is in the way", name);
	}
	if (unlinkat(dirfd, base, 0) == -1)
		err(1, "%s", name);
}

/* Gives an extracted file its owner (as root only), mode and mtime. */
static void
attrs_set(int dirfd, const char *base, const char *name, const struct cpio_entry *e,
    bool symlink)
{
	struct timespec ts[2] = { { e->mtime, 0 }, { e->mtime, 0 } };

	if (geteuid() == 0 && fchownat(dirfd, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) == -1)
		err(1, "%s", name);
	if (!symlink && fchmodat(dirfd, base, e->mode & CPIO_MODE_PERM, 0) == -1)
		err(1, "%s", name);
	if (utimensat(dirfd, base, ts, AT_SYMLINK_NOFOLLOW) == -1)
		err(1, "%s", name);
}

static void
extract_file(int dirfd, const char *base, const char *name, const unsigned char *data,
    size_t size)
{
	int fd;

	slot_clear(dirfd, base, name, false);
	fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		err(1, "%s", name);
	write_all(fd, data, size, name);
	if (close(fd) == -1)
		err(1, "%s", name);
}

static void
extract_symlink(int dirfd, const char *base, const char *name, const struct cpio_entry *e)
{
	char *target;

	if (memchr(e->data, '\0', e->filesize) != NULL)
		errx(1, "%s: refused: the symlink's target holds a NUL", name);
	target = xrealloc(NULL, (size_t)e->filesize + 1);
	memcpy(target, e->data, e->filesize);
	target[e->filesize] = '\0';
	slot_clear(dirfd, base, name, false);
	if (symlinkat(target, dirfd, base) == -1)
		err(1, "%s", name);
	free(target);
}

/*
 * Checks every name before anything is written: no absolute name, no "..", and no name
 * below one that the image makes a symlink.
 */
static void
extract_check(const struct image *im, const struct cpio_entry *v, size_t n)
{
	char **links = NULL, *name, *slash, *key;
	size_t nlinks = 0, i;

	for (i = 0; i < n; i++) {
		if (!name_is_safe(v[i].name))
			errx(1, "%s: entry %zu \"%s\": refused: %s", im->path, i, v[i].name,
			    v[i].name[0] == '/' ? "an absolute name" : "a name with '..'");
		if ((v[i].mode & CPIO_MODE_TYPE) == CPIO_MODE_SYMLINK) {
			links = xrealloc(links, (nlinks + 1) * sizeof(*links));
			links[nlinks++] = name_normalize(v[i].name);
		}
	}
	if (nlinks > 1)
		qsort(links, nlinks, sizeof(*links), strptr_cmp);
	for (i = 0; i < n && nlinks > 0; i++) {
		name = name_normalize(v[i].name);
		while ((slash = strrchr(name, '/')) != NULL) {
			*slash = '\0';
			key = name;
			if (bsearch(&key, links, nlinks, sizeof(*links), strptr_cmp) != NULL)
				errx(1, "%s: entry %zu \"%s\": refused: it would be written "
				    "through the symlink \"%s\"", im->path, i, v[i].name, name);
		}
		free(name);
	}
	for (i = 0; i < nlinks; i++)
		free(links[i]);
	free(links);
}

static int
cmd_extract(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const char *dir = opt.dir ? opt.dir : ".";
	struct cpio_entry *v;
	const unsigned char *data;
	struct image im;
	size_t n, i, size;
	const char *base;
	char *name;
	int rootfd, fd, status = 0;
	uint32_t type;

	image_read(&im, opt.image);
	v = image_entries(&im, &n, NULL);
	extract_check(&im, v, n);
	if (mkdir(dir, 0777) == -1 && errno != EEXIST)
		err(1, "%s", dir);
	if ((rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", dir);
	for (i = 0; i < n; i++) {
		name = name_normalize(v[i].name);
		type = v[i].mode & CPIO_MODE_TYPE;
		if (*name == '\0') {
			free(name);
			continue;	/* "." is DIR itself */
		}
		fd = parent_open(rootfd, name, &base);
		if (type == CPIO_MODE_DIR) {
			slot_clear(fd, base, name, true);
			if (mkdirat(fd, base, 0700) == -1 && errno != EEXIST)
				err(1, "%s", name);
		} else if (type == CPIO_MODE_FILE) {
			hardlink_data(v, n, i, &data, &size);
			extract_file(fd, base, name, data, size);
		} else if (type == CPIO_MODE_SYMLINK) {
			extract_symlink(fd, base, name, &v[i]);
		} else {
			warnx("%s: skipped: not a regular file, directory or symlink (mode "
			    "%#o)", name, v[i].mode);
			status = 1;
			close(fd);
			free(name);
			continue;
		}
		/* A directory's own mode and mtime wait until nothing more is written in it. */
		if (type != CPIO_MODE_DIR)
			attrs_set(fd, base, name, &v[i], type == CPIO_MODE_SYMLINK);
		close(fd);
		free(name);
	}
	for (i = n; i-- > 0;) {
		if ((v[i].mode & CPIO_MODE_TYPE) != CPIO_MODE_DIR)
			continue;
		name = name_normalize(v[i].name);
		if (*name != '\0') {
			fd = parent_open(rootfd, name, &base);
			attrs_set(fd, base, name, &v[i], false);
			close(fd);
		}
		free(name);
	}
	close(rootfd);
	return status;
}

/* ---- Adding ---- */

/* Takes the image's entries as nodes that new ones may replace. */
static void
nodes_from_image(const struct image *im, const struct cpio_entry *v, size_t n)
{
	struct node *nd;
	size_t i;

	for (i = 0; i < n; i++) {
		char *name = name_normalize(v[i].name);

		if (v[i].name[0] == '/' || name == NULL)
			errx(1, "%s: entry %zu \"%s\": cannot be kept: %s", im->path, i,
			    v[i].name, name ? "an absolute name" : "a name with '..'");
		if (*name == '\0') {
			free(name);
			continue;
		}
		nd = node_new(xasprintf("%s entry %zu", im->path, i));
		nd->name = name;
		nd->old = true;
		nd->mode = v[i].mode;
		nd->uid = v[i].uid;
		nd->gid = v[i].gid;
		nd->mtime = v[i].mtime;
		nd->rdevmajor = v[i].rdevmajor;
		nd->rdevminor = v[i].rdevminor;
		nd->src = SRC_MEM;
		hardlink_data(v, n, i, &nd->data, &nd->size);
	}
}

static int
cmd_add(int argc, char **argv)
{
	struct cpio_entry *v;
	struct image im;
	struct stat st;
	size_t n;
	bool crc;
	int dirfd, a;

	image_read(&im, opt.image);
	if (stat(opt.image, &st) == -1)
		err(1, "%s", opt.image);
	v = image_entries(&im, &n, &crc);
	if (opt.magic == NULL)
		opt.magic = crc ? CPIO_MAGIC_CRC : CPIO_MAGIC_NEWC;
	target_note(opt.image);
	nodes_from_image(&im, v, n);
	dirfd = dir_open();
	for (a = 0; a < argc; a++)
		arg_add(dirfd, argv[a]);
	image_write(dirfd, opt.image, st.st_mode & 07777);
	close(dirfd);
	return 0;
}

int
main(int argc, char **argv)
{
	args_parse(argc, argv);
	epoch_read();
	outfile_catch_signals(NULL);
	return modes[opt.mode].run(argc - optind, argv + optind);
}
