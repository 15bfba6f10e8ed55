/*
 * cp: copies SOURCE to DEST, or each SOURCE into the directory DIRECTORY, as GNU cp does;
 * -r copies directories with what they hold. A new file gets its source's mode less
 * what a umask of 022 takes away; a file that exists keeps its own. Symbolic links are
 * followed. Messages and the status (1 when anything failed) are GNU's.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <keel.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fileutil.h>

static bool recursive;

static int copy_any(const char *from, const char *to);

/*
 * Whether two stats are of one file. Keel's stat has no device number, so the inode
 * alone could match files of two file systems; those would differ in something else.
 */
static bool
same_file(const struct keel_stat *a, const struct keel_stat *b)
{
	return a->ino == b->ino && a->mode == b->mode && a->size == b->size &&
	       a->mtime == b->mtime && a->nlink == b->nlink && a->uid == b->uid;
}

/* Copies the directory from (whose stat is st) to to, making to when it is missing. */
static int
copy_tree(const char *from, const char *to, const struct keel_stat *st)
{
	size_t n = strlen(from);
	struct keel_dirent d;
	int fd, status = 0;

	if (strncmp(to, from, n) == 0 && to[n] == '/') {
		warnx("cannot copy a directory, '%s', into itself, '%s'", from, to);
		return -1;
	}
	if (!is_directory(to) && mkdir(to, st->mode & KEEL_S_PERM & ~FILEUTIL_UMASK) < 0) {
		warn("cannot create directory '%s'", to);
		return -1;
	}
	if ((fd = open(from, O_RDONLY | O_DIRECTORY)) < 0) {
		warn("cannot access '%s'", from);
		return -1;
	}
	/* From the heap: a tree as deep as the descriptors allow would not fit the stack. */
	char *src = malloc(2 * (KEEL_PATH_MAX + 1)), *dst = src + KEEL_PATH_MAX + 1;
	if (!src) {
		warn("%s", from);
		close(fd);
		return -1;
	}
	while (readdir(fd, &d) > 0) {
		if (strcmp(d.name, ".") == 0 || strcmp(d.name, "..") == 0)
			continue;
		if (path_join(src, KEEL_PATH_MAX + 1, from, d.name) < 0 ||
		    path_join(dst, KEEL_PATH_MAX + 1, to, d.name) < 0) {
			warn("%s/%s", to, d.name);
			status = -1;
			continue;
		}
		if (copy_any(src, dst) < 0)
			status = -1;
	}
	free(src);
	close(fd);
	return status;
}

static int
copy_any(const char *from, const char *to)
{
	struct keel_stat st, tst;
	bool exists;

	if (stat(from, &st) < 0) {
		warn("cannot stat '%s'", from);
		return -1;
	}
	if (S_ISDIR(st.mode)) {
		if (!recursive) {
			warnx("-r not specified; omitting directory '%s'", from);
			return -1;
		}
		return copy_tree(from, to, &st);
	}
	exists = stat(to, &tst) == 0;
	if (exists && same_file(&st, &tst)) {
		warnx("'%s' and '%s' are the same file", from, to);
		return -1;
	}
	if (exists && S_ISDIR(tst.mode)) {
		warnx("cannot overwrite directory '%s' with non-directory", to);
		return -1;
	}
	return copy_file(from, to, st.mode & KEEL_S_PERM & ~FILEUTIL_UMASK);
}

int
main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "rR")) != -1) {
		if (c != 'r' && c != 'R') {
			fprintf(stderr, "usage: cp [-r] SOURCE DEST | cp [-r] SOURCE... DIRECTORY\n");
			return 2;
		}
		recursive = true;
	}
	return for_each_operand(argc - optind, argv + optind, copy_any);
}
