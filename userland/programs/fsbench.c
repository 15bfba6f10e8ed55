/*
 * fsbench DIR [N]: small-file figures of a file system (bench/storage.sh): creates N
 * files of 64 bytes in DIR (made if absent; N is 1000 by default), lists DIR, syncs,
 * and removes them, printing one "name value unit" line per step. The clock is
 * uptime_ms, so short steps are coarse.
 */
#include <err.h>
#include <fcntl.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void
figure(const char *name, unsigned long count, uint64_t ms, const char *unit)
{
	printf("%s %lu %s\n", name, ms ? count * 1000 / ms : count * 1000, unit);
}

int
main(int argc, char **argv)
{
	static const char data[64] = "small file for fsbench, sixty-four bytes long, padded....\n";
	struct keel_dirent d;
	char path[256];
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000, listed = 0;
	uint64_t t;
	int fd;

	if (argc < 2 || n == 0) {
		fprintf(stderr, "usage: fsbench DIR [N]\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	t = uptime_ms();
	for (unsigned long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/small file %lu.txt", argv[1], i);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
		    write(fd, data, sizeof(data)) != sizeof(data) || close(fd) < 0)
			err(1, "%s", path);
	}
	figure("create", n, uptime_ms() - t, "files/s");
	t = uptime_ms();
	if ((fd = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0)
		err(1, "%s", argv[1]);
	while (readdir(fd, &d) == 1)
		listed++;
	close(fd);
	figure("list", listed, uptime_ms() - t, "entries/s");
	t = uptime_ms();
	if (sync() < 0)
		err(1, "sync");
	printf("sync %lu ms\n", (unsigned long)(uptime_ms() - t));
	t = uptime_ms();
	for (unsigned long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/small file %lu.txt", argv[1], i);
		if (unlink(path) < 0)
			err(1, "%s", path);
	}
	figure("remove", n, uptime_ms() - t, "files/s");
	return listed == n ? 0 : 1;
}
