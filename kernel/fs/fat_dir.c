/*
 * FAT directories (fat_vol.h): a directory is an array of 32-byte slots, the fixed root
 * of FAT12/16 or a cluster chain. A name is either one short (8.3) entry, or a run of
 * VFAT long-name entries followed by the short entry they belong to, whose alias is made
 * with a numeric tail the way Windows and Linux make it ("FAT Directory Structure", "FAT
 * Long Directory Entries").
 */
#include "bcache.h"
#include "fat_vol.h"
#include "lib.h"
#include <keel/errno.h>

static bool fixed_root(const struct fat_vol *vol, const struct fat_node *dir)
{
	return dir == vol->root && vol->g.type != 32;
}

/*
 * The volume offset of dir's slot in *off: returns 1, 0 past the directory's end, or an
 * error. With extend, a cluster chain grows by a zeroed cluster instead (-ENOSPC for the
 * fixed root or a directory of FAT_DIR_SLOTS).
 */
static int slot_off(struct fat_vol *vol, struct fat_node *dir, uint32_t slot, uint64_t *off,
		    bool extend)
{
	uint32_t per = vol->g.clus_size / FAT_DIRENT, c, last;
	int r;

	if (fixed_root(vol, dir)) {
		if (slot >= vol->g.root_ents)
			return extend ? -ENOSPC : 0;
		*off = vol->g.root_off + (uint64_t)slot * FAT_DIRENT;
		return 1;
	}
	if (slot >= FAT_DIR_SLOTS)
		return extend ? -ENOSPC : 0;
	if (!dir->first)
		return fat_damaged(vol, dir, "a directory without clusters");
	if ((r = fat_chain_at(vol, dir, slot / per, &c)) != 0)
		return r;
	if (!c) {
		if (!extend)
			return 0;
		if (slot % per != 0 || (r = fat_chain_at(vol, dir, slot / per - 1, &last)) != 0)
			return r ? r : -EIO;
		/* The zeroed cluster is on the disk before the chain leads to it. */
		if ((r = fat_alloc(vol, 0, &c)) != 0)
			return r;
		if ((r = fat_zero_clus(vol, c)) != 0 || (r = bcache_sync_dev(vol->dev)) != 0 ||
		    (r = fat_set(vol, last, c)) != 0)
			return r;
	}
	*off = fat_clus_off(&vol->g, c) + (uint64_t)(slot % per) * FAT_DIRENT;
	return 1;
}

/* Reads slot's entry into de. Returns 1, 0 past the end, or an error. */
static int slot_get(struct fat_vol *vol, struct fat_node *dir, uint32_t slot, uint8_t *de,
		    uint64_t *off)
{
	int r = slot_off(vol, dir, slot, off, false);

	if (r == 1 && (r = fat_read(vol, *off, de, FAT_DIRENT)) == 0)
		r = 1;
	return r;
}

/* The first run of need free slots in a directory, looked for while it is scanned. */
struct free_run {
	uint32_t need;
	uint32_t run;		/* free slots just before the one being looked at */
	uint32_t first;		/* the run's first slot, once found */
	bool found;
};

/*
 * Notes that slot s is free (free), or holds an entry. At the end of the directory (end:
 * the end marker, or the last slot passed) every slot from s on is free, growing it if
 * need be, so the run is found there at the latest.
 */
static void free_see(struct free_run *fr, uint32_t s, bool free, bool end)
{
	if (!fr || fr->found)
		return;
	if (end) {
		fr->first = s - fr->run;
		fr->found = true;
	} else if (!free) {
		fr->run = 0;
	} else if (++fr->run == fr->need) {
		fr->first = s + 1 - fr->need;
		fr->found = true;
	}
}

/* fat_dir_scan, also looking for the free slots of fr (when not NULL) on the way. */
static int scan(struct fat_vol *vol, struct fat_node *dir, uint32_t *slot, struct fat_dirent *e,
		struct free_run *fr)
{
	uint16_t units[FAT_LFN_UNITS];
	int want = 0, len = 0, r;	/* want: the long-name entry expected next; 0 when none */
	bool lfn = false;
	uint8_t sum = 0;

	for (uint32_t s = *slot;; s++) {
		uint8_t *de = e->de;
		if ((r = slot_get(vol, dir, s, de, &e->off)) != 1) {
			if (r == 0)
				free_see(fr, s, true, true);
			return r;
		}
		if (de[0] == 0) {
			free_see(fr, s, true, true);
			return 0;	/* "no more entries after this one" */
		}
		free_see(fr, s, de[0] == FAT_DEL, false);
		if (de[0] == FAT_DEL) {
			lfn = false;
			continue;
		}
		if ((de[FAT_DE_ATTR] & FAT_ATTR_LFN_MASK) == FAT_ATTR_LFN) {
			int ord = de[0] & 0x1F;
			if ((de[0] & FAT_LFN_LAST) && ord >= 1 && ord <= 20) {
				lfn = true;
				sum = de[13];
				len = fat_lfn_take(de, units);
				want = ord - 1;
				e->first_slot = s;
			} else if (lfn && want > 0 && ord == want && de[13] == sum) {
				fat_lfn_take(de, units);
				want--;
			} else {
				lfn = false;
			}
			continue;
		}
		if (de[FAT_DE_ATTR] & FAT_ATTR_VOLUME) {
			lfn = false;
			continue;
		}
		if (!(lfn && want == 0 && sum == fat_lfn_sum(de) &&
		      fat_utf16_to_utf8(units, len, e->name, sizeof(e->name)) > 0)) {
			fat_short_name(de, e->name);
			e->first_slot = s;
		}
		e->slot = s;
		*slot = s + 1;
		return 1;
	}
}

/*
 * The next file or directory in dir from *slot on (volume labels, free slots and stray
 * long-name entries are passed over), with its long name when its long-name entries are
 * whole and their checksum is the short name's, else its short one. Moves *slot past it.
 * Returns 1, 0 at the end, or an error.
 */
int fat_dir_scan(struct fat_vol *vol, struct fat_node *dir, uint32_t *slot, struct fat_dirent *e)
{
	return scan(vol, dir, slot, e, NULL);
}

/* Compares ASCII letters without case, as FAT names are compared. */
static bool same_name(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen && a[i]; i++) {
		char x = a[i], y = b[i];
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 32);
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 32);
		if (x != y)
			return false;
	}
	return i == blen && a[i] == '\0';
}

/* Whether the entry e is name (len bytes), by its long or its short name; "." and ".." never are. */
static bool is_named(const struct fat_dirent *e, const char *name, size_t len)
{
	char sname[13];

	fat_short_name(e->de, sname);
	if (strcmp(sname, ".") == 0 || strcmp(sname, "..") == 0)
		return false;
	return same_name(e->name, name, len) || same_name(sname, name, len);
}

/* Finds name (len bytes) in dir by its long or its short name. Returns 0, -ENOENT, or an error. */
int fat_dir_find(struct fat_vol *vol, struct fat_node *dir, const char *name, size_t len,
		 struct fat_dirent *e)
{
	uint32_t slot = 0;
	int r;

	while ((r = fat_dir_scan(vol, dir, &slot, e)) == 1)
		if (is_named(e, name, len))
			return 0;
	return r == 0 ? -ENOENT : r;
}

#define TAILS_SEEN	64	/* numeric tails one scan of a directory looks for */

/*
 * Finds the lowest numeric tail n from first on whose alias of base11 no short entry of
 * dir has, trying TAILS_SEEN tails in one scan of the directory. Returns 0 with *n, 1 when
 * all of them are taken, or an error.
 */
__attribute__((noinline))	/* rarely called: its frame is not fat_dir_add's */
static int free_tail(struct fat_vol *vol, struct fat_node *dir, const uint8_t *base11,
		     unsigned first, unsigned *n)
{
	uint8_t cand[TAILS_SEEN][11];
	bool taken[TAILS_SEEN] = { false };
	struct fat_dirent e;
	uint32_t slot = 0;
	int r;

	for (unsigned i = 0; i < TAILS_SEEN; i++)
		fat_alias_tail(cand[i], base11, first + i);
	while ((r = fat_dir_scan(vol, dir, &slot, &e)) == 1)
		for (unsigned i = 0; i < TAILS_SEEN; i++)
			if (!taken[i] && memcmp(e.de, cand[i], 11) == 0)
				taken[i] = true;
	if (r < 0)
		return r;
	for (unsigned i = 0; i < TAILS_SEEN; i++)
		if (!taken[i]) {
			*n = first + i;
			return 0;
		}
	return 1;
}

#define TAILS_KNOWN	1024	/* numeric tails the one scan of fat_dir_add keeps track of */

/*
 * Looks through dir once for what adding name needs to know: that no entry has the name
 * already (-EEXIST, with the entry in e), the first run of need free slots (in fr), and,
 * when base11 is not NULL, the lowest numeric tail no alias of base11 has taken yet (in
 * *tail; 0 when all of 1 to TAILS_KNOWN are). Returns 0 or an error.
 */
static int scan_for_add(struct fat_vol *vol, struct fat_node *dir, const char *name,
			const uint8_t *base11, struct free_run *fr, unsigned *tail,
			struct fat_dirent *e)
{
	uint64_t taken[TAILS_KNOWN / 64] = { 0 };
	uint32_t slot = 0;
	size_t len = strlen(name);
	unsigned n;
	int r;

	while ((r = scan(vol, dir, &slot, e, fr)) == 1) {
		if (is_named(e, name, len))
			return -EEXIST;
		if (base11 && (n = fat_alias_tail_of(e->de, base11)) != 0 && n <= TAILS_KNOWN)
			taken[(n - 1) / 64] |= 1ULL << ((n - 1) % 64);
	}
	if (r < 0)
		return r;
	*tail = 0;
	for (n = 1; n <= TAILS_KNOWN && !*tail; n++)
		if (!(taken[(n - 1) / 64] & 1ULL << ((n - 1) % 64)))
			*tail = n;
	return 0;
}

/* What adding a name takes: its short entry's name, or long-name units and an alias base. */
struct plan {
	bool is83;
	uint8_t name11[11], ntres;	/* is83: the short name and its lower-case flags */
	uint8_t base[11];		/* else: the alias's base */
	uint16_t units[FAT_LFN_MAX];
	int len, nlfn;			/* UTF-16 units, long-name entries */
};

/* Fills p for name. Returns 0, or -EINVAL for a name FAT cannot hold. */
static int plan_name(const char *name, struct plan *p)
{
	p->len = p->nlfn = 0;
	if (!fat_name_ok(name))
		return -EINVAL;
	if ((p->is83 = fat_name_83(name, p->name11, &p->ntres)))
		return 0;
	if ((p->len = fat_utf8_to_utf16(name, p->units, FAT_LFN_MAX)) <= 0)
		return -EINVAL;
	p->nlfn = (p->len + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS;
	fat_alias_base(name, p->base);
	return 0;
}

int fat_dir_lookup(struct fat_vol *vol, struct fat_node *dir, const char *name, size_t len,
		   struct fat_dirent *e)
{
	struct fat_miss *m = &vol->miss;
	char nm[KEEL_NAME_MAX + 1];
	struct plan p;
	unsigned tail;
	int r;

	if (len > KEEL_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(nm, name, len);
	nm[len] = '\0';
	if (plan_name(nm, &p) != 0)
		return fat_dir_find(vol, dir, name, len, e);
	struct free_run fr = { .need = (uint32_t)p.nlfn + 1 };
	r = scan_for_add(vol, dir, nm, p.is83 ? NULL : p.base, &fr, &tail, e);
	if (r == -EEXIST)
		return 0;
	if (r != 0)
		return r;
	/* Hits leave it: the VFS walks to the directory again between the miss and the create. */
	memcpy(m->name, nm, len + 1);
	m->dir = dir->first;
	m->slot = fr.first;
	m->tail = tail;
	m->ok = fr.found;
	return -ENOENT;
}

/*
 * Adds name to dir for the short entry de (its attributes, cluster, size and times set;
 * its name is made here). One scan of the directory checks that the name is new, finds
 * free slots and the alias's tail; none when fat_dir_lookup has just missed the name
 * there, and nothing has been added or removed since. The long-name entries go first, the
 * short one last, so a cut between them leaves stray long-name entries that every reader
 * ignores. Returns 0 with the short entry's offset in *off, -EEXIST, -EINVAL for a name
 * FAT cannot hold, -ENOSPC.
 */
int fat_dir_add(struct fat_vol *vol, struct fat_node *dir, const char *name, uint8_t *de,
		uint64_t *off)
{
	struct fat_miss *m = &vol->miss;
	uint8_t ent[FAT_DIRENT];
	struct plan p;
	unsigned n;
	int r;

	bool known = m->ok && m->dir == dir->first && strcmp(m->name, name) == 0;
	m->ok = false;		/* the directory changes now */
	if ((r = plan_name(name, &p)) != 0)
		return r;
	struct free_run fr = { .need = (uint32_t)p.nlfn + 1, .first = m->slot, .found = true };
	if (!known) {
		struct fat_dirent e;
		fr.found = false;
		if ((r = scan_for_add(vol, dir, name, p.is83 ? NULL : p.base, &fr, &n, &e)) != 0)
			return r;
	} else {
		n = m->tail;
	}
	if (p.is83) {
		memcpy(de, p.name11, 11);
		de[FAT_DE_NTRES] = p.ntres;
	} else {
		/* Past TAILS_KNOWN aliases of one base, the tails are looked for a batch a scan. */
		unsigned from = TAILS_KNOWN + 1;
		while (n == 0 && (r = free_tail(vol, dir, p.base, from, &n)) == 1)
			if ((from += TAILS_SEEN) > 999999)
				return -EEXIST;
		if (r < 0)
			return r;
		de[FAT_DE_NTRES] = 0;
		fat_alias_tail(de, p.base, n);
	}
	if (!fr.found)
		return -EIO;	/* the scan ends at the directory's end, where slots are free */
	uint8_t sum = fat_lfn_sum(de);
	for (int i = 0; i <= p.nlfn; i++) {
		uint64_t o;
		uint32_t s = fr.first + (uint32_t)i;
		/* Slots past the directory's end grow it by a zeroed cluster. */
		if ((r = slot_off(vol, dir, s, &o, false)) == 0)
			r = slot_off(vol, dir, s, &o, true);
		if (r != 1)
			return r < 0 ? r : -EIO;
		if (i < p.nlfn)
			fat_lfn_fill(ent, p.nlfn - i, p.nlfn, p.units, p.len, sum);
		else
			memcpy(ent, de, FAT_DIRENT);
		if ((r = fat_write(vol, o, ent, FAT_DIRENT, FAT_W_DIR)) != 0)
			return r;
		*off = o;
	}
	return 0;
}

/* Frees e's slots in dir: the short entry first, so that a cut leaves only stray long-name entries. */
int fat_dir_del(struct fat_vol *vol, struct fat_node *dir, const struct fat_dirent *e)
{
	static const uint8_t del = FAT_DEL;
	int r;

	vol->miss.ok = false;	/* the directory changes now */
	for (uint32_t s = e->slot + 1; s-- > e->first_slot;) {
		uint64_t o;
		if ((r = slot_off(vol, dir, s, &o, false)) != 1)
			return r < 0 ? r : -EIO;
		if ((r = fat_write(vol, o, &del, 1, FAT_W_DIR)) != 0)
			return r;
	}
	return 0;
}

/* Returns 0 when dir holds nothing but "." and "..", -ENOTEMPTY, or an error. */
int fat_dir_empty(struct fat_vol *vol, struct fat_node *dir)
{
	struct fat_dirent e;
	char sname[13];
	uint32_t slot = 0;
	int r;

	while ((r = fat_dir_scan(vol, dir, &slot, &e)) == 1) {
		fat_short_name(e.de, sname);
		if (strcmp(sname, ".") != 0 && strcmp(sname, "..") != 0)
			return -ENOTEMPTY;
	}
	return r;
}
