/*
 * The reader of ramfs images (cpio_reader.h): it walks a newc (070701) or crc (070702)
 * cpio archive lying in memory, one entry per call, and stops at the first damage with a
 * message that says which entry, where and what. It is pure code with no allocation, so
 * the kernel, mkramfs and the host tests all compile this same file.
 *
 * What is accepted, beyond the letter of the format:
 *  - hexadecimal digits in either case (GNU cpio writes lowercase, Linux uppercase);
 *  - NULs after the name's own NUL, which is how mkramfs --align and dracut pad a name so
 *    that the data after it starts on a page boundary (only the last byte of the name
 *    field must be a NUL);
 *  - a trailer entry whose padding runs past the end of the image, and anything after
 *    the trailer (GNU cpio pads archives to 512-byte blocks);
 *  - a check field of 0 on an entry that is not a regular file: GNU cpio -H crc writes 0
 *    there for symlinks, and sums only regular files' data.
 */
#include <lib.h>
#include <cpio_reader.h>
#include <keel/errno.h>

_Static_assert(CPIO_FIELD_OFFSET(CPIO_NFIELDS) == CPIO_HEADER_SIZE,
    "the fields of <keel/cpio.h> fill the header exactly");

static const char *const field_names[CPIO_NFIELDS] = {
	[CPIO_INO] = "ino", [CPIO_MODE] = "mode", [CPIO_UID] = "uid", [CPIO_GID] = "gid",
	[CPIO_NLINK] = "nlink", [CPIO_MTIME] = "mtime", [CPIO_FILESIZE] = "filesize",
	[CPIO_DEVMAJOR] = "devmajor", [CPIO_DEVMINOR] = "devminor",
	[CPIO_RDEVMAJOR] = "rdevmajor", [CPIO_RDEVMINOR] = "rdevminor",
	[CPIO_NAMESIZE] = "namesize", [CPIO_CHECK] = "check",
};

static const char hexdigits[] = "0123456789abcdef";

/* The longest part of a name an error message quotes. */
#define QUOTE_MAX	64

/*
 * An error message under construction. The kernel's ksnprintf is not used because
 * mkramfs links this file alone; these few appenders are all the messages need.
 */
struct msg {
	char *buf;
	size_t len, cap;	/* cap counts the NUL */
};

static void
msg_char(struct msg *m, char c)
{
	if (m->len + 1 < m->cap)
		m->buf[m->len++] = c;
	m->buf[m->len] = '\0';
}

static void
msg_str(struct msg *m, const char *s)
{
	while (*s != '\0')
		msg_char(m, *s++);
}

static void
msg_dec(struct msg *m, uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		msg_char(m, digits[--n]);
}

static void
msg_hex(struct msg *m, uint64_t v)
{
	char digits[16];
	int n = 0;

	msg_str(m, "0x");
	do {
		digits[n++] = hexdigits[v & 0xf];
		v >>= 4;
	} while (v != 0);
	while (n > 0)
		msg_char(m, digits[--n]);
}

/* Appends up to n bytes of s in double quotes, printable ASCII as is and the rest as '?'. */
static void
msg_quote(struct msg *m, const unsigned char *s, size_t n)
{
	size_t i;

	msg_char(m, '"');
	for (i = 0; i < n && i < QUOTE_MAX; i++)
		msg_char(m, s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?');
	msg_char(m, '"');
	if (n > QUOTE_MAX)
		msg_str(m, "...");
}

/*
 * Starts r->err for the entry at r->off: "entry N at offset 0xO: ", with the entry's name
 * in the middle when it is known (name != NULL). Returns the message to go on with.
 */
static struct msg
error_start(struct cpio_reader *r, enum cpio_errcode code, const char *name, size_t namelen)
{
	struct msg m = { r->err.msg, 0, sizeof(r->err.msg) };

	r->state = CPIO_FAILED;
	r->err.code = code;
	r->err.index = r->index;
	r->err.offset = r->off;
	msg_str(&m, "entry ");
	msg_dec(&m, r->index);
	if (name != NULL) {
		msg_char(&m, ' ');
		msg_quote(&m, (const unsigned char *)name, namelen);
	}
	msg_str(&m, " at offset ");
	msg_hex(&m, r->off);
	msg_str(&m, ": ");
	return m;
}

void
cpio_reader_init(struct cpio_reader *r, const void *image, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->image = image;
	r->size = size;
	r->state = CPIO_READING;
	r->err.code = CPIO_OK;
}

uint32_t
cpio_checksum(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += b[i];
	return sum;
}

void
cpio_header_encode(char *out, const char *magic, const uint32_t field[CPIO_NFIELDS])
{
	int f, i;

	memcpy(out, magic, CPIO_MAGIC_LEN);
	for (f = 0; f < CPIO_NFIELDS; f++)
		for (i = 0; i < CPIO_FIELD_LEN; i++)
			out[CPIO_FIELD_OFFSET(f) + i] =
			    hexdigits[(field[f] >> (4 * (CPIO_FIELD_LEN - 1 - i))) & 0xf];
}

/* Returns the value of a hexadecimal digit, or -1 when c is not one. */
static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the header at r->off, which is known to be whole, into field. Returns 0 or -EINVAL. */
static int
header_decode(struct cpio_reader *r, uint32_t field[CPIO_NFIELDS], bool *crc)
{
	const unsigned char *h = r->image + r->off;
	struct msg m;
	int f, i, v;

	if (memcmp(h, CPIO_MAGIC_NEWC, CPIO_MAGIC_LEN) == 0)
		*crc = false;
	else if (memcmp(h, CPIO_MAGIC_CRC, CPIO_MAGIC_LEN) == 0)
		*crc = true;
	else {
		m = error_start(r, CPIO_ERR_MAGIC, NULL, 0);
		msg_str(&m, "bad magic ");
		msg_quote(&m, h, CPIO_MAGIC_LEN);
		msg_str(&m, " (not " CPIO_MAGIC_NEWC " or " CPIO_MAGIC_CRC ")");
		return -EINVAL;
	}
	for (f = 0; f < CPIO_NFIELDS; f++) {
		field[f] = 0;
		for (i = 0; i < CPIO_FIELD_LEN; i++) {
			if ((v = hexval(h[CPIO_FIELD_OFFSET(f) + i])) < 0) {
				m = error_start(r, CPIO_ERR_HEX, NULL, 0);
				msg_str(&m, "the ");
				msg_str(&m, field_names[f]);
				msg_str(&m, " field ");
				msg_quote(&m, h + CPIO_FIELD_OFFSET(f), CPIO_FIELD_LEN);
				msg_str(&m, " is not 8 hexadecimal digits");
				return -EINVAL;
			}
			field[f] = field[f] << 4 | (uint32_t)v;
		}
	}
	return 0;
}

/*
 * Checks the name that follows the header at r->off and points e->name at it. Returns 0
 * or -EINVAL.
 */
static int
name_check(struct cpio_reader *r, struct cpio_entry *e)
{
	size_t left = r->size - r->off - CPIO_HEADER_SIZE;
	const char *name = (const char *)r->image + r->off + CPIO_HEADER_SIZE;
	struct msg m;

	if (e->namesize == 0) {
		m = error_start(r, CPIO_ERR_NAMESIZE_ZERO, NULL, 0);
		msg_str(&m, "namesize is 0, which leaves no room for the name's NUL");
		return -EINVAL;
	}
	if (e->namesize > left) {
		m = error_start(r, CPIO_ERR_SHORT_NAME, NULL, 0);
		msg_str(&m, "truncated name: namesize ");
		msg_hex(&m, e->namesize);
		msg_str(&m, " runs past the end of the image (");
		msg_dec(&m, left);
		msg_str(&m, " bytes left after the header)");
		return -EINVAL;
	}
	if (name[e->namesize - 1] != '\0') {
		m = error_start(r, CPIO_ERR_NAME_NUL, NULL, 0);
		msg_str(&m, "the name ");
		msg_quote(&m, (const unsigned char *)name, e->namesize);
		msg_str(&m, " does not end with a NUL (namesize ");
		msg_hex(&m, e->namesize);
		msg_char(&m, ')');
		return -EINVAL;
	}
	if (name[0] == '\0') {
		m = error_start(r, CPIO_ERR_NAME_EMPTY, NULL, 0);
		msg_str(&m, "the name is empty");
		return -EINVAL;
	}
	e->name = name;
	e->namelen = strlen(name);
	return 0;
}

/*
 * Checks that the data of the entry at r->off lie in the image and, for 070702, that they
 * sum to the check field. Sets e->data and e->data_offset. Returns 0 or -EINVAL.
 */
static int
data_check(struct cpio_reader *r, struct cpio_entry *e)
{
	size_t name_end = r->off + CPIO_HEADER_SIZE + e->namesize;
	size_t pad = (CPIO_ALIGN - name_end % CPIO_ALIGN) % CPIO_ALIGN;
	size_t left = r->size - name_end;
	uint32_t sum;
	struct msg m;

	if (e->filesize > 0 && (pad > left || e->filesize > left - pad)) {
		m = error_start(r, CPIO_ERR_SHORT_DATA, e->name, e->namelen);
		msg_str(&m, "truncated data: filesize ");
		msg_hex(&m, e->filesize);
		msg_str(&m, " runs past the end of the image (");
		msg_dec(&m, pad > left ? 0 : left - pad);
		msg_str(&m, " bytes left after the name)");
		return -EINVAL;
	}
	/* Data of size 0 may start in the missing padding at the very end. */
	e->data_offset = name_end + pad;
	e->data = r->image + (e->data_offset <= r->size ? e->data_offset : r->size);
	if (!e->crc || ((e->mode & CPIO_MODE_TYPE) != CPIO_MODE_FILE && e->check == 0))
		return 0;
	if ((sum = cpio_checksum(e->data, e->filesize)) != e->check) {
		m = error_start(r, CPIO_ERR_CHECKSUM, e->name, e->namelen);
		msg_str(&m, "checksum mismatch: the header says ");
		msg_hex(&m, e->check);
		msg_str(&m, ", the data sum to ");
		msg_hex(&m, sum);
		return -EINVAL;
	}
	return 0;
}

int
cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	uint32_t f[CPIO_NFIELDS];
	struct msg m;

	if (r->state == CPIO_FAILED)
		return -EINVAL;
	if (r->state == CPIO_END)
		return 0;
	if (r->off >= r->size) {
		m = error_start(r, CPIO_ERR_NO_TRAILER, NULL, 0);
		msg_str(&m, "the image ends without a " CPIO_TRAILER " entry");
		return -EINVAL;
	}
	if (r->size - r->off < CPIO_HEADER_SIZE) {
		m = error_start(r, CPIO_ERR_SHORT_HEADER, NULL, 0);
		msg_str(&m, "truncated header: ");
		msg_dec(&m, r->size - r->off);
		msg_str(&m, " of its 110 bytes are there");
		return -EINVAL;
	}
	memset(e, 0, sizeof(*e));
	if (header_decode(r, f, &e->crc) < 0)
		return -EINVAL;
	e->index = r->index;
	e->offset = r->off;
	e->ino = f[CPIO_INO];
	e->mode = f[CPIO_MODE];
	e->uid = f[CPIO_UID];
	e->gid = f[CPIO_GID];
	e->nlink = f[CPIO_NLINK];
	e->mtime = f[CPIO_MTIME];
	e->filesize = f[CPIO_FILESIZE];
	e->devmajor = f[CPIO_DEVMAJOR];
	e->devminor = f[CPIO_DEVMINOR];
	e->rdevmajor = f[CPIO_RDEVMAJOR];
	e->rdevminor = f[CPIO_RDEVMINOR];
	e->namesize = f[CPIO_NAMESIZE];
	e->check = f[CPIO_CHECK];
	if (name_check(r, e) < 0 || data_check(r, e) < 0)
		return -EINVAL;

	/* The next header starts on a 4-byte boundary, which may lie past a truncated end. */
	r->off = e->data_offset + e->filesize;
	r->off += (CPIO_ALIGN - r->off % CPIO_ALIGN) % CPIO_ALIGN;
	r->index++;
	if (strcmp(e->name, CPIO_TRAILER) == 0) {
		r->state = CPIO_END;
		r->end_offset = MIN(r->off, r->size);
		return 0;
	}
	return 1;
}
