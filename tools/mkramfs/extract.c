/*
 * mkramfs: --extract, which writes an image's entries into a directory. The image may come
 * from anyone, so this is where mkramfs must be careful: every name is checked before
 * anything is written (no absolute name, no "..", nothing below an entry that the image
 * makes a symlink), and every file is opened relative to its parent directory with
 * O_NOFOLLOW, so that no symlink, in the image or already on disk, leads a write outside.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkramfs.h"

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Writes all n bytes to fd, or exits naming path. */
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

/*
 * Gives an extracted file its owner (as root only), mode and mtime. The setuid and setgid
 * bits are dropped unless --preserve-permissions asks for them, even for root (GNU tar
 * keeps them for root): an image made elsewhere must not make setuid programs here.
 */
static void
attrs_set(int dirfd, const char *base, const char *name, const struct cpio_entry *e,
    bool symlink)
{
	struct timespec ts[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
	uint32_t perm = e->mode & CPIO_MODE_PERM;

	if (!opt.preserve_perms)
		perm &= ~(uint32_t)06000;

	if (geteuid() == 0 && fchownat(dirfd, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) == -1)
		err(1, "%s", name);
	if (!symlink && fchmodat(dirfd, base, perm, 0) == -1)
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

/*
 * --extract: writes every entry of the image below DIR (or the current directory), then
 * gives the directories their modes and mtimes, deepest first. Returns 1 if an entry of a
 * kind the ramfs does not keep was skipped.
 */
int
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
