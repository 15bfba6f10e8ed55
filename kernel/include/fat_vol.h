/*
 * The kernel side of the FAT file system (fat.h), shared by kernel/fs/fat.c (the volume,
 * the FAT, the nodes), fat_dir.c (directories) and fat_file.c (the vnode_ops). A volume's
 * operations run one at a time: its busy flag (vol_enter, vol_leave) is a sleeping lock,
 * held across the disk I/O, that the VFS's own is always taken before.
 */
#ifndef KEEL_FAT_VOL_H
#define KEEL_FAT_VOL_H

#include "fat.h"
#include "block.h"
#include "lock.h"
#include "sched.h"
#include "vfs.h"
#include <keel/fs.h>

#define FAT_LFN_UNITS	(20 * FAT_LFN_CHARS)	/* UTF-16 units long-name entries can hold */
#define FAT_DIR_SLOTS	65536			/* entries a directory may have ("FAT Directory Structure") */

/* What a block write belongs to, for the order they reach the disk in (doc/storage.md). */
enum fat_wclass { FAT_W_FAT = 1, FAT_W_DATA = 2, FAT_W_DIR = 3 };

struct fat_node;

/*
 * What fat_dir_lookup learnt when it missed a name: where that name would go in the
 * directory, so that the create which follows a miss (the VFS looks the name up first)
 * does not scan it again. Any name added or removed anywhere on the volume forgets it.
 */
struct fat_miss {
	bool ok;
	uint32_t dir;			/* the directory's first cluster (0: the FAT12/16 root) */
	char name[KEEL_NAME_MAX + 1];
	uint32_t slot;			/* the first of the free slots the name needs */
	unsigned tail;			/* the alias's tail (0: past those one scan knows) */
};

struct fat_vol {
	struct block_dev *dev;
	struct fat_geom g;
	struct lock lock;		/* busy */
	bool busy;
	struct waitq idle;
	uint32_t free;			/* free clusters, counted at mount, kept in FSInfo */
	uint32_t next;			/* where the next allocation starts looking */
	bool fsinfo_dirty;
	uint32_t uid, gid;		/* the owner Unix sees (mount options uid=, gid=) */
	struct fat_node *nodes;		/* every node in memory */
	struct fat_node *root;
	uint64_t said[16];		/* damaged entries logged already (their de_off) */
	unsigned nsaid;
	struct fat_miss miss;
	uint64_t dwin_off;		/* the sector small reads (directory entries) last came from */
	bool dwin_ok;
	uint8_t dwin[512];
	uint64_t win_off;		/* a sector of the FAT kept for reading: its offset */
	bool win_ok;
	uint8_t win[512];
};

struct fat_node {
	struct vnode v;			/* first: the VFS's view */
	struct fat_vol *vol;
	struct fat_node *next;		/* in vol->nodes */
	struct fat_node *parent;	/* a reference held on the directory; NULL for the root */
	uint64_t de_off;		/* the volume byte offset of its short entry; 0 for the root */
	uint32_t first;			/* first cluster, 0 for none (and the FAT12/16 root) */
	uint32_t size;
	uint8_t attr;
	uint16_t wdate, wtime;
	bool gone;			/* removed while open: its clusters go when it is closed */
	bool bad;			/* found damaged: -EIO, said once */
	uint32_t hint_idx, hint_clus;	/* a cluster of the chain and its index in it */
	uint32_t rd_index, rd_slot;	/* readdir's place: entry index and the slot after it */
};

/* A directory entry found by name or by scanning. */
struct fat_dirent {
	uint8_t de[FAT_DIRENT];		/* the short entry */
	uint64_t off;			/* its volume byte offset */
	uint32_t first_slot;		/* the slot of its first long-name entry, or its own */
	uint32_t slot;			/* its own slot */
	char name[KEEL_NAME_MAX + 1];
};

/* fat.c */
void fat_vol_enter(struct fat_vol *vol);
void fat_vol_leave(struct fat_vol *vol);
int fat_read(struct fat_vol *vol, uint64_t off, void *buf, size_t len);
int fat_write(struct fat_vol *vol, uint64_t off, const void *buf, size_t len, enum fat_wclass c);
/* Says once per node (or for the volume when n is NULL) that something is damaged. Returns -EIO. */
int fat_damaged(struct fat_vol *vol, struct fat_node *n, const char *what);
int fat_next(struct fat_vol *vol, struct fat_node *n, uint32_t c, uint32_t *next);
int fat_chain_at(struct fat_vol *vol, struct fat_node *n, uint32_t index, uint32_t *c);
int fat_alloc(struct fat_vol *vol, uint32_t prev, uint32_t *c);
/*
 * Allocates up to want (at most FAT_ALLOC_RUN) free clusters in a row, from where the
 * last allocation ended: the first free one and those free right after it, linked into
 * a chain that ends there, then linked after prev (0: none). Returns 0 with the first in
 * *first and their number in *got, -ENOSPC, or an error.
 */
#define FAT_ALLOC_RUN	128
int fat_alloc_run(struct fat_vol *vol, uint32_t prev, uint32_t want, uint32_t *first,
		  uint32_t *got);
int fat_free_chain(struct fat_vol *vol, uint32_t c);
int fat_set(struct fat_vol *vol, uint32_t c, uint32_t v);
int fat_zero_clus(struct fat_vol *vol, uint32_t c);
struct fat_node *fat_node_get(struct fat_vol *vol, struct fat_node *parent, const struct fat_dirent *e);
struct fat_node *fat_node_find(struct fat_vol *vol, uint64_t de_off);
void fat_node_release(struct fat_node *n);
int fat_node_put_de(struct fat_node *n);
void fat_now(uint16_t *date, uint16_t *time);
void fat_fsinfo_put(struct fat_vol *vol);
uint32_t fat_mode(const struct fat_node *n);

/* fat_dir.c */
int fat_dir_scan(struct fat_vol *vol, struct fat_node *dir, uint32_t *slot, struct fat_dirent *e);
int fat_dir_find(struct fat_vol *vol, struct fat_node *dir, const char *name, size_t len,
		 struct fat_dirent *e);
/* fat_dir_find for the VFS's lookup, which remembers a miss (struct fat_miss). */
int fat_dir_lookup(struct fat_vol *vol, struct fat_node *dir, const char *name, size_t len,
		   struct fat_dirent *e);
int fat_dir_add(struct fat_vol *vol, struct fat_node *dir, const char *name, uint8_t *de,
		uint64_t *off);
int fat_dir_del(struct fat_vol *vol, struct fat_node *dir, const struct fat_dirent *e);
int fat_dir_empty(struct fat_vol *vol, struct fat_node *dir);

extern const struct vnode_ops fat_vnode_ops;

#endif
