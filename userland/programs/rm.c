/*
 * rm: removes files; with -r, directories and everything in them; with -f, says nothing
 * about files that do not exist. As GNU rm does, -r refuses to work on "/" (or any
 * path to it) unless --no-preserve-root is given.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <keel.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	int recursive, force, no_preserve_root;
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
 * The path rm -r is working in, grown by a name on the way down and cut back on the way
 * up: one buffer for the whole walk, since a tree may be deeper than the stack holds
 * paths of KEEL_PATH_MAX.
 */
static char tree[KEEL_PATH_MAX + 1];

/*
 * Empties the directory path: removes its first entry until there is none (removing an
 * entry shifts the others, so the first is always the next). Returns 0 or -1.
 */
static int
remove_contents(const char *path)
{
	static char name[KEEL_NAME_MAX + 1];	/* used before each descent only */
	size_t len = strlen(path);
	int r;

	if (path != tree) {
		if (len > KEEL_PATH_MAX) {
			warnx("%s: the path is too long", path);
			return -1;
		}
		memcpy(tree, path, len + 1);
	}
	while ((r = first_entry(tree, name, sizeof(name))) > 0) {
		if (len + 1 + strlen(name) > KEEL_PATH_MAX) {
			warnx("%s/%s: the path is too long", tree, name);
			return -1;
		}
		tree[len] = '/';
		memcpy(tree + len + 1, name, strlen(name) + 1);
		r = remove_path(tree);
		tree[len] = '\0';
		if (r < 0)
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

/* Whether path names the root directory, however it is spelt ("//", "/tmp/.."). */
static int
is_root(const char *path)
{
	struct keel_stat st, root;

	return stat(path, &st) == 0 && stat("/", &root) == 0 && KEEL_S_ISDIR(st.mode) &&
	       st.ino == root.ino && st.mode == root.mode && st.uid == root.uid;
}

/*
 * Takes the long options (getopt has short ones only) out of argv, up to a "--":
 * --no-preserve-root and --preserve-root (the default). Returns the new argc.
 */
static int
long_options(int argc, char **argv)
{
	int n = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--no-preserve-root") == 0)
			opt.no_preserve_root = 1;
		else if (strcmp(argv[i], "--preserve-root") == 0)
			opt.no_preserve_root = 0;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int
main(int argc, char **argv)
{
	int status = 0, c;

	argc = long_options(argc, argv);
	while ((c = getopt(argc, argv, "rf")) != -1) {
		switch (c) {
		case 'r': opt.recursive = 1; break;
		case 'f': opt.force = 1; break;
		default: errx(2, "usage: rm [-rf] [--no-preserve-root] PATH...");
		}
	}
	if (optind == argc && !opt.force)
		errx(2, "usage: rm [-rf] [--no-preserve-root] PATH...");
	for (int i = optind; i < argc; i++) {
		/* GNU rm's words, so that people and scripts recognise them. */
		if (opt.recursive && !opt.no_preserve_root && is_root(argv[i])) {
			if (strcmp(argv[i], "/") == 0)
				warnx("it is dangerous to operate recursively on '/'");
			else
				warnx("it is dangerous to operate recursively on '%s' (same as '/')",
				      argv[i]);
			warnx("use --no-preserve-root to override this failsafe");
			status = 1;
			continue;
		}
		if (remove_path(argv[i]) < 0)
			status = 1;
	}
	return status;
}
