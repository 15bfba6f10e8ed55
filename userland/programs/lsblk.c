/*
 * lsblk: lists the block devices, as util-linux lsblk does in short: NAME, SIZE and TYPE
 * (disk, or part for a partition) for each block node under /dev, with the sizes in
 * powers of 1024 (-b: in bytes). A partition is a device whose name is its disk's
 * followed by its number ("vda1"; "nvme0n1p1" after a name ending in a digit), which is
 * how the kernel names them (doc/storage.md).
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

#define LSBLK_MAX	64

static struct {
	char names[LSBLK_MAX][KEEL_NAME_MAX + 1];
	int count;
	bool bytes;
} ls;

/* Whether name is a partition of disk: disk, then 'p' when disk ends in a digit, then digits. */
static bool
is_part_of(const char *name, const char *disk)
{
	size_t n = strlen(disk);

	if (strncmp(name, disk, n) != 0 || name[n] == '\0')
		return false;
	name += n;
	if (disk[n - 1] >= '0' && disk[n - 1] <= '9' && *name++ != 'p')
		return false;
	if (*name == '\0')
		return false;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

static bool
is_part(const char *name)
{
	for (int i = 0; i < ls.count; i++)
		if (is_part_of(name, ls.names[i]))
			return true;
	return false;
}

/* The size as lsblk shows it: the largest unit it is at least one of, one decimal if needed. */
static void
size_text(char *out, size_t len, uint64_t bytes)
{
	static const char units[] = "BKMGTP";
	uint64_t scale = 1;
	int u = 0;

	if (ls.bytes) {
		snprintf(out, len, "%lu", (unsigned long)bytes);
		return;
	}
	while (u < 5 && bytes >= scale * 1024)
		scale *= 1024, u++;
	uint64_t tenths = (bytes * 10 + scale / 2) / scale;
	if (tenths % 10 == 0)
		snprintf(out, len, "%lu%c", (unsigned long)(tenths / 10), units[u]);
	else
		snprintf(out, len, "%lu.%lu%c", (unsigned long)(tenths / 10),
			 (unsigned long)(tenths % 10), units[u]);
}

static void
collect(void)
{
	struct keel_dirent d;
	int fd = open("/dev", O_RDONLY | O_DIRECTORY, 0);

	if (fd < 0)
		err(1, "/dev");
	while (readdir(fd, &d) > 0 && ls.count < LSBLK_MAX)
		if (S_ISBLK(d.mode))
			memcpy(ls.names[ls.count++], d.name, sizeof(ls.names[0]));
	close(fd);
}

int
main(int argc, char **argv)
{
	char path[KEEL_NAME_MAX + 6], size[24];
	struct keel_stat st;
	int c;

	while ((c = getopt(argc, argv, "bh")) != -1) {
		switch (c) {
		case 'b': ls.bytes = true; break;
		case 'h': printf("usage: lsblk [-b]\n"); return 0;
		default: fprintf(stderr, "usage: lsblk [-b]\n"); return 2;
		}
	}
	collect();
	printf("%-12s %10s TYPE\n", "NAME", "SIZE");
	for (int i = 0; i < ls.count; i++) {
		snprintf(path, sizeof(path), "/dev/%s", ls.names[i]);
		if (stat(path, &st) < 0) {
			warn("%s", path);
			continue;
		}
		size_text(size, sizeof(size), st.size);
		printf("%-12s %10s %s\n", ls.names[i], size, is_part(ls.names[i]) ? "part" : "disk");
	}
	return 0;
}
