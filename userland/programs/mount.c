/*
 * mount: lists the mounted file systems ("DEV on DIR type TYPE (OPTS)", as Linux's mount
 * prints them), or mounts one: mount [-t TYPE] [-o OPTS] DEV DIR. Root only for the
 * latter (doc/storage.md). Exits 0, 1 on failure, 2 on a usage error.
 */
#include <err.h>
#include <getopt.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>

static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: mount [-t TYPE] [-o uid=N,gid=N] [DEVICE DIR]\n");
	exit(code);
}

static int
list(void)
{
	struct keel_mountinfo m;
	int r;

	for (int i = 0; (r = mountinfo(i, &m)) == 1; i++)
		printf("%s on %s type %s (%s)\n", m.dev, m.dir, m.fstype, m.opts[0] ? m.opts : "rw");
	if (r < 0)
		err(1, "mountinfo");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *type = NULL, *opts = NULL;
	int c;

	while ((c = getopt(argc, argv, "t:o:h")) != -1) {
		switch (c) {
		case 't': type = optarg; break;
		case 'o': opts = optarg; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind == argc)
		return list();
	if (argc - optind != 2)
		usage(stderr, 2);
	if (mount(argv[optind], argv[optind + 1], type, opts) < 0)
		err(1, "%s on %s", argv[optind], argv[optind + 1]);
	return 0;
}
