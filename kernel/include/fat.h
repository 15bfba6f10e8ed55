/*
 * The FAT file system (FAT12, FAT16, FAT32 with VFAT long names) on a block device, one
 * more vfs_type behind the VFS seam. The on-disk layout is Microsoft's "FAT32 File System
 * Specification" (fatgen103, version 1.03); comments cite its sections by title.
 *
 * kernel/fs/fat_fmt.c: the pure code (no I/O, no kernel services): the BPB's checks and
 *   the geometry they give, 8.3 names, long-name entries and aliases, DOS dates. The
 *   host's fuzz and unit tests build it alone.
 * kernel/fs/fat.c: a mounted volume: the FAT itself, cluster chains, FSInfo, the nodes.
 * kernel/fs/fat_dir.c: directories: entries, lookup, create, remove, rename.
 * kernel/fs/fat_file.c: the vnode_ops: file data, truncation, stat, readdir.
 * See doc/storage.md for the order of writes and the attributes Unix sees.
 */
#ifndef KEEL_FAT_H
#define KEEL_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "FAT Directory Structure": 32-byte entries and their attribute bits. */
#define FAT_DIRENT		32
#define FAT_ATTR_RO		0x01
#define FAT_ATTR_HIDDEN		0x02
#define FAT_ATTR_SYSTEM		0x04
#define FAT_ATTR_VOLUME		0x08
#define FAT_ATTR_DIR		0x10
#define FAT_ATTR_ARCHIVE	0x20
#define FAT_ATTR_LFN		0x0F	/* RO | HIDDEN | SYSTEM | VOLUME: a long-name entry */
#define FAT_ATTR_LFN_MASK	0x3F
#define FAT_DEL			0xE5	/* DIR_Name[0] of a free entry */
#define FAT_KANJI_E5		0x05	/* DIR_Name[0] standing for a real 0xE5 */
#define FAT_NT_LOWER_BASE	0x08	/* DIR_NTRes: the name part is lower case (Windows NT) */
#define FAT_NT_LOWER_EXT	0x10	/* DIR_NTRes: the extension is lower case */

/* "FAT Long Directory Entries": 13 UTF-16 characters per entry, at most 20 entries. */
#define FAT_LFN_CHARS		13
#define FAT_LFN_LAST		0x40	/* LDIR_Ord of the last (first stored) entry */
#define FAT_LFN_MAX		255	/* characters of a long name */

/* Offsets of the short entry's fields ("FAT Directory Structure"). */
#define FAT_DE_NAME		0
#define FAT_DE_ATTR		11
#define FAT_DE_NTRES		12
#define FAT_DE_CTIME		14
#define FAT_DE_CDATE		16
#define FAT_DE_ADATE		18
#define FAT_DE_CLUS_HI		20
#define FAT_DE_WTIME		22
#define FAT_DE_WDATE		24
#define FAT_DE_CLUS_LO		26
#define FAT_DE_SIZE		28

/* FAT entry values ("FAT Data Structure"): at or above BAD, the chain ends (EOC). */
#define FAT_FREE		0
#define FAT32_MASK		0x0FFFFFFF	/* the high 4 bits are reserved, kept as found */

/* The volume's geometry, from its boot sector. Sectors are the volume's own (BPB_BytsPerSec). */
struct fat_geom {
	int type;			/* 12, 16 or 32 */
	uint32_t sec_size;		/* BPB_BytsPerSec */
	uint32_t clus_size;		/* bytes per cluster */
	uint32_t fats;			/* BPB_NumFATs */
	uint64_t fat_off;		/* byte offset of the first FAT */
	uint64_t fat_bytes;		/* bytes of one FAT */
	uint64_t root_off;		/* FAT12/16: byte offset of the fixed root directory */
	uint32_t root_ents;		/* FAT12/16: its entries */
	uint64_t data_off;		/* byte offset of cluster 2 */
	uint32_t clusters;		/* data clusters: numbers 2 to clusters + 1 */
	uint32_t root_clus;		/* FAT32: the root directory's first cluster */
	uint64_t fsinfo_off;		/* FAT32: byte offset of the FSInfo sector, 0: none */
	uint64_t vol_bytes;		/* BPB_TotSec * sec_size */
	uint32_t eoc;			/* the end-of-chain value this type writes */
	uint32_t bad;			/* the bad-cluster value; above it, EOC */
};

/*
 * Checks the boot sector bs (512 bytes) of a volume of dev_bytes bytes and fills *g.
 * Returns 0, or -1 with *why saying what is wrong (a corrupt BPB, a volume larger than
 * its device, a FAT too small for the clusters, ...).
 */
int fat_parse_bpb(const uint8_t *bs, uint64_t dev_bytes, struct fat_geom *g, const char **why);

/* Whether value v read from the FAT ends a chain (EOC). */
static inline bool fat_is_eoc(const struct fat_geom *g, uint32_t v)
{
	return v > g->bad;
}

/* Whether v is a cluster a chain may go to next. */
static inline bool fat_is_clus(const struct fat_geom *g, uint32_t v)
{
	return v >= 2 && v < g->clusters + 2;
}

/* Byte offset on the volume of cluster c's first byte. */
static inline uint64_t fat_clus_off(const struct fat_geom *g, uint32_t c)
{
	return g->data_off + (uint64_t)(c - 2) * g->clus_size;
}

/* A short entry's first cluster. */
uint32_t fat_de_clus(const uint8_t *de, int type);

/* Sets a short entry's first cluster (FAT32 keeps the high half; others have none). */
void fat_de_set_clus(uint8_t *de, uint32_t c);

/* Little-endian fields. */
static inline uint16_t fat_rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t fat_rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void fat_wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void fat_wr32(uint8_t *p, uint32_t v)
{
	fat_wr16(p, (uint16_t)v);
	fat_wr16(p + 2, (uint16_t)(v >> 16));
}

/*
 * Writes the short entry de's name as a file name into out (13 bytes at least): "NAME.EXT"
 * without padding, lower-cased as DIR_NTRes asks. Returns its length.
 */
size_t fat_short_name(const uint8_t *de, char *out);

/* The checksum of an 11-byte short name that its long-name entries carry ("FAT Long Directory Entries"). */
uint8_t fat_lfn_sum(const uint8_t *name11);

/*
 * Collects a long name: an entry e (LDIR_Ord seq, its 13 characters) into units[] (260
 * UTF-16 units). Returns the number of characters it holds up to its terminator.
 */
int fat_lfn_take(const uint8_t *e, uint16_t *units);

/*
 * Converts n UTF-16 units to UTF-8 in out (max bytes, NUL included). Returns the length,
 * or -1 when it does not fit or a unit is not a character (an unpaired surrogate).
 */
int fat_utf16_to_utf8(const uint16_t *u, int n, char *out, size_t max);

/*
 * Converts a UTF-8 name to UTF-16 (characters of the Basic Multilingual Plane only).
 * Returns the number of units, or -1 for bad UTF-8, a character outside the BMP, or more
 * than max units.
 */
int fat_utf8_to_utf16(const char *s, uint16_t *u, int max);

/* Fills long-name entry i (1-based, n in all) for units[0..len) and the short name's sum. */
void fat_lfn_fill(uint8_t *e, int i, int n, const uint16_t *units, int len, uint8_t sum);

/* Whether a name may be a FAT file name at all (no control characters, none of "*?<>|\":\\/"). */
bool fat_name_ok(const char *name);

/*
 * The short name that stands alone for name when name is a valid 8.3 name in one case
 * per part ("README.TXT", "readme.txt"): fills name11 and *ntres (the lower-case flags)
 * and returns true. Otherwise the name needs long-name entries and an alias.
 */
bool fat_name_83(const char *name, uint8_t *name11, uint8_t *ntres);

/*
 * The numeric-tail alias base for a long name ("Long File Name.txt" -> "LONGFI" and
 * "TXT"), the way Windows and Linux make it: characters not allowed in a short name
 * become '_', spaces and dots are dropped, the rest upper-cased. Then fat_alias_tail
 * writes tail n into it ("LONGFI~1TXT"). name11 is 11 bytes.
 */
void fat_alias_base(const char *name, uint8_t *name11);
void fat_alias_tail(uint8_t *name11, const uint8_t *base11, unsigned n);

/* The tail n for which fat_alias_tail(base11, n) is the short name name11, or 0 for none. */
unsigned fat_alias_tail_of(const uint8_t *name11, const uint8_t *base11);

/* DOS date and time ("Date and Time Formats") from and to seconds since 1970 (UTC). */
void fat_time_from_unix(int64_t t, uint16_t *date, uint16_t *time);
int64_t fat_time_to_unix(uint16_t date, uint16_t time);

/* The vfs_type ("vfat"), kernel/fs/fat.c. */
struct vfs_type;
extern const struct vfs_type fat_type;

#endif
