/*
 * Unit tests of kernel/fs/part.c on the host: partition tables built in memory, malformed
 * ones first (bad CRCs, entries past the end, overlapping entries, absurd entry counts, a
 * FAT boot sector that only looks like an MBR), then the tables sfdisk and sgdisk write.
 * The disk is a heap array read through the same callback the kernel gives, so the
 * address sanitizer catches a read past the disk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <part.h>
#include <keel/errno.h>
#include "tap.h"

#define SS		512
#define DISK_SECTORS	4096	/* 2 MiB */

static struct {
	uint8_t *bytes;
	uint64_t sectors;
	int fail_at;		/* an LBA whose read fails, or -1 */
} disk;

static int disk_read(void *ctx, uint64_t lba, void *buf)
{
	(void)ctx;
	if ((int64_t)lba == disk.fail_at)
		return -EIO;
	if (lba >= disk.sectors) {
		ok(false, "no read past the disk's end (LBA %llu)", (unsigned long long)lba);
		return -EIO;
	}
	memcpy(buf, disk.bytes + lba * SS, SS);
	return 0;
}

static void disk_new(void)
{
	free(disk.bytes);
	disk.sectors = DISK_SECTORS;
	disk.bytes = calloc(DISK_SECTORS, SS);
	disk.fail_at = -1;
}

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static void mbr_entry(int slot, uint8_t status, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = disk.bytes + 0x1be + slot * 16;

	e[0] = status;
	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, count);
	disk.bytes[510] = 0x55;
	disk.bytes[511] = 0xaa;
}

static int scan(struct part_table *t)
{
	static uint8_t buf[SS];

	return part_scan(disk_read, NULL, disk.sectors, SS, buf, t);
}

/* A GPT as sgdisk writes it: 128 entries of 128 bytes after each header. */
#define NENT	128
#define ESZ	128
#define ARRAY_SECTORS	(NENT * ESZ / SS)

static void gpt_entry(int index, uint64_t first, uint64_t last)
{
	uint8_t *e = disk.bytes + 2 * SS + index * ESZ;

	memset(e, 0x11, 16);		/* any non-zero type GUID */
	memset(e + 16, index + 1, 16);
	put64(e + 32, first);
	put64(e + 40, last);
}

/* Writes the header at lba (its array at array_lba), its CRCs computed as they should be. */
static void gpt_header(uint64_t lba, uint64_t alt, uint64_t array_lba, uint32_t entries)
{
	uint8_t *h = disk.bytes + lba * SS;

	memset(h, 0, SS);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x00010000);
	put32(h + 12, 92);
	put64(h + 24, lba);
	put64(h + 32, alt);
	put64(h + 40, 2 + ARRAY_SECTORS);
	put64(h + 48, disk.sectors - 2 - ARRAY_SECTORS);
	put64(h + 72, array_lba);
	put32(h + 80, entries);
	put32(h + 84, ESZ);
	if (array_lba + ARRAY_SECTORS <= disk.sectors)	/* else the test wants it refused anyway */
		put32(h + 88, part_crc32(disk.bytes + array_lba * SS, (size_t)NENT * ESZ));
	put32(h + 16, part_crc32(h, 92));
}

/* Copies the primary array to the backup's place and writes both headers. */
static void gpt_finish(void)
{
	uint64_t last = disk.sectors - 1, backup_array = last - ARRAY_SECTORS;

	memset(disk.bytes, 0, SS);
	mbr_entry(0, 0, 0xee, 1, (uint32_t)(disk.sectors - 1));
	memcpy(disk.bytes + backup_array * SS, disk.bytes + 2 * SS, ARRAY_SECTORS * SS);
	gpt_header(1, last, 2, NENT);
	gpt_header(last, 1, backup_array, NENT);
}

static void test_no_table(void)
{
	struct part_table t;

	disk_new();
	is_int(scan(&t), 0, "a blank disk scans without error");
	is_int(t.kind, PART_NONE, "a blank disk has no table");
	disk.bytes[0x1be] = 0xeb;	/* a FAT boot sector's code where the entries are */
	disk.bytes[510] = 0x55, disk.bytes[511] = 0xaa;
	scan(&t);
	is_int(t.kind, PART_NONE, "a FAT boot sector (boot flag not 0/0x80) is not an MBR");
	disk.fail_at = 0;
	is_int(scan(&t), -EIO, "a failed read of sector 0 is reported");
	is_int(part_scan(disk_read, NULL, disk.sectors, 8192, NULL, &t), -EINVAL,
	       "a sector size over PART_SECTOR_MAX is refused");
}

static void test_mbr_malformed(void)
{
	struct part_table t;

	disk_new();
	mbr_entry(0, 0, 0x83, 2048, 100000);	/* past the end */
	mbr_entry(1, 0, 0x83, 0, 10);		/* starts on the MBR itself */
	mbr_entry(2, 0x80, 0x83, 100, 1000);
	mbr_entry(3, 0, 0x83, 500, 100);	/* inside entry 3 */
	scan(&t);
	is_int(t.kind, PART_MBR, "an MBR with bad entries is still an MBR");
	is_int(t.count, 1, "entries past the end, at sector 0 and overlapping are dropped");
	is_int(t.entries[0].number, 3, "the good entry keeps its slot number");
	ok(t.note != NULL, "the dropped entries are noted (%s)", t.note ? t.note : "none");
	disk_new();
	mbr_entry(0, 0, 0x83, 4000, 0xffffffff);
	scan(&t);
	is_int(t.count, 0, "a count that wraps past the end is dropped");
	disk_new();
	mbr_entry(0, 0, 0x05, 100, 200);
	scan(&t);
	is_int(t.count, 0, "an extended partition is not registered itself");
}

static void test_mbr_good(void)
{
	struct part_table t;

	disk_new();
	mbr_entry(0, 0x80, 0x0c, 2048, 1024);
	mbr_entry(2, 0, 0x83, 3072, 1024);
	is_int(scan(&t), 0, "a good MBR scans");
	is_int(t.kind, PART_MBR, "it is an MBR");
	is_int(t.count, 2, "it has two partitions");
	ok(t.entries[0].start == 2048 && t.entries[0].sectors == 1024 && t.entries[0].number == 1,
	   "the first is slot 1 at 2048, 1024 sectors");
	ok(t.entries[1].start == 3072 && t.entries[1].number == 3, "the second is slot 3 at 3072");
	ok(t.note == NULL, "nothing is noted");
}

static void test_gpt_malformed(void)
{
	uint64_t last = DISK_SECTORS - 1;
	struct part_table t;

	disk_new();
	gpt_entry(0, 40, 100);
	gpt_finish();
	disk.bytes[SS + 100] ^= 1;		/* damage the primary header's CRC coverage */
	put32(disk.bytes + SS + 16, 0);
	scan(&t);
	is_int(t.kind, PART_GPT, "a bad primary header CRC falls back to the backup");
	is_int(t.count, 1, "the backup's entry is found");
	ok(t.note != NULL, "the fallback is noted");

	disk_new();
	gpt_entry(0, 40, 100);
	gpt_finish();
	disk.bytes[2 * SS + 60] ^= 0xff;	/* primary array damaged: its CRC fails */
	scan(&t);
	is_int(t.kind, PART_GPT, "a bad primary array CRC falls back to the backup");
	ok(t.count == 1 && t.entries[0].start == 40, "with the backup's entry");

	disk_new();
	gpt_entry(0, 40, 100);
	gpt_finish();
	disk.bytes[2 * SS + 60] ^= 0xff;
	disk.bytes[(last - ARRAY_SECTORS) * SS + 60] ^= 0xff;
	scan(&t);
	is_int(t.kind, PART_NONE, "both arrays bad: no table believed");
	is_int(t.count, 0, "and no partitions");

	disk_new();
	gpt_entry(0, 40, 100);
	gpt_finish();
	gpt_header(1, last, 2, 0x10000000);	/* a huge entry count, CRC made right */
	gpt_header(last, 1, last - ARRAY_SECTORS, 0x10000000);
	scan(&t);
	is_int(t.kind, PART_NONE, "a huge entry count is refused, not read");

	disk_new();
	gpt_entry(0, 40, 100);
	gpt_finish();
	gpt_header(1, last, last - 1, NENT);	/* array past the disk's end */
	gpt_header(last, 1, last, NENT);
	scan(&t);
	is_int(t.kind, PART_NONE, "an entry array running past the end is refused");

	disk_new();
	gpt_entry(0, 40, 100);
	gpt_entry(1, 90, 200);			/* overlaps entry 1 */
	gpt_entry(2, 300, DISK_SECTORS + 10);	/* past the last usable LBA */
	gpt_entry(3, 500, 400);			/* ends before it starts */
	gpt_entry(4, 1000, 1999);
	gpt_finish();
	scan(&t);
	is_int(t.kind, PART_GPT, "a GPT with bad entries is a GPT");
	is_int(t.count, 2, "overlapping, out-of-range and reversed entries are dropped");
	ok(t.entries[1].number == 5 && t.entries[1].start == 1000 && t.entries[1].sectors == 1000,
	   "the last good entry is number 5, 1000 sectors at 1000");
	ok(t.note != NULL, "the drops are noted");

	disk_new();
	gpt_entry(0, 40, 100);
	gpt_finish();
	disk.fail_at = 2;
	is_int(scan(&t), -EIO, "a failed read of the entry array is reported");
}

static void test_gpt_good(void)
{
	struct part_table t;

	disk_new();
	gpt_entry(0, 40, 2047);
	gpt_entry(9, 2048, 3000);
	gpt_finish();
	is_int(scan(&t), 0, "a good GPT scans");
	is_int(t.kind, PART_GPT, "it is a GPT");
	is_int(t.count, 2, "with two partitions");
	ok(t.entries[0].number == 1 && t.entries[0].start == 40 && t.entries[0].sectors == 2008,
	   "entry 1: 2008 sectors at 40 (the end LBA is inclusive)");
	ok(t.entries[1].number == 10, "an entry after unused ones keeps its index (10)");
	ok(t.note == NULL, "nothing is noted");
}

int main(void)
{
	is_int((int)part_crc32("123456789", 9), (int)0xcbf43926, "CRC32 of the check string");
	test_no_table();
	test_mbr_malformed();
	test_mbr_good();
	test_gpt_malformed();
	test_gpt_good();
	free(disk.bytes);
	return done_testing();
}
