/*
 * rm: removes files; with -r, directories and everything in them; with -f, says nothing
 * about files that do not exist.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <keel.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct {
	int recursive, force;
} opt;

static int remove_path(const char *path);

/* Empties the directory path. Returns 0 or -1 (after a message). */
static int
remove_contents(const char *path)
{
	char child[KEEL_PATH_MAX + 1];
	struct keel_dirent d;
	int fd, status = 0;

	/*
	 * Removing an entry shifts the ones after it, so the directory is read again from
	 * its start after each removal until it is empty or nothing more can be removed.
	 */
	for (int removed = 1; removed && status == 0; ) {
		removed = 0;
		if ((fd = open(path, O_RDONLY | O_DIRECTORY)) < 0) {
			warn("%s", path);
			return -1;
		}
		while (readdir(fd, &d) > 0) {
			if (strcmp(d.name, ".") == 0 || strcmp(d.name, "..") == 0)
				continue;
			if (snprintf(child, sizeof(child), "%s/%s", path, d.name) >= (int)sizeof(child)) {
				warnx("%s/%s: the path is too long", path, d.name);
				status = -1;
				break;
			}
			status = remove_path(child);
			removed = 1;
			break;
		}
		close(fd);
	}
	return status;
}

/*
 * Removes one path given on the command line or found inside a directory. unlink comes
 * first: it removes a file, or a symlink without following it, and says EISDIR for a
 * directory, so rm -r never walks into the directory a symlink points to.
 */
static int
remove_path(const char *path)
{
	if (unlink(path) == 0 || (opt.force && errno == ENOENT))
		return 0;
	if (errno != EISDIR) {
		warn("%s", path);
		return -1;
	}
	if (!opt.recursive) {
		warnx("%s: is a directory (rm -r removes it)", path);
		return -1;
	}
	if (remove_contents(path) < 0)
		return -1;
	if (rmdir(path) < 0) {
		warn("%s", path);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int status = 0, c;

	while ((c = getopt(argc, argv, "rf")) != -1) {
		switch (c) {
		case 'r': opt.recursive = 1; break;
		case 'f': opt.force = 1; break;
		default: errx(2, "usage: rm [-rf] PATH...");
		}
	}
	if (optind == argc && !opt.force)
		errx(2, "usage: rm [-rf] PATH...");
	for (int i = optind; i < argc; i++)
		if (remove_path(argv[i]) < 0)
			status = 1;
	return status;
}
