/*
 * Partition tables: the MBR's four primary entries and GPT, checked as the UEFI
 * specification asks (2.10, 5.3.2: "GPT Header" validation) before anything in them is
 * believed, since a disk is data from outside. Field names follow the specification.
 */
#include "lib.h"
#include "part.h"
#include <keel/errno.h>

/* UEFI 2.10, 5.2.1, Table 5.1: the legacy MBR. */
#define MBR_ENTRIES		0x1be
#define MBR_ENTRY_SIZE		16
#define MBR_SIGNATURE		0x1fe
#define MBR_TYPE_EMPTY		0x00
#define MBR_TYPE_PROTECTIVE	0xee	/* 5.2.3: the disk holds a GPT */

/* UEFI 2.10, 5.3.2, Table 5.5: the GPT header. */
#define GPT_SIGNATURE		"EFI PART"
#define GPT_HEADER_MIN		92
#define GPT_HDR_SIZE		12
#define GPT_HDR_CRC		16
#define GPT_MY_LBA		24
#define GPT_FIRST_USABLE	40
#define GPT_LAST_USABLE		48
#define GPT_ENTRIES_LBA		72
#define GPT_ENTRIES_COUNT	80
#define GPT_ENTRY_SIZE		84
#define GPT_ENTRIES_CRC		88
/* 5.3.3, Table 5.6: a partition entry. An all-zero type GUID marks an unused one. */
#define GPT_ENTRY_MIN		128
#define GPT_E_START		32
#define GPT_E_END		40	/* inclusive */
#define GPT_ARRAY_MAX		(1u << 20)	/* bytes of entries believed; sgdisk writes 16 KiB */

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return crc;
}

uint32_t part_crc32(const void *buf, size_t len)
{
	return ~crc32_update(~0u, buf, len);
}

/*
 * Adds [start, start + sectors) as partition number unless it overlaps one kept already
 * or the table is full; the first of two overlapping entries wins, as Linux keeps both
 * but a writer to either would corrupt the other.
 */
static void add_entry(struct part_table *t, uint64_t start, uint64_t sectors, uint32_t number)
{
	for (int i = 0; i < t->count; i++) {
		const struct part_entry *e = &t->entries[i];
		if (start < e->start + e->sectors && e->start < start + sectors) {
			t->note = "overlapping partitions dropped";
			return;
		}
	}
	if (t->count == PART_MAX) {
		t->note = "partitions beyond the first 16 ignored";
		return;
	}
	t->entries[t->count++] = (struct part_entry){ start, sectors, number };
}

/* UEFI 2.10, 5.2.1: the four primary entries of a legacy MBR. 1 when it is protective. */
static int mbr_parse(const uint8_t *s, uint64_t sectors, struct part_table *t)
{
	const uint8_t *e;

	for (int i = 0; i < 4; i++) {
		e = s + MBR_ENTRIES + i * MBR_ENTRY_SIZE;
		if (e[4] == MBR_TYPE_PROTECTIVE)
			return 1;
		/* A boot indicator other than 0 or 0x80 is a FAT boot sector, not a table. */
		if (e[0] != 0 && e[0] != 0x80)
			return 0;
	}
	t->kind = PART_MBR;
	for (int i = 0; i < 4; i++) {
		e = s + MBR_ENTRIES + i * MBR_ENTRY_SIZE;
		uint64_t start = le32(e + 8), count = le32(e + 12);
		if (e[4] == MBR_TYPE_EMPTY || count == 0)
			continue;
		if (e[4] == 0x05 || e[4] == 0x0f || e[4] == 0x85) {
			t->note = "extended partitions not read";
			continue;
		}
		if (start == 0 || start >= sectors || count > sectors - start) {
			t->note = "partitions past the end of the disk dropped";
			continue;
		}
		add_entry(t, start, count, (uint32_t)i + 1);
	}
	return 0;
}

struct gpt_header {
	uint64_t first_usable, last_usable, entries_lba;
	uint32_t entries, entry_size, entries_crc;
};

/* UEFI 2.10, 5.3.2: the header at lba is valid (signature, CRC, MyLBA, sane fields). */
static bool gpt_header_ok(const uint8_t *s, uint64_t lba, uint64_t sectors, uint32_t ss,
			  struct gpt_header *h)
{
	uint8_t copy[GPT_HEADER_MIN];
	uint32_t size = le32(s + GPT_HDR_SIZE), crc;
	uint64_t array_bytes, array_sectors;

	if (memcmp(s, GPT_SIGNATURE, 8) != 0 || size < GPT_HEADER_MIN || size > ss)
		return false;
	/* The CRC covers HeaderSize bytes with its own field as zero. */
	memcpy(copy, s, GPT_HEADER_MIN);
	memset(copy + GPT_HDR_CRC, 0, 4);
	crc = ~crc32_update(crc32_update(~0u, copy, GPT_HEADER_MIN), s + GPT_HEADER_MIN,
			    size - GPT_HEADER_MIN);
	if (crc != le32(s + GPT_HDR_CRC) || le64(s + GPT_MY_LBA) != lba)
		return false;
	h->first_usable = le64(s + GPT_FIRST_USABLE);
	h->last_usable = le64(s + GPT_LAST_USABLE);
	h->entries_lba = le64(s + GPT_ENTRIES_LBA);
	h->entries = le32(s + GPT_ENTRIES_COUNT);
	h->entry_size = le32(s + GPT_ENTRY_SIZE);
	h->entries_crc = le32(s + GPT_ENTRIES_CRC);
	/* 5.3.2: SizeOfPartitionEntry is 128 * 2^n. */
	if (h->entry_size < GPT_ENTRY_MIN || (h->entry_size & (h->entry_size - 1)) ||
	    h->entry_size > ss || h->entries == 0 ||
	    h->entries > GPT_ARRAY_MAX / h->entry_size)
		return false;
	array_bytes = (uint64_t)h->entries * h->entry_size;
	array_sectors = (array_bytes + ss - 1) / ss;
	return h->first_usable <= h->last_usable && h->last_usable < sectors &&
	       h->entries_lba >= 1 && h->entries_lba < sectors &&
	       array_sectors <= sectors - h->entries_lba;
}

/* Reads the entry array h describes, checks its CRC, and keeps the used entries. */
static int gpt_entries(part_read_fn read, void *ctx, uint32_t ss, uint8_t *buf,
		       const struct gpt_header *h, struct part_table *t, bool *crc_ok)
{
	uint64_t bytes = (uint64_t)h->entries * h->entry_size;
	uint32_t crc = ~0u, per = ss / h->entry_size, index = 0;
	static const uint8_t zero[16];
	int r;

	/* First pass: the CRC, before any entry is believed. */
	for (uint64_t lba = h->entries_lba; bytes > 0; lba++) {
		uint32_t n = bytes < ss ? (uint32_t)bytes : ss;
		if ((r = read(ctx, lba, buf)) != 0)
			return r;
		crc = crc32_update(crc, buf, n);
		bytes -= n;
	}
	if ((*crc_ok = ~crc == h->entries_crc) == false)
		return 0;
	t->kind = PART_GPT;
	t->count = 0;
	for (uint64_t lba = h->entries_lba; index < h->entries; lba++) {
		if ((r = read(ctx, lba, buf)) != 0)
			return r;
		for (uint32_t i = 0; i < per && index < h->entries; i++, index++) {
			const uint8_t *e = buf + i * h->entry_size;
			uint64_t start = le64(e + GPT_E_START), end = le64(e + GPT_E_END);
			if (memcmp(e, zero, 16) == 0)
				continue;
			if (start < h->first_usable || end > h->last_usable || end < start) {
				t->note = "GPT entries outside the usable area dropped";
				continue;
			}
			add_entry(t, start, end - start + 1, index + 1);
		}
	}
	return 0;
}

/* 5.3.2: the primary header at LBA 1, else the backup at the last LBA. */
static int gpt_parse(part_read_fn read, void *ctx, uint64_t sectors, uint32_t ss,
		     uint8_t *buf, struct part_table *t)
{
	const uint64_t where[2] = { 1, sectors - 1 };
	struct gpt_header h;
	bool crc_ok;
	int r;

	for (int i = 0; i < 2; i++) {
		if ((r = read(ctx, where[i], buf)) != 0)
			return r;
		if (!gpt_header_ok(buf, where[i], sectors, ss, &h))
			continue;
		if ((r = gpt_entries(read, ctx, ss, buf, &h, t, &crc_ok)) != 0)
			return r;
		if (crc_ok) {
			if (i == 1)
				t->note = "primary GPT damaged; the backup was used";
			return 0;
		}
	}
	t->kind = PART_NONE;
	t->note = "protective MBR but no valid GPT";
	return 0;
}

int part_scan(part_read_fn read, void *ctx, uint64_t sectors, uint32_t sector_size,
	      void *buf, struct part_table *t)
{
	uint8_t *s = buf;
	int r;

	memset(t, 0, sizeof(*t));
	if (sector_size < 512 || sector_size > PART_SECTOR_MAX)
		return -EINVAL;
	if (sectors < 2)
		return 0;
	if ((r = read(ctx, 0, s)) != 0)
		return r;
	if (s[MBR_SIGNATURE] != 0x55 || s[MBR_SIGNATURE + 1] != 0xaa)
		return 0;
	if (mbr_parse(s, sectors, t) == 1) {
		memset(t, 0, sizeof(*t));
		return gpt_parse(read, ctx, sectors, sector_size, s, t);
	}
	return 0;
}
