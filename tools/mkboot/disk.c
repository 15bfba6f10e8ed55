/*
 * mkboot --disk OUT --size SIZE [--add HOST=PATH]...: a disk image for Keel's /disk (doc/
 * storage.md): a GPT (UEFI 2.10, 5.3) holding one FAT32 partition, made by mformat at the
 * partition's offset and filled by mcopy, so no root, no loop device. With
 * SOURCE_DATE_EPOCH set, the GUIDs, the volume serial and the files' dates come from it,
 * and the same command makes the same bytes.
 */
#include "config.h"
#include "xalloc.h"
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mkboot.h"

#define DISK_SECTOR	512
#define DISK_ALIGN	2048			/* sectors: the partition starts at 1 MiB */
#define GPT_ENTRIES	128
#define GPT_ENTRY_SIZE	128
#define GPT_ARRAY_SECTORS (GPT_ENTRIES * GPT_ENTRY_SIZE / DISK_SECTOR)
#define DISK_MIN	(40ull << 20)		/* FAT32 wants 65525 clusters */
#define DISK_MAX	(2ull << 40)
#define ADD_MAX		256

static struct {
	const char *out;
	uint64_t size;
	const char *add[ADD_MAX];	/* HOST=PATH */
	int adds;
	uint64_t seed;			/* for the GUIDs and the serial */
	bool reproducible;
	time_t epoch;
} disk;

static const enum tool disk_tools[] = { T_MFORMAT, T_MCOPY, T_COUNT };

int
disk_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--disk") == 0 || strncmp(argv[i], "--disk=", 7) == 0)
			return 1;
	return 0;
}

/* "64M", "1G", "1048576": bytes, or a usage error. */
static uint64_t
size_parse(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		errx(2, "size is %s: not a number (see mkboot --help)", s);
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	default: break;
	}
	if (*end != '\0')
		errx(2, "size is %s: give bytes, or a number and K, M or G", s);
	if (v < DISK_MIN || v > DISK_MAX)
		errx(2, "size is %s: FAT32 needs 40M at least; 2G... 2T at most", s);
	return v & ~(uint64_t)(DISK_ALIGN * DISK_SECTOR - 1);	/* whole MiB */
}

static void
args_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "disk",	required_argument,	NULL, 'd' },
		{ "size",	required_argument,	NULL, 's' },
		{ "add",	required_argument,	NULL, 'a' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:s:a:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': disk.out = optarg; break;
		case 's': disk.size = size_parse(optarg); break;
		case 'a':
			if (strchr(optarg, '=') == NULL || optarg[0] == '=')
				errx(2, "--add %s: give HOST=PATH (see mkboot --help)", optarg);
			if (disk.adds == ADD_MAX)
				errx(2, "more than %d --add options", ADD_MAX);
			disk.add[disk.adds++] = optarg;
			break;
		case 'v': opt.verbose = 1; break;
		case ':':
			errx(2, "option %s needs an argument (see mkboot --help)", argv[optind - 1]);
		default:
			errx(2, "option %s does not go with --disk (see mkboot --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		errx(2, "unexpected argument '%s' (see mkboot --help)", argv[optind]);
	if (disk.size == 0)
		errx(2, "give --size SIZE with --disk (see mkboot --help)");
	if (epoch != NULL) {
		char *end;
		errno = 0;
		disk.epoch = (time_t)strtoll(epoch, &end, 10);
		if (errno != 0 || end == epoch || *end != '\0')
			errx(1, "SOURCE_DATE_EPOCH is %s: not a number", epoch);
		disk.reproducible = true;
		disk.seed = (uint64_t)disk.epoch * 0x9E3779B97F4A7C15ull + disk.size;
	} else {
		int fd = open("/dev/urandom", O_RDONLY);
		if (fd == -1 || read(fd, &disk.seed, sizeof(disk.seed)) != sizeof(disk.seed))
			err(1, "/dev/urandom");
		close(fd);
	}
}

/* A splitmix64 step: the GUIDs' and the serial's bits, from the seed. */
static uint64_t
next_random(void)
{
	uint64_t z = (disk.seed += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A version 4 GUID in its on-disk form. */
static void
guid_random(uint8_t *g)
{
	uint64_t a = next_random(), b = next_random();

	memcpy(g, &a, 8);
	memcpy(g + 8, &b, 8);
	g[7] = (uint8_t)((g[7] & 0x0F) | 0x40);
	g[8] = (uint8_t)((g[8] & 0x3F) | 0x80);
}

/* CRC32 as GPT uses it (UEFI 2.10, 5.3.2: the ISO 3309 polynomial, reflected). */
static uint32_t
crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFF;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
	}
	return ~c;
}

static void le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void le32(uint8_t *p, uint32_t v) { le16(p, (uint16_t)v); le16(p + 2, (uint16_t)(v >> 16)); }
static void le64(uint8_t *p, uint64_t v) { le32(p, (uint32_t)v); le32(p + 4, (uint32_t)(v >> 32)); }

static void
pwrite_all(int fd, const void *buf, size_t n, uint64_t off)
{
	if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
		err(1, "%s", scratch.out.tmp);
}

/* One GPT header (UEFI 2.10, 5.3.2) at my_lba, its entries at entries_lba. */
static void
gpt_header(int fd, uint64_t my_lba, uint64_t alt_lba, uint64_t entries_lba, uint64_t first,
	   uint64_t last, const uint8_t *disk_guid, uint32_t array_crc)
{
	uint8_t h[DISK_SECTOR] = { 0 };

	memcpy(h, "EFI PART", 8);
	le32(h + 8, 0x00010000);		/* revision 1.0 */
	le32(h + 12, 92);			/* header size */
	le64(h + 24, my_lba);
	le64(h + 32, alt_lba);
	le64(h + 40, first);
	le64(h + 48, last);
	memcpy(h + 56, disk_guid, 16);
	le64(h + 72, entries_lba);
	le32(h + 80, GPT_ENTRIES);
	le32(h + 84, GPT_ENTRY_SIZE);
	le32(h + 88, array_crc);
	le32(h + 16, crc32(h, 92));
	pwrite_all(fd, h, sizeof(h), my_lba * DISK_SECTOR);
}

/* The protective MBR (UEFI 2.10, 5.2.3), both GPTs, and the partition's place. */
static void
gpt_write(int fd, uint64_t *part_start, uint64_t *part_sectors)
{
	uint64_t total = disk.size / DISK_SECTOR, last = total - 2 - GPT_ARRAY_SECTORS;
	uint64_t start = DISK_ALIGN, end = start + (last + 1 - start) / DISK_ALIGN * DISK_ALIGN - 1;
	static uint8_t array[GPT_ENTRIES * GPT_ENTRY_SIZE];
	/* Microsoft basic data, EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, in its on-disk form. */
	static const uint8_t basic_data[16] = {
		0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44,
		0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7
	};
	static const char name[] = "Keel disk";
	uint8_t mbr[DISK_SECTOR] = { 0 }, disk_guid[16];
	uint32_t crc;

	mbr[446 + 2] = 0x02;			/* CHS 0/0/2: LBA 1 */
	mbr[446 + 4] = 0xEE;
	mbr[446 + 5] = mbr[446 + 6] = mbr[446 + 7] = 0xFF;
	le32(mbr + 446 + 8, 1);
	le32(mbr + 446 + 12, total - 1 > 0xFFFFFFFF ? 0xFFFFFFFF : (uint32_t)(total - 1));
	mbr[510] = 0x55;
	mbr[511] = 0xAA;
	pwrite_all(fd, mbr, sizeof(mbr), 0);

	guid_random(disk_guid);
	memcpy(array, basic_data, 16);
	guid_random(array + 16);
	le64(array + 32, start);
	le64(array + 40, end);
	for (size_t i = 0; name[i]; i++)
		le16(array + 56 + 2 * i, (uint16_t)name[i]);	/* UTF-16LE */
	crc = crc32(array, sizeof(array));
	pwrite_all(fd, array, sizeof(array), 2 * DISK_SECTOR);
	pwrite_all(fd, array, sizeof(array), (last + 1) * DISK_SECTOR);
	gpt_header(fd, 1, total - 1, 2, 34, last, disk_guid, crc);
	gpt_header(fd, total - 1, 1, last + 1, 34, last, disk_guid, crc);
	*part_start = start;
	*part_sectors = end + 1 - start;
}

/* Copies host file src into the staging tree at rel, making its directories. */
static void
stage_copy(const char *src, const char *rel)
{
	char *path = strdup(rel), *slash;
	struct stat st;
	FILE *in;

	if (path == NULL)
		err(1, NULL);
	for (slash = strchr(path, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		char *dir = stage_path(path);
		if (mkdir(dir, 0755) == -1 && errno != EEXIST)
			err(1, "%s", dir);
		free(dir);
		*slash = '/';
	}
	if ((in = fopen(src, "rb")) == NULL || fstat(fileno(in), &st) == -1)
		err(1, "%s", src);
	if (!S_ISREG(st.st_mode))
		errx(1, "%s: not a regular file", src);
	char *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (buf == NULL || fread(buf, 1, (size_t)st.st_size, in) != (size_t)st.st_size)
		err(1, "%s", src);
	fclose(in);
	stage_write(path, buf, (size_t)st.st_size);
	free(buf);
	free(path);
}

int
disk_main(int argc, char **argv)
{
	uint64_t start, sectors;
	char at[64], count[32], serial[16];
	char *fat[4 + ADD_MAX + 4];
	int n = 0;

	args_parse(argc, argv);
	tools_find(disk_tools);
	signals_catch();
	out_begin(disk.out);
	stage_begin();
	if (ftruncate(scratch.out.fd, (off_t)disk.size) == -1)
		err(1, "%s", scratch.out.tmp);
	gpt_write(scratch.out.fd, &start, &sectors);

	snprintf(at, sizeof(at), "%s@@%llu", scratch.out.tmp,
		 (unsigned long long)(start * DISK_SECTOR));
	snprintf(count, sizeof(count), "%llu", (unsigned long long)sectors);
	snprintf(serial, sizeof(serial), "%08x", (unsigned)(next_random() & 0xFFFFFFFF));
	char *mformat[] = {
		toolpath[T_MFORMAT], "-i", at, "-F", "-T", count, "-h", "64", "-s", "32",
		"-H", "2048", "-N", serial, "-v", "KEEL", "::", NULL
	};
	run(mformat);

	if (disk.adds > 0) {
		/* Each file goes to the staging tree under "disk/", then one mcopy -s takes it all. */
		stage_mkdir("disk");
		fat[n++] = toolpath[T_MCOPY];
		fat[n++] = "-i";
		fat[n++] = at;
		fat[n++] = "-s";
		fat[n++] = "-Q";
		fat[n++] = "-m";
		for (int i = 0; i < disk.adds; i++) {
			const char *eq = strchr(disk.add[i], '=');
			char *host = strndup(disk.add[i], (size_t)(eq - disk.add[i]));
			const char *dest = eq + 1;
			while (*dest == '/')
				dest++;
			if (*dest == '\0' || host == NULL)
				errx(2, "--add %s: give HOST=PATH", disk.add[i]);
			char *rel = xasprintf("disk/%s", dest);
			stage_copy(host, rel);
			/* The top of what was added, once each, for mcopy. */
			char *top = strdup(rel), *slash = strchr(top + 5, '/');
			if (slash)
				*slash = '\0';
			char *staged = stage_path(top);
			bool seen = false;
			for (int k = 6; k < n; k++)
				seen |= strcmp(fat[k], staged) == 0;
			if (!seen)
				fat[n++] = staged;
			/* The file and the directories above it dated SOURCE_DATE_EPOCH (mcopy -m). */
			for (char *end = rel + strlen(rel); disk.reproducible && end > rel + 4;) {
				char *file = stage_path(rel);
				struct timespec ts[2] = { { disk.epoch, 0 }, { disk.epoch, 0 } };
				if (utimensat(AT_FDCWD, file, ts, 0) == -1)
					err(1, "%s", file);
				free(file);
				while (end > rel + 4 && *--end != '/')
					;
				*end = '\0';
			}
			free(top);
			free(rel);
			free(host);
		}
		fat[n++] = "::/";
		fat[n] = NULL;
		run(fat);
	}
	out_commit(disk.out);
	scratch_clean();
	return 0;
}
