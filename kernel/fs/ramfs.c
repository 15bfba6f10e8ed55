/*
 * The ramfs of ramfs.h: directories are skip lists of nodes sorted by name (so that a
 * directory of 40,000 entries grows and is searched as fast as a small one: W. Pugh,
 * "Skip lists", CACM 33(6), 1990), file data live in 4 KiB
 * pages (so no file needs one large allocation), and the files of the boot image are read
 * where the image lies until someone writes to them. Pure code over the kernel heap (kmalloc
 * for nodes, kpage_alloc for data pages), also compiled for the host's unit tests.
 */
#include "ramfs.h"
#include "cpio_reader.h"
#include "heap.h"
#include "lib.h"
#include "lock.h"
#include "rtc.h"
#include <keel/errno.h>

static struct {
	struct ramfs_node *root;
	uint32_t next_ino;
	size_t skipped;
	uint64_t seed;			/* of the skip lists' levels */
	/*
	 * The boot image, whose pages hold files' data until they are written: each page's
	 * count of files reading from it, and once ramfs_image_release is called, where a
	 * page goes when its count drops to zero.
	 */
	const unsigned char *image;
	size_t image_pages;		/* whole pages from image, rounded down */
	uint32_t *image_refs;
	void (*image_release)(void *page);
	size_t image_released;
	/*
	 * Kernel memory the files take, charged to their owners (ramfs_set_limits). Writes
	 * charge outside the VFS's lock (vfs.c), so the counts have a lock of their own.
	 */
	struct lock usage_lock;
	uint64_t used, limit, user_limit;
	struct {
		uint32_t uid;
		uint64_t bytes;		/* 0: a free entry */
	} users[RAMFS_USERS_MAX];
} fs = { .usage_lock = LOCK_INIT("ramfs usage") };

static const struct vnode_ops ramfs_ops;

/* ---------------------------------------------------------------------------------------
 * The boot image's pages */

/* Counts (delta +1) or uncounts (-1) the image pages that [data, data + size) touches. */
static void image_count(const unsigned char *data, uint64_t size, int delta)
{
	uintptr_t lo = (uintptr_t)data, hi = lo + size, base = (uintptr_t)fs.image;

	if (!fs.image_refs || !data || size == 0 || hi <= base)
		return;
	size_t first = lo > base ? (lo - base) / RAMFS_PAGE : 0;
	size_t last = (hi - 1 - base) / RAMFS_PAGE;
	for (size_t i = first; i <= last && i < fs.image_pages; i++) {
		fs.image_refs[i] += delta;
		if (fs.image_refs[i] == 0 && fs.image_release) {
			fs.image_release((void *)(fs.image + i * RAMFS_PAGE));
			fs.image_released++;
		}
	}
}

/* Points n's data at the image; the image pages under it are counted. */
static void image_attach(struct ramfs_node *n, const unsigned char *data, uint64_t size)
{
	n->image_data = data;
	n->size = size;
	image_count(data, size, +1);
}

/* n stops reading from the image (its data were copied out or dropped). */
static void image_detach(struct ramfs_node *n)
{
	image_count(n->image_data, n->size, -1);
	n->image_data = NULL;
}

int ramfs_image_release(void (*release)(void *page))
{
	if (!fs.image_refs)
		return 0;
	fs.image_release = release;
	for (size_t i = 0; i < fs.image_pages; i++)
		if (fs.image_refs[i] == 0) {
			release((void *)(fs.image + i * RAMFS_PAGE));
			fs.image_released++;
		}
	return (int)fs.image_released;
}

/* ---------------------------------------------------------------------------------------
 * What the files of each user take */

void ramfs_set_limits(uint64_t limit, uint64_t user_limit)
{
	fs.limit = limit;
	fs.user_limit = user_limit;
}

uint64_t ramfs_used(void)
{
	return fs.used;
}

/* uid's count (not root's), a free one when uid has none and add is set, or NULL. */
static uint64_t *user_bytes(uint32_t uid, bool add)
{
	size_t free = RAMFS_USERS_MAX;

	for (size_t i = 0; i < RAMFS_USERS_MAX; i++) {
		if (fs.users[i].bytes && fs.users[i].uid == uid)
			return &fs.users[i].bytes;
		if (!fs.users[i].bytes && free == RAMFS_USERS_MAX)
			free = i;
	}
	if (!add || free == RAMFS_USERS_MAX)
		return NULL;
	fs.users[free].uid = uid;
	return &fs.users[free].bytes;
}

uint64_t ramfs_user_used(uint32_t uid)
{
	uint64_t *b, r;

	lock_acquire(&fs.usage_lock);
	b = uid ? user_bytes(uid, false) : NULL;
	r = uid ? (b ? *b : 0) : fs.used;
	lock_release(&fs.usage_lock);
	return r;
}

/* Charges bytes to uid, under the usage lock. Returns 0, -ENOSPC past the limit, -EDQUOT past uid's. */
static int charge_locked(uint32_t uid, uint64_t bytes)
{
	uint64_t *b = NULL;

	if (fs.limit && bytes > fs.limit - MIN(fs.used, fs.limit))
		return -ENOSPC;
	if (uid != 0 && !(b = user_bytes(uid, true)) && fs.user_limit)
		return -EDQUOT;
	if (b && fs.user_limit && *b + bytes > fs.user_limit)
		return -EDQUOT;
	if (b)
		*b += bytes;
	fs.used += bytes;
	return 0;
}

static int charge(uint32_t uid, uint64_t bytes)
{
	int err;

	lock_acquire(&fs.usage_lock);
	err = charge_locked(uid, bytes);
	lock_release(&fs.usage_lock);
	return err;
}

static void uncharge(uint32_t uid, uint64_t bytes)
{
	uint64_t *b;

	lock_acquire(&fs.usage_lock);
	if ((b = uid ? user_bytes(uid, false) : NULL) != NULL)
		*b -= MIN(*b, bytes);
	fs.used -= MIN(fs.used, bytes);
	lock_release(&fs.usage_lock);
}

/* A data page for n, charged to its owner. Returns 0, -ENOSPC or -EDQUOT. */
static int page_new(struct ramfs_node *n, unsigned char **page)
{
	int err = charge(n->uid, RAMFS_PAGE);

	if (err)
		return err;
	if (!(*page = kpage_alloc())) {
		uncharge(n->uid, RAMFS_PAGE);
		return -ENOSPC;
	}
	return 0;
}

static void page_free(struct ramfs_node *n, unsigned char *page)
{
	if (page) {
		kpage_free(page);
		uncharge(n->uid, RAMFS_PAGE);
	}
}

/*
 * The bytes charged to n's owner besides its pages: the node itself. A name too long for
 * the node's own buffer takes a block of at most KEEL_NAME_MAX + 1 bytes more, which is
 * not charged: it is bounded by half the node's size.
 */
#define NODE_CHARGE	sizeof(struct ramfs_node)

/* The heap's 512-byte class holds a node and its 8-byte canary (heap.c). */
_Static_assert(sizeof(struct ramfs_node) + 8 <= 512, "a node fits the heap's 512-byte class");

/* Gives n the name (len bytes). Returns 0, or -ENOSPC with n's name as it was. */
static int name_set(struct ramfs_node *n, const char *name, size_t len)
{
	char *to = n->iname;

	if (len > RAMFS_NAME_INLINE && !(to = kmalloc(len + 1)))
		return -ENOSPC;
	memcpy(to, name, len);
	to[len] = '\0';
	if (n->name != n->iname)
		kfree(n->name);
	n->name = to;
	return 0;
}

/* ---------------------------------------------------------------------------------------
 * Nodes and directories */

/* Returns the new node, or NULL with *err set (-ENOSPC, -EDQUOT). */
static struct ramfs_node *node_new(const char *name, size_t len, uint32_t mode, uint32_t uid,
				   uint32_t gid, int *err)
{
	struct ramfs_node *n;

	if ((*err = charge(uid, NODE_CHARGE)) != 0)
		return NULL;
	if (!(n = kzalloc(sizeof(*n)))) {
		uncharge(uid, NODE_CHARGE);
		*err = -ENOSPC;
		return NULL;
	}
	n->name = n->iname;
	if ((*err = name_set(n, name, len)) != 0) {
		kfree(n);
		uncharge(uid, NODE_CHARGE);
		return NULL;
	}
	vnode_init(&n->vn, &ramfs_ops, fs.root ? &fs.root->vn : NULL);
	n->ino = ++fs.next_ino;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->mtime = (uint64_t)rtc_seconds();	/* the image's entries get theirs after */
	n->parent = n;
	return n;
}

static void data_free(struct ramfs_node *n)
{
	for (size_t i = 0; i < n->npages; i++)
		page_free(n, n->pages[i]);
	kfree(n->pages);
	n->pages = NULL;
	n->npages = 0;
	image_detach(n);
	n->size = 0;
}

static void node_free(struct ramfs_node *n)
{
	data_free(n);
	uncharge(n->uid, NODE_CHARGE);
	if (n->name != n->iname)
		kfree(n->name);
	kfree(n);
}

/* Gives n to uid, and what it takes with it. */
static void node_chown(struct ramfs_node *n, uint32_t uid)
{
	uint64_t bytes = NODE_CHARGE;

	for (size_t i = 0; i < n->npages; i++)
		bytes += n->pages[i] ? RAMFS_PAGE : 0;
	uncharge(n->uid, bytes);
	n->uid = uid;
	/* Only image entries change owners, before any limit can bite: it cannot fail. */
	(void)charge(uid, bytes);
}

/* Compares the entry name a with the len bytes of name, as strcmp would. */
static int name_cmp(const char *a, const char *name, size_t len)
{
	int c = strncmp(a, name, len);

	return c != 0 ? c : a[len] != '\0';
}

/* A level for a new entry: 1, 2 with odds 1/4, 3 with 1/16, ... (a 64-bit LCG's high bits). */
static unsigned random_levels(void)
{
	unsigned levels = 1;
	uint64_t r;

	fs.seed = fs.seed * 6364136223846793005ULL + 1442695040888963407ULL;
	for (r = fs.seed >> 32; levels < RAMFS_LEVELS && (r & 3) == 0; r >>= 2)
		levels++;
	return levels;
}

/*
 * Searches dir for the entry name (len bytes): on each level from the top, moves along
 * while the next entry sorts before it. Fills prev[i] (if not NULL) with the link on level
 * i that an entry of that name comes after. Returns the entry, or NULL.
 */
static struct ramfs_node *dir_search(struct ramfs_node *dir, const char *name, size_t len,
				     struct ramfs_node **prev[RAMFS_LEVELS])
{
	struct ramfs_node **links = dir->children;

	for (int i = RAMFS_LEVELS - 1; i >= 0; i--) {
		while (links[i] && name_cmp(links[i]->name, name, len) < 0)
			links = links[i]->next;
		if (prev)
			prev[i] = &links[i];
	}
	return links[0] && name_cmp(links[0]->name, name, len) == 0 ? links[0] : NULL;
}

static struct ramfs_node *dir_find(struct ramfs_node *dir, const char *name, size_t len)
{
	return dir_search(dir, name, len, NULL);
}

/* Links n into dir, in its place by name. */
static void dir_link(struct ramfs_node *dir, struct ramfs_node *n)
{
	struct ramfs_node **prev[RAMFS_LEVELS];

	dir_search(dir, n->name, strlen(n->name), prev);
	n->levels = random_levels();
	for (unsigned i = 0; i < n->levels; i++) {
		n->next[i] = *prev[i];
		*prev[i] = n;
	}
	n->parent = dir;
	n->linked = true;
	dir->cursor = NULL;
}

static void dir_unlink(struct ramfs_node *n)
{
	struct ramfs_node **prev[RAMFS_LEVELS];

	dir_search(n->parent, n->name, strlen(n->name), prev);
	for (unsigned i = 0; i < n->levels; i++) {
		*prev[i] = n->next[i];
		n->next[i] = NULL;
	}
	n->parent->cursor = NULL;
	n->linked = false;
}

/* Takes n out of the tree and frees it unless an open file still holds it. */
static void node_remove(struct ramfs_node *n)
{
	dir_unlink(n);
	if (n->vn.refs == 0)
		node_free(n);
}

/* ---------------------------------------------------------------------------------------
 * The vnode operations (vfs.h) */

static struct ramfs_node *node_of(struct vnode *v)
{
	return (struct ramfs_node *)v;
}

static int ramfs_lookup(struct vnode *dv, const char *name, size_t len, struct vnode **out)
{
	struct ramfs_node *dir = node_of(dv), *n;

	if (!KEEL_S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		n = dir->parent;
	else if (!(n = dir_find(dir, name, len)))
		return -ENOENT;
	*out = &n->vn;
	return 0;
}

static int ramfs_create(struct vnode *dv, const char *name, uint32_t mode, uint32_t uid,
			uint32_t gid, struct vnode **out)
{
	struct ramfs_node *dir = node_of(dv), *n;
	size_t len = strlen(name);

	int err;

	if (dir_find(dir, name, len))
		return -EEXIST;
	mode &= ~(uint32_t)(KEEL_S_ISUID | KEEL_S_ISGID);	/* ignored: doc/security.md */
	if (!(n = node_new(name, len, mode, uid, gid, &err)))
		return err;
	dir_link(dir, n);
	*out = &n->vn;
	return 0;
}

static int ramfs_remove(struct vnode *dv, const char *name, bool dir_only)
{
	struct ramfs_node *n = dir_find(node_of(dv), name, strlen(name));

	if (!n)
		return -ENOENT;
	if (dir_only && !KEEL_S_ISDIR(n->mode))
		return -ENOTDIR;
	if (!dir_only && KEEL_S_ISDIR(n->mode))
		return -EISDIR;
	if (n->children[0])
		return -ENOTEMPTY;
	node_remove(n);
	return 0;
}

static int ramfs_rename(struct vnode *fdv, const char *fname, struct vnode *tdv,
			const char *tname)
{
	struct ramfs_node *dir = node_of(tdv), *n, *old;

	if (!(n = dir_find(node_of(fdv), fname, strlen(fname))))
		return -ENOENT;
	/* A directory cannot move below itself. */
	for (struct ramfs_node *a = dir; ; a = a->parent) {
		if (a == n)
			return -EINVAL;
		if (a == fs.root)
			break;
	}
	old = dir_find(dir, tname, strlen(tname));
	if (old == n)
		return 0;
	if (old) {
		if (KEEL_S_ISDIR(old->mode) && !KEEL_S_ISDIR(n->mode))
			return -EISDIR;
		if (!KEEL_S_ISDIR(old->mode) && KEEL_S_ISDIR(n->mode))
			return -ENOTDIR;
		if (old->children[0])
			return -ENOTEMPTY;
	}
	/* The name is set unlinked (it is the skip list's key); a failure puts n back. */
	dir_unlink(n);
	int err = name_set(n, tname, strlen(tname));
	if (!err && old)
		node_remove(old);
	dir_link(err ? n->parent : dir, n);
	return err;
}

/* What a hole in a file reads as. */
static const unsigned char zeros[RAMFS_PAGE];

/* Reads through buf, a page at a time, so that a bad user buffer still gets what fits. */
static long ramfs_read(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len)
{
	struct ramfs_node *n = node_of(v);
	size_t done = 0;

	if (KEEL_S_ISDIR(n->mode))
		return -EISDIR;
	if (off >= n->size)
		return 0;
	len = MIN(len, n->size - off);
	while (done < len) {
		uint64_t pos = off + done;
		size_t in_page = pos % RAMFS_PAGE;
		size_t chunk = MIN(len - done, RAMFS_PAGE - in_page);
		const unsigned char *src;
		if (n->image_data)
			src = n->image_data + pos;
		else if (n->pages[pos / RAMFS_PAGE])
			src = n->pages[pos / RAMFS_PAGE] + in_page;
		else
			src = zeros;
		if (iobuf_put(buf, done, src, chunk) != 0)
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)len;
}

/* Makes room in the pages array for size bytes. Pages themselves come on first write. */
static int pages_reserve(struct ramfs_node *n, uint64_t size)
{
	size_t need = (size + RAMFS_PAGE - 1) / RAMFS_PAGE;

	if (need <= n->npages)
		return 0;
	unsigned char **p = krealloc(n->pages, need * sizeof(*p));
	if (!p)
		return -ENOSPC;
	memset(p + n->npages, 0, (need - n->npages) * sizeof(*p));
	n->pages = p;
	n->npages = need;
	return 0;
}

/*
 * A file still read from the boot image moves into pages of its own before it changes.
 * Only its first size bytes are copied (a truncation keeps no more), and that becomes the
 * file's size.
 */
static int image_copy_out(struct ramfs_node *n, uint64_t size)
{
	const unsigned char *src = n->image_data;

	if (!src)
		return 0;
	if (pages_reserve(n, size))
		return -ENOSPC;
	for (uint64_t off = 0; off < size; off += RAMFS_PAGE) {
		unsigned char *page;
		int err = page_new(n, &page);
		if (err) {
			for (size_t i = 0; i < n->npages; i++) {
				page_free(n, n->pages[i]);
				n->pages[i] = NULL;
			}
			return err;
		}
		size_t chunk = MIN(RAMFS_PAGE, size - off);
		memcpy(page, src + off, chunk);
		memset(page + chunk, 0, RAMFS_PAGE - chunk);
		n->pages[off / RAMFS_PAGE] = page;
	}
	image_detach(n);
	n->size = size;
	return 0;
}

/*
 * Makes *page the file's own before it changes: a page lent to programs (their text, see
 * ramfs_lend_page) keeps its bytes for them, and the file goes on in a copy.
 */
static int page_own(unsigned char **page)
{
	unsigned char *copy;

	if (!*page || !kpage_lent(*page))
		return 0;
	if (!(copy = kpage_alloc()))
		return -ENOSPC;
	memcpy(copy, *page, RAMFS_PAGE);
	kpage_free(*page);
	*page = copy;
	return 0;
}

static long ramfs_write(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len)
{
	struct ramfs_node *n = node_of(v);
	size_t done = 0;
	int err;

	if (KEEL_S_ISDIR(n->mode))
		return -EISDIR;
	if (len == 0)
		return 0;
	if (off >= RAMFS_FILE_MAX || len > RAMFS_FILE_MAX - off)
		return -EFBIG;
	if ((err = image_copy_out(n, n->size)) != 0 || (err = pages_reserve(n, off + len)) != 0)
		return err;
	while (done < len) {
		uint64_t pos = off + done;
		size_t in_page = pos % RAMFS_PAGE;
		size_t chunk = MIN(len - done, RAMFS_PAGE - in_page);
		unsigned char **page = &n->pages[pos / RAMFS_PAGE];
		if (!*page) {
			if ((err = page_new(n, page)) != 0)
				break;
			memset(*page, 0, RAMFS_PAGE);
		} else if ((err = page_own(page)) != 0) {
			break;
		}
		if (iobuf_get(buf, done, *page + in_page, chunk) != 0)
			return done ? (long)done : -EFAULT;
		done += chunk;
		if (pos + chunk > n->size)
			n->size = pos + chunk;
	}
	if (done)
		n->mtime = (uint64_t)rtc_seconds();
	return done ? (long)done : err;
}

static int ramfs_truncate(struct vnode *v, uint64_t size)
{
	struct ramfs_node *n = node_of(v);

	if (KEEL_S_ISDIR(n->mode))
		return -EISDIR;
	if (size > RAMFS_FILE_MAX)
		return -EFBIG;
	if (size == n->size)
		return 0;
	n->mtime = (uint64_t)rtc_seconds();
	if (size == 0) {
		data_free(n);	/* O_TRUNC: nothing to keep, so nothing to copy out */
		return 0;
	}
	int err;
	if ((err = image_copy_out(n, MIN(size, n->size))) != 0 ||
	    (err = pages_reserve(n, size)) != 0)
		return err;
	if (size < n->size) {
		/* Whole pages past the end go; the tail of the last one is zeroed for regrowth. */
		size_t keep = (size + RAMFS_PAGE - 1) / RAMFS_PAGE;
		for (size_t i = keep; i < n->npages; i++) {
			page_free(n, n->pages[i]);
			n->pages[i] = NULL;
		}
		if (size % RAMFS_PAGE && n->pages[keep - 1] && page_own(&n->pages[keep - 1]) == 0)
			memset(n->pages[keep - 1] + size % RAMFS_PAGE, 0,
			       RAMFS_PAGE - size % RAMFS_PAGE);
	}
	n->size = size;
	return 0;
}

static int ramfs_readdir(struct vnode *v, uint64_t index, struct keel_dirent *d)
{
	struct ramfs_node *dir = node_of(v), *c;

	if (!KEEL_S_ISDIR(dir->mode))
		return -ENOTDIR;
	/* A listing asks for index after index: go on from the last one given. */
	if (dir->cursor && dir->cursor_index == index)
		c = dir->cursor;
	else if (dir->cursor && dir->cursor_index + 1 == index)
		c = dir->cursor->next[0];
	else
		for (c = dir->children[0], dir->cursor_index = 0; c && dir->cursor_index < index;
		     dir->cursor_index++)
			c = c->next[0];
	if (!c)
		return 0;
	dir->cursor = c;
	dir->cursor_index = index;
	d->ino = c->ino;
	d->mode = c->mode;
	memcpy(d->name, c->name, strlen(c->name) + 1);
	return 1;
}

static void ramfs_stat(struct vnode *v, struct keel_stat *st)
{
	const struct ramfs_node *n = node_of(v);

	*st = (struct keel_stat){ .ino = n->ino, .mode = n->mode, .uid = n->uid, .gid = n->gid,
				  .nlink = n->linked ? 1 : 0, .size = n->size, .mtime = n->mtime };
}

static int ramfs_chmod(struct vnode *v, uint32_t perm)
{
	struct ramfs_node *n = node_of(v);

	perm &= KEEL_S_PERM & ~(uint32_t)(KEEL_S_ISUID | KEEL_S_ISGID);	/* doc/security.md */
	n->mode = (n->mode & KEEL_S_IFMT) | perm;
	return 0;
}

/* The last reference is gone: a node taken out of the tree meanwhile goes now. */
static void ramfs_inactive(struct vnode *v)
{
	struct ramfs_node *n = node_of(v);

	if (!n->linked)
		node_free(n);
}

/*
 * Lends page index of a file to a program that maps it (its text). A file still read from
 * the boot image moves into pages of its own first: the image's bytes are not page-aligned.
 */
static uint64_t ramfs_lend_page(struct vnode *v, uint64_t index)
{
	struct ramfs_node *n = node_of(v);
	unsigned char **page;

	if (KEEL_S_ISDIR(n->mode) || index >= RAMFS_FILE_MAX / RAMFS_PAGE ||
	    image_copy_out(n, n->size) != 0 || pages_reserve(n, (index + 1) * RAMFS_PAGE) != 0)
		return 0;
	page = &n->pages[index];
	if (!*page) {		/* a hole, or past the end: zeros */
		if (page_new(n, page) != 0)
			return 0;
		memset(*page, 0, RAMFS_PAGE);
	}
	return kpage_lend(*page);
}

static const struct vnode_ops ramfs_ops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.remove = ramfs_remove,
	.rename = ramfs_rename,
	.read = ramfs_read,
	.write = ramfs_write,
	.truncate = ramfs_truncate,
	.readdir = ramfs_readdir,
	.stat = ramfs_stat,
	.chmod = ramfs_chmod,
	.inactive = ramfs_inactive,
	.lend_page = ramfs_lend_page,
};

/*
 * Makes the empty tree, just "/", mode 0755, owned by root; a new tree forgets the last
 * image (whoever mounts again has dropped the old tree: the unit tests).
 */
static int ramfs_mount(struct vnode **root)
{
	int err;

	kfree(fs.image_refs);
	fs.image_refs = NULL;
	fs.image_pages = 0;
	fs.image_release = NULL;
	fs.root = NULL;
	fs.root = node_new("", 0, KEEL_S_IFDIR | 0755, 0, 0, &err);
	if (!fs.root)
		return -ENOMEM;
	fs.root->linked = true;
	fs.root->vn.refs = 1;	/* the mount's */
	*root = &fs.root->vn;
	return 0;
}

const struct vfs_type ramfs_type = { .name = "ramfs", .mount = ramfs_mount };

static void count(const struct ramfs_node *n, struct ramfs_stats *s)
{
	for (const struct ramfs_node *c = n->children[0]; c; c = c->next[0]) {
		if (KEEL_S_ISDIR(c->mode)) {
			s->dirs++;
			count(c, s);
		} else if (KEEL_S_ISLNK(c->mode)) {
			s->symlinks++;
		} else {
			s->files++;
			s->bytes += c->size;
			if (c->image_data)
				s->image_bytes += c->size;
		}
	}
}

void ramfs_get_stats(struct ramfs_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->skipped = fs.skipped;
	count(fs.root, s);
}

/* ---------------------------------------------------------------------------------------
 * Mounting the boot image */

/*
 * Finds the node at path, which is in this file system (the image is mounted at "/"),
 * through the VFS walk, so that symlinks on the way are followed as extracting would.
 * The node stays: nothing removes it during a mount.
 */
static int find(const char *path, bool follow, struct ramfs_node **out)
{
	struct vnode *v;
	int err = vfs_lookup(path, follow, 0, &v);

	if (err)
		return err;
	*out = node_of(v);
	vnode_put(v);
	return 0;
}

/* Makes a node at path as root would; the entry's attributes are set afterwards. */
static int make(const char *path, uint32_t mode, struct ramfs_node **out)
{
	struct vnode *v;
	int err = vfs_create(path, mode, 0, &v);

	if (err)
		return err;
	*out = node_of(v);
	vnode_put(v);
	return 0;
}

/* Makes every missing directory on the way to path's last component, as mkdir -p. */
static int make_parents(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		struct ramfs_node *n;
		*s = '\0';
		int err = find(path, true, &n);
		if (err == -ENOENT)
			err = make(path, KEEL_S_IFDIR | 0755, &n);
		else if (!err && !KEEL_S_ISDIR(n->mode))
			err = -ENOTDIR;
		*s = '/';
		if (err)
			return err;
	}
	return 0;
}

/*
 * A file of the image with several names: GNU cpio writes one entry per name, all with
 * the file's inode number and nlink, and the data in the last entry only.
 */
struct link {
	uint32_t ino, devmajor, devminor;
	struct ramfs_node *node;
};

/* One mount of an image: the names of hard-linked files seen so far, and what went wrong. */
struct mount {
	struct link *links;
	size_t nlinks;
	const char *why;	/* the failed entry's trouble, when errno_text's is too vague */
};

static void data_share(struct ramfs_node *to, const struct ramfs_node *from)
{
	data_free(to);
	image_attach(to, from->image_data, from->size);
}

/*
 * Records n, the node of a regular file's entry, and gives every name of a hard-linked
 * file the data as soon as one entry has them. Nodes stay put during a mount, so the
 * pointers stay good. Returns 0 or -ENOSPC.
 */
static int hardlink_add(struct mount *m, const struct cpio_entry *e, struct ramfs_node *n)
{
	struct link *l;

	if (e->nlink < 2 || e->ino == 0)
		return 0;
	for (size_t i = 0; i < m->nlinks; i++) {
		l = &m->links[i];
		if (l->node == n || l->ino != e->ino || l->devmajor != e->devmajor ||
		    l->devminor != e->devminor)
			continue;
		if (e->filesize > 0)
			data_share(l->node, n);
		else if (l->node->image_data)
			data_share(n, l->node);
	}
	l = krealloc(m->links, (m->nlinks + 1) * sizeof(*l));
	if (!l)
		return -ENOSPC;
	m->links = l;
	m->links[m->nlinks++] = (struct link){ e->ino, e->devmajor, e->devminor, n };
	return 0;
}

/* Adds one image entry at path (already absolute and clean). */
static int mount_entry(struct mount *m, const struct cpio_entry *e, char *path)
{
	uint32_t type = e->mode & KEEL_S_IFMT, perm = e->mode & KEEL_S_PERM;
	struct ramfs_node *n;
	int err;

	if (strcmp(path, "/") == 0) {
		if (type != KEEL_S_IFDIR) {
			m->why = "the root must be a directory";
			return -ENOTDIR;
		}
		n = fs.root;
		goto attributes;
	}
	if (type != KEEL_S_IFDIR && type != KEEL_S_IFREG && type != KEEL_S_IFLNK) {
		fs.skipped++;
		return 0;
	}
	/* A bad link target is refused before anything of the entry is made. */
	if (type == KEEL_S_IFLNK && (e->filesize == 0 || e->filesize > KEEL_PATH_MAX)) {
		m->why = e->filesize ? "symlink target too long" : "empty symlink target";
		return e->filesize ? -ENAMETOOLONG : -ENOENT;
	}
	/* Most entries are new and their directory came before them: one walk makes them. */
	err = make(path, type | perm, &n);
	if (err == -ENOENT && (err = make_parents(path)) == 0)
		err = make(path, type | perm, &n);
	if (err == -EEXIST && (err = find(path, false, &n)) == 0 &&
	    (n->mode & KEEL_S_IFMT) != type)
		return -EEXIST;
	if (err)
		return err;
	if (type == KEEL_S_IFREG) {
		/* A later entry of the same name replaces the data, as extracting would. */
		data_free(n);
		if (e->filesize > 0)
			image_attach(n, e->data, e->filesize);
		err = hardlink_add(m, e, n);
	} else if (type == KEEL_S_IFLNK) {
		struct iobuf b = { (void *)e->data, false };
		data_free(n);
		if (ramfs_write(&n->vn, 0, &b, e->filesize) != (long)e->filesize)
			err = -ENOSPC;
	}
	if (err)
		return err;
attributes:
	/* setuid and setgid bits are dropped: Keel ignores them (doc/security.md). */
	n->mode = type | (perm & ~(uint32_t)(KEEL_S_ISUID | KEEL_S_ISGID));
	node_chown(n, e->uid);
	n->gid = e->gid;
	n->mtime = e->mtime;
	return 0;
}

static const char *errno_text(int err)
{
	switch (-err) {
	case ENAMETOOLONG:	return "name too long";
	case ENOTDIR:		return "a parent is not a directory";
	case EEXIST:		return "exists with another type";
	case EINVAL:		return "a \"..\" in the name";
	case ENOSPC:		return "out of memory";
	default:		return "cannot be added";
	}
}

int ramfs_mount_image(const void *image, size_t size, char *err, size_t errlen)
{
	char path[KEEL_PATH_MAX + 1];
	struct mount m = { NULL, 0, NULL };
	struct cpio_reader r;
	struct cpio_entry e;
	int rc;

	/* Only pages wholly inside the image are counted, and so only they can be released. */
	kfree(fs.image_refs);
	fs.image = (const unsigned char *)ALIGN_UP((uintptr_t)image, RAMFS_PAGE);
	fs.image_pages = (uintptr_t)image + size > (uintptr_t)fs.image ?
		((uintptr_t)image + size - (uintptr_t)fs.image) / RAMFS_PAGE : 0;
	fs.image_refs = fs.image_pages ? kcalloc(fs.image_pages, sizeof(*fs.image_refs)) : NULL;
	fs.image_release = NULL;
	fs.image_released = 0;

	cpio_reader_init(&r, image, size);
	while ((rc = cpio_next(&r, &e)) == 1) {
		/* "./a//b/." is "/a/b"; a ".." is refused: an entry lies where its name says. */
		rc = path_resolve("/", e.name, path, PATH_NO_DOTDOT);
		if (rc == 0)
			rc = mount_entry(&m, &e, path);
		if (rc) {
			/* The name is cut short so that the reason always shows. */
			ksnprintf(err, errlen, "entry %zu \"%.64s%s\" at offset 0x%zx: %s", e.index,
				  e.name, e.namelen > 64 ? "..." : "", e.offset,
				  m.why ? m.why : errno_text(rc));
			goto out;
		}
	}
	if (rc < 0)
		ksnprintf(err, errlen, "%s", r.err.msg);
out:
	kfree(m.links);
	return rc;
}
