/*
 * Partition tables (fs/part.c): GPT (UEFI 2.10, 5.3) and MBR (the primary entries) read
 * from a disk's first sectors through a callback, so that host unit tests can feed it
 * malformed tables from memory. Pure code: no allocation, no device.
 */
#ifndef KEEL_PART_H
#define KEEL_PART_H

#include <stddef.h>
#include <stdint.h>

#define PART_MAX		16	/* partitions registered per disk */
#define PART_GPT_ENTRIES_MAX	128	/* entries read from a GPT array, as Linux and sgdisk make */
#define PART_SECTOR_MAX		4096	/* the largest sector size read */

enum part_kind { PART_NONE, PART_MBR, PART_GPT };

struct part_entry {
	uint64_t start;		/* first sector */
	uint64_t sectors;
	uint32_t number;	/* 1-based: the slot in the table, as Linux numbers vda1 */
};

struct part_table {
	enum part_kind kind;
	int count;
	struct part_entry entries[PART_MAX];
	const char *note;	/* a problem met, for the boot log ("primary GPT damaged"), or NULL */
};

/* Reads one sector at lba into buf (sector_size bytes). Returns 0 or a negative errno. */
typedef int (*part_read_fn)(void *ctx, uint64_t lba, void *buf);

/*
 * Reads the partition table of a disk of sectors sectors of sector_size bytes into *t.
 * GPT is tried when the MBR is protective (type 0xEE); its header and entry-array CRC32s
 * are checked, and the backup at the disk's end is used when the primary is bad.
 * Entries outside the usable area or overlapping an earlier one are dropped (noted).
 * buf is scratch space of one sector. Returns 0 (t->kind PART_NONE when there is no
 * table), -EINVAL for a sector size over PART_SECTOR_MAX, or the read's error.
 */
int part_scan(part_read_fn read, void *ctx, uint64_t sectors, uint32_t sector_size,
	      void *buf, struct part_table *t);

/* The CRC32 of IEEE 802.3 (reflected, poly 0xEDB88320) that GPT uses (UEFI 2.10, 5.3.2). */
uint32_t part_crc32(const void *buf, size_t len);

#endif
