/*
 * Unit tests of kernel/fs/fat_fmt.c on the host, the pure half of the FAT file system:
 * boot sectors built in memory, malformed ones first (each field the kernel checks made
 * wrong in turn), then a fuzz loop that mutates good boot sectors and long-name entries
 * at random (a fixed seed) under the address sanitizer: nothing may read out of bounds,
 * and whatever geometry is accepted must fit inside its device. Then names: short names,
 * checksums, aliases with numeric tails, UTF-8 and UTF-16, and DOS times.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <fat.h>
#include "tap.h"

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v & 0xFFFF); put16(p + 2, v >> 16); }

/* A boot sector: sec bytes per sector, spc per cluster, rsvd, fats, root entries, total, FAT size. */
static void bpb(uint8_t *bs, unsigned spc, unsigned rsvd, unsigned root, uint32_t tot,
		uint32_t fatsz, bool fat32)
{
	memset(bs, 0, 512);
	bs[0] = 0xEB; bs[1] = 0x3C; bs[2] = 0x90;
	put16(bs + 11, 512);
	bs[13] = (uint8_t)spc;
	put16(bs + 14, rsvd);
	bs[16] = 2;
	put16(bs + 17, root);
	if (tot < 65536 && !fat32)
		put16(bs + 19, tot);
	else
		put32(bs + 32, tot);
	if (fat32) {
		put32(bs + 36, fatsz);
		put32(bs + 44, 2);
		put16(bs + 48, 1);
	} else {
		put16(bs + 22, fatsz);
	}
	bs[510] = 0x55; bs[511] = 0xAA;
}

static void fat12(uint8_t *bs) { bpb(bs, 1, 1, 224, 2880, 9, false); }
static void fat16(uint8_t *bs) { bpb(bs, 1, 1, 512, 16384, 64, false); }
static void fat32(uint8_t *bs) { bpb(bs, 1, 32, 0, 131072, 1009, true); }

/* Whether an accepted geometry stays inside a device of dev bytes. */
static bool sane(const struct fat_geom *g, uint64_t dev)
{
	uint64_t per = g->type == 12 ? 3 : (uint64_t)g->type / 4;	/* half-bytes per entry */

	return g->vol_bytes <= dev && g->data_off < g->vol_bytes &&
	       g->data_off + (uint64_t)g->clusters * g->clus_size <= g->vol_bytes &&
	       ((uint64_t)g->clusters + 2) * per <= g->fat_bytes * 2 && g->clus_size >= 512 &&
	       (g->type != 32 || fat_is_clus(g, g->root_clus)) &&
	       g->fsinfo_off < g->fat_off;
}

/* Passes when bs is refused; the test's name says why the parser gave. */
static void refused(const uint8_t *bs, uint64_t dev, const char *want, const char *name)
{
	struct fat_geom g;
	const char *why = NULL;
	int r = fat_parse_bpb(bs, dev, &g, &why);

	ok(r == -1 && why && (!want || strstr(why, want)), "%s: refused (%s)", name, why ? why : "accepted");
}

static void malformed(void)
{
	uint8_t bs[512];
	uint64_t dev = 64 << 20;

	fat16(bs); bs[0] = 0;
	refused(bs, dev, NULL, "no jump");
	fat16(bs); bs[511] = 0;
	refused(bs, dev, NULL, "no 55 AA");
	fat16(bs); put16(bs + 11, 3);
	refused(bs, dev, NULL, "3 bytes per sector");
	fat16(bs); put16(bs + 11, 8192);
	refused(bs, dev, NULL, "8192 bytes per sector");
	fat16(bs); bs[13] = 3;
	refused(bs, dev, NULL, "3 sectors per cluster");
	fat16(bs); bs[13] = 0;
	refused(bs, dev, NULL, "0 sectors per cluster");
	fat16(bs); put16(bs + 14, 0);
	refused(bs, dev, NULL, "no reserved sectors");
	fat16(bs); bs[16] = 0;
	refused(bs, dev, NULL, "no FATs");
	fat16(bs); put16(bs + 19, 0);
	refused(bs, dev, NULL, "a size of 0");
	fat16(bs); put16(bs + 22, 1);
	refused(bs, dev, "FAT is smaller", "a FAT smaller than the volume");
	fat16(bs); put16(bs + 22, 20000);
	refused(bs, dev, NULL, "FATs larger than the volume");
	fat16(bs);
	refused(bs, 4 << 20, "larger than its device", "a volume larger than its device");
	fat16(bs); put16(bs + 17, 0);
	refused(bs, dev, NULL, "FAT16 without a root directory");
	fat32(bs); put32(bs + 44, 200000);
	refused(bs, dev, NULL, "a FAT32 root cluster past the end");
	fat32(bs); put32(bs + 44, 1);
	refused(bs, dev, NULL, "a FAT32 root cluster of 1");
	fat32(bs); put16(bs + 17, 512);
	refused(bs, dev, NULL, "FAT32 with a fixed root");
}

static void good(void)
{
	uint8_t bs[512];
	struct fat_geom g;
	const char *why;

	fat12(bs);
	ok(fat_parse_bpb(bs, 1474560, &g, &why) == 0 && g.type == 12 && g.clusters == 2847,
	   "a 1.44 MB floppy is FAT12 with 2847 clusters");
	ok(g.root_off == 19 * 512 && g.data_off == 33 * 512 && g.eoc == 0xFFF, "its root and data start where they should");
	fat16(bs);
	ok(fat_parse_bpb(bs, 8 << 20, &g, &why) == 0 && g.type == 16 && g.clusters == 16223,
	   "8 MiB of 512-byte clusters is FAT16 with 16223 clusters");
	fat32(bs);
	ok(fat_parse_bpb(bs, 64 << 20, &g, &why) == 0 && g.type == 32 && g.clusters == 129022 &&
	   g.root_clus == 2 && g.fsinfo_off == 512, "64 MiB is FAT32, root at cluster 2, FSInfo at sector 1");
	ok(g.eoc == 0x0FFFFFFF && fat_is_eoc(&g, 0x0FFFFFF8) && !fat_is_eoc(&g, 0x0FFFFFF7),
	   "FAT32's end of chain is 0x0FFFFFF8 and up; 0x0FFFFFF7 is a bad cluster");
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return rnd_state >> 8;
}

static void fuzz(void)
{
	uint8_t bs[512], ent[32];
	uint16_t units[(20 * FAT_LFN_CHARS)];
	char out[64];
	struct fat_geom g;
	const char *why;
	int accepted = 0, bad = 0;

	for (int i = 0; i < 200000; i++) {
		uint64_t dev = (uint64_t)(rnd() % 200) << 19;
		switch (i % 3) {
		case 0: fat12(bs); break;
		case 1: fat16(bs); break;
		default: fat32(bs); break;
		}
		for (int k = rnd() % 6 + 1; k-- > 0;)
			bs[11 + rnd() % 40] = (uint8_t)rnd();
		if (fat_parse_bpb(bs, dev, &g, &why) == 0) {
			accepted++;
			if (!sane(&g, dev))
				bad++;
		}
	}
	ok(bad == 0, "200000 mutated boot sectors: every one accepted (%d) fits its device", accepted);

	for (int i = 0; i < 100000; i++) {
		for (int k = 0; k < 32; k++)
			ent[k] = (uint8_t)rnd();
		int n = fat_lfn_take(ent, units);
		(void)fat_utf16_to_utf8(units, n < (20 * FAT_LFN_CHARS) ? n : (20 * FAT_LFN_CHARS), out, sizeof(out));
		fat_short_name(ent, out);
	}
	ok(1, "100000 random long-name and short entries decode without a fault");
}

static void names(void)
{
	uint8_t n11[11], base[11], nt;
	uint16_t u[260];
	char out[64];

	ok(fat_name_83("README.TXT", n11, &nt) && memcmp(n11, "README  TXT", 11) == 0 && nt == 0,
	   "README.TXT is a short name as it is");
	ok(fat_name_83("readme.txt", n11, &nt) && memcmp(n11, "README  TXT", 11) == 0 &&
	   nt == (FAT_NT_LOWER_BASE | FAT_NT_LOWER_EXT), "readme.txt is one short entry with the lower-case flags");
	ok(!fat_name_83("ReadMe.txt", n11, &nt), "ReadMe.txt needs a long name (mixed case)");
	ok(!fat_name_83("a.b.c", n11, &nt), "a.b.c needs a long name (two dots)");
	ok(!fat_name_83("toolongname.txt", n11, &nt), "a 11-character base needs a long name");
	ok(!fat_name_83("a b.txt", n11, &nt), "a space needs a long name");
	fat_alias_base("Long File Name One.txt", base);
	fat_alias_tail(n11, base, 1);
	ok(memcmp(n11, "LONGFI~1TXT", 11) == 0, "Long File Name One.txt -> LONGFI~1.TXT");
	fat_alias_tail(n11, base, 12);
	ok(memcmp(n11, "LONGF~12TXT", 11) == 0, "the twelfth: LONGF~12.TXT");
	fat_alias_base(".bashrc", base);
	fat_alias_tail(n11, base, 1);
	ok(memcmp(n11, "BASHRC~1   ", 11) == 0, ".bashrc -> BASHRC~1");
	fat_alias_base("a+b=c.tar.gz", base);
	fat_alias_tail(n11, base, 1);
	ok(memcmp(n11, "A_B_CT~1GZ ", 11) == 0, "a+b=c.tar.gz -> A_B_CT~1.GZ (inner dots dropped)");
	fat_alias_base("Long File Name One.txt", base);
	ok(fat_alias_tail_of((const uint8_t *)"LONGFI~1TXT", base) == 1 &&
	   fat_alias_tail_of((const uint8_t *)"LONGF~12TXT", base) == 12 &&
	   fat_alias_tail_of((const uint8_t *)"LONG~123TXT", base) == 123,
	   "the tails of aliases of a base are read back, whatever their length");
	ok(fat_alias_tail_of((const uint8_t *)"LONGFI~1TX ", base) == 0 &&
	   fat_alias_tail_of((const uint8_t *)"LONGFX~1TXT", base) == 0 &&
	   fat_alias_tail_of((const uint8_t *)"LONGFI~0TXT", base) == 0 &&
	   fat_alias_tail_of((const uint8_t *)"LONGF~1 TXT", base) == 0 &&
	   fat_alias_tail_of((const uint8_t *)"LONGFIL TXT", base) == 0 &&
	   fat_alias_tail_of((const uint8_t *)"LONGFI~ TXT", base) == 0,
	   "other extensions, bases, tail 0, a short base, no tail or an empty one are not aliases of it");
	fat_alias_base("x~y long.txt", base);
	fat_alias_tail(n11, base, 3);
	ok(fat_alias_tail_of(n11, base) == 3, "a base holding a ~ of its own: its last ~ is the tail's");
	ok(fat_lfn_sum((const uint8_t *)"README  TXT") == 0x73, "the long-name checksum of README  TXT");
	ok(!fat_name_ok("a*b") && !fat_name_ok("trailing.") && !fat_name_ok("x\x01") && fat_name_ok("ok name"),
	   "names with * . at the end or control characters are refused");
	int n = fat_utf8_to_utf16("caf\xc3\xa9 \xe2\x82\xac", u, 260);
	ok(n == 6 && u[3] == 0xE9 && u[5] == 0x20AC, "UTF-8 to UTF-16");
	ok(fat_utf16_to_utf8(u, n, out, sizeof(out)) == 9 && strcmp(out, "caf\xc3\xa9 \xe2\x82\xac") == 0,
	   "and back");
	ok(fat_utf8_to_utf16("\xf0\x9f\x98\x80", u, 260) == -1, "a character outside the BMP is refused");
	ok(fat_utf8_to_utf16("\xc3", u, 260) == -1, "truncated UTF-8 is refused");
	uint8_t e[32];
	fat_utf8_to_utf16("A Long File Name One.txt", u, 260);
	fat_lfn_fill(e, 2, 2, u, 24, 0x42);
	uint16_t back[260];
	ok(e[0] == 0x42 && fat_lfn_take(e, back) == 24 && back[13] == 'a' && back[23] == 't',
	   "the last long-name entry holds characters 13 to 23, then the terminator");
}

static void times(void)
{
	uint16_t d, t;

	fat_time_from_unix(1700000000, &d, &t);		/* 2023-11-14 22:13:20 */
	ok(d == ((43 << 9) | (11 << 5) | 14) && t == ((22 << 11) | (13 << 5) | 10), "2023-11-14 22:13:20 in DOS form");
	ok(fat_time_to_unix(d, t) == 1700000000, "and back");
	fat_time_from_unix(0, &d, &t);
	ok(d == ((1 << 5) | 1) && t == 0, "1970 is before FAT: 1980-01-01");
	ok(fat_time_to_unix(0, 0) == 0, "a date of 0 is no date");
}

int main(void)
{
	plan(47);
	malformed();
	good();
	fuzz();
	names();
	times();
	return done_testing();
}
