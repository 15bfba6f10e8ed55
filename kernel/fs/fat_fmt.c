/*
 * The pure half of the FAT file system (fat.h): what a boot sector says and whether to
 * believe it, short names, long-name entries, aliases and DOS times. No I/O and no kernel
 * services, so the host's tests (tests/unit/test_fat.c, the fuzz target) build it alone.
 * Section titles cited are those of Microsoft's FAT32 File System Specification 1.03.
 */
#include "fat.h"
#include "lib.h"

/* ---------------------------------------------------------------------------------------
 * The boot sector */

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* "Boot Sector and BPB", "FAT Type Determination", "FAT Data Structure". */
int fat_parse_bpb(const uint8_t *bs, uint64_t dev_bytes, struct fat_geom *g, const char **why)
{
	uint32_t sec = fat_rd16(bs + 11), spc = bs[13], rsvd = fat_rd16(bs + 14);
	uint32_t fats = bs[16], root_ents = fat_rd16(bs + 17);
	uint64_t tot = fat_rd16(bs + 19) ? fat_rd16(bs + 19) : fat_rd32(bs + 32);
	uint64_t fatsz = fat_rd16(bs + 22) ? fat_rd16(bs + 22) : fat_rd32(bs + 36);
	uint64_t root_secs, meta, need;

	memset(g, 0, sizeof(*g));
	*why = NULL;
	/* BS_jmpBoot is EB ?? 90 or E9 ?? ??; the signature 55 AA ends the sector. */
	if (!(bs[0] == 0xEB && bs[2] == 0x90) && bs[0] != 0xE9)
		*why = "no jump instruction: not a FAT boot sector";
	else if (bs[510] != 0x55 || bs[511] != 0xAA)
		*why = "no 55 AA signature";
	else if (sec < 512 || sec > 4096 || !pow2(sec))
		*why = "bytes per sector not 512, 1024, 2048 or 4096";
	else if (!pow2(spc) || spc * sec > 65536)
		*why = "sectors per cluster not a power of 2, or a cluster over 64 KiB";
	else if (rsvd == 0)
		*why = "no reserved sectors";
	else if (fats == 0 || fats > 4)
		*why = "not 1 to 4 FATs";
	else if (tot == 0 || fatsz == 0)
		*why = "a size of 0";
	if (*why)
		return -1;
	root_secs = ((uint64_t)root_ents * FAT_DIRENT + sec - 1) / sec;
	meta = rsvd + fats * fatsz + root_secs;
	if (meta >= tot) {
		*why = "the FATs and the root directory take the whole volume";
		return -1;
	}
	if (tot * sec > dev_bytes) {
		*why = "the volume is larger than its device";
		return -1;
	}
	uint64_t clusters = (tot - meta) / spc;
	g->type = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
	if (g->type == 32 && (root_ents != 0 || fat_rd16(bs + 22) != 0)) {
		*why = "FAT32 with a fixed root directory";
		return -1;
	}
	if (g->type != 32 && root_ents == 0) {
		*why = "FAT12/16 without a root directory";
		return -1;
	}
	if (clusters > 0x0FFFFFF5 - 2) {
		*why = "more clusters than FAT32 can number";
		return -1;
	}
	/* Every cluster needs its FAT entry: 1.5, 2 or 4 bytes, from entry 2 on. */
	need = g->type == 12 ? ((clusters + 2) * 3 + 1) / 2 : (clusters + 2) * (g->type / 8);
	if (need > fatsz * sec) {
		*why = "the FAT is smaller than the volume";
		return -1;
	}
	g->sec_size = sec;
	g->clus_size = spc * sec;
	g->fats = fats;
	g->fat_off = (uint64_t)rsvd * sec;
	g->fat_bytes = fatsz * sec;
	g->root_off = g->fat_off + fats * g->fat_bytes;
	g->root_ents = root_ents;
	g->data_off = g->root_off + root_secs * sec;
	g->clusters = (uint32_t)clusters;
	g->vol_bytes = tot * sec;
	g->eoc = g->type == 12 ? 0xFFF : g->type == 16 ? 0xFFFF : 0x0FFFFFFF;
	g->bad = g->type == 12 ? 0xFF7 : g->type == 16 ? 0xFFF7 : 0x0FFFFFF7;
	if (g->type == 32) {
		uint32_t fsinfo = fat_rd16(bs + 48);
		g->root_clus = fat_rd32(bs + 44) & FAT32_MASK;
		if (!fat_is_clus(g, g->root_clus)) {
			*why = "the root directory's cluster is outside the volume";
			return -1;
		}
		if (fsinfo > 0 && fsinfo < rsvd)
			g->fsinfo_off = (uint64_t)fsinfo * sec;
	}
	return 0;
}

uint32_t fat_de_clus(const uint8_t *de, int type)
{
	uint32_t hi = type == 32 ? fat_rd16(de + FAT_DE_CLUS_HI) : 0;

	return (hi << 16 | fat_rd16(de + FAT_DE_CLUS_LO)) & FAT32_MASK;
}

void fat_de_set_clus(uint8_t *de, uint32_t c)
{
	fat_wr16(de + FAT_DE_CLUS_HI, (uint16_t)(c >> 16));
	fat_wr16(de + FAT_DE_CLUS_LO, (uint16_t)c);
}

/* ---------------------------------------------------------------------------------------
 * Names */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

size_t fat_short_name(const uint8_t *de, char *out)
{
	size_t n = 0;
	int base_end = 8, ext_end = 11;

	while (base_end > 0 && de[base_end - 1] == ' ')
		base_end--;
	while (ext_end > 8 && de[ext_end - 1] == ' ')
		ext_end--;
	for (int i = 0; i < base_end; i++) {
		char c = (char)(i == 0 && de[0] == FAT_KANJI_E5 ? FAT_DEL : de[i]);
		out[n++] = de[FAT_DE_NTRES] & FAT_NT_LOWER_BASE ? lower(c) : c;
	}
	if (ext_end > 8) {
		out[n++] = '.';
		for (int i = 8; i < ext_end; i++)
			out[n++] = de[FAT_DE_NTRES] & FAT_NT_LOWER_EXT ? lower((char)de[i]) : (char)de[i];
	}
	out[n] = '\0';
	return n;
}

/* "FAT Long Directory Entries": the checksum rotates right and adds each byte. */
uint8_t fat_lfn_sum(const uint8_t *name11)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
	return sum;
}

/* Where long-name entry characters sit: LDIR_Name1 (5), LDIR_Name2 (6), LDIR_Name3 (2). */
static const uint8_t lfn_at[FAT_LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

int fat_lfn_take(const uint8_t *e, uint16_t *units)
{
	int pos = ((e[0] & 0x1F) - 1) * FAT_LFN_CHARS, n = pos;

	if (pos < 0 || (e[0] & 0x1F) > 20)
		return 0;	/* not one of the 20 entries a long name may take */
	for (int i = 0; i < FAT_LFN_CHARS; i++) {
		uint16_t u = fat_rd16(e + lfn_at[i]);
		units[pos + i] = u;
		if (n == pos + i && u != 0)
			n++;
	}
	return n;
}

void fat_lfn_fill(uint8_t *e, int i, int n, const uint16_t *units, int len, uint8_t sum)
{
	memset(e, 0, FAT_DIRENT);
	e[0] = (uint8_t)(i | (i == n ? FAT_LFN_LAST : 0));
	e[FAT_DE_ATTR] = FAT_ATTR_LFN;
	e[13] = sum;
	for (int k = 0; k < FAT_LFN_CHARS; k++) {
		int p = (i - 1) * FAT_LFN_CHARS + k;
		fat_wr16(e + lfn_at[k], p < len ? units[p] : p == len ? 0 : 0xFFFF);
	}
}

int fat_utf16_to_utf8(const uint16_t *u, int n, char *out, size_t max)
{
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		uint32_t c = u[i];
		uint8_t b[4];
		size_t k;

		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] < 0xE000)
			c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00);
		else if (c >= 0xD800 && c < 0xE000)
			return -1;
		if (c == 0 || c == '/')
			return -1;
		if (c < 0x80) {
			b[0] = (uint8_t)c; k = 1;
		} else if (c < 0x800) {
			b[0] = (uint8_t)(0xC0 | c >> 6); b[1] = (uint8_t)(0x80 | (c & 0x3F)); k = 2;
		} else if (c < 0x10000) {
			b[0] = (uint8_t)(0xE0 | c >> 12); b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
			b[2] = (uint8_t)(0x80 | (c & 0x3F)); k = 3;
		} else {
			b[0] = (uint8_t)(0xF0 | c >> 18); b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
			b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F)); b[3] = (uint8_t)(0x80 | (c & 0x3F));
			k = 4;
		}
		if (len + k + 1 > max)
			return -1;
		memcpy(out + len, b, k);
		len += k;
	}
	out[len] = '\0';
	return (int)len;
}

int fat_utf8_to_utf16(const char *s, uint16_t *u, int max)
{
	const uint8_t *p = (const uint8_t *)s;
	int n = 0;

	while (*p) {
		uint32_t c;
		if (p[0] < 0x80) {
			c = *p++;
		} else if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
			c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
			if (c < 0x80)
				return -1;
			p += 2;
		} else if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
			c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			if (c < 0x800 || (c >= 0xD800 && c < 0xE000))
				return -1;
			p += 3;
		} else {
			return -1;	/* bad, or outside the Basic Multilingual Plane */
		}
		if (n == max)
			return -1;
		u[n++] = (uint16_t)c;
	}
	return n;
}

bool fat_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || name[len - 1] == '.' || name[len - 1] == ' ')
		return false;	/* Windows would drop them, and then it is another name */
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F || strchr("*?<>|\":\\/", *p))
			return false;
	return true;
}

/* Characters a short name may hold besides letters and digits ("FAT Directory Structure"). */
static bool short_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       ((unsigned char)c > 0x20 && (unsigned char)c < 0x7F && strchr("!#$%&'()-@^_`{}~", c));
}

/* Whether letters in s[0..n) are all upper (returns 1), all lower (2), none (0) or mixed (3). */
static int case_of(const char *s, size_t n)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			k |= 1;
		else if (s[i] >= 'a' && s[i] <= 'z')
			k |= 2;
	return k;
}

bool fat_name_83(const char *name, uint8_t *name11, uint8_t *ntres)
{
	const char *dot = strchr(name, '.');
	size_t base = dot ? (size_t)(dot - name) : strlen(name);
	size_t ext = dot ? strlen(dot + 1) : 0;
	int cb, ce;

	if (base == 0 || base > 8 || ext > 3 || (dot && (ext == 0 || strchr(dot + 1, '.'))))
		return false;
	for (size_t i = 0; i < base; i++)
		if (!short_char(name[i]))
			return false;
	for (size_t i = 0; i < ext; i++)
		if (!short_char(dot[1 + i]))
			return false;
	cb = case_of(name, base);
	ce = dot ? case_of(dot + 1, ext) : 0;
	if (cb == 3 || ce == 3)
		return false;
	memset(name11, ' ', 11);
	for (size_t i = 0; i < base; i++)
		name11[i] = (uint8_t)upper(name[i]);
	for (size_t i = 0; i < ext; i++)
		name11[8 + i] = (uint8_t)upper(dot[1 + i]);
	*ntres = (uint8_t)((cb == 2 ? FAT_NT_LOWER_BASE : 0) | (ce == 2 ? FAT_NT_LOWER_EXT : 0));
	return true;
}

/* A character of a long name as it goes into its alias: upper-cased, or '_' when not allowed. */
static uint8_t alias_char(char c)
{
	if ((unsigned char)c >= 0x80 || !short_char(c))
		return '_';
	return (uint8_t)upper(c);
}

void fat_alias_base(const char *name, uint8_t *name11)
{
	const char *last_dot, *end;
	int n = 0;

	while (*name == '.' || *name == ' ')
		name++;			/* leading dots and spaces are dropped */
	last_dot = strrchr(name, '.');
	end = last_dot ? last_dot : name + strlen(name);
	memset(name11, ' ', 11);
	for (const char *p = name; p < end && n < 8; p++)
		if (*p != ' ' && *p != '.')
			name11[n++] = alias_char(*p);
	if (n == 0)
		name11[0] = '_';
	n = 0;
	if (last_dot)
		for (const char *p = last_dot + 1; *p && n < 3; p++)
			if (*p != ' ')
				name11[8 + n++] = alias_char(*p);
}

void fat_alias_tail(uint8_t *name11, const uint8_t *base11, unsigned n)
{
	char tail[12];
	int tl = 0, bl = 0;

	for (unsigned v = n; v; v /= 10)
		tail[tl++] = (char)('0' + v % 10);
	tail[tl++] = '~';
	while (bl < 8 && base11[bl] != ' ')
		bl++;
	if (bl > 8 - tl)
		bl = 8 - tl;
	memset(name11, ' ', 8);
	memcpy(name11 + 8, base11 + 8, 3);
	memcpy(name11, base11, (size_t)bl);
	for (int i = 0; i < tl; i++)
		name11[bl + i] = (uint8_t)tail[tl - 1 - i];
}

unsigned fat_alias_tail_of(const uint8_t *name11, const uint8_t *base11)
{
	uint8_t again[11];
	unsigned n = 0;
	int t = 7, i;

	/* The last '~' of the name: the base may hold one of its own. */
	while (t >= 0 && name11[t] != '~')
		t--;
	if (t < 0 || t == 7 || name11[t + 1] < '1' || name11[t + 1] > '9')
		return 0;
	for (i = t + 1; i < 8 && name11[i] >= '0' && name11[i] <= '9'; i++)
		n = n * 10 + (unsigned)(name11[i] - '0');
	fat_alias_tail(again, base11, n);
	return memcmp(again, name11, 11) == 0 ? n : 0;
}

/* ---------------------------------------------------------------------------------------
 * Times ("Date and Time Formats": years from 1980, two-second steps) */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int64_t fat_time_to_unix(uint16_t date, uint16_t time)
{
	int y = 1980 + (date >> 9), m = (date >> 5) & 15, d = date & 31;

	if (m < 1 || m > 12 || d < 1)
		return 0;	/* no date (0) or a damaged one */
	return days_from_civil(y, m, d) * 86400 + (time >> 11) * 3600 + ((time >> 5) & 63) * 60 +
	       (time & 31) * 2;
}

void fat_time_from_unix(int64_t t, uint16_t *date, uint16_t *time)
{
	int64_t z = t / 86400 + 719468, sec = t % 86400;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	if (t < 315532800 || y > 2107) {	/* outside what FAT can say: 1980-01-01 */
		*date = (1 << 5) | 1;
		*time = 0;
		return;
	}
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time = (uint16_t)((sec / 3600) << 11 | ((sec / 60) % 60) << 5 | (sec % 60) / 2);
}
