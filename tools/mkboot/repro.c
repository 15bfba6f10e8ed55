/*
 * mkboot: byte-reproducible images when SOURCE_DATE_EPOCH is set (the convention of
 * reproducible-builds.org, "SOURCE_DATE_EPOCH" specification): two runs over the same
 * inputs with the same SOURCE_DATE_EPOCH write the same bytes. What would differ, and how
 * each is pinned down:
 *
 * - xorriso (1.5.x) and mtools (4.0.32 and later) read SOURCE_DATE_EPOCH themselves for
 *   the ISO's volume dates, the GPT's disk GUID and the dates of FAT entries.
 * - grub-mkrescue (2.06) does not: it names the ISO by the current time (the volume's
 *   modification date, "YYYY-MM-DD-hh-mm-ss-00", which is also the UUID that the
 *   configuration built into its core images searches for) and passes that date to
 *   xorriso. It runs with libfaketime preloaded, frozen at SOURCE_DATE_EPOCH, so that its
 *   "now" is that moment; xorriso is told to date every file then too, since the files
 *   grub-mkrescue copies are dated by the file system, which libfaketime leaves alone.
 * - grub-mkstandalone dates the files of the memdisk tar it puts into BOOTX64.EFI by the
 *   file system too: mkboot rewrites those dates in the ustar headers afterwards.
 * - The ESP's FAT volume serial, random otherwise, is a hash of what the image holds.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkboot.h"

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Where distributions install libfaketime (Debian's multiarch path first). */
static const char *const faketime_paths[] = {
	"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
	"/usr/lib64/faketime/libfaketime.so.1",
	"/usr/lib/faketime/libfaketime.so.1",
	"/usr/local/lib/faketime/libfaketime.so.1",
	NULL
};

/* POSIX.1-2008 "ustar Interchange Format": the fields of a 512-byte header used here. */
#define USTAR_BLOCK	512
#define USTAR_MTIME	136	/* 12 bytes, octal */
#define USTAR_CHKSUM	148	/* 8 bytes, octal: the sum of the header's bytes, this
				   field counted as eight spaces */
#define USTAR_MAGIC	257	/* "ustar\0" (POSIX) or "ustar " (GNU) */

/*
 * Returns SOURCE_DATE_EPOCH in seconds, or -1 when it is unset or empty. A value that is
 * not a decimal number of seconds is an error (exit 2), as the specification asks: a
 * build that silently ignored it would not be the reproducible one that was asked for.
 */
long long
repro_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	/* Year 9999 at most: what the ISO's and FAT's date fields can hold anyway. */
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > 253402300799ULL)
		errx(2, "SOURCE_DATE_EPOCH is '%s': not a number of seconds since 1970", s);
	return (long long)v;
}

/* Returns the path of libfaketime, or exits naming its package. */
static const char *
faketime_find(void)
{
	const char *env = getenv("MKBOOT_LIBFAKETIME");
	int i;

	if (env != NULL && *env != '\0') {
		if (access(env, R_OK) != 0)
			err(1, "MKBOOT_LIBFAKETIME: %s", env);
		return env;
	}
	for (i = 0; faketime_paths[i] != NULL; i++)
		if (access(faketime_paths[i], R_OK) == 0)
			return faketime_paths[i];
	errx(1, "SOURCE_DATE_EPOCH is set, and a reproducible ISO needs libfaketime for "
	    "grub-mkrescue: not found (Debian package: libfaketime)");
}

/*
 * Sets the environment that mkboot's helpers inherit so that grub-mkrescue's clock reads
 * epoch: libfaketime preloaded, its clock frozen there in UTC (monotonic clocks left
 * alone, so that waiting still works, and file dates left alone, as they are set anyway).
 */
void
repro_iso_env(long long epoch)
{
	const char *lib = faketime_find(), *pre = getenv("LD_PRELOAD");
	time_t t = (time_t)epoch;
	char when[64], *preload;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		errx(2, "SOURCE_DATE_EPOCH is %lld: out of range", epoch);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	preload = pre != NULL && *pre != '\0' ? xasprintf("%s:%s", lib, pre) : xstrdup(lib);
	if (setenv("LD_PRELOAD", preload, 1) == -1 || setenv("FAKETIME", when, 1) == -1 ||
	    setenv("TZ", "UTC0", 1) == -1 || setenv("DONT_FAKE_MONOTONIC", "1", 1) == -1 ||
	    setenv("NO_FAKE_STAT", "1", 1) == -1)
		err(1, NULL);
	free(preload);
}

/* Returns the value of an octal header field of len bytes, or -1 if it is not one. */
static long long
octal_field(const unsigned char *p, size_t len)
{
	long long v = 0;
	size_t i = 0;

	while (i < len && p[i] == ' ')
		i++;
	if (i == len || p[i] < '0' || p[i] > '7')
		return -1;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (p[i] - '0');
	for (; i < len; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	return v;
}

/* Returns the checksum of a ustar header as the format defines it. */
static long long
ustar_sum(const unsigned char *h)
{
	long long sum = 0;
	int i;

	for (i = 0; i < USTAR_BLOCK; i++)
		sum += i >= USTAR_CHKSUM && i < USTAR_CHKSUM + 8 ? ' ' : h[i];
	return sum;
}

/*
 * Sets the date of every file of the ustar archives embedded in the file at path (GRUB's
 * memdisk in a standalone image) to epoch, keeping each header's checksum right. A header
 * is recognised by its magic and a checksum that matches, so other bytes of the file that
 * happen to spell "ustar" are left as they are. Returns the number of headers changed.
 */
int
repro_tar_dates(const char *path, long long epoch)
{
	unsigned char *data, *h, *p;
	struct stat st;
	size_t off, size;
	int n = 0, fd;
	ssize_t w;

	if ((fd = open(path, O_RDWR)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", path);
	size = (size_t)st.st_size;
	data = xmalloc(size);
	for (off = 0; off < size; off += (size_t)w)
		if ((w = pread(fd, data + off, size - off, (off_t)off)) <= 0)
			err(1, "%s", path);
	for (off = USTAR_MAGIC; off + USTAR_BLOCK - USTAR_MAGIC <= size; off++) {
		p = memmem(data + off, size - off, "ustar", 5);
		if (p == NULL)
			break;
		off = (size_t)(p - data);
		if (off - USTAR_MAGIC + USTAR_BLOCK > size ||
		    (p[5] != '\0' && p[5] != ' '))
			continue;
		h = p - USTAR_MAGIC;
		if (octal_field(h + USTAR_CHKSUM, 8) != ustar_sum(h))
			continue;
		snprintf((char *)h + USTAR_MTIME, 12, "%011llo", (unsigned long long)epoch);
		/* Six digits, a NUL and a space: what tar and GRUB's mkstandalone write. */
		snprintf((char *)h + USTAR_CHKSUM, 8, "%06o", (unsigned)(ustar_sum(h) & 0777777)); /* at most 512 x 255 */
		h[USTAR_CHKSUM + 7] = ' ';
		n++;
	}
	for (off = 0; off < size; off += (size_t)w)
		if ((w = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			err(1, "%s", path);
	if (close(fd) == -1)
		err(1, "%s", path);
	free(data);
	return n;
}

/* FNV-1a, 32 bits (Fowler, Noll, Vo): a hash that needs no table and no library. */
static uint32_t
fnv1a(uint32_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/*
 * Returns the ESP's volume serial when SOURCE_DATE_EPOCH is set: a hash of the kernel, the
 * ramfs, the command line and the epoch, so that the same inputs give the same serial and
 * two different Keel disks (which GRUB tells apart by it) almost surely differ.
 */
uint32_t
repro_serial(const struct blob *kernel, const struct blob *ramfs, long long epoch)
{
	const char *cmdline = opt.cmdline != NULL ? opt.cmdline : "";
	uint32_t h = 2166136261u;
	char e[32];

	h = fnv1a(h, kernel->data, kernel->size);
	if (ramfs->data != NULL)
		h = fnv1a(h, ramfs->data, ramfs->size);
	h = fnv1a(h, cmdline, strlen(cmdline) + 1);
	snprintf(e, sizeof(e), "%lld", epoch);
	return fnv1a(h, e, strlen(e));
}
