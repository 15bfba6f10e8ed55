/*
 * mv: renames SOURCE to DEST, or moves each SOURCE into the directory DIRECTORY, as GNU
 * mv does. Between file systems (rename's EXDEV) a regular file is copied and the
 * original removed; a directory cannot move there. The status is 1 when anything failed.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <keel.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fileutil.h>

static int
move(const char *from, const char *to)
{
	struct keel_stat st;

	if (stat(from, &st) < 0) {
		warn("cannot stat '%s'", from);
		return -1;
	}
	if (rename(from, to) == 0)
		return 0;
	if (errno != EXDEV || !S_ISREG(st.mode)) {
		warn("cannot move '%s' to '%s'", from, to);
		return -1;
	}
	if (copy_file(from, to, st.mode & KEEL_S_PERM) < 0)
		return -1;
	if (unlink(from) < 0) {
		warn("cannot remove '%s'", from);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "")) != -1) {
		fprintf(stderr, "usage: mv SOURCE DEST | mv SOURCE... DIRECTORY\n");
		return 2;
	}
	return for_each_operand(argc - optind, argv + optind, move);
}
