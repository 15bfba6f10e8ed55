/*
 * mkramfs: writes an image, and the two modes that do, -o and --add. Entries are laid out
 * as <keel/cpio.h> defines (newc, or its checksummed variant) with inode and device
 * numbers zeroed, so that the same tree always makes the same bytes, and the image goes
 * through outfile (tools/common), so that it appears whole or not at all.
 */
#define _GNU_SOURCE
#include "config.h"
#include "outfile.h"
#include "xalloc.h"
#include "mkramfs.h"

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_BUFSIZE	(1024 * 1024)	/* the output is written in pieces of this size */

/* The image being written, through a buffer. */
static struct {
	struct outfile of;
	uint64_t off;
	size_t len;
	unsigned char *buf;
	const char *magic;
} out;

/* Creates the temporary file that becomes path, with the permissions mode. */
static void
out_open(const char *path, mode_t mode)
{
	if (outfile_open(&out.of, path, mode, 0) == -1)
		err(1, "%s: cannot create a file beside it", path);
	out.buf = xrealloc(NULL, OUT_BUFSIZE);
}

static void
out_flush(void)
{
	if (outfile_write(&out.of, out.buf, out.len) == -1)
		err(1, "%s", out.of.tmp);
	out.len = 0;
}

static void
out_write(const void *p, size_t n)
{
	if (n == 0)
		return;
	if (out.len + n > OUT_BUFSIZE)
		out_flush();
	if (n >= OUT_BUFSIZE / 2) {
		if (outfile_write(&out.of, p, n) == -1)
			err(1, "%s", out.of.tmp);
	} else {
		memcpy(out.buf + out.len, p, n);
		out.len += n;
	}
	out.off += n;
}

static void
out_zeros(size_t n)
{
	static const unsigned char zeros[4096];

	for (; n > sizeof(zeros); n -= sizeof(zeros))
		out_write(zeros, sizeof(zeros));
	out_write(zeros, n);
}

/* Writes the output's last bytes and renames it into place. */
static void
out_commit(const char *path)
{
	out_flush();
	if (outfile_close(&out.of) == -1)
		err(1, "%s", out.of.tmp);
	if (outfile_commit(&out.of) == -1)
		err(1, "%s: cannot rename %s to it", path, out.of.tmp);
}

/* Writes one entry: header, name (padded for --align), data and padding. */
static void
entry_write(const char *name, uint32_t mode, uint32_t uid, uint32_t gid, uint32_t mtime,
    const unsigned char *data, size_t size, uint32_t rdevmajor, uint32_t rdevminor)
{
	uint32_t f[CPIO_NFIELDS] = { 0 };
	char hdr[CPIO_HEADER_SIZE];
	size_t namesize = strlen(name) + 1;
	uint64_t end = out.off + CPIO_HEADER_SIZE + namesize;
	size_t namepad = 0;

	/* Extra NULs after the name move the data to the boundary; readers stop at the first. */
	if ((mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE && size > 0 && opt.align > CPIO_ALIGN)
		namepad = (opt.align - end % opt.align) % opt.align;
	f[CPIO_MODE] = mode;
	f[CPIO_UID] = uid;
	f[CPIO_GID] = gid;
	/*
	 * Every inode number is 0, so nlink must be 1 even for directories: libarchive (bsdtar)
	 * takes any two entries with the same inode number and nlink > 1 for hard links.
	 */
	f[CPIO_NLINK] = 1;
	f[CPIO_MTIME] = mtime;
	f[CPIO_FILESIZE] = (uint32_t)size;
	f[CPIO_RDEVMAJOR] = rdevmajor;
	f[CPIO_RDEVMINOR] = rdevminor;
	f[CPIO_NAMESIZE] = (uint32_t)(namesize + namepad);
	if (strcmp(out.magic, CPIO_MAGIC_CRC) == 0)
		f[CPIO_CHECK] = cpio_checksum(data, size);
	cpio_header_encode(hdr, out.magic, f);
	out_write(hdr, sizeof(hdr));
	out_write(name, namesize);
	out_zeros(namepad + (CPIO_ALIGN - (end + namepad) % CPIO_ALIGN) % CPIO_ALIGN);
	out_write(data, size);
	out_zeros((CPIO_ALIGN - out.off % CPIO_ALIGN) % CPIO_ALIGN);
}

/* Reads a whole file of the tree into *buf (grown as needed). Returns its size. */
static size_t
file_read(int dirfd, const struct node *n, unsigned char **buf, size_t *cap)
{
	struct stat st;
	size_t len = 0;
	ssize_t r;
	int fd;

	if ((fd = openat(dirfd, n->path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", n->origin);
	if (!S_ISREG(st.st_mode) || st.st_size > UINT32_MAX)
		errx(1, "%s: changed while mkramfs was reading the tree", n->origin);
	if ((size_t)st.st_size + 1 > *cap) {
		*cap = (size_t)st.st_size + 1;
		*buf = xrealloc(*buf, *cap);
	}
	/* One byte more than the size is asked for, to see that the file has not grown. */
	while ((r = read(fd, *buf + len, *cap - len)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", n->origin);
		}
		len += (size_t)r;
		if (len > (size_t)st.st_size)
			errx(1, "%s: grew while mkramfs was reading it", n->origin);
	}
	if (len != (size_t)st.st_size)
		errx(1, "%s: shrank while mkramfs was reading it", n->origin);
	close(fd);
	return len;
}

/* Writes the collected entries and the trailer to path, replacing it at the end. */
static void
image_write(int dirfd, const char *path, mode_t perm)
{
	unsigned char *buf = NULL;
	size_t cap = 0, i;
	const struct node *n;

	nodes_complete();
	out.magic = opt.magic != NULL ? opt.magic : CPIO_MAGIC_CRC;
	out_open(path, perm);
	for (i = 0; i < nodes.n; i++) {
		n = &nodes.v[i];
		if (n->src == SRC_DISK) {
			size_t len = file_read(dirfd, n, &buf, &cap);

			entry_write(n->name, n->mode, n->uid, n->gid, n->mtime, buf, len, 0, 0);
		} else
			entry_write(n->name, n->mode, n->uid, n->gid, n->mtime,
			    n->data, n->size, n->rdevmajor, n->rdevminor);
	}
	entry_write(CPIO_TRAILER, 0, 0, 0, 0, NULL, 0, 0, 0);
	out_commit(path);
	free(buf);
}

/* Returns a descriptor of the -C directory, or of the current one. */
static int
dir_open(void)
{
	int fd;

	if ((fd = open(opt.dir ? opt.dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", opt.dir ? opt.dir : ".");
	return fd;
}

/* The permissions of a new file: 0666 less the umask, as for any file a program creates. */
static mode_t
perm_default(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* -o: writes the image from the list files and the arguments (PATHs, FILE=DEST). */
int
cmd_create(int argc, char **argv)
{
	int dirfd = dir_open();
	size_t i;
	int a;

	target_note(opt.image);
	for (i = 0; i < opt.nlists; i++)
		list_read(dirfd, opt.lists[i]);
	for (a = 0; a < argc; a++)
		arg_add(dirfd, argv[a]);
	image_write(dirfd, opt.image, perm_default());
	close(dirfd);
	return 0;
}

/*
 * --add: rewrites the image with its own entries and the arguments', new ones replacing
 * old ones of the same name; the format and the permissions stay the image's.
 */
int
cmd_add(int argc, char **argv)
{
	struct cpio_entry *v;
	struct image im;
	struct stat st;
	size_t n;
	bool crc;
	int dirfd, a;

	image_read(&im, opt.image);
	if (stat(opt.image, &st) == -1)
		err(1, "%s", opt.image);
	v = image_entries(&im, &n, &crc);
	if (opt.magic == NULL)
		opt.magic = crc ? CPIO_MAGIC_CRC : CPIO_MAGIC_NEWC;
	target_note(opt.image);
	nodes_from_image(&im, v, n);
	dirfd = dir_open();
	for (a = 0; a < argc; a++)
		arg_add(dirfd, argv[a]);
	image_write(dirfd, opt.image, st.st_mode & 07777);
	close(dirfd);
	return 0;
}
