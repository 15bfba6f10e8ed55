/*
 * The FAT file system's vnode_ops (fat_vol.h): lookup, create, remove and rename over the
 * directories of fat_dir.c, and file data read and written in runs of consecutive
 * clusters straight between the caller's buffer and the block cache. Every operation
 * holds the volume (fat_vol_enter). Writes follow the order of doc/storage.md: clusters
 * are taken in the FAT before data go into them, data are written before the entry's
 * size says they are there, and an entry is gone from the disk before its clusters are
 * freed.
 */
#include "bcache.h"
#include "fat_vol.h"
#include "lib.h"
#include <keel/errno.h>

#define FAT_SIZE_MAX	0xFFFFFFFFull	/* DIR_FileSize is 32 bits */

static struct fat_node *fnode(struct vnode *v)
{
	return (struct fat_node *)v;
}

static bool is_dir(const struct fat_node *n)
{
	return n->attr & FAT_ATTR_DIR;
}

/* ---------------------------------------------------------------------------------------
 * File data */

/*
 * Moves len bytes at off of n's clusters (which exist) to or from buf (NULL: zeros are
 * written), a run of consecutive clusters at a time. Returns the bytes moved or an error.
 */
static long rw(struct fat_node *n, uint64_t off, const struct iobuf *buf, size_t len, bool write)
{
	static const uint8_t zero[512];
	struct fat_vol *vol = n->vol;
	uint32_t cs = vol->g.clus_size;
	size_t done = 0;

	while (done < len) {
		uint64_t pos = off + done;
		uint32_t c, cur, within = (uint32_t)(pos % cs), idx = (uint32_t)(pos / cs);
		size_t run;
		int r;

		if ((r = fat_chain_at(vol, n, idx, &c)) != 0)
			return done ? (long)done : r;
		if (!c)
			return fat_damaged(vol, n, "a file is larger than its cluster chain");
		run = cs - within;
		for (cur = c; run < len - done; run += cs, idx++) {
			uint32_t nx;
			if ((r = fat_next(vol, n, cur, &nx)) != 0)
				return done ? (long)done : r;
			if (nx != cur + 1)
				break;
			cur = nx;
			n->hint_idx = idx + 1;
			n->hint_clus = cur;
		}
		run = MIN(run, len - done);
		uint64_t at = fat_clus_off(&vol->g, c) + within;
		long got;
		if (write && vol->dwin_ok && at < vol->dwin_off + 512 && at + run > vol->dwin_off)
			vol->dwin_ok = false;
		if (!buf) {
			run = MIN(run, sizeof(zero));
			struct iobuf z = { (void *)zero, false };
			got = bcache_io_class(vol->dev, at, &z, run, true, FAT_W_DATA);
		} else {
			struct iobuf b = { (char *)buf->base + done, buf->user };
			got = bcache_io_class(vol->dev, at, &b, run, write, FAT_W_DATA);
		}
		if (got <= 0)
			return done ? (long)done : got < 0 ? got : -EIO;
		done += (size_t)got;
	}
	return (long)done;
}

/* Makes n's chain long enough for size bytes, allocating in the FAT (first) as needed. */
static int grow(struct fat_node *n, uint64_t size)
{
	struct fat_vol *vol = n->vol;
	uint32_t cs = vol->g.clus_size, need = (uint32_t)((size + cs - 1) / cs), have, c, nx;
	int r;

	if (need == 0)
		return 0;
	if (!n->first) {
		uint32_t got;
		if ((r = fat_alloc_run(vol, 0, need, &n->first, &got)) != 0)
			return r;
		n->hint_idx = 0;
		n->hint_clus = n->first;
	}
	have = n->size ? (n->size + cs - 1) / cs : 1;	/* clusters the size says exist */
	if ((r = fat_chain_at(vol, n, MIN(have, need) - 1, &c)) != 0)
		return r;
	if (!c)
		return fat_damaged(vol, n, "a file is larger than its cluster chain");
	/*
	 * The hint stays at the old end, where the write that grows the file starts: were
	 * it left at the new end, that write would walk the chain from its first cluster.
	 */
	for (uint32_t i = MIN(have, need) - 1; i + 1 < need; i++) {
		uint32_t got = 1;
		if ((r = fat_next(vol, n, c, &nx)) != 0)
			return r;
		/* Past the chain's end, the rest comes in runs of consecutive clusters. */
		if (!nx && (r = fat_alloc_run(vol, c, need - 1 - i, &nx, &got)) != 0)
			return r;
		c = nx + got - 1;
		i += got - 1;
	}
	return 0;
}

/* Writes len bytes (zeros when buf is NULL) at off, growing the file. Returns the count or an error. */
static long write_at(struct fat_node *n, uint64_t off, const struct iobuf *buf, size_t len)
{
	uint64_t end;
	long done = 0, r;

	if (off >= FAT_SIZE_MAX)
		return -EFBIG;
	len = (size_t)MIN((uint64_t)len, FAT_SIZE_MAX - off);
	end = off + len;
	if ((r = grow(n, end)) != 0 && r != -ENOSPC)
		return r;
	if (r == -ENOSPC) {	/* as much as the clusters we have hold */
		uint32_t cs = n->vol->g.clus_size, c;
		uint64_t have = 0;
		while (n->first && fat_chain_at(n->vol, n, (uint32_t)(have / cs), &c) == 0 && c)
			have += cs;
		if (have <= off)
			return -ENOSPC;
		end = MIN(end, have);
		len = (size_t)(end - off);
	}
	/* A hole before off becomes zeros on the disk, not what the clusters held before. */
	while (n->size < off) {
		long z = rw(n, n->size, NULL, (size_t)MIN(off - n->size, (uint64_t)512), true);
		if (z <= 0)
			return z < 0 ? z : -EIO;
		n->size += (uint32_t)z;
	}
	if (len && (done = rw(n, off, buf, len, true)) < 0)
		return done;
	if (off + (uint64_t)done > n->size)
		n->size = (uint32_t)(off + (uint64_t)done);
	fat_now(&n->wdate, &n->wtime);
	n->attr |= FAT_ATTR_ARCHIVE;
	if ((r = fat_node_put_de(n)) != 0)
		return r;
	return done;
}

static long fat_vread(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len)
{
	struct fat_node *n = fnode(v);
	long r;

	if (is_dir(n))
		return -EISDIR;
	fat_vol_enter(n->vol);
	if (n->bad)
		r = -EIO;
	else if (off >= n->size)
		r = 0;
	else
		r = rw(n, off, buf, (size_t)MIN((uint64_t)len, n->size - off), false);
	fat_vol_leave(n->vol);
	return r;
}

static long fat_vwrite(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len)
{
	struct fat_node *n = fnode(v);
	long r;

	if (is_dir(n))
		return -EISDIR;
	fat_vol_enter(n->vol);
	r = n->bad ? -EIO : write_at(n, off, buf, len);
	fat_vol_leave(n->vol);
	return r;
}

/* Frees n's clusters from index keep on (all when keep is 0), the entry being written first. */
static int shrink(struct fat_node *n, uint32_t keep)
{
	struct fat_vol *vol = n->vol;
	uint32_t last, rest, old = n->first;
	int r;

	if (keep == 0) {
		n->first = 0;
		if ((r = fat_node_put_de(n)) != 0 || (r = bcache_sync_dev(vol->dev)) != 0)
			return r;
		r = old ? fat_free_chain(vol, old) : 0;
	} else {
		if ((r = fat_node_put_de(n)) != 0 || (r = bcache_sync_dev(vol->dev)) != 0 ||
		    (r = fat_chain_at(vol, n, keep - 1, &last)) != 0)
			return r;
		if (!last || (r = fat_next(vol, n, last, &rest)) != 0)
			return last ? r : 0;
		if (rest && ((r = fat_set(vol, last, vol->g.eoc)) != 0 ||
			     (r = fat_free_chain(vol, rest)) != 0))
			return r;
	}
	if (n->hint_idx >= keep)
		n->hint_idx = n->hint_clus = 0;
	return r;
}

static int fat_vtruncate(struct vnode *v, uint64_t size)
{
	struct fat_node *n = fnode(v);
	uint32_t cs = n->vol->g.clus_size;
	long r = 0;

	if (is_dir(n))
		return -EISDIR;
	if (size > FAT_SIZE_MAX)
		return -EFBIG;
	fat_vol_enter(n->vol);
	if (n->bad) {
		r = -EIO;
	} else if (size > n->size) {
		r = write_at(n, size, NULL, 0);
		r = r < 0 ? r : 0;
	} else if (size < n->size || (size == 0 && n->first)) {
		n->size = (uint32_t)size;
		fat_now(&n->wdate, &n->wtime);
		r = shrink(n, (uint32_t)((size + cs - 1) / cs));
	}
	fat_vol_leave(n->vol);
	return (int)r;
}

/* ---------------------------------------------------------------------------------------
 * Names */

static int fat_vlookup(struct vnode *dv, const char *name, size_t len, struct vnode **out)
{
	struct fat_node *dir = fnode(dv), *n;
	struct fat_dirent e;
	int r;

	if (!is_dir(dir))
		return -ENOTDIR;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = dir->parent ? &dir->parent->v : dv;
		return 0;
	}
	fat_vol_enter(dir->vol);
	if ((r = fat_dir_lookup(dir->vol, dir, name, len, &e)) == 0) {
		if (!(n = fat_node_get(dir->vol, dir, &e)))
			r = -ENOMEM;
		else
			*out = &n->v;
	}
	fat_vol_leave(dir->vol);
	return r;
}

/* Fills a short entry for a new file or directory of attributes attr at the current time. */
static void new_de(uint8_t *de, uint8_t attr, uint32_t first)
{
	uint16_t date, time;

	memset(de, 0, FAT_DIRENT);
	fat_now(&date, &time);
	de[FAT_DE_ATTR] = attr;
	fat_wr16(de + FAT_DE_CTIME, time);
	fat_wr16(de + FAT_DE_CDATE, date);
	fat_wr16(de + FAT_DE_ADATE, date);
	fat_wr16(de + FAT_DE_WTIME, time);
	fat_wr16(de + FAT_DE_WDATE, date);
	fat_de_set_clus(de, first);
}

/* Makes a directory's first cluster with "." and ".." ("FAT Directory Structure"). */
static int make_dir_clus(struct fat_vol *vol, struct fat_node *parent, uint32_t *c)
{
	uint8_t de[2 * FAT_DIRENT];
	int r;

	if ((r = fat_alloc(vol, 0, c)) != 0)
		return r;
	new_de(de, FAT_ATTR_DIR, *c);
	memset(de, ' ', 11);
	de[0] = '.';
	/* ".." of a directory in the root says cluster 0, even on FAT32. */
	new_de(de + FAT_DIRENT, FAT_ATTR_DIR, parent == vol->root ? 0 : parent->first);
	memset(de + FAT_DIRENT, ' ', 11);
	de[FAT_DIRENT] = de[FAT_DIRENT + 1] = '.';
	if ((r = fat_zero_clus(vol, *c)) != 0 ||
	    (r = fat_write(vol, fat_clus_off(&vol->g, *c), de, sizeof(de), FAT_W_DATA)) != 0)
		fat_free_chain(vol, *c);
	return r;
}

static int fat_vcreate(struct vnode *dv, const char *name, uint32_t mode, uint32_t uid,
		       uint32_t gid, struct vnode **out)
{
	struct fat_node *dir = fnode(dv), *n;
	struct fat_vol *vol = dir->vol;
	struct fat_dirent e;
	uint32_t first = 0;
	int r;

	(void)uid, (void)gid;	/* the volume's owner owns everything (doc/storage.md) */
	if (!KEEL_S_ISDIR(mode) && !KEEL_S_ISREG(mode))
		return -EPERM;	/* FAT holds no symlinks */
	fat_vol_enter(vol);
	/*
	 * fat_dir_add finds a name that is there already (its one scan of the directory);
	 * a directory's first cluster is made before that, so the check comes first then.
	 */
	if (KEEL_S_ISDIR(mode) && (r = fat_dir_find(vol, dir, name, strlen(name), &e)) != -ENOENT) {
		r = r == 0 ? -EEXIST : r;
		goto out;
	}
	if (KEEL_S_ISDIR(mode) && (r = make_dir_clus(vol, dir, &first)) != 0)
		goto out;
	new_de(e.de, KEEL_S_ISDIR(mode) ? FAT_ATTR_DIR : FAT_ATTR_ARCHIVE, first);
	if (!(mode & 0200))
		e.de[FAT_DE_ATTR] |= FAT_ATTR_RO;
	if ((r = fat_dir_add(vol, dir, name, e.de, &e.off)) != 0) {
		if (first)
			fat_free_chain(vol, first);
		goto out;
	}
	if ((r = fat_read(vol, e.off, e.de, FAT_DIRENT)) == 0) {
		if (!(n = fat_node_get(vol, dir, &e)))
			r = -ENOMEM;
		else
			*out = &n->v;
	}
out:
	fat_vol_leave(vol);
	return r;
}

/* Frees what entry e pointed at, or leaves it to the node's last close when it is open. */
static int drop_clusters(struct fat_vol *vol, const struct fat_dirent *e)
{
	struct fat_node *live = fat_node_find(vol, e->off);
	uint32_t first = fat_de_clus(e->de, vol->g.type);

	if (live && live->v.refs > 0) {
		live->gone = true;
		return 0;
	}
	return first ? fat_free_chain(vol, first) : 0;
}

static int fat_vremove(struct vnode *dv, const char *name, bool dir_only)
{
	struct fat_node *dir = fnode(dv);
	struct fat_vol *vol = dir->vol;
	struct fat_dirent e;
	int r;

	fat_vol_enter(vol);
	if ((r = fat_dir_find(vol, dir, name, strlen(name), &e)) != 0)
		goto out;
	bool d = e.de[FAT_DE_ATTR] & FAT_ATTR_DIR;
	if (d != dir_only) {
		r = d ? -EISDIR : -ENOTDIR;
		goto out;
	}
	if (d) {
		struct fat_node tmp = { .vol = vol, .first = fat_de_clus(e.de, vol->g.type),
					.attr = FAT_ATTR_DIR };
		if ((r = fat_dir_empty(vol, &tmp)) != 0)
			goto out;
	}
	/* The entry leaves the disk before its clusters are free (doc/storage.md). */
	if ((r = fat_dir_del(vol, dir, &e)) == 0 && (r = bcache_sync_dev(vol->dev)) == 0)
		r = drop_clusters(vol, &e);
out:
	fat_vol_leave(vol);
	return r;
}

static int fat_vrename(struct vnode *fdv, const char *fname, struct vnode *tdv, const char *tname)
{
	struct fat_node *fdir = fnode(fdv), *tdir = fnode(tdv), *live;
	struct fat_vol *vol = fdir->vol;
	struct fat_dirent src, dst;
	uint8_t de[FAT_DIRENT];
	uint64_t off;
	int r;

	fat_vol_enter(vol);
	if ((r = fat_dir_find(vol, fdir, fname, strlen(fname), &src)) != 0)
		goto out;
	bool d = src.de[FAT_DE_ATTR] & FAT_ATTR_DIR;
	live = fat_node_find(vol, src.off);
	/* A directory cannot move into itself or below. */
	for (struct fat_node *p = tdir; d && p; p = p->parent)
		if (p->de_off == src.off) {
			r = -EINVAL;
			goto out;
		}
	r = fat_dir_find(vol, tdir, tname, strlen(tname), &dst);
	if (r == 0 && dst.off == src.off && strcmp(fname, tname) == 0)
		goto out;			/* to itself */
	if (r == 0 && dst.off != src.off) {
		bool td = dst.de[FAT_DE_ATTR] & FAT_ATTR_DIR;
		struct fat_node tmp = { .vol = vol, .first = fat_de_clus(dst.de, vol->g.type),
					.attr = FAT_ATTR_DIR };
		if (td != d) {
			r = td ? -EISDIR : -ENOTDIR;
			goto out;
		}
		if (td && (r = fat_dir_empty(vol, &tmp)) != 0)
			goto out;
		if ((r = fat_dir_del(vol, tdir, &dst)) != 0 || (r = bcache_sync_dev(vol->dev)) != 0 ||
		    (r = drop_clusters(vol, &dst)) != 0)
			goto out;
	} else if (r != 0 && r != -ENOENT) {
		goto out;
	}
	/* The new name is on the disk before the old one goes: a cut leaves both at worst. */
	memcpy(de, src.de, sizeof(de));
	if (fdir == tdir && r == 0 && dst.off == src.off) {
		/* Only the case differs: the old entries go first so the alias is free. */
		if ((r = fat_dir_del(vol, fdir, &src)) != 0 ||
		    (r = fat_dir_add(vol, tdir, tname, de, &off)) != 0)
			goto out;
	} else {
		if ((r = fat_dir_add(vol, tdir, tname, de, &off)) != 0 ||
		    (r = bcache_sync_dev(vol->dev)) != 0 || (r = fat_dir_del(vol, fdir, &src)) != 0)
			goto out;
	}
	if (d && fdir != tdir) {
		/* Its ".." now names the new parent (0 for the root). */
		uint8_t dotdot[FAT_DIRENT];
		uint64_t o = fat_clus_off(&vol->g, fat_de_clus(de, vol->g.type)) + FAT_DIRENT;
		if (fat_is_clus(&vol->g, fat_de_clus(de, vol->g.type)) &&
		    fat_read(vol, o, dotdot, sizeof(dotdot)) == 0 && dotdot[0] == '.' && dotdot[1] == '.') {
			fat_de_set_clus(dotdot, tdir == vol->root ? 0 : tdir->first);
			fat_write(vol, o, dotdot, sizeof(dotdot), FAT_W_DIR);
		}
	}
	if (live) {
		live->de_off = off;
		if (live->parent != tdir) {
			tdir->v.refs++;		/* under the VFS, as in fat_node_get */
			struct fat_node *old = live->parent;
			live->parent = tdir;
			if (--old->v.refs == 0)
				fat_node_release(old);
		}
	}
out:
	fat_vol_leave(vol);
	return r;
}

/* ---------------------------------------------------------------------------------------
 * The rest */

static int fat_vreaddir(struct vnode *dv, uint64_t index, struct keel_dirent *d)
{
	struct fat_node *dir = fnode(dv);
	struct fat_vol *vol = dir->vol;
	struct fat_dirent e;
	uint32_t slot = 0, i = 0;
	char sname[13];
	int r;

	if (!is_dir(dir))
		return -ENOTDIR;
	fat_vol_enter(vol);
	/* A listing asks for index after index: go on from the last one given. */
	if (index > 0 && dir->rd_slot && dir->rd_index + 1 == index) {
		slot = dir->rd_slot;
		i = (uint32_t)index;
	}
	while ((r = fat_dir_scan(vol, dir, &slot, &e)) == 1) {
		fat_short_name(e.de, sname);
		if (strcmp(sname, ".") == 0 || strcmp(sname, "..") == 0)
			continue;
		if (i++ == index)
			break;
	}
	if (r == 1) {
		dir->rd_index = (uint32_t)index;
		dir->rd_slot = slot;
		d->ino = (uint32_t)(e.off / FAT_DIRENT);
		d->mode = e.de[FAT_DE_ATTR] & FAT_ATTR_DIR ? KEEL_S_IFDIR | 0755 :
			  KEEL_S_IFREG | (e.de[FAT_DE_ATTR] & FAT_ATTR_RO ? 0444 : 0644);
		strlcpy(d->name, e.name, sizeof(d->name));
	}
	fat_vol_leave(vol);
	return r;
}

static void fat_vstat(struct vnode *v, struct keel_stat *st)
{
	struct fat_node *n = fnode(v);

	*st = (struct keel_stat){ .ino = n->de_off ? (uint32_t)(n->de_off / FAT_DIRENT) : 1,
				  .mode = fat_mode(n), .uid = n->vol->uid, .gid = n->vol->gid,
				  .nlink = 1, .size = n->size,
				  .mtime = (uint64_t)fat_time_to_unix(n->wdate, n->wtime) };
}

/* The owner's write bit is the read-only attribute; the other bits are fixed. */
static int fat_vchmod(struct vnode *v, uint32_t perm)
{
	struct fat_node *n = fnode(v);
	int r;

	if (is_dir(n) || !n->de_off)
		return 0;
	fat_vol_enter(n->vol);
	n->attr = (uint8_t)(perm & 0200 ? n->attr & ~FAT_ATTR_RO : n->attr | FAT_ATTR_RO);
	r = fat_node_put_de(n);
	fat_vol_leave(n->vol);
	return r;
}

static void fat_vinactive(struct vnode *v)
{
	struct fat_node *n = fnode(v);
	struct fat_vol *vol = n->vol;

	fat_vol_enter(vol);
	fat_node_release(n);
	fat_vol_leave(vol);
}

const struct vnode_ops fat_vnode_ops = {
	.lookup = fat_vlookup,
	.create = fat_vcreate,
	.remove = fat_vremove,
	.rename = fat_vrename,
	.read = fat_vread,
	.write = fat_vwrite,
	.truncate = fat_vtruncate,
	.readdir = fat_vreaddir,
	.stat = fat_vstat,
	.chmod = fat_vchmod,
	.inactive = fat_vinactive,
};
