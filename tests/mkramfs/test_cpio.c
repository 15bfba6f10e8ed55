/*
 * Unit tests of the ramfs image reader, kernel/lib/cpio.c, on the host. Damaged images
 * come first: each is built with a small builder, copied into a heap block of exactly its
 * size (so that the address sanitizer stops any read past it), walked, and checked for
 * the error code, the message and the entries kept before the damage. Sound images follow.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <cpio_reader.h>
#include <keel/errno.h>
#include "../unit/tap.h"

/* An image under construction; entries are appended at len. */
static struct {
	unsigned char data[65536];
	size_t len;
} B;

/* The result of walking an image. */
static struct {
	int rc;			/* of the last cpio_next() */
	size_t entries;		/* returned before the walk ended */
	struct cpio_entry last;	/* the last of them */
	struct cpio_reader r;
	void *block;
} W;

static void
b_start(void)
{
	memset(&B, 0, sizeof(B));
}

static void
b_bytes(const void *p, size_t n)
{
	memcpy(B.data + B.len, p, n);
	B.len += n;
}

static void
b_pad(void)
{
	while (B.len % CPIO_ALIGN != 0)
		B.data[B.len++] = 0;
}

/*
 * Appends an entry: a header with the given magic, mode, filesize and check (and a few
 * fixed other fields), namesize bytes of name (name's bytes, then NULs), and the data.
 * Returns the header's offset, for tests that then damage it.
 */
static size_t
b_entry_raw(const char *magic, uint32_t mode, const char *name, uint32_t namesize,
    const void *data, uint32_t filesize, uint32_t check)
{
	uint32_t f[CPIO_NFIELDS] = {
		[CPIO_INO] = 7, [CPIO_MODE] = mode, [CPIO_UID] = 1000, [CPIO_GID] = 100,
		[CPIO_NLINK] = 1, [CPIO_MTIME] = 0x65000000, [CPIO_FILESIZE] = filesize,
		[CPIO_DEVMAJOR] = 8, [CPIO_DEVMINOR] = 1, [CPIO_RDEVMAJOR] = 0xabcd,
		[CPIO_RDEVMINOR] = 0x1234, [CPIO_NAMESIZE] = namesize, [CPIO_CHECK] = check,
	};
	size_t off = B.len, n = strlen(name);

	cpio_header_encode((char *)B.data + B.len, magic, f);
	B.len += CPIO_HEADER_SIZE;
	memcpy(B.data + B.len, name, n < namesize ? n : namesize);
	B.len += namesize;
	b_pad();
	b_bytes(data, filesize);
	b_pad();
	return off;
}

/* Appends a sound 070702 entry for a regular file holding the string data. */
static size_t
b_file(const char *name, const char *data)
{
	uint32_t n = (uint32_t)strlen(data);

	return b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_FILE | 0644, name,
	    (uint32_t)strlen(name) + 1, data, n, cpio_checksum(data, n));
}

static void
b_trailer(void)
{
	b_entry_raw(CPIO_MAGIC_NEWC, 0, CPIO_TRAILER, sizeof(CPIO_TRAILER), "", 0, 0);
}

/* Walks the first len bytes of the image in a block of exactly that size. */
static void
walk_n(size_t len)
{
	struct cpio_entry e;

	free(W.block);
	memset(&W, 0, sizeof(W));
	W.block = malloc(len ? len : 1);
	memcpy(W.block, B.data, len);
	cpio_reader_init(&W.r, W.block, len);
	while ((W.rc = cpio_next(&W.r, &e)) > 0) {
		W.entries++;
		W.last = e;
	}
}

static void
walk(void)
{
	walk_n(B.len);
}

/* Checks that the walk failed with code after kept entries, and that msg is the message. */
static void
is_damage(enum cpio_errcode code, size_t kept, const char *msg, const char *what)
{
	ok(W.rc == -EINVAL && W.r.err.code == code, "%s: -EINVAL with code %d (got %d, %d)",
	    what, code, W.rc, W.r.err.code);
	is_int(W.entries, kept, "%s: the %zu entries before the damage are kept", what, kept);
	is_str(W.r.err.msg, msg, "%s: the message says where and what", what);
}

static void
set_field(size_t hdr, enum cpio_field f, const char *digits)
{
	memcpy(B.data + hdr + CPIO_FIELD_OFFSET(f), digits, CPIO_FIELD_LEN);
}

/* ---- Damaged images ---- */

static void
test_empty_and_short(void)
{
	b_start();
	walk();
	is_damage(CPIO_ERR_NO_TRAILER, 0,
	    "entry 0 at offset 0x0: the image ends without a TRAILER!!! entry", "empty image");

	b_start();
	b_file("a", "x");
	b_trailer();
	walk_n(50);
	is_damage(CPIO_ERR_SHORT_HEADER, 0,
	    "entry 0 at offset 0x0: truncated header: 50 of its 110 bytes are there",
	    "50-byte image");

	b_start();
	b_file("a", "hello");
	walk();
	is_damage(CPIO_ERR_NO_TRAILER, 1,
	    "entry 1 at offset 0x78: the image ends without a TRAILER!!! entry",
	    "no trailer after a sound entry");
}

static void
test_bad_header(void)
{
	static const char *const fields[CPIO_NFIELDS] = {
		"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor",
		"devminor", "rdevmajor", "rdevminor", "namesize", "check",
	};
	char want[CPIO_ERR_MAX];
	size_t hdr;
	int f;

	b_start();
	hdr = b_file("a", "hello");
	b_trailer();
	memcpy(B.data + hdr, "070707", CPIO_MAGIC_LEN);
	walk();
	is_damage(CPIO_ERR_MAGIC, 0,
	    "entry 0 at offset 0x0: bad magic \"070707\" (not 070701 or 070702)",
	    "odc magic");

	b_start();
	b_file("a", "hello");
	hdr = b_file("b", "hello");
	b_trailer();
	memcpy(B.data + hdr, "\x01\x02\xff" "701", CPIO_MAGIC_LEN);
	walk();
	is_damage(CPIO_ERR_MAGIC, 1,
	    "entry 1 at offset 0x78: bad magic \"???701\" (not 070701 or 070702)",
	    "binary magic in the second entry");

	for (f = 0; f < CPIO_NFIELDS; f++) {
		b_start();
		hdr = b_file("a", "hello");
		b_trailer();
		B.data[hdr + CPIO_FIELD_OFFSET(f) + 3] = f % 2 ? 'g' : ' ';
		walk();
		snprintf(want, sizeof(want), "entry 0 at offset 0x0: the %s field \"%.3s%c%.4s\" "
		    "is not 8 hexadecimal digits", fields[f], B.data + hdr + CPIO_FIELD_OFFSET(f),
		    f % 2 ? 'g' : ' ', B.data + hdr + CPIO_FIELD_OFFSET(f) + 4);
		is_damage(CPIO_ERR_HEX, 0, want, fields[f]);
	}

	b_start();
	hdr = b_file("a", "hello");
	b_trailer();
	set_field(hdr, CPIO_FILESIZE, "-0000005");
	walk();
	ok(W.r.err.code == CPIO_ERR_HEX, "a minus sign is not a hexadecimal digit");
}

static void
test_bad_name(void)
{
	size_t hdr;

	b_start();
	hdr = b_file("a", "hello");
	b_trailer();
	set_field(hdr, CPIO_NAMESIZE, "00000000");
	walk();
	is_damage(CPIO_ERR_NAMESIZE_ZERO, 0, "entry 0 at offset 0x0: namesize is 0, which "
	    "leaves no room for the name's NUL", "namesize 0");

	b_start();
	hdr = b_file("a", "hello");
	b_trailer();
	set_field(hdr, CPIO_NAMESIZE, "ffffffff");
	walk();
	is_damage(CPIO_ERR_SHORT_NAME, 0, "entry 0 at offset 0x0: truncated name: namesize "
	    "0xffffffff runs past the end of the image (134 bytes left after the header)",
	    "namesize beyond the end");

	b_start();
	b_file("name", "");
	walk_n(CPIO_HEADER_SIZE + 3);
	is_damage(CPIO_ERR_SHORT_NAME, 0, "entry 0 at offset 0x0: truncated name: namesize "
	    "0x5 runs past the end of the image (3 bytes left after the header)",
	    "image cut inside the name");

	b_start();
	hdr = b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_DIR | 0755, "abcd", 4, "", 0, 0);
	b_trailer();
	walk();
	is_damage(CPIO_ERR_NAME_NUL, 0, "entry 0 at offset 0x0: the name \"abcd\" does not end "
	    "with a NUL (namesize 0x4)", "name without its NUL");

	b_start();
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_DIR | 0755, "", 1, "", 0, 0);
	b_trailer();
	walk();
	is_damage(CPIO_ERR_NAME_EMPTY, 0, "entry 0 at offset 0x0: the name is empty",
	    "empty name");
}

static void
test_bad_data(void)
{
	size_t hdr;

	b_start();
	hdr = b_file("a", "hello");
	b_trailer();
	set_field(hdr, CPIO_FILESIZE, "00001000");
	walk();
	is_damage(CPIO_ERR_SHORT_DATA, 0, "entry 0 \"a\" at offset 0x0: truncated data: "
	    "filesize 0x1000 runs past the end of the image (132 bytes left after the name)",
	    "filesize beyond the end");

	b_start();
	b_file("dir/a", "x");
	b_file("dir/b", "hello, world");
	walk_n(B.len - 10);
	is_damage(CPIO_ERR_SHORT_DATA, 1, "entry 1 \"dir/b\" at offset 0x78: truncated data: "
	    "filesize 0xc runs past the end of the image (2 bytes left after the name)",
	    "image cut inside the data");

	b_start();
	hdr = b_file("a", "hello");
	b_trailer();
	B.data[hdr + 112 + 2] = 'j';		/* "hello" becomes "hejlo" */
	walk();
	is_damage(CPIO_ERR_CHECKSUM, 0, "entry 0 \"a\" at offset 0x0: checksum mismatch: the "
	    "header says 0x214, the data sum to 0x212", "070702 data changed");

	b_start();
	b_file("ok", "fine");
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_SYMLINK | 0777, "l", 2, "target", 6, 1);
	b_trailer();
	walk();
	is_damage(CPIO_ERR_CHECKSUM, 1, "entry 1 \"l\" at offset 0x78: checksum mismatch: the "
	    "header says 0x1, the data sum to 0x287", "symlink with a wrong nonzero check");

	b_start();
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_FILE | 0644, "zero", 5, "abc", 3, 0);
	b_trailer();
	walk();
	ok(W.r.err.code == CPIO_ERR_CHECKSUM, "a regular file's check of 0 is checked too");
}

/* Every cut of a sound image, and every byte of its headers spoiled, fails cleanly. */
static void
test_every_cut(void)
{
	size_t len, full, i, bad = 0, hdr2;
	unsigned char save;

	b_start();
	b_file("bin", "");
	hdr2 = b_file("bin/sh", "#!/bin/sh\necho hi\n");
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_SYMLINK | 0777, "sh", 3, "bin/sh", 6,
	    cpio_checksum("bin/sh", 6));
	b_trailer();
	full = B.len;
	for (len = 0; len < full - 3; len++) {
		walk_n(len);
		if (W.rc != -EINVAL || W.r.err.msg[0] == '\0')
			bad++;
	}
	is_int(bad, 0, "each of the %zu cuts of a sound image is reported as damage", full - 3);
	walk_n(full - 2);
	ok(W.rc == 0 && W.entries == 3, "an image cut inside the trailer's padding is whole");

	bad = 0;
	for (i = hdr2; i < hdr2 + CPIO_HEADER_SIZE; i++) {
		save = B.data[i];
		B.data[i] = 'z';
		walk();
		if (W.rc != -EINVAL || W.entries != 1 || W.r.err.index != 1 ||
		    W.r.err.offset != hdr2)
			bad++;
		B.data[i] = save;
	}
	is_int(bad, 0, "each spoiled header byte of entry 1 is reported at entry 1");
}

static void
test_sticky(void)
{
	struct cpio_entry e;

	b_start();
	B.len = 200;
	memset(B.data, 'x', B.len);
	walk();
	ok(cpio_next(&W.r, &e) == -EINVAL && cpio_next(&W.r, &e) == -EINVAL,
	    "after damage, every later call fails again");
}

/* ---- Sound images ---- */

static void
test_fields(void)
{
	uint32_t f[CPIO_NFIELDS];
	char hdr[CPIO_HEADER_SIZE + 1] = { 0 };
	int i;

	for (i = 0; i < CPIO_NFIELDS; i++)
		f[i] = 0x01234567u * (uint32_t)(i + 1);
	f[CPIO_CHECK] = 0xdeadbeef;
	cpio_header_encode(hdr, CPIO_MAGIC_NEWC, f);
	is_str(hdr, "070701" "01234567" "02468ace" "0369d035" "048d159c" "05b05b03"
	    "06d3a06a" "07f6e5d1" "091a2b38" "0a3d709f" "0b60b606" "0c83fb6d" "0da740d4"
	    "deadbeef", "cpio_header_encode writes lowercase fields in their order");

	b_start();
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_FILE | 04755, "bin/prog", 9, "abc", 3,
	    cpio_checksum("abc", 3));
	b_trailer();
	walk();
	ok(W.rc == 0 && W.entries == 1, "one entry, then the trailer");
	ok(W.last.ino == 7 && W.last.mode == (CPIO_MODE_FILE | 04755) && W.last.uid == 1000 &&
	    W.last.gid == 100 && W.last.nlink == 1 && W.last.mtime == 0x65000000 &&
	    W.last.filesize == 3 && W.last.devmajor == 8 && W.last.devminor == 1 &&
	    W.last.rdevmajor == 0xabcd && W.last.rdevminor == 0x1234 && W.last.namesize == 9 &&
	    W.last.check == 0x126, "every field is read");
	is_str(W.last.name, "bin/prog", "the name is read");
	ok(W.last.namelen == 8 && W.last.crc && W.last.index == 0 && W.last.offset == 0,
	    "namelen, crc, index and offset are set");
	ok(W.last.data_offset == 120 && memcmp(W.last.data, "abc", 3) == 0,
	    "the data are found after the padded name");
	is_int(W.r.end_offset, B.len, "end_offset is the end of the trailer");
}

static void
test_lenient(void)
{
	static unsigned char ff[20000];
	size_t hdr;

	b_start();
	hdr = b_file("a", "hello");
	b_trailer();
	set_field(hdr, CPIO_CHECK, "00000216");
	B.data[hdr + 112] = 'j';		/* "jello": the sum is 0x21a */
	walk();
	ok(W.rc == 0 && W.entries == 1, "uppercase hexadecimal digits are read");

	b_start();
	b_entry_raw(CPIO_MAGIC_NEWC, CPIO_MODE_FILE | 0644, "a", 2, "abc", 3, 0x12345678);
	b_trailer();
	walk();
	ok(W.rc == 0 && !W.last.crc, "a 070701 entry's check field is not checked");

	b_start();
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_SYMLINK | 0777, "l", 2, "target", 6, 0);
	b_trailer();
	walk();
	ok(W.rc == 0 && W.entries == 1, "a symlink's check of 0 is accepted (GNU cpio -H crc)");

	b_start();
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_FILE | 0644, "padded", 4096 - 110, "abc", 3,
	    cpio_checksum("abc", 3));
	b_trailer();
	walk();
	ok(W.rc == 0 && W.last.namelen == 6 && W.last.data_offset == 4096 &&
	    strcmp(W.last.name, "padded") == 0, "NULs after the name (--align) are skipped");

	b_start();
	b_file("a", "b");
	b_trailer();
	walk_n(B.len - 3);
	ok(W.rc == 0 && W.r.end_offset == B.len - 3,
	    "a trailer without its padding ends the image");

	b_start();
	b_file("a", "b");
	b_trailer();
	memset(B.data + B.len, 'G', 600);
	B.len += 600;
	walk();
	ok(W.rc == 0 && W.r.end_offset == B.len - 600, "what follows the trailer is not read");

	b_start();
	memset(ff, 0xff, sizeof(ff));
	b_entry_raw(CPIO_MAGIC_CRC, CPIO_MODE_FILE | 0644, "big", 4, ff, sizeof(ff),
	    0xff * sizeof(ff));
	b_trailer();
	walk();
	ok(W.rc == 0 && cpio_checksum(W.last.data, 20000) == 0xff * 20000,
	    "the checksum adds bytes as unsigned values");
}

int
main(void)
{
	test_empty_and_short();
	test_bad_header();
	test_bad_name();
	test_bad_data();
	test_every_cut();
	test_sticky();
	test_fields();
	test_lenient();
	free(W.block);
	return done_testing();
}
