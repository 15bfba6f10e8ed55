/*
 * umount DIR...: takes the file system mounted at each DIR off after writing back what it
 * holds (doc/storage.md). Root only; fails with "Device or resource busy" while a file
 * there is open or a process works in it. Exits 0, or 1 when any failed.
 */
#include <err.h>
#include <keel.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: umount DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (umount(argv[i]) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	return status;
}
