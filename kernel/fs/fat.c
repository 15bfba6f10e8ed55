/*
 * A mounted FAT volume (fat_vol.h): mounting and unmounting, the FAT itself (entries of
 * 12, 16 or 32 bits in every copy), cluster chains walked with a bound so that a loop or
 * a chain running off the volume is an -EIO and never a hang, allocation, FSInfo, and the
 * nodes kept in memory while the VFS or an open file holds them. Everything goes through
 * the block cache; see doc/storage.md for the order in which writes reach the disk.
 */
#include "bcache.h"
#include "fat_vol.h"
#include "heap.h"
#include "lib.h"
#include "rtc.h"
#include <keel/errno.h>

/* ---------------------------------------------------------------------------------------
 * The volume's lock and I/O */

void fat_vol_enter(struct fat_vol *vol)
{
	lock_acquire(&vol->lock);
	while (vol->busy)
		waitq_wait_lock(&vol->idle, &vol->lock);
	vol->busy = true;
	lock_release(&vol->lock);
}

void fat_vol_leave(struct fat_vol *vol)
{
	fat_fsinfo_put(vol);
	lock_acquire(&vol->lock);
	vol->busy = false;
	waitq_wake_all(&vol->idle);
	lock_release(&vol->lock);
}

/*
 * Reads len bytes at off. A small read within one sector (a directory entry) comes from
 * a copy of that sector kept in the volume, so a scan of a directory asks the cache once
 * per sector rather than once per entry.
 */
int fat_read(struct fat_vol *vol, uint64_t off, void *buf, size_t len)
{
	struct iobuf b = { buf, false };
	uint64_t base = off & ~(uint64_t)511;

	if (off + len > vol->g.vol_bytes)
		return -EIO;
	if (off + len > base + 512 || base + 512 > vol->g.vol_bytes)
		return bcache_io(vol->dev, off, &b, len, false) == (long)len ? 0 : -EIO;
	if (!vol->dwin_ok || vol->dwin_off != base) {
		struct iobuf w = { vol->dwin, false };
		vol->dwin_ok = false;
		if (bcache_io(vol->dev, base, &w, 512, false) != 512)
			return -EIO;
		vol->dwin_off = base;
		vol->dwin_ok = true;
	}
	memcpy(buf, vol->dwin + (off - base), len);
	return 0;
}

int fat_write(struct fat_vol *vol, uint64_t off, const void *buf, size_t len, enum fat_wclass c)
{
	struct iobuf b = { (void *)buf, false };

	if (off + len > vol->g.vol_bytes)
		return -EIO;
	/* The sector copy of fat_read stays true. */
	if (vol->dwin_ok && off < vol->dwin_off + 512 && off + len > vol->dwin_off)
		vol->dwin_ok = false;
	return bcache_io_class(vol->dev, off, &b, len, true, c) == (long)len ? 0 : -EIO;
}

int fat_damaged(struct fat_vol *vol, struct fat_node *n, const char *what)
{
	bool said = n && n->bad;

	/* A damaged file read again (a new node each time it is opened) is not logged again. */
	for (unsigned i = 0; n && i < vol->nsaid && i < 16; i++)
		said |= vol->said[i] == n->de_off;
	if (n && !said)
		vol->said[vol->nsaid++ % 16] = n->de_off;
	if (!said)
		kprintf("[!!] fat %s: %s%s\n", vol->dev->name, what,
			n ? "; the file reads as an I/O error" : "");
	if (n)
		n->bad = true;
	return -EIO;
}

/* ---------------------------------------------------------------------------------------
 * The FAT ("FAT Data Structure") */

/* The byte offset of cluster c's entry in FAT copy 0. */
static uint64_t entry_off(const struct fat_geom *g, uint32_t c)
{
	return g->fat_off + (g->type == 12 ? c + c / 2 : (uint64_t)c * (g->type / 8));
}

/* Reads n bytes of FAT at off through the one-sector window. */
static int win_read(struct fat_vol *vol, uint64_t off, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t o = off + i, base = o & ~(uint64_t)511;
		if (!vol->win_ok || vol->win_off != base) {
			vol->win_ok = false;
			if (fat_read(vol, base, vol->win, 512) != 0)
				return -EIO;
			vol->win_off = base;
			vol->win_ok = true;
		}
		out[i] = vol->win[o - base];
	}
	return 0;
}

static int fat_get(struct fat_vol *vol, uint32_t c, uint32_t *v)
{
	uint8_t b[4];
	int r;

	if ((r = win_read(vol, entry_off(&vol->g, c), b, vol->g.type == 32 ? 4 : 2)) != 0)
		return r;
	if (vol->g.type == 12)
		*v = c & 1 ? fat_rd16(b) >> 4 : fat_rd16(b) & 0xFFF;
	else if (vol->g.type == 16)
		*v = fat_rd16(b);
	else
		*v = fat_rd32(b) & FAT32_MASK;
	return 0;
}

/* Sets cluster c's entry to v in every FAT copy ("FAT Data Structure"; FAT32 keeps its high 4 bits). */
int fat_set(struct fat_vol *vol, uint32_t c, uint32_t v)
{
	const struct fat_geom *g = &vol->g;
	size_t n = g->type == 32 ? 4 : 2;
	uint8_t b[4];
	int r;

	if ((r = win_read(vol, entry_off(g, c), b, n)) != 0)
		return r;
	if (g->type == 12) {
		uint16_t old = fat_rd16(b);
		fat_wr16(b, (uint16_t)(c & 1 ? (old & 0x000F) | (v << 4) : (old & 0xF000) | (v & 0xFFF)));
	} else if (g->type == 16) {
		fat_wr16(b, (uint16_t)v);
	} else {
		fat_wr32(b, (fat_rd32(b) & ~FAT32_MASK) | (v & FAT32_MASK));
	}
	for (uint32_t i = 0; i < g->fats; i++) {
		uint64_t off = entry_off(g, c) + i * g->fat_bytes;
		if ((r = fat_write(vol, off, b, n, FAT_W_FAT)) != 0)
			return r;
		for (size_t k = 0; k < n; k++)	/* the window stays true */
			if (vol->win_ok && off + k >= vol->win_off && off + k < vol->win_off + 512)
				vol->win[off + k - vol->win_off] = b[k];
	}
	return 0;
}

int fat_next(struct fat_vol *vol, struct fat_node *n, uint32_t c, uint32_t *next)
{
	uint32_t v;
	int r;

	if (!fat_is_clus(&vol->g, c))
		return fat_damaged(vol, n, "a cluster chain leaves the volume");
	if ((r = fat_get(vol, c, &v)) != 0)
		return r;
	if (fat_is_eoc(&vol->g, v)) {
		*next = 0;
		return 0;
	}
	if (!fat_is_clus(&vol->g, v))
		return fat_damaged(vol, n, v == FAT_FREE ? "a cluster chain runs into a free cluster" :
				   "a cluster chain points past the end of the volume");
	*next = v;
	return 0;
}

/*
 * The index-th cluster of n's chain in *c (0 past its end). Walks on from n's hint when
 * it lies before index; a chain longer than the volume's clusters loops, and is -EIO.
 */
int fat_chain_at(struct fat_vol *vol, struct fat_node *n, uint32_t index, uint32_t *c)
{
	uint32_t i = 0, cur = n->first;
	int r;

	if (n->bad)
		return -EIO;
	if (n->hint_clus && n->hint_idx <= index) {
		i = n->hint_idx;
		cur = n->hint_clus;
	}
	if (index >= vol->g.clusters)
		return fat_damaged(vol, n, "a cluster chain loops");
	while (i < index && cur) {
		if ((r = fat_next(vol, n, cur, &cur)) != 0)
			return r;
		i++;
	}
	if (cur && !fat_is_clus(&vol->g, cur))
		return fat_damaged(vol, n, "a first cluster outside the volume");
	if (cur) {
		n->hint_idx = i;
		n->hint_clus = cur;
	}
	*c = cur;
	return 0;
}

/* Allocates a free cluster, marked the end of its chain and linked after prev (0: none). */
int fat_alloc(struct fat_vol *vol, uint32_t prev, uint32_t *c)
{
	const struct fat_geom *g = &vol->g;
	uint32_t v;
	int r;

	for (uint32_t k = 0; k < g->clusters; k++) {
		uint32_t cand = 2 + (vol->next - 2 + k) % g->clusters;
		if ((r = fat_get(vol, cand, &v)) != 0)
			return r;
		if (v != FAT_FREE)
			continue;
		/* The new cluster ends its chain before anything points at it. */
		if ((r = fat_set(vol, cand, g->eoc)) != 0 || (prev && (r = fat_set(vol, prev, cand)) != 0))
			return r;
		vol->next = cand + 1 < g->clusters + 2 ? cand + 1 : 2;
		if (vol->free)
			vol->free--;
		vol->fsinfo_dirty = true;
		*c = cand;
		return 0;
	}
	return -ENOSPC;
}

/* Puts cluster c's entry v into the bytes at b, which hold the FAT from entry_off(g, first). */
static void entry_put(const struct fat_geom *g, uint8_t *b, uint32_t first, uint32_t c, uint32_t v)
{
	uint8_t *p = b + (entry_off(g, c) - entry_off(g, first));

	if (g->type == 12) {
		uint16_t old = fat_rd16(p);
		fat_wr16(p, (uint16_t)(c & 1 ? (old & 0x000F) | (v << 4) : (old & 0xF000) | (v & 0xFFF)));
	} else if (g->type == 16) {
		fat_wr16(p, (uint16_t)v);
	} else {
		fat_wr32(p, (fat_rd32(p) & ~FAT32_MASK) | (v & FAT32_MASK));
	}
}

int fat_alloc_run(struct fat_vol *vol, uint32_t prev, uint32_t want, uint32_t *first,
		  uint32_t *got)
{
	const struct fat_geom *g = &vol->g;
	uint8_t b[4 * FAT_ALLOC_RUN + 2];
	uint32_t f = 0, k = 0, v;
	int r;

	want = MIN(want, (uint32_t)FAT_ALLOC_RUN);
	if (want == 0)
		return -EINVAL;
	/* The first free cluster from vol->next on, and the free ones right after it. */
	for (uint32_t i = 0; i < g->clusters && k < want; i++) {
		uint32_t cand = 2 + (vol->next - 2 + i) % g->clusters;
		if (k && cand != f + k)
			break;		/* the search wrapped to cluster 2 */
		if ((r = fat_get(vol, cand, &v)) != 0)
			return r;
		if (v == FAT_FREE && k++ == 0)
			f = cand;
		else if (v != FAT_FREE && k)
			break;
	}
	if (k == 0)
		return -ENOSPC;
	/* The run links up and ends its chain, in one write per FAT copy, before prev leads to it. */
	uint64_t off = entry_off(g, f);
	size_t len = (size_t)(entry_off(g, f + k - 1) + (g->type == 32 ? 4 : 2) - off);
	if ((r = fat_read(vol, off, b, len)) != 0)
		return r;
	for (uint32_t i = 0; i < k; i++)
		entry_put(g, b, f, f + i, i + 1 < k ? f + i + 1 : g->eoc);
	for (uint32_t i = 0; i < g->fats; i++) {
		uint64_t o = off + i * g->fat_bytes;
		if (vol->win_ok && o < vol->win_off + 512 && o + len > vol->win_off)
			vol->win_ok = false;
		if ((r = fat_write(vol, o, b, len, FAT_W_FAT)) != 0)
			return r;
	}
	if (prev && (r = fat_set(vol, prev, f)) != 0)
		return r;
	vol->next = f + k < g->clusters + 2 ? f + k : 2;
	vol->free = vol->free > k ? vol->free - k : 0;
	vol->fsinfo_dirty = true;
	*first = f;
	*got = k;
	return 0;
}

/* Frees the chain from c on; a damaged one is freed as far as it goes. */
int fat_free_chain(struct fat_vol *vol, uint32_t c)
{
	for (uint32_t k = 0; c && k < vol->g.clusters; k++) {
		uint32_t next;
		int r;
		if ((r = fat_next(vol, NULL, c, &next)) != 0)
			return r;
		if ((r = fat_set(vol, c, FAT_FREE)) != 0)
			return r;
		vol->free++;
		vol->fsinfo_dirty = true;
		c = next;
	}
	return 0;
}

int fat_zero_clus(struct fat_vol *vol, uint32_t c)
{
	static const uint8_t zero[512];
	int r = 0;

	for (uint32_t o = 0; o < vol->g.clus_size && r == 0; o += sizeof(zero))
		r = fat_write(vol, fat_clus_off(&vol->g, c) + o, zero, sizeof(zero), FAT_W_DATA);
	return r;
}

/* "FAT32 FSInfo Sector Structure": FSI_Free_Count and FSI_Nxt_Free, when the signatures are there. */
void fat_fsinfo_put(struct fat_vol *vol)
{
	uint8_t b[8];
	uint8_t sig[4];

	if (!vol->fsinfo_dirty || !vol->g.fsinfo_off)
		return;
	vol->fsinfo_dirty = false;
	if (fat_read(vol, vol->g.fsinfo_off + 484, sig, 4) != 0 || fat_rd32(sig) != 0x61417272)
		return;
	fat_wr32(b, vol->free);
	fat_wr32(b + 4, vol->next);
	fat_write(vol, vol->g.fsinfo_off + 488, b, 8, FAT_W_DIR);
}

void fat_now(uint16_t *date, uint16_t *time)
{
	fat_time_from_unix(rtc_seconds(), date, time);
}

/* ---------------------------------------------------------------------------------------
 * Nodes */

uint32_t fat_mode(const struct fat_node *n)
{
	if (n->attr & FAT_ATTR_DIR)
		return KEEL_S_IFDIR | 0755;
	return KEEL_S_IFREG | (n->attr & FAT_ATTR_RO ? 0444 : 0644);
}

struct fat_node *fat_node_find(struct fat_vol *vol, uint64_t de_off)
{
	for (struct fat_node *n = vol->nodes; n; n = n->next)
		if (n->de_off == de_off && !n->gone)
			return n;
	return NULL;
}

/*
 * Walks n's whole chain once, so that a chain that loops, leaves the volume, or is
 * shorter than the size says makes the node bad (-EIO from then on, said once).
 */
static void chain_check(struct fat_vol *vol, struct fat_node *n)
{
	uint32_t c = n->first, count = 0;
	uint64_t cs = vol->g.clus_size;

	if (!c) {
		if (n->size)
			fat_damaged(vol, n, "a file has a size but no clusters");
		return;
	}
	if (!(n->attr & FAT_ATTR_DIR) && n->size > (uint64_t)vol->g.clusters * cs) {
		fat_damaged(vol, n, "a file is larger than the volume");
		return;
	}
	while (c) {
		if (++count > vol->g.clusters) {
			fat_damaged(vol, n, "a cluster chain loops");
			return;
		}
		if (fat_next(vol, n, c, &c) != 0)
			return;
	}
	if ((uint64_t)count * cs < n->size)
		fat_damaged(vol, n, "a file is larger than its cluster chain");
}

/*
 * The node of entry e of parent: the one in memory, or a new one holding a reference to
 * parent. Called under the VFS, which takes a reference to it at once. NULL when memory
 * is out.
 */
struct fat_node *fat_node_get(struct fat_vol *vol, struct fat_node *parent, const struct fat_dirent *e)
{
	struct fat_node *n = fat_node_find(vol, e->off);

	if (n)
		return n;
	if (!(n = kmalloc(sizeof(*n))))
		return NULL;
	memset(n, 0, sizeof(*n));
	vnode_init(&n->v, &fat_vnode_ops, &vol->root->v);
	n->vol = vol;
	n->parent = parent;
	parent->v.refs++;		/* under the VFS: see fat_node_release */
	n->de_off = e->off;
	n->first = fat_de_clus(e->de, vol->g.type);
	n->size = fat_rd32(e->de + FAT_DE_SIZE);
	n->attr = e->de[FAT_DE_ATTR];
	n->wdate = fat_rd16(e->de + FAT_DE_WDATE);
	n->wtime = fat_rd16(e->de + FAT_DE_WTIME);
	if (n->attr & FAT_ATTR_DIR)
		n->size = 0;		/* a directory's DIR_FileSize is 0; its chain says how long */
	n->next = vol->nodes;
	vol->nodes = n;
	chain_check(vol, n);
	return n;
}

/*
 * n's last reference is gone (the VFS holds its lock): a node removed while open gives
 * its clusters back now; then it leaves memory and lets its directory go too.
 */
void fat_node_release(struct fat_node *n)
{
	struct fat_vol *vol = n->vol;

	while (n && n != vol->root && n->v.refs == 0) {
		struct fat_node *parent = n->parent, **pp;
		if (n->gone && n->first)
			fat_free_chain(vol, n->first);
		for (pp = &vol->nodes; *pp != n; pp = &(*pp)->next)
			;
		*pp = n->next;
		kfree(n);
		n = parent;
		if (n && --n->v.refs != 0)
			break;
	}
}

/* Writes n's first cluster, size, attributes and time into its short entry. */
int fat_node_put_de(struct fat_node *n)
{
	uint8_t de[FAT_DIRENT];
	int r;

	if (!n->de_off || n->gone)
		return 0;
	if ((r = fat_read(n->vol, n->de_off, de, sizeof(de))) != 0)
		return r;
	fat_de_set_clus(de, n->first);
	fat_wr32(de + FAT_DE_SIZE, n->attr & FAT_ATTR_DIR ? 0 : n->size);
	de[FAT_DE_ATTR] = n->attr;
	fat_wr16(de + FAT_DE_WDATE, n->wdate);
	fat_wr16(de + FAT_DE_WTIME, n->wtime);
	fat_wr16(de + FAT_DE_ADATE, n->wdate);
	return fat_write(n->vol, n->de_off, de, sizeof(de), FAT_W_DIR);
}

/* ---------------------------------------------------------------------------------------
 * Mounting */

/* Reads "uid=N,gid=N" (others are refused). */
static int parse_opts(const char *opts, struct fat_vol *vol)
{
	const char *p = opts ? opts : "";

	while (*p) {
		uint32_t *dst = strncmp(p, "uid=", 4) == 0 ? &vol->uid :
				strncmp(p, "gid=", 4) == 0 ? &vol->gid : NULL;
		uint64_t v = 0;
		if (!dst)
			return -EINVAL;
		p += 4;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9' && v < 0xFFFFFFFFu)
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (v > 0xFFFFFFFFu || (*p && *p != ','))
			return -EINVAL;
		*dst = (uint32_t)v;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int fat_mount_dev(struct block_dev *dev, const char *opts, struct vnode **root)
{
	struct fat_vol *vol;
	uint8_t *bs;
	const char *why;
	uint32_t v;
	int r;

	if (!bcache_ready())
		return -ENOMEM;
	if (bcache_start_flusher() != 0)
		kprintf("[!!] fat %s: no flusher thread; writes wait for sync\n", dev->name);
	if (!(vol = kmalloc(sizeof(*vol))) || !(bs = kmalloc(512))) {
		kfree(vol);
		return -ENOMEM;
	}
	memset(vol, 0, sizeof(*vol));
	vol->lock = (struct lock)LOCK_INIT("fat");
	vol->dev = dev;
	vol->g.vol_bytes = 512;
	if ((r = parse_opts(opts, vol)) != 0)
		goto fail;
	if ((r = fat_read(vol, 0, bs, 512)) != 0)
		goto fail;
	if (fat_parse_bpb(bs, dev->sectors * dev->sector_size, &vol->g, &why) != 0) {
		kprintf("[!!] fat %s: not mounted: %s\n", dev->name, why);
		r = -EINVAL;
		goto fail;
	}
	/* Count the free clusters rather than trust FSInfo, which is only a hint. */
	for (uint32_t c = 2; c < vol->g.clusters + 2; c++) {
		if ((r = fat_get(vol, c, &v)) != 0)
			goto fail;
		if (v == FAT_FREE && vol->free++ == 0)
			vol->next = c;
	}
	if (!vol->next)
		vol->next = 2;
	vol->fsinfo_dirty = true;	/* the count is put right at the first change */
	if (!(vol->root = kmalloc(sizeof(*vol->root)))) {
		r = -ENOMEM;
		goto fail;
	}
	memset(vol->root, 0, sizeof(*vol->root));
	vnode_init(&vol->root->v, &fat_vnode_ops, NULL);
	vol->root->vol = vol;
	vol->root->attr = FAT_ATTR_DIR;
	vol->root->first = vol->g.type == 32 ? vol->g.root_clus : 0;
	vol->root->v.refs = 1;
	vol->nodes = vol->root;
	kfree(bs);
	kprintf("[ok] fat %s: FAT%d, %u clusters of %u bytes, %u free\n", dev->name, vol->g.type,
		vol->g.clusters, vol->g.clus_size, vol->free);
	*root = &vol->root->v;
	return 0;
fail:
	kfree(bs);
	kfree(vol);
	return r;
}

static int fat_unmount(struct vnode *root)
{
	struct fat_node *r = (struct fat_node *)root;
	struct fat_vol *vol = r->vol;
	int err;

	fat_vol_enter(vol);
	for (struct fat_node *n = vol->nodes; n; n = n->next)
		if (n != r && n->v.refs > 0) {
			fat_vol_leave(vol);
			return -EBUSY;
		}
	fat_vol_leave(vol);		/* puts FSInfo right */
	if ((err = bcache_sync()) != 0)
		return err;		/* still mounted: nothing is lost yet */
	while (vol->nodes) {
		struct fat_node *n = vol->nodes;
		vol->nodes = n->next;
		kfree(n);
	}
	kfree(vol);
	return 0;
}

const struct vfs_type fat_type = {
	.name = "vfat",
	.mount_dev = fat_mount_dev,
	.unmount = fat_unmount,
};
