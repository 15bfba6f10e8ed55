/* mkdir: makes directories; with -p, also their missing parents, and no error if one exists. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#define MKDIR_MODE	0755

/* Makes path and every missing directory above it. Returns 0 or -1 with errno set. */
static int
make_parents(const char *path)
{
	char buf[KEEL_PATH_MAX + 1];
	struct keel_stat st;

	if (path[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char end = *p;

		*p = '\0';
		if (mkdir(buf, MKDIR_MODE) < 0) {
			int why = errno;

			/* What exists already is fine if it is a directory, whatever mkdir said. */
			if (stat(buf, &st) < 0 || !S_ISDIR(st.mode)) {
				errno = why == EEXIST ? ENOTDIR : why;
				return -1;
			}
		}
		if ((*p = end) == '\0')
			return 0;
	}
}

int
main(int argc, char **argv)
{
	int parents = 0, status = 0, c;

	while ((c = getopt(argc, argv, "p")) != -1) {
		if (c != 'p')
			errx(2, "usage: mkdir [-p] DIR...");
		parents = 1;
	}
	if (optind == argc)
		errx(2, "usage: mkdir [-p] DIR...");
	for (int i = optind; i < argc; i++) {
		if ((parents ? make_parents(argv[i]) : mkdir(argv[i], MKDIR_MODE)) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
