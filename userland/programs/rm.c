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

/*
 * Reads the first entry of the directory path other than . and .. into name. Returns 1,
 * 0 when there is none, or -1 (after a message). The directory is closed again, so a
 * walk down a deep tree holds no descriptor per level.
 */
static int
first_entry(const char *path, char *name, size_t size)
{
	struct keel_dirent d;
	int fd, found = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY)) < 0) {
		warn("%s", path);
		return -1;
	}
	while (readdir(fd, &d) > 0)
		if (strcmp(d.name, ".") != 0 && strcmp(d.name, "..") != 0) {
			strlcpy(name, d.name, size);
			found = 1;
			break;
		}
	close(fd);
	return found;
}

/*
 * Empties the directory path: removes its first entry until there is none (removing an
 * entry shifts the others, so the first is always the next). Returns 0 or -1.
 */
static int
remove_contents(const char *path)
{
	char child[KEEL_PATH_MAX + 1], name[KEEL_NAME_MAX + 1];
	int r;

	while ((r = first_entry(path, name, sizeof(name))) > 0) {
		if (snprintf(child, sizeof(child), "%s/%s", path, name) >= (int)sizeof(child)) {
			warnx("%s/%s: the path is too long", path, name);
			return -1;
		}
		if (remove_path(child) < 0)
			return -1;
	}
	return r;
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
