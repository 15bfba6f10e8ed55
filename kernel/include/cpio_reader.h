/*
 * The reader of ramfs images: an iterator over the entries of a newc or crc cpio archive
 * (<keel/cpio.h>) that lies whole in memory. The kernel reads its Multiboot2 module with
 * it and mkramfs reads images with it, so both accept and refuse exactly the same images.
 *
 * It allocates nothing and trusts nothing: every field is checked against the bytes that
 * are there before anything behind it is touched, and a damaged image yields a one-line
 * description of the first damage (which entry, at which offset, what is wrong) after
 * the entries before it.
 *
 *	struct cpio_reader r;
 *	struct cpio_entry e;
 *	int rc;
 *
 *	cpio_reader_init(&r, image, size);
 *	while ((rc = cpio_next(&r, &e)) > 0)
 *		use(&e);
 *	if (rc < 0)
 *		report(r.err.msg);
 */
#ifndef KEEL_CPIO_READER_H
#define KEEL_CPIO_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <keel/cpio.h>

/* The longest error message, with its NUL; longer ones are cut short. */
#define CPIO_ERR_MAX	192

/* What can be wrong with an image, one value per distinct message. */
enum cpio_errcode {
	CPIO_OK,
	CPIO_ERR_NO_TRAILER,	/* the image ends before an entry named TRAILER!!! */
	CPIO_ERR_SHORT_HEADER,	/* fewer than CPIO_HEADER_SIZE bytes left for a header */
	CPIO_ERR_MAGIC,		/* neither 070701 nor 070702 */
	CPIO_ERR_HEX,		/* a field that is not 8 hexadecimal digits */
	CPIO_ERR_NAMESIZE_ZERO,	/* namesize 0: not even room for the NUL */
	CPIO_ERR_SHORT_NAME,	/* namesize runs past the end of the image */
	CPIO_ERR_NAME_NUL,	/* the name's last byte is not a NUL */
	CPIO_ERR_NAME_EMPTY,	/* the name is "" */
	CPIO_ERR_SHORT_DATA,	/* filesize runs past the end of the image */
	CPIO_ERR_CHECKSUM,	/* a 070702 entry whose data do not sum to its check field */
};

/* The first damage found: where it is and what it is, in numbers and in words. */
struct cpio_error {
	enum cpio_errcode code;
	size_t index;		/* of the damaged entry, counting from 0 */
	size_t offset;		/* of the damaged entry's header in the image */
	char msg[CPIO_ERR_MAX];	/* "entry 3 at offset 0x1f4: ..." */
};

/* One entry, with every field of its header; name and data point into the image. */
struct cpio_entry {
	size_t index;		/* counting from 0 */
	size_t offset;		/* of the header in the image */
	bool crc;		/* magic 070702: check was verified against the data */
	const char *name;	/* NUL-terminated, not empty */
	size_t namelen;		/* strlen(name); namesize may hold padding NULs beyond it */
	const unsigned char *data;	/* filesize bytes */
	size_t data_offset;	/* of the data in the image */
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
};

enum cpio_state { CPIO_READING, CPIO_END, CPIO_FAILED };

/* Where a walk over one image is; read only err and end_offset, and only after the walk. */
struct cpio_reader {
	const unsigned char *image;
	size_t size;
	size_t off;		/* of the next header */
	size_t index;		/* of the next entry */
	enum cpio_state state;
	size_t end_offset;	/* after CPIO_END: the first byte after the trailer entry */
	struct cpio_error err;
};

/* Starts a walk over the size bytes at image. Reads nothing yet. */
void cpio_reader_init(struct cpio_reader *r, const void *image, size_t size);

/*
 * Reads the next entry into *e. Returns 1 with *e filled in, 0 when the next entry is the
 * trailer (the walk is over), or -EINVAL when the image is damaged there: r->err then says
 * which entry, where and what is wrong, and every later call returns -EINVAL again.
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

/* Returns the 32-bit sum of the n bytes at p: the check field of a 070702 entry. */
uint32_t cpio_checksum(const void *p, size_t n);

/*
 * Writes a header (CPIO_HEADER_SIZE bytes, no NUL) into out: magic, which must be one
 * of CPIO_MAGIC_NEWC and CPIO_MAGIC_CRC, then field[0] to field[CPIO_NFIELDS - 1] in
 * lowercase hexadecimal, as GNU cpio writes them.
 */
void cpio_header_encode(char *out, const char *magic, const uint32_t field[CPIO_NFIELDS]);

#endif
