/*
 * Unit tests of kernel/fs/ramfs.c on the host behind the VFS (kernel/fs/vfs.c and
 * path.c, which walk its paths), with kernel/lib/cpio.c as its reader.
 * Damaged images come first: each is built entry by entry with the shared header encoder,
 * copied into a heap block of exactly its size (so the address sanitizer stops any read
 * past it) and mounted into a fresh tree; the error, what was kept and what was not are
 * checked. Then the operations: paths, symlinks, files in pages, image data copied out on
 * the first write, nodes kept alive by open files, rename and readdir.
 *
 * kmalloc and friends are a shim over malloc that counts the blocks alive and can be told
 * to fail after N more allocations, for the -ENOSPC paths and to see every block freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <heap.h>
#include <ramfs.h>
#include <cpio_reader.h>
#include <lock.h>
#include <sched.h>
#include <vfs.h>
#include <keel/errno.h>
#include "tap.h"

void vfs_forget(void);

/* ---- The kernel's services the VFS uses, for one thread ---- */

void
lock_acquire(struct lock *l)
{
	if (l->held)
		abort();
	l->held = true;
}

void
lock_release(struct lock *l)
{
	if (!l->held)
		abort();
	l->held = false;
}

/* With one thread the VFS is never found busy, so nobody waits. */
int
waitq_wait_lock(struct waitq *wq, struct lock *l)
{
	(void)wq, (void)l;
	abort();
}

void
waitq_wake_all(struct waitq *wq)
{
	(void)wq;
}

/* Nothing here passes user memory: a call would be a bug. */
int
copy_to_user(void *udst, const void *src, size_t n)
{
	(void)udst, (void)src, (void)n;
	abort();
}

int
copy_from_user(void *dst, const void *usrc, size_t n)
{
	(void)dst, (void)usrc, (void)n;
	abort();
}

/* ---- The ramfs by path, as the system calls reach it: through the VFS, as root ---- */

static int
ramfs_init(void)
{
	vfs_forget();
	return vfs_mount("/", &ramfs_type);
}

static int
ramfs_lookup(const char *path, bool follow, struct ramfs_node **out)
{
	struct vnode *v;
	int err = vfs_lookup(path, follow, 0, &v);

	if (err == 0) {
		*out = (struct ramfs_node *)v;
		vnode_put(v);
	}
	return err;
}

/* Makes a node of mode (type and bits) owned by uid:gid. */
static int
make(const char *path, uint32_t mode, uint32_t uid, uint32_t gid, struct ramfs_node **out)
{
	struct vnode *v;
	int err = vfs_create(path, mode, 0, &v);

	if (err)
		return err;
	((struct ramfs_node *)v)->uid = uid;
	((struct ramfs_node *)v)->gid = gid;
	if (out)
		*out = (struct ramfs_node *)v;
	vnode_put(v);
	return 0;
}

static int
ramfs_create(const char *path, uint32_t mode, uint32_t uid, uint32_t gid, struct ramfs_node **out)
{
	return make(path, KEEL_S_IFREG | (mode & KEEL_S_PERM), uid, gid, out);
}

static int
ramfs_mkdir(const char *path, uint32_t mode, uint32_t uid, uint32_t gid)
{
	return make(path, KEEL_S_IFDIR | (mode & KEEL_S_PERM), uid, gid, NULL);
}

static int
ramfs_symlink(const char *target, const char *path, uint32_t uid, uint32_t gid)
{
	struct ramfs_node *n;
	int err = vfs_symlink(target, path, 0);

	if (err == 0 && ramfs_lookup(path, false, &n) == 0) {
		n->uid = uid;
		n->gid = gid;
	}
	return err;
}

static int
ramfs_unlink(const char *path)
{
	return vfs_unlink(path, 0);
}

static int
ramfs_rmdir(const char *path)
{
	return vfs_rmdir(path, 0);
}

static int
ramfs_rename(const char *from, const char *to)
{
	return vfs_rename(from, to, 0);
}

static long
ramfs_read(struct ramfs_node *n, uint64_t off, void *buf, size_t len)
{
	return vnode_read_kernel(&n->vn, off, buf, len);
}

static long
ramfs_write(struct ramfs_node *n, uint64_t off, const void *buf, size_t len)
{
	struct iobuf b = { (void *)buf, false };

	return n->vn.ops->write(&n->vn, off, &b, len);
}

static int
ramfs_truncate(struct ramfs_node *n, uint64_t size)
{
	return n->vn.ops->truncate(&n->vn, size);
}

static int
ramfs_readdir(struct ramfs_node *dir, size_t index, struct keel_dirent *d)
{
	return dir->vn.ops->readdir(&dir->vn, index, d);
}

static void
ramfs_stat(struct ramfs_node *n, struct keel_stat *st)
{
	n->vn.ops->stat(&n->vn, st);
}

static void
ramfs_get(struct ramfs_node *n)
{
	vnode_get(&n->vn);
}

static void
ramfs_put(struct ramfs_node *n)
{
	vnode_put(&n->vn);
}

/* ---- The allocator shim ---- */

static struct {
	long live;		/* blocks allocated and not freed */
	long calls;		/* allocations asked for */
	long fail_after;	/* succeed this many more times, then fail; -1: never fail */
} mem = { 0, 0, -1 };

static bool
alloc_allowed(void)
{
	mem.calls++;
	if (mem.fail_after == 0)
		return false;
	if (mem.fail_after > 0)
		mem.fail_after--;
	return true;
}

void *
kmalloc(size_t size)
{
	void *p;

	if (size == 0 || !alloc_allowed())
		return NULL;
	if ((p = malloc(size)) != NULL)
		mem.live++;
	return p;
}

void *
kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *
kcalloc(size_t n, size_t size)
{
	return size && n > SIZE_MAX / size ? NULL : kzalloc(n * size);
}

void
kfree(void *p)
{
	if (p) {
		mem.live--;
		free(p);
	}
}

void *
krealloc(void *p, size_t size)
{
	if (!p)
		return kmalloc(size);
	if (size == 0) {
		kfree(p);
		return NULL;
	}
	return alloc_allowed() ? realloc(p, size) : NULL;
}

/* The real-time clock, as the test sets it (drivers/rtc.c in the kernel). */
static int64_t clock_now = 1700000000;

int64_t
rtc_seconds(void)
{
	return clock_now;
}

void *
kpage_alloc(void)
{
	void *p;

	if (!alloc_allowed())
		return NULL;
	if ((p = aligned_alloc(HEAP_PAGE, HEAP_PAGE)) != NULL)
		mem.live++;
	return p;
}

/*
 * Pages lent to mappings (kpage_lend), as the frame allocator's use counts keep them: the
 * users beyond the first. A pretend mapping gives its page back with kpage_free too.
 */
static struct {
	const void *page;
	int extra;
} lent[8];

static int *
lent_extra(const void *p, bool add)
{
	for (size_t i = 0; i < sizeof(lent) / sizeof(lent[0]); i++)
		if (lent[i].page == p && lent[i].extra > 0)
			return &lent[i].extra;
	for (size_t i = 0; add && i < sizeof(lent) / sizeof(lent[0]); i++)
		if (lent[i].extra == 0) {
			lent[i].page = p;
			return &lent[i].extra;
		}
	return NULL;
}

uint64_t
kpage_lend(void *p)
{
	int *extra = lent_extra(p, true);

	if (!extra)
		abort();	/* more than the test lends */
	++*extra;
	return (uint64_t)(uintptr_t)p;
}

bool
kpage_lent(const void *p)
{
	return lent_extra(p, false) != NULL;
}

void
kpage_free(void *p)
{
	int *extra = lent_extra(p, false);

	if (extra)
		--*extra;
	else
		kfree(p);
}

/* The ramfs formats its messages with ksnprintf, which comes with kprintf; no console here. */
void
console_write(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

/* ---- Images ---- */

struct img {
	unsigned char buf[1 << 16];
	size_t len;
};

/* One entry to append; fields left out are 0 (crc magic, right checksum, nlink 1). */
struct ent {
	const char *name;
	uint32_t mode;
	const char *data;	/* NUL-terminated unless size is given */
	size_t size;
	uint32_t ino, nlink, uid, gid, mtime;
	bool newc, bad_check;
};

static void
pad4(struct img *im)
{
	while (im->len % 4)
		im->buf[im->len++] = 0;
}

static void
add(struct img *im, struct ent e)
{
	uint32_t f[CPIO_NFIELDS] = { 0 };
	size_t size = e.size ? e.size : e.data ? strlen(e.data) : 0;
	size_t namesize = strlen(e.name) + 1;

	f[CPIO_INO] = e.ino;
	f[CPIO_MODE] = e.mode;
	f[CPIO_UID] = e.uid;
	f[CPIO_GID] = e.gid;
	f[CPIO_NLINK] = e.nlink ? e.nlink : 1;
	f[CPIO_MTIME] = e.mtime;
	f[CPIO_FILESIZE] = (uint32_t)size;
	f[CPIO_NAMESIZE] = (uint32_t)namesize;
	f[CPIO_CHECK] = e.newc ? 0 : cpio_checksum(e.data, size) + e.bad_check;
	cpio_header_encode((char *)im->buf + im->len, e.newc ? CPIO_MAGIC_NEWC : CPIO_MAGIC_CRC, f);
	im->len += CPIO_HEADER_SIZE;
	memcpy(im->buf + im->len, e.name, namesize);
	im->len += namesize;
	pad4(im);
	if (size)
		memcpy(im->buf + im->len, e.data, size);
	im->len += size;
	pad4(im);
}

#define ADD(im, ...)	add((im), (struct ent){ __VA_ARGS__ })
#define DIR(n)		ADD(&im, .name = (n), .mode = 0040755)
#define FILE_(n, d)	ADD(&im, .name = (n), .mode = 0100644, .data = (d))
#define TRAILER()	ADD(&im, .name = CPIO_TRAILER)

static struct img im;
static unsigned char *image;	/* the mounted copy; the tree reads it in place */
static size_t image_len;
static char err[256];

/* Empties the tree through its own calls, frees the root, and makes a new one. */
static void rm_rf(const char *path);

static void
fresh_tree(void)
{
	static bool made;
	struct ramfs_node *root;

	if (made && ramfs_lookup("/", false, &root) == 0) {
		rm_rf("/");
		kfree(root);
	}
	free(image);
	image = NULL;
	if (ramfs_init() != 0)
		abort();
	made = true;
}

static void
rm_rf(const char *path)
{
	struct ramfs_node *n;
	struct keel_dirent d;
	char child[KEEL_PATH_MAX + 1];

	if (ramfs_lookup(path, false, &n) != 0)
		return;
	if (!KEEL_S_ISDIR(n->mode)) {
		ramfs_unlink(path);
		return;
	}
	while (ramfs_readdir(n, 0, &d) == 1) {
		snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", d.name);
		rm_rf(child);
	}
	if (strcmp(path, "/") != 0)
		ramfs_rmdir(path);
}

/* Mounts im (the current builder) into a fresh tree. Returns ramfs_mount_image's result. */
static int
mount_im(void)
{
	fresh_tree();
	image_len = im.len;
	image = malloc(image_len ? image_len : 1);
	memcpy(image, im.buf, image_len);
	err[0] = '\0';
	return ramfs_mount_image(image, image_len, err, sizeof(err));
}

static void
img_start(void)
{
	im.len = 0;
}

static bool
exists(const char *path)
{
	struct ramfs_node *n;

	return ramfs_lookup(path, false, &n) == 0;
}

static bool
has(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

/* Reads the whole file at path into buf as a string; returns its length or an errno. */
static long
slurp(const char *path, char *buf, size_t cap)
{
	struct ramfs_node *n;
	int rc = ramfs_lookup(path, true, &n);
	long got;

	if (rc)
		return rc;
	got = ramfs_read(n, 0, buf, cap - 1);
	buf[got < 0 ? 0 : got] = '\0';
	return got;
}

static struct ramfs_node *
node(const char *path)
{
	struct ramfs_node *n = NULL;

	return ramfs_lookup(path, false, &n) == 0 ? n : NULL;
}

/* ---- Damaged images ---- */

static void
test_truncated(void)
{
	size_t cut;

	img_start();
	DIR("a");
	FILE_("a/f", "first");
	cut = im.len;
	FILE_("a/g", "0123456789abcdef");
	TRAILER();

	/* Cut inside a/g's data. */
	im.len = cut + CPIO_HEADER_SIZE + 8 + 5;
	is_int(mount_im(), -EINVAL, "an image cut in an entry's data is refused");
	ok(has(err, "entry 2 \"a/g\"") && has(err, "truncated data"),
	   "the message names the cut entry and says truncated data (%s)", err);
	ok(exists("/a") && exists("/a/f"), "the entries before the cut are kept");
	ok(!exists("/a/g"), "the cut entry is not added");

	im.len = cut + 50;
	is_int(mount_im(), -EINVAL, "an image cut in a header is refused");
	ok(has(err, "entry 2 at offset 0x") && has(err, "truncated header"),
	   "the message says the header is truncated (%s)", err);

	im.len = cut;
	is_int(mount_im(), -EINVAL, "an image without a trailer is refused");
	ok(has(err, "without a TRAILER!!!"), "the message says the trailer is missing (%s)", err);
	ok(exists("/a/f"), "every entry of an image without a trailer is kept");

	im.len = 0;
	is_int(mount_im(), -EINVAL, "an empty image is refused");
}

static void
test_checksum(void)
{
	char buf[64];

	img_start();
	FILE_("good", "data");
	ADD(&im, .name = "bad", .mode = 0100644, .data = "payload", .bad_check = true);
	FILE_("after", "x");
	TRAILER();
	is_int(mount_im(), -EINVAL, "a 070702 entry whose data do not sum to its check is refused");
	ok(has(err, "entry 1 \"bad\"") && has(err, "checksum mismatch"),
	   "the message names the entry and the checksum (%s)", err);
	ok(exists("/good") && !exists("/bad") && !exists("/after"),
	   "the entries before the bad checksum are kept, it and those after are not");

	img_start();
	ADD(&im, .name = "plain", .mode = 0100644, .data = "newc", .newc = true);
	FILE_("summed", "crc");
	TRAILER();
	is_int(mount_im(), 0, "070701 and 070702 entries mount side by side");
	is_int(slurp("/plain", buf, sizeof(buf)), 4, "a 070701 file has its data");
	is_str(buf, "newc", "a 070701 file reads back");
	is_int(slurp("/summed", buf, sizeof(buf)), 3, "a 070702 file has its data");
}

static void
test_bad_names(void)
{
	char name[KEEL_PATH_MAX + 4];

	img_start();
	DIR("ok");
	ADD(&im, .name = "../etc", .mode = 0040755);
	TRAILER();
	is_int(mount_im(), -EINVAL, "a name starting with .. is refused");
	ok(has(err, "entry 1 \"../etc\"") && has(err, "\"..\""),
	   "the message names the entry and the .. (%s)", err);
	ok(exists("/ok") && !exists("/etc"), "nothing is made for a .. name");

	img_start();
	ADD(&im, .name = "a/../b", .mode = 0100644, .data = "x");
	TRAILER();
	is_int(mount_im(), -EINVAL, "a name with .. inside is refused");
	ok(!exists("/a") && !exists("/b"), "neither side of the .. is made");

	img_start();
	ADD(&im, .name = "x/..", .mode = 0040700);
	TRAILER();
	is_int(mount_im(), -EINVAL, "a name ending in .. is refused");

	img_start();
	DIR("./d//e/");
	FILE_("d//e///f", "y");
	FILE_("/abs", "z");
	FILE_("./d/./g/.", "w");
	TRAILER();
	is_int(mount_im(), 0, "names with //, ./ and a leading / mount");
	ok(exists("/d/e") && exists("/d/e/f") && exists("/abs") && exists("/d/g"),
	   "repeated slashes and . components are dropped");

	img_start();
	memset(name, 'n', KEEL_NAME_MAX + 1);
	name[KEEL_NAME_MAX + 1] = '\0';
	FILE_(name, "x");
	TRAILER();
	is_int(mount_im(), -ENAMETOOLONG, "a name component of KEEL_NAME_MAX + 1 bytes is refused");
	ok(has(err, "name too long"), "the message says the name is too long (%s)", err);
	ok(has(err, "nnnn...\""), "a long name is cut short in the message");

	img_start();
	for (int i = 0; i < (KEEL_PATH_MAX + 1) / 2; i++)
		memcpy(name + 2 * i, "d/", 2);
	memcpy(name + KEEL_PATH_MAX + 1, "f", 2);
	FILE_(name, "x");
	TRAILER();
	is_int(mount_im(), -ENAMETOOLONG, "a name longer than a path is refused");

	img_start();
	FILE_(".", "root as a file");
	TRAILER();
	is_int(mount_im(), -ENOTDIR, "a root entry that is not a directory is refused");
	ok(has(err, "the root must be a directory"), "the message says why (%s)", err);

	img_start();
	ADD(&im, .name = ".", .mode = 0040700, .uid = 5, .gid = 6, .mtime = 1234);
	TRAILER();
	is_int(mount_im(), 0, "a root entry that is a directory mounts");
	struct keel_stat st;
	ramfs_stat(node("/"), &st);
	ok(st.mode == 0040700 && st.uid == 5 && st.gid == 6 && st.mtime == 1234,
	   "the root entry's mode, owner and mtime go to the root");
}

static void
test_type_clashes(void)
{
	char buf[KEEL_PATH_MAX + 2];

	img_start();
	FILE_("f", "a file");
	FILE_("f/x", "below a file");
	TRAILER();
	is_int(mount_im(), -ENOTDIR, "an entry below a file is refused");
	ok(has(err, "entry 1 \"f/x\"") && has(err, "a parent is not a directory"),
	   "the message says a parent is not a directory (%s)", err);
	ok(node("/f") && KEEL_S_ISREG(node("/f")->mode), "the file stays a file");

	img_start();
	FILE_("d", "a file");
	DIR("d");
	TRAILER();
	is_int(mount_im(), -EEXIST, "a directory entry over a file is refused");
	ok(has(err, "exists with another type"), "the message says the type differs (%s)", err);

	img_start();
	FILE_("keep", "k");
	ADD(&im, .name = "empty", .mode = 0120777);
	TRAILER();
	is_int(mount_im(), -ENOENT, "a symlink with an empty target is refused");
	ok(has(err, "entry 1 \"empty\"") && has(err, "empty symlink target"),
	   "the message says the target is empty (%s)", err);
	ok(exists("/keep") && !exists("/empty"), "no node is left for the bad symlink");

	img_start();
	memset(buf, 't', KEEL_PATH_MAX + 1);
	buf[KEEL_PATH_MAX + 1] = '\0';
	ADD(&im, .name = "long", .mode = 0120777, .data = buf);
	TRAILER();
	is_int(mount_im(), -ENAMETOOLONG, "a symlink target of KEEL_PATH_MAX + 1 bytes is refused");
	ok(has(err, "symlink target too long") && !exists("/long"),
	   "the message says the target is too long, and no node is left (%s)", err);

	buf[255] = '\0';
	img_start();
	ADD(&im, .name = "max", .mode = 0120777, .data = buf);
	TRAILER();
	is_int(mount_im(), 0, "a symlink target of 255 bytes mounts");
	is_int(ramfs_read(node("/max"), 0, buf + 260, 40), 40, "its target reads back");
}

static void
test_skipped_and_links(void)
{
	struct ramfs_stats s;
	char buf[64];

	img_start();
	ADD(&im, .name = "tty", .mode = 0020620);
	ADD(&im, .name = "fifo", .mode = 0010644);
	ADD(&im, .name = "sock", .mode = 0140755);
	ADD(&im, .name = "blk", .mode = 0060660);
	FILE_("real", "r");
	/* GNU cpio: a file with two names, the data in the last entry only. */
	ADD(&im, .name = "h1", .mode = 0100644, .ino = 7, .nlink = 2);
	ADD(&im, .name = "h2", .mode = 0100600, .ino = 7, .nlink = 2, .data = "shared");
	/* Another file with its data first (as others may write it). */
	ADD(&im, .name = "k1", .mode = 0100644, .ino = 8, .nlink = 2, .data = "first");
	ADD(&im, .name = "k2", .mode = 0100644, .ino = 8, .nlink = 2);
	/* Not a hard link: ino 0 (mkramfs writes 0), or nlink 1. */
	ADD(&im, .name = "z1", .mode = 0100644, .ino = 0, .nlink = 2);
	ADD(&im, .name = "z2", .mode = 0100644, .ino = 0, .nlink = 2, .data = "no");
	ADD(&im, .name = "y1", .mode = 0100644, .ino = 9);
	ADD(&im, .name = "y2", .mode = 0100644, .ino = 9, .data = "no");
	TRAILER();
	is_int(mount_im(), 0, "an image with devices, pipes and hard links mounts");
	ramfs_get_stats(&s);
	is_int((long long)s.skipped, 4, "devices, the pipe and the socket are skipped and counted");
	ok(!exists("/tty") && !exists("/fifo") && !exists("/sock") && !exists("/blk"),
	   "skipped entries are not in the tree");
	is_int(slurp("/h1", buf, sizeof(buf)), 6, "the first name of a hard link gets the later data");
	is_str(buf, "shared", "and reads it");
	is_int(slurp("/h2", buf, sizeof(buf)), 6, "the last name has the data too");
	is_int(slurp("/k2", buf, sizeof(buf)), 5, "a later size-0 name gets the earlier data");
	is_int(slurp("/z1", buf, sizeof(buf)), 0, "inode 0 is never a hard link");
	is_int(slurp("/y1", buf, sizeof(buf)), 0, "nlink 1 is never a hard link");
	is_int(ramfs_write(node("/h1"), 0, "S", 1), 1, "a hard-linked name can be written");
	slurp("/h2", buf, sizeof(buf));
	is_str(buf, "shared", "writing one name leaves the other's data alone");
	ok(node("/h1")->mode == 0100644 && node("/h2")->mode == 0100600,
	   "each name keeps its own mode");

	img_start();
	FILE_("same", "old data");
	FILE_("same", "new");
	ADD(&im, .name = "twice", .mode = 0100644, .ino = 3, .nlink = 2, .data = "one");
	ADD(&im, .name = "twice", .mode = 0100644, .ino = 3, .nlink = 2, .data = "two!");
	TRAILER();
	is_int(mount_im(), 0, "a name given twice mounts");
	is_int(slurp("/same", buf, sizeof(buf)), 3, "the later entry of the same name wins");
	is_int(slurp("/twice", buf, sizeof(buf)), 4,
	       "a hard-linked name given twice keeps the later data");
}

static void
test_mount_enospc(void)
{
	int rc;

	img_start();
	DIR("a");
	FILE_("a/f", "data");
	ADD(&im, .name = "a/l", .mode = 0120777, .data = "f");
	TRAILER();
	for (int n = 0; n < 6; n++) {
		fresh_tree();
		long before = mem.live;
		image_len = im.len;
		image = malloc(image_len);
		memcpy(image, im.buf, image_len);
		mem.fail_after = n;
		rc = ramfs_mount_image(image, image_len, err, sizeof(err));
		mem.fail_after = -1;
		if (rc == 0) {
			ok(n >= 3, "the mount succeeds once %d allocations are allowed", n);
			ok(exists("/a/l"), "and the whole image is there");
			break;
		}
		ok(rc == -ENOSPC && has(err, "out of memory"),
		   "with %d allocations allowed the mount fails with out of memory (%d: %s)",
		   n, rc, err);
		rm_rf("/");
		is_int(mem.live, before, "and leaves nothing behind when emptied");
	}
}

static void
test_stats_and_attributes(void)
{
	struct ramfs_stats s;
	struct keel_stat st;

	img_start();
	DIR("bin");
	ADD(&im, .name = "bin/sh", .mode = 0100755, .data = "#!sh", .uid = 1, .gid = 2,
	    .mtime = 1700000000);
	ADD(&im, .name = "etc/motd", .mode = 0100644, .data = "hello, world\n");
	ADD(&im, .name = "usr", .mode = 0120777, .data = "/bin");
	TRAILER();
	is_int(mount_im(), 0, "a sound image mounts");
	ramfs_get_stats(&s);
	ok(s.files == 2 && s.dirs == 2 && s.symlinks == 1,
	   "stats count 2 files, 2 directories (one made for etc/motd), 1 symlink");
	is_int((long long)s.bytes, 17, "stats count the file bytes");
	is_int((long long)s.image_bytes, 17, "all of them are read in place");
	ramfs_stat(node("/bin/sh"), &st);
	ok(st.mode == 0100755 && st.uid == 1 && st.gid == 2 && st.mtime == 1700000000 &&
	   st.size == 4 && st.nlink == 1, "a file's stat has the image's mode, owner, mtime, size");
	ramfs_stat(node("/usr"), &st);
	ok(KEEL_S_ISLNK(st.mode) && st.size == 4, "a symlink's size is its target's length");
	ramfs_stat(node("/etc"), &st);
	ok(st.mode == 0040755 && st.uid == 0, "a directory made on the way is 0755, root's");
	ok(node("/bin")->ino != node("/bin/sh")->ino, "inode numbers differ");
}

/* ---- Operations ---- */

static void
test_paths(void)
{
	struct ramfs_node *n, *a, *b, *f;
	char name[KEEL_PATH_MAX + 2];

	fresh_tree();
	is_int(ramfs_mkdir("/a", 0755, 0, 0), 0, "mkdir /a");
	is_int(ramfs_mkdir("/a/b/", 0755, 0, 0), 0, "mkdir with a trailing slash");
	is_int(ramfs_create("/a/b/f", 0644, 0, 0, &f), 0, "create /a/b/f");
	a = node("/a");
	b = node("/a/b");

	ok(ramfs_lookup("/", false, &n) == 0 && n->parent == n, "/ is the root, its own parent");
	ok(ramfs_lookup("//", false, &n) == 0 && n == node("/"), "// is the root");
	ok(ramfs_lookup("/..", false, &n) == 0 && n == node("/"), "/.. is the root");
	ok(ramfs_lookup("/a/./b/../b", false, &n) == 0 && n == b, ". and .. walk as they should");
	ok(ramfs_lookup("//a///b//", false, &n) == 0 && n == b, "repeated and trailing slashes");
	ok(ramfs_lookup("/a/b/..", false, &n) == 0 && n == a, "dir/.. is the parent");
	is_int(ramfs_lookup("/a/b/f/", false, &n), -ENOTDIR, "file/ is ENOTDIR");
	is_int(ramfs_lookup("/a/b/f/x", false, &n), -ENOTDIR, "file/x is ENOTDIR");
	is_int(ramfs_lookup("/a/b/f/.", false, &n), -ENOTDIR, "file/. is ENOTDIR");
	is_int(ramfs_lookup("/a/nope", false, &n), -ENOENT, "a missing name is ENOENT");
	is_int(ramfs_lookup("a/b", false, &n), -EINVAL, "a relative path is EINVAL");
	is_int(ramfs_lookup("", false, &n), -EINVAL, "an empty path is EINVAL");

	memset(name, 'x', sizeof(name));
	name[0] = '/';
	name[KEEL_NAME_MAX + 1] = '\0';
	is_int(ramfs_create(name, 0644, 0, 0, NULL), 0, "a name of KEEL_NAME_MAX (255) bytes can be created");
	ok(exists(name), "and found");
	name[KEEL_NAME_MAX + 1] = 'x';
	name[KEEL_NAME_MAX + 2] = '\0';
	is_int(ramfs_lookup(name, false, &n), -ENAMETOOLONG, "a 256-byte component: ENAMETOOLONG");
	is_int(ramfs_create(name, 0644, 0, 0, NULL), -ENAMETOOLONG,
	       "creating a 256-byte name: ENAMETOOLONG");
	for (int i = 0; i < KEEL_PATH_MAX; i += 2)
		memcpy(name + i, "/.", 2);
	name[KEEL_PATH_MAX] = '\0';
	is_int(ramfs_lookup(name, false, &n), 0, "a path of KEEL_PATH_MAX bytes is walked");
	name[KEEL_PATH_MAX] = '/';
	name[KEEL_PATH_MAX + 1] = '\0';
	is_int(ramfs_lookup(name, false, &n), -ENAMETOOLONG, "a path one byte longer: ENAMETOOLONG");
}

static void
test_symlinks(void)
{
	struct ramfs_node *n, *f;
	char path[KEEL_PATH_MAX + 2];

	fresh_tree();
	ramfs_mkdir("/x", 0755, 0, 0);
	ramfs_mkdir("/x/y", 0755, 0, 0);
	ramfs_create("/x/y/f", 0644, 0, 0, &f);
	ramfs_mkdir("/a", 0755, 0, 0);
	is_int(ramfs_symlink("/x/y", "/a/abs", 0, 0), 0, "an absolute symlink is made");
	is_int(ramfs_symlink("../x/y/f", "/a/rel", 0, 0), 0, "a relative symlink is made");
	is_int(ramfs_symlink("nowhere", "/a/dangling", 0, 0), 0, "a dangling symlink is made");

	ok(ramfs_lookup("/a/abs/f", false, &n) == 0 && n == f, "an absolute link is followed");
	ok(ramfs_lookup("/a/rel", true, &n) == 0 && n == f,
	   "a relative link starts at the link's directory");
	ok(ramfs_lookup("/a/rel", false, &n) == 0 && KEEL_S_ISLNK(n->mode),
	   "without follow the last link itself is found");
	ok(ramfs_lookup("/a/abs/..", false, &n) == 0 && n == node("/x"),
	   ".. after a link is the target's parent");
	ok(ramfs_lookup("/a/abs/", false, &n) == 0 && n == node("/x/y"),
	   "link/ is the target even without follow");
	is_int(ramfs_lookup("/a/rel/", false, &n), -ENOTDIR, "a link to a file with / is ENOTDIR");
	is_int(ramfs_lookup("/a/dangling", true, &n), -ENOENT, "a dangling link is ENOENT");
	ok(ramfs_lookup("/a/dangling", false, &n) == 0, "but the link itself is there");

	ramfs_symlink("/l1", "/l0", 0, 0);
	ramfs_symlink("/l0", "/l1", 0, 0);
	is_int(ramfs_lookup("/l0", true, &n), -ELOOP, "a loop of links is ELOOP");
	is_int(ramfs_lookup("/l0/x", false, &n), -ELOOP, "also in the middle of a path");

	/* A chain of VFS_SYMLINK_MAX links resolves; one more is ELOOP. */
	ramfs_symlink("/x/y/f", "/c1", 0, 0);
	for (int i = 2; i <= VFS_SYMLINK_MAX + 1; i++) {
		char target[16], name[16];
		snprintf(target, sizeof(target), "c%d", i - 1);
		snprintf(name, sizeof(name), "/c%d", i);
		ramfs_symlink(target, name, 0, 0);
	}
	snprintf(path, sizeof(path), "/c%d", VFS_SYMLINK_MAX);
	ok(ramfs_lookup(path, true, &n) == 0 && n == f, "a chain of %d links resolves",
	   VFS_SYMLINK_MAX);
	snprintf(path, sizeof(path), "/c%d", VFS_SYMLINK_MAX + 1);
	is_int(ramfs_lookup(path, true, &n), -ELOOP, "a chain of %d links is ELOOP",
	       VFS_SYMLINK_MAX + 1);

	is_int(ramfs_symlink("", "/e", 0, 0), -ENOENT, "an empty target is ENOENT");
	memset(path, 'p', KEEL_PATH_MAX + 1);
	path[KEEL_PATH_MAX + 1] = '\0';
	is_int(ramfs_symlink(path, "/e", 0, 0), -ENAMETOOLONG,
	       "a target of KEEL_PATH_MAX + 1 bytes: ENAMETOOLONG");
	ok(!exists("/e"), "no node is left for a refused symlink");
	memset(path, 'p', KEEL_PATH_MAX + 1);
	for (int i = 0; i < KEEL_PATH_MAX - 200; i += 100)
		path[i] = '/';
	path[KEEL_PATH_MAX - 200] = '\0';
	ramfs_symlink(path, "/big", 0, 0);
	memset(path, 'q', 250);
	memcpy(path, "/big/", 5);
	path[250] = '\0';
	is_int(ramfs_lookup(path, false, &n), -ENAMETOOLONG,
	       "a link whose expansion passes the path limit: ENAMETOOLONG");
	is_int(ramfs_symlink("/x", "/a/abs", 0, 0), -EEXIST, "a symlink over a name is EEXIST");
}

static void
test_create(void)
{
	struct ramfs_node *n;

	fresh_tree();
	is_int(ramfs_create("/f", 0644, 3, 4, &n), 0, "create a file");
	ok(n && n->mode == (KEEL_S_IFREG | 0644) && n->uid == 3 && n->gid == 4 && n->size == 0,
	   "a new file is empty with its mode and owner");
	ok(n && n->mtime == (uint64_t)clock_now, "a new file is dated with the clock's time");
	clock_now += 60;
	is_int(ramfs_write(n, 0, "x", 1), 1, "a write a minute later ...");
	ok(n->mtime == (uint64_t)clock_now, "... dates the file then");
	clock_now += 60;
	is_int(ramfs_truncate(n, 0), 0, "truncating it a minute later ...");
	ok(n->mtime == (uint64_t)clock_now, "... dates it then too");
	is_int(ramfs_create("/f", 0644, 0, 0, &n), -EEXIST, "creating it again is EEXIST");
	is_int(ramfs_mkdir("/f", 0755, 0, 0), -EEXIST, "mkdir over a file is EEXIST");
	is_int(ramfs_create("/missing/f", 0644, 0, 0, &n), -ENOENT,
	       "create in a missing directory is ENOENT");
	is_int(ramfs_create("/f/g", 0644, 0, 0, &n), -ENOTDIR, "create below a file is ENOTDIR");
	is_int(ramfs_create("/", 0644, 0, 0, &n), -EINVAL, "create / is EINVAL");
	is_int(ramfs_mkdir("/d/..", 0755, 0, 0), -EINVAL, "mkdir of a .. name is EINVAL");
	is_int(ramfs_create("/new/", 0644, 0, 0, &n), -EISDIR, "create of name/ is EISDIR");
	ok(!exists("/new"), "and makes nothing");
	is_int(ramfs_create("/g", 07777 | KEEL_S_IFDIR, 0, 0, &n), 0, "create with type bits");
	ok(KEEL_S_ISREG(n->mode) && (n->mode & KEEL_S_PERM) == 01777,
	   "only the permission bits of the mode are taken, without setuid and setgid");
}

static void
test_read_write(void)
{
	static unsigned char pat[20000], got[20000];
	struct ramfs_node *n, *d;
	unsigned char one;

	fresh_tree();
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (unsigned char)(i * 7 + 1);
	ramfs_create("/f", 0644, 0, 0, &n);
	is_int(ramfs_write(n, 0, pat, 0), 0, "a write of 0 bytes writes nothing");
	is_int(ramfs_read(n, 0, got, 10), 0, "an empty file reads 0 bytes");

	is_int(ramfs_write(n, 4000, pat, 10000), 10000, "a write across 3 pages is whole");
	is_int((long long)n->size, 14000, "the size is offset + length");
	memset(got, 0xee, sizeof(got));
	is_int(ramfs_read(n, 0, got, sizeof(got)), 14000, "a long read stops at the end");
	int zeros = 1;
	for (int i = 0; i < 4000; i++)
		zeros &= got[i] == 0;
	ok(zeros, "the gap before the first write reads as zeros");
	ok(memcmp(got + 4000, pat, 10000) == 0, "the data read back across page boundaries");
	is_int(ramfs_read(n, 4095, got, 2), 2, "a 2-byte read across a page boundary");
	ok(got[0] == pat[95] && got[1] == pat[96], "reads the right bytes");
	is_int(ramfs_read(n, 13999, got, 100), 1, "a read at the last byte is short");
	is_int(ramfs_read(n, 14000, got, 100), 0, "a read at the end returns 0");
	is_int(ramfs_read(n, 1UL << 40, got, 100), 0, "a read far past the end returns 0");

	is_int(ramfs_write(n, 100000, "z", 1), 1, "a write far past the end");
	is_int((long long)n->size, 100001, "grows the file");
	is_int(ramfs_read(n, 50000, got, 1000), 1000, "the hole reads");
	zeros = 1;
	for (int i = 0; i < 1000; i++)
		zeros &= got[i] == 0;
	ok(zeros, "a hole of whole pages reads as zeros");
	is_int(ramfs_read(n, 100000, &one, 1), 1, "the byte after the hole reads");
	ok(one == 'z', "and is what was written");

	is_int(ramfs_write(n, RAMFS_FILE_MAX, "x", 1), -EFBIG, "a write at the size limit: EFBIG");
	is_int(ramfs_write(n, RAMFS_FILE_MAX - 1, "xy", 2), -EFBIG, "a write across it: EFBIG");
	is_int(ramfs_write(n, UINT64_MAX, "x", 1), -EFBIG, "a write at offset 2^64-1: EFBIG");
	is_int(ramfs_truncate(n, RAMFS_FILE_MAX + 1), -EFBIG, "a truncate past the limit: EFBIG");
	d = node("/");
	is_int(ramfs_write(d, 0, "x", 1), -EISDIR, "writing a directory is EISDIR");
	is_int(ramfs_read(d, 0, got, 1), -EISDIR, "reading a directory is EISDIR");
	is_int(ramfs_truncate(d, 0), -EISDIR, "truncating a directory is EISDIR");
}

static void
test_truncate(void)
{
	static unsigned char buf[12000];
	struct ramfs_node *n;
	int zeros = 1;

	fresh_tree();
	ramfs_create("/t", 0644, 0, 0, &n);
	memset(buf, 0xff, sizeof(buf));
	ramfs_write(n, 0, buf, 9000);
	long live = mem.live;
	is_int(ramfs_truncate(n, 5000), 0, "truncate shrinks a file");
	is_int((long long)n->size, 5000, "to the size asked");
	is_int(mem.live, live - 1, "the page past the new end is freed");
	is_int(ramfs_truncate(n, 9000), 0, "truncate grows it back");
	memset(buf, 0xaa, sizeof(buf));
	is_int(ramfs_read(n, 0, buf, sizeof(buf)), 9000, "it reads 9000 bytes");
	for (int i = 5000; i < 9000; i++)
		zeros &= buf[i] == 0;
	ok(zeros && buf[4999] == 0xff, "bytes after a shrink and regrowth read as zeros");
	is_int(ramfs_truncate(n, 4096), 0, "truncate to a page boundary");
	is_int(ramfs_truncate(n, 4097), 0, "and one byte more");
	is_int(ramfs_read(n, 4096, buf, 1), 1, "reads");
	ok(buf[0] == 0, "the byte past the boundary is zero");
	is_int(ramfs_truncate(n, 0), 0, "truncate to 0");
	is_int(mem.live, live - 4, "frees every page and the page array");
	is_int(ramfs_truncate(n, 0), 0, "truncate to the same size");
	is_int(ramfs_read(n, 0, buf, 10), 0, "an emptied file reads nothing");
}

static void
test_image_copy_out(void)
{
	struct ramfs_stats s;
	struct ramfs_node *n;
	char buf[64];
	static char big[10000];

	img_start();
	FILE_("img", "hello world");
	memset(big, 'B', sizeof(big) - 1);
	FILE_("big", big);
	TRAILER();
	is_int(mount_im(), 0, "an image with files mounts");
	unsigned char *saved = malloc(image_len);
	memcpy(saved, image, image_len);
	n = node("/img");
	ok(n->image_data >= image && n->image_data < image + image_len,
	   "a file's data are read in place from the image");
	long live = mem.live;
	is_int(ramfs_write(n, 0, "J", 1), 1, "writing an image file works");
	ok(n->image_data == NULL, "the file no longer reads from the image");
	is_int(mem.live, live + 2, "it took a page array and one page");
	slurp("/img", buf, sizeof(buf));
	is_str(buf, "Jello world", "the file has the old data with the change");
	ok(memcmp(saved, image, image_len) == 0, "the image itself is untouched");
	ramfs_get_stats(&s);
	is_int((long long)s.image_bytes, 9999, "only the other file is still read in place");

	n = node("/big");
	live = mem.live;
	long calls = mem.calls;
	is_int(ramfs_truncate(n, 5), 0, "truncating an image file shrinks it");
	is_int(mem.calls - calls, 2, "copying out only the page that stays");
	is_int(ramfs_truncate(n, 20), 0, "and it grows again");
	slurp("/big", buf, sizeof(buf));
	ok(memcmp(buf, "BBBBB\0\0\0", 8) == 0, "zeros after the old end, not the image's bytes");
	ok(memcmp(saved, image, image_len) == 0, "the image is still untouched");
	ramfs_unlink("/big");
	is_int(mem.live, live - 1, "unlinking frees the node, its pages and array");

	/* Truncating an image file to 0 copies nothing. */
	fresh_tree();
	image = malloc(im.len);
	memcpy(image, im.buf, im.len);
	ramfs_mount_image(image, im.len, err, sizeof(err));
	n = node("/big");
	calls = mem.calls;
	is_int(ramfs_truncate(n, 0), 0, "truncating an image file to 0");
	is_int(mem.calls, calls, "allocates nothing");
	is_int((long long)n->size, 0, "and empties it");

	/* A copy-out that runs out of memory leaves the file as it was. */
	n = node("/img");
	mem.fail_after = 1;	/* the page array, not the first page */
	is_int(ramfs_write(n, 0, "X", 1), -ENOSPC, "a copy-out without memory: ENOSPC");
	mem.fail_after = -1;
	slurp("/img", buf, sizeof(buf));
	is_str(buf, "hello world", "the file still reads its image data");
	free(saved);
}

/*
 * A program's text maps the file's pages (loader.c): they stay as they were for it while
 * the file is written, truncated or removed, and go with the last of their users.
 */
static void
test_lent_pages(void)
{
	static char text[6000];
	char buf[16];
	struct ramfs_node *n;

	memset(text, 'T', sizeof(text) - 1);
	img_start();
	FILE_("prog", text);
	TRAILER();
	is_int(mount_im(), 0, "an image with a program mounts");
	n = node("/prog");
	long live = mem.live;
	const unsigned char *p0 = (const unsigned char *)(uintptr_t)n->vn.ops->lend_page(&n->vn, 0);
	ok(p0 != NULL && n->image_data == NULL, "lending a page moves an image file into pages");
	is_int(mem.live, live + 3, "a page array and its two pages");
	ok(p0 && p0[0] == 'T' && p0[4095] == 'T', "the lent page holds the file's bytes");
	const unsigned char *p1 = (const unsigned char *)(uintptr_t)n->vn.ops->lend_page(&n->vn, 1);
	ok(p1 && p1[5998 - 4096] == 'T' && p1[5999 - 4096] == 0 && p1[4095] == 0,
	   "the last page has zeros past the end");
	const unsigned char *p9 = (const unsigned char *)(uintptr_t)n->vn.ops->lend_page(&n->vn, 9);
	ok(p9 && p9[0] == 0 && p9[4095] == 0, "a page past the end lends zeros");
	is_int(mem.live, live + 4, "and takes one page");

	is_int(ramfs_write(n, 0, "W", 1), 1, "writing over a lent page works");
	ok(p0[0] == 'T', "the program still sees the old byte");
	slurp("/prog", buf, sizeof(buf));
	ok(buf[0] == 'W' && buf[1] == 'T', "the file reads the new one");
	is_int(mem.live, live + 5, "the file went on in a copy");
	is_int(ramfs_truncate(n, 4100), 0, "truncating into a lent page works");
	ok(p1[4] == 'T', "the program's copy keeps the cut bytes");
	is_int(mem.live, live + 6, "the file's last page is a copy now too");
	kpage_free((void *)p0);
	is_int(mem.live, live + 5, "the program's old first page goes with it");

	ramfs_unlink("/prog");
	ok(p9[0] == 0 && p1[0] == 'T', "removing the file leaves the lent pages to the program");
	kpage_free((void *)p1);
	kpage_free((void *)p9);
	is_int(mem.live, live - 1, "the last users free them, with the node");
}

static void
test_open_unlinked(void)
{
	static unsigned char buf[10000];
	struct keel_stat st;
	struct ramfs_node *n;

	fresh_tree();
	long live = mem.live;
	ramfs_create("/open", 0644, 0, 0, &n);
	memset(buf, 'o', sizeof(buf));
	ramfs_write(n, 0, buf, sizeof(buf));
	ramfs_get(n);
	ramfs_get(n);
	is_int(ramfs_unlink("/open"), 0, "unlink an open file");
	ok(!exists("/open"), "its name is gone");
	ramfs_stat(n, &st);
	is_int(st.nlink, 0, "its link count is 0");
	is_int(ramfs_read(n, 9990, buf, 100), 10, "the open file still reads");
	is_int(ramfs_write(n, 0, "w", 1), 1, "and can be written");
	is_int(mem.live, live + 5, "its node, page array and 3 pages are alive");
	ramfs_put(n);
	is_int(mem.live, live + 5, "while one holder is left they stay");
	ramfs_put(n);
	is_int(mem.live, live, "the last put frees them all");

	ramfs_create("/held", 0644, 0, 0, &n);
	ramfs_get(n);
	ramfs_put(n);
	ok(exists("/held"), "a put of a linked file keeps it");
	is_int(mem.live, live + 1, "and its node");

	ramfs_mkdir("/dir", 0755, 0, 0);
	n = node("/dir");
	ramfs_get(n);
	is_int(ramfs_rmdir("/dir"), 0, "rmdir an open directory");
	is_int(ramfs_readdir(n, 0, &(struct keel_dirent){ 0 }), 0, "it still reads as empty");
	ramfs_put(n);
	is_int(mem.live, live + 1, "the last put frees it");
}

static void
test_rmdir_unlink(void)
{
	fresh_tree();
	ramfs_mkdir("/d", 0755, 0, 0);
	ramfs_create("/d/f", 0644, 0, 0, NULL);
	ramfs_symlink("/d", "/l", 0, 0);
	is_int(ramfs_rmdir("/d"), -ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
	is_int(ramfs_rmdir("/"), -EBUSY, "rmdir of the root: EBUSY");
	is_int(ramfs_rmdir("/d/f"), -ENOTDIR, "rmdir of a file: ENOTDIR");
	is_int(ramfs_unlink("/d"), -EISDIR, "unlink of a directory: EISDIR");
	is_int(ramfs_unlink("/"), -EISDIR, "unlink of the root: EISDIR");
	is_int(ramfs_unlink("/d/nope"), -ENOENT, "unlink of a missing name: ENOENT");
	is_int(ramfs_unlink("/d/f/"), -ENOTDIR, "unlink of file/: ENOTDIR");
	is_int(ramfs_unlink("/l"), 0, "unlink of a symlink removes the link");
	ok(exists("/d/f"), "not its target");
	is_int(ramfs_unlink("/d/f"), 0, "unlink of a file");
	is_int(ramfs_rmdir("/d"), 0, "rmdir of the emptied directory");
	ok(!exists("/d"), "it is gone");
}

static void
test_rename(void)
{
	struct ramfs_node *n, *a, *held;
	char buf[32];
	long live;

	fresh_tree();
	ramfs_create("/a", 0644, 0, 0, &a);
	ramfs_write(a, 0, "AAA", 3);
	ramfs_create("/b", 0644, 0, 0, &n);
	ramfs_write(n, 0, "B", 1);
	live = mem.live;
	is_int(ramfs_rename("/a", "/b"), 0, "rename a file over a file");
	ok(!exists("/a"), "the old name is gone");
	slurp("/b", buf, sizeof(buf));
	is_str(buf, "AAA", "the new name has the moved file");
	ok(node("/b") == a, "it is the same node");
	is_int(mem.live, live - 3, "the replaced file is freed");

	ramfs_create("/c", 0644, 0, 0, &held);
	ramfs_get(held);
	is_int(ramfs_rename("/b", "/c"), 0, "rename over an open file");
	is_int(ramfs_read(held, 0, buf, 4), 0, "the replaced open file still reads");
	ramfs_put(held);

	ramfs_mkdir("/d", 0755, 0, 0);
	ramfs_mkdir("/d/sub", 0755, 0, 0);
	ramfs_create("/d/sub/f", 0644, 0, 0, NULL);
	ramfs_mkdir("/e", 0755, 0, 0);
	is_int(ramfs_rename("/d", "/e"), 0, "rename a directory onto an empty one");
	ok(exists("/e/sub/f") && !exists("/d"), "its contents move with it");
	ok(node("/e/sub")->parent == node("/e"), "the children's parent is the moved node");
	ramfs_mkdir("/full", 0755, 0, 0);
	ramfs_create("/full/x", 0644, 0, 0, NULL);
	is_int(ramfs_rename("/e", "/full"), -ENOTEMPTY, "onto a non-empty directory: ENOTEMPTY");
	is_int(ramfs_rename("/e", "/e/sub/deeper"), -EINVAL, "a directory into itself: EINVAL");
	is_int(ramfs_rename("/e", "/e/new"), -EINVAL, "a directory into itself, one down: EINVAL");
	is_int(ramfs_rename("/e", "/e"), 0, "a rename onto itself does nothing");
	ok(exists("/e/sub/f"), "and leaves it be");
	is_int(ramfs_rename("/c", "/e"), -EISDIR, "a file onto a directory: EISDIR");
	is_int(ramfs_rename("/e", "/c"), -ENOTDIR, "a directory onto a file: ENOTDIR");
	is_int(ramfs_rename("/c", "/newname/"), -ENOTDIR, "a file to name/: ENOTDIR");
	is_int(ramfs_rename("/", "/x"), -EBUSY, "rename of the root: EBUSY");
	is_int(ramfs_rename("/nope", "/x"), -ENOENT, "rename of a missing name: ENOENT");
	is_int(ramfs_rename("/c", "/nodir/x"), -ENOENT, "rename into a missing directory: ENOENT");
	is_int(ramfs_rename("/c", "/e/.."), -EINVAL, "rename to a .. name: EINVAL");
	ok(exists("/c"), "failed renames leave the file");

	ramfs_symlink("/e", "/link", 0, 0);
	is_int(ramfs_rename("/link", "/e/moved"), 0, "rename moves a symlink, not its target");
	ok(KEEL_S_ISLNK(node("/e/moved")->mode) && exists("/e/sub"), "the target stays");
	is_int(ramfs_rename("/c", "/e/sub/c"), 0, "a file into another directory");
	ok(node("/e/sub/c")->parent == node("/e/sub"), "its parent is the new directory");

	/* Names longer than the node's own buffer live in a block of their own. */
	char lname[KEEL_NAME_MAX + 2], sname[RAMFS_NAME_INLINE + 2];
	lname[0] = sname[0] = '/';
	memset(lname + 1, 'L', KEEL_NAME_MAX);
	lname[KEEL_NAME_MAX + 1] = '\0';
	memset(sname + 1, 'S', RAMFS_NAME_INLINE);
	sname[RAMFS_NAME_INLINE + 1] = '\0';
	is_int(ramfs_create(sname, 0644, 0, 0, &n), 0, "a name that just fits the node is made");
	ok(n->name == n->iname, "it is kept in the node");
	is_int(ramfs_rename(sname, lname), 0, "renamed to a name of KEEL_NAME_MAX bytes");
	ok(n->name != n->iname && strlen(n->name) == KEEL_NAME_MAX && node(lname) == n,
	   "which is kept outside the node, whole, and found");
	is_int(ramfs_rename(lname, "/short"), 0, "renamed back to a short name");
	ok(n->name == n->iname && node("/short") == n && !exists(lname),
	   "which is in the node again, and the long one is gone");
	is_int(ramfs_create(lname, 0644, 0, 0, NULL), 0, "a file made with a long name");
	is_int(ramfs_unlink(lname), 0, "is removed (its name's block is freed: the sanitizer checks)");
}

static void
test_readdir(void)
{
	static const char *const names[] = { "c", "a", "b", "B", "aa", "_" };
	static const char *const sorted[] = { "B", "_", "a", "aa", "b", "c" };
	struct keel_dirent d;
	struct ramfs_node *dir, *f;
	char path[16];
	int in_order = 1;

	fresh_tree();
	ramfs_mkdir("/dir", 0755, 0, 0);
	dir = node("/dir");
	is_int(ramfs_readdir(dir, 0, &d), 0, "an empty directory has no entry");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/dir/%s", names[i]);
		ramfs_create(path, 0644, 0, 0, NULL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sorted); i++)
		in_order &= ramfs_readdir(dir, i, &d) == 1 && strcmp(d.name, sorted[i]) == 0;
	ok(in_order, "entries come sorted by name, bytewise");
	is_int(ramfs_readdir(dir, ARRAY_SIZE(sorted), &d), 0, "past the last entry: 0");
	ramfs_rename("/dir/aa", "/dir/zz");
	ramfs_readdir(dir, 5, &d);
	is_str(d.name, "zz", "a renamed entry takes its sorted place");
	f = node("/dir/zz");
	ok(d.ino == f->ino && d.mode == f->mode, "an entry has the node's inode and mode");
	is_int(ramfs_readdir(f, 0, &d), -ENOTDIR, "readdir of a file: ENOTDIR");
}

/*
 * A directory of 20,000 entries made in a scrambled order: each is found, a listing
 * gives them all, sorted, also when it starts over midway and after entries go; half of
 * them removed, the rest still found.
 */
static void
test_large_directory(void)
{
	enum { N = 20000 };
	struct ramfs_node *dir;
	struct keel_dirent d;
	char path[32], want[16];
	int made = 1, found = 1, sorted = 1, removed = 1, left = 1;
	uint64_t i;

	fresh_tree();
	ramfs_mkdir("/big", 0755, 0, 0);
	dir = node("/big");
	for (i = 0; i < N; i++) {	/* 7919 is prime to N: every number once */
		snprintf(path, sizeof(path), "/big/f%05lu", (unsigned long)(i * 7919 % N));
		made &= ramfs_create(path, 0644, 0, 0, NULL) == 0;
	}
	ok(made, "%d entries made in a scrambled order", N);
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/big/f%05lu", (unsigned long)i);
		found &= ramfs_lookup(path, true, &(struct ramfs_node *){ NULL }) == 0;
	}
	ok(found, "... each one is found");
	for (i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "f%05lu", (unsigned long)i);
		sorted &= ramfs_readdir(dir, i, &d) == 1 && strcmp(d.name, want) == 0;
	}
	is_int(ramfs_readdir(dir, N, &d), 0, "... the listing ends after the last");
	ok(sorted, "... and gives them all in order");
	ok(ramfs_readdir(dir, 7, &d) == 1 && strcmp(d.name, "f00007") == 0 &&
	   ramfs_readdir(dir, 8, &d) == 1 && strcmp(d.name, "f00008") == 0,
	   "a listing may start over anywhere");
	for (i = 0; i < N; i += 2) {
		snprintf(path, sizeof(path), "/big/f%05lu", (unsigned long)i);
		removed &= ramfs_unlink(path) == 0;
	}
	ok(removed, "every other entry removed");
	for (i = 0; i < N / 2; i++) {
		snprintf(want, sizeof(want), "f%05lu", (unsigned long)(2 * i + 1));
		left &= ramfs_readdir(dir, i, &d) == 1 && strcmp(d.name, want) == 0;
		snprintf(path, sizeof(path), "/big/f%05lu", (unsigned long)(2 * i));
		left &= ramfs_lookup(path, true, &(struct ramfs_node *){ NULL }) == -ENOENT;
	}
	ok(left, "... the rest are listed in order, and the removed ones are gone");
}

/* The image pages no file reads from go back to the frame allocator, then as files go. */
static size_t released;

static void
count_release(void *page)
{
	(void)page;
	released++;
}

static void
test_image_release(void)
{
	static char big[3 * RAMFS_PAGE + 1];

	img_start();
	FILE_("small", "x");
	memset(big, 'R', sizeof(big) - 1);
	FILE_("big", big);
	TRAILER();
	is_int(mount_im(), 0, "an image with a three-page file mounts");
	released = 0;
	is_int(ramfs_image_release(count_release), (long long)released,
	       "release reports the pages it gave back");
	size_t at_mount = released;
	ramfs_write(node("/big"), 0, "W", 1);
	ok(released >= at_mount + 2, "writing a file gives back the whole image pages it read");
	size_t after_write = released;
	ramfs_unlink("/big");
	is_int((long long)released, (long long)after_write, "... and removing it gives back no more");
	ramfs_unlink("/small");
	uintptr_t first = ((uintptr_t)image + RAMFS_PAGE - 1) & ~(uintptr_t)(RAMFS_PAGE - 1);
	is_int((long long)released, (long long)(((uintptr_t)image + image_len - first) / RAMFS_PAGE),
	       "with no file left, every whole page of the image has been given back");
}

static void
test_enospc(void)
{
	static unsigned char buf[3 * RAMFS_PAGE];
	struct ramfs_node *n;
	long live;

	fresh_tree();
	live = mem.live;
	mem.fail_after = 0;
	is_int(ramfs_create("/f", 0644, 0, 0, &n), -ENOSPC, "create without memory: ENOSPC");
	is_int(ramfs_mkdir("/d", 0755, 0, 0), -ENOSPC, "mkdir without memory: ENOSPC");
	mem.fail_after = 1;
	is_int(ramfs_symlink("/t", "/l", 0, 0), -ENOSPC, "a symlink without room for its target");
	mem.fail_after = -1;
	ok(!exists("/f") && !exists("/d") && !exists("/l"), "nothing is made");
	is_int(mem.live, live, "nothing is left allocated");

	ramfs_create("/f", 0644, 0, 0, &n);
	mem.fail_after = 0;
	is_int(ramfs_write(n, 0, buf, 10), -ENOSPC, "a write without a page array: ENOSPC");
	is_int((long long)n->size, 0, "the size stays");
	mem.fail_after = 3;	/* the array and two pages */
	is_int(ramfs_write(n, 0, buf, sizeof(buf)), 2 * RAMFS_PAGE,
	       "a write that runs out of pages writes what it could");
	is_int((long long)n->size, 2 * RAMFS_PAGE, "the size counts what was written");
	mem.fail_after = 0;
	is_int(ramfs_truncate(n, 10 * RAMFS_PAGE), -ENOSPC,
	       "a truncate that needs a longer page array: ENOSPC");
	is_int(ramfs_truncate(n, RAMFS_PAGE), 0, "a shrink needs no memory");
	mem.fail_after = -1;
}

/* The limits of ramfs_set_limits: one user's share, the whole, and removal without memory. */
static void
test_limits(void)
{
	static unsigned char buf[4 * RAMFS_PAGE];
	struct vnode *v;
	struct ramfs_node *g, *r;
	uint64_t base, nodes;

	fresh_tree();
	ramfs_mkdir("/q", 0777, 0, 0);
	base = ramfs_used();
	nodes = 2 * sizeof(struct ramfs_node);
	/* Room for both nodes and 5 pages in all; 3 pages of them for a user. */
	ramfs_set_limits(base + nodes + 5 * RAMFS_PAGE, sizeof(struct ramfs_node) + 3 * RAMFS_PAGE);
	is_int(vfs_create("/q/g", KEEL_S_IFREG | 0644, 1000, &v), 0, "a user creates a file");
	g = (struct ramfs_node *)v;
	is_int((long long)ramfs_user_used(1000), (long long)sizeof(struct ramfs_node),
	       "the node is charged to its owner");
	is_int(ramfs_write(g, 0, buf, sizeof(buf)), 3 * RAMFS_PAGE,
	       "a user's write stops at the user's share");
	is_int(ramfs_write(g, 3 * RAMFS_PAGE, buf, 1), -EDQUOT, "past it: EDQUOT");
	ramfs_create("/q/r", 0644, 0, 0, &r);
	is_int(ramfs_write(r, 0, buf, sizeof(buf)), 2 * RAMFS_PAGE,
	       "root's write stops at the file system's limit");
	is_int(ramfs_write(r, 2 * RAMFS_PAGE, buf, 1), -ENOSPC, "past it: ENOSPC");
	vnode_put(v);
	is_int(vfs_unlink("/q/g", 1000), 0, "the user's file is removed at the limit");
	is_int((long long)ramfs_user_used(1000), 0, "and its owner is charged nothing");
	ramfs_unlink("/q/r");
	is_int((long long)ramfs_used(), (long long)base, "every charge is given back");
	ramfs_set_limits(0, 0);
}

int
main(void)
{
	test_truncated();
	test_checksum();
	test_bad_names();
	test_type_clashes();
	test_skipped_and_links();
	test_mount_enospc();
	test_stats_and_attributes();

	test_paths();
	test_symlinks();
	test_create();
	test_read_write();
	test_truncate();
	test_image_copy_out();
	test_lent_pages();
	test_open_unlinked();
	test_rmdir_unlink();
	test_rename();
	test_readdir();
	test_large_directory();
	test_enospc();
	test_limits();
	test_image_release();

	fresh_tree();
	struct ramfs_node *root = node("/");
	kfree(root);
	free(image);
	is_int(mem.live, 0, "every block the ramfs allocated was freed");
	return done_testing();
}
