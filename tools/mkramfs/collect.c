/*
 * mkramfs: collects the entries of the image to be written, from files on disk (PATH, and
 * FILE=DEST), from the list files (listfile.c) and, for --add, from the image itself. Each
 * is stored under a normalized name; nodes_complete then sorts them, lets new entries
 * replace old ones, and gives every directory that a name passes through an entry of its
 * own, so that the image is the same however its inputs were given.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkramfs.h"

#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMPLIED_MODE	(CPIO_MODE_DIR | 0755)	/* of directories no input names */

struct nodelist nodes;

/* The file the output will replace, if any: it must not be read as an input. */
static struct {
	bool exists;
	dev_t dev;
	ino_t ino;
} replaced;

/* ---- Names ---- */

/*
 * Returns the name under which a path is stored: relative, without "." components, empty
 * components or a trailing slash ("./a//b/" is "a/b", "/" and "." are ""). Returns NULL
 * when the path has a ".." component, which no stored name may have.
 */
char *
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

/* Orders an array of strings, for qsort() and bsearch(). */
int
strptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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

/* Returns a new, zeroed entry at the end of nodes; origin names what gave it. */
struct node *
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
uint32_t
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
uint32_t
mtime_default(void)
{
	return opt.epoch_set ? opt.epoch : 0;
}

/* Records which file the image will replace, so that it is not read as an input. */
void
target_note(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0) {
		replaced.exists = true;
		replaced.dev = st.st_dev;
		replaced.ino = st.st_ino;
	}
}

/* Refuses to read the image being written as one of its own inputs. */
void
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
void
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

/* Takes the image's entries as nodes that new ones may replace. */
void
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
void
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
