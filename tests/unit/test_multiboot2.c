/*
 * Unit tests of kernel/boot/multiboot2.c on the host. Damaged boot information comes
 * first: each case is built with a small builder, copied into a heap block of exactly the
 * bytes the parser may read (so the address sanitizer stops any read past them), parsed,
 * and checked for -EINVAL, the error message and what was kept. Sound lists follow.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <bootinfo.h>
#include <keel/errno.h>
#include <keel/multiboot2.h>
#include "tap.h"

/* The parser formats its messages with ksnprintf, which comes with kprintf; no console here. */
void
console_write(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

/* Boot information under construction; tags are appended at len. */
struct builder {
	unsigned char data[8192];
	size_t len;
};

static struct builder B;
static struct bootinfo bi;
static char err[160];
static void *block;	/* the copy the parser reads; kept until the next parse */

static void
put32(size_t off, uint32_t v)
{
	memcpy(B.data + off, &v, sizeof(v));
}

/* Starts a new information block: the fixed part, with total_size filled in by finish. */
static void
b_start(void)
{
	memset(&B, 0, sizeof(B));
	B.len = sizeof(struct mb2_info);
}

/*
 * Appends a tag that claims size bytes and carries len bytes of body after its header;
 * the two differ only in damaged tags. Returns the tag's offset.
 */
static size_t
b_tag(uint32_t type, uint32_t size, const void *body, size_t len)
{
	size_t off = B.len;

	put32(off, type);
	put32(off + 4, size);
	if (len > 0)
		memcpy(B.data + off + 8, body, len);
	B.len = ALIGN_UP(off + 8 + len, (size_t)MB2_TAG_ALIGN);
	return off;
}

/* A string tag (command line or loader name), NUL included. */
static size_t
b_string(uint32_t type, const char *s)
{
	return b_tag(type, (uint32_t)(8 + strlen(s) + 1), s, strlen(s) + 1);
}

static size_t
b_module(uint32_t start, uint32_t end, const char *name)
{
	unsigned char body[64];
	size_t n = strlen(name) + 1;

	memcpy(body, &start, 4);
	memcpy(body + 4, &end, 4);
	memcpy(body + 8, name, n);
	return b_tag(MB2_TAG_MODULE, (uint32_t)(16 + n), body, 8 + n);
}

/* A memory map of n entries, each stored in entry_size bytes. */
static size_t
b_mmap(uint32_t entry_size, const struct mb2_mmap_entry *e, size_t n)
{
	size_t off = B.len, i;

	put32(off, MB2_TAG_MMAP);
	put32(off + 4, (uint32_t)(16 + n * entry_size));
	put32(off + 8, entry_size);
	put32(off + 12, 0);
	for (i = 0; i < n; i++)
		memcpy(B.data + off + 16 + i * entry_size, &e[i], sizeof(e[i]));
	B.len = ALIGN_UP(off + 16 + n * entry_size, (size_t)MB2_TAG_ALIGN);
	return off;
}

/* A framebuffer tag of the given size, whose fixed part says 1024x768x32 RGB. */
static size_t
b_framebuffer(uint32_t size)
{
	struct mb2_tag_framebuffer fb = {
		.type = MB2_TAG_FRAMEBUFFER, .size = size, .addr = 0xfd000000,
		.pitch = 4096, .width = 1024, .height = 768, .bpp = 32, .fb_type = MB2_FB_RGB,
	};
	size_t off = B.len;

	memcpy(B.data + off, &fb, MIN(sizeof(fb), (size_t)size));
	B.len = ALIGN_UP(off + size, (size_t)MB2_TAG_ALIGN);
	return off;
}

static size_t
b_end(void)
{
	return b_tag(MB2_TAG_END, 8, NULL, 0);
}

/* Sets total_size to what has been built. */
static void
b_finish(void)
{
	put32(0, (uint32_t)B.len);
}

/* Parses the first avail bytes of the block from a heap copy of exactly that size. */
static int
parse_avail(size_t avail)
{
	free(block);
	block = malloc(avail > 0 ? avail : 1);
	memcpy(block, B.data, avail);
	memset(err, 'X', sizeof(err));
	return mb2_parse(block, avail, &bi, err, sizeof(err));
}

static int
parse(void)
{
	return parse_avail(B.len);
}

/* Passes when err contains want. */
static void
err_has(const char *want, const char *name)
{
	bool pass = strstr(err, want) != NULL;

	ok(pass, "%s", name);
	if (!pass)
		diag("error \"%s\" lacks \"%s\"", err, want);
}

/* The fields of an information block in which nothing was found. */
static bool
nothing_kept(void)
{
	return strcmp(bi.cmdline, "") == 0 && strcmp(bi.loader, "") == 0 &&
	    bi.mmap_count == 0 && bi.module_count == 0 && !bi.have_framebuffer;
}

static void
test_bad_fixed_part(void)
{
	b_start();
	b_end();
	b_finish();
	is_int(parse_avail(4), -EINVAL, "4 bytes available are fewer than the fixed part");
	ok(nothing_kept() && strcmp(bi.cmdline, "") == 0, "...and nothing is kept");
	ok(err[0] != '\0' && strlen(err) < sizeof(err), "...and err says why: %s", err);
	is_int(parse_avail(0), -EINVAL, "0 bytes available");

	b_start();
	b_end();
	put32(0, 64);
	is_int(parse_avail(16), -EINVAL, "total_size above avail is refused");
	err_has("total_size 64 is more than the 16 bytes available", "...and err says so");

	b_start();
	b_end();
	put32(0, 4);
	is_int(parse_avail(16), -EINVAL, "total_size below 8 is refused");
	err_has("total_size 4", "...and err names it");

	b_start();
	b_end();
	b_finish();
	free(block);
	block = malloc(B.len + 4);
	memcpy((char *)block + 4, B.data, B.len);
	is_int(mb2_parse((char *)block + 4, B.len, &bi, err, sizeof(err)), -EINVAL,
	    "information that is not 8-byte aligned is refused");
}

static void
test_bad_tag_headers(void)
{
	b_start();
	put32(0, 12);
	is_int(parse_avail(12), -EINVAL, "4 bytes after the fixed part are a truncated tag");
	err_has("only 4 bytes left", "...and err says how many bytes were left");

	b_start();
	b_string(MB2_TAG_CMDLINE, "quiet");
	b_tag(MB2_TAG_CMDLINE, 0, NULL, 0);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a zero-size tag is refused, not looped on");
	err_has("tag 1 (type 1) at offset 0x18: size 0 is smaller than a tag header",
	    "...and err names tag, offset and size");
	is_str(bi.cmdline, "quiet", "...and the tag before it is kept");
	is_int((long long)bi.tags_seen, 1, "...and counted");

	b_start();
	b_tag(77, 4, NULL, 0);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a tag of size 4 is refused");

	b_start();
	b_tag(77, 0xffffffff, NULL, 0);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a tag of size 0xffffffff is refused without overflow");
	err_has("size 4294967295 runs past the end (total 24)", "...and err says so");
}

static void
test_tag_past_end(void)
{
	/* Three sound tags bring the walk to offset 0x58, where a 300-byte tag overflows. */
	b_start();
	b_string(MB2_TAG_CMDLINE, "ktest quiet");
	b_string(MB2_TAG_LOADER, "GRUB 2.06");
	b_module(0x200000, 0x300000, "ramfs.img");
	b_tag(MB2_TAG_MMAP, 300, NULL, 0);
	B.len = 256;
	b_finish();
	is_int(parse(), -EINVAL, "a tag running past total_size is refused");
	is_str(err, "tag 3 (type 6) at offset 0x58: size 300 runs past the end (total 256)",
	    "...and err is the one-line description");
	ok(strcmp(bi.cmdline, "ktest quiet") == 0 && strcmp(bi.loader, "GRUB 2.06") == 0 &&
	    bi.module_count == 1 && bi.modules[0].start == 0x200000,
	    "...and the three tags before it are kept");
	is_int((long long)bi.tags_seen, 3, "...and tags_seen counts them");

	/* A tag inside total_size but past avail cannot happen: total_size <= avail. */
	b_start();
	b_string(MB2_TAG_CMDLINE, "a");
	b_finish();
	is_int(parse(), -EINVAL, "a list without an end tag is refused");
	err_has("without an end tag", "...and err says the end tag is missing");
	is_str(bi.cmdline, "a", "...and what came before is kept");

	b_start();
	b_tag(MB2_TAG_END, 16, "12345678", 8);
	b_finish();
	is_int(parse(), -EINVAL, "an end tag of size 16 is refused");
	err_has("end tag has size 16", "...and err says so");
}

static void
test_bad_strings(void)
{
	b_start();
	b_tag(MB2_TAG_CMDLINE, 12, "abcd", 4);	/* the padding after it holds a zero */
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a command line without a NUL inside its tag is refused");
	err_has("no NUL", "...and err says so");
	is_str(bi.cmdline, "", "...and the command line reads as empty");

	b_start();
	b_tag(MB2_TAG_LOADER, 15, "GRUB 2.", 7);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a loader name without a NUL is refused");

	b_start();
	b_tag(MB2_TAG_CMDLINE, 8, NULL, 0);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a command line tag with no room for a string is refused");
}

static void
test_bad_mmap(void)
{
	struct mb2_mmap_entry e[2] = {
		{ .base_addr = 0, .length = 0x9fc00, .type = MB2_MEM_AVAILABLE },
		{ .base_addr = 0x100000, .length = 0x7ee0000, .type = MB2_MEM_AVAILABLE },
	};
	size_t off;

	b_start();
	b_string(MB2_TAG_CMDLINE, "x");
	b_mmap(16, e, 2);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "entry_size 16, below an entry's 24 bytes, is refused");
	err_has("entry_size 16", "...and err names it");
	ok(bi.mmap_count == 0 && strcmp(bi.cmdline, "x") == 0,
	    "...and no entry is taken, the tag before is kept");

	b_start();
	b_mmap(28, e, 2);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "entry_size 28, not a multiple of 8, is refused");

	b_start();
	off = b_mmap(24, e, 2);
	put32(off + 4, 16 + 24 + 10);	/* the second entry is cut short by the tag's end */
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "an entry running past the end of its tag is refused");
	is_int((long long)bi.mmap_count, 0, "...and no entry of that tag is taken");

	b_start();
	b_tag(MB2_TAG_MMAP, 12, "\x18\0\0\0", 4);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a memory map tag shorter than its fixed part is refused");
}

static void
test_bad_module_and_framebuffer(void)
{
	size_t off;

	b_start();
	b_module(0x300000, 0x200000, "ramfs");
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a module ending before its start is refused");
	err_has("module ends at 0x200000, before its start at 0x300000", "...and err says so");
	is_int((long long)bi.module_count, 0, "...and it is not taken");

	b_start();
	off = b_module(0x200000, 0x300000, "ramfs");
	put32(off + 4, 16 + 5);		/* the NUL now lies in the padding, outside the tag */
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a module string without a NUL inside the tag is refused");

	b_start();
	b_tag(MB2_TAG_MODULE, 16, "\0\0\x20\0\0\0\x30\0", 8);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a module tag with no room for its string is refused");

	b_start();
	b_framebuffer(24);
	b_end();
	b_finish();
	is_int(parse(), -EINVAL, "a framebuffer tag shorter than its fixed part is refused");
	ok(!bi.have_framebuffer, "...and no framebuffer is reported");
}

static void
test_error_buffer(void)
{
	char small[16];

	b_start();
	b_tag(MB2_TAG_CMDLINE, 0, NULL, 0);
	b_end();
	b_finish();
	free(block);
	block = malloc(B.len);
	memcpy(block, B.data, B.len);
	is_int(mb2_parse(block, B.len, &bi, NULL, 0), -EINVAL,
	    "a damaged list with no error buffer still returns -EINVAL");
	memset(small, 'X', sizeof(small));
	mb2_parse(block, B.len, &bi, small, sizeof(small));
	ok(strlen(small) == sizeof(small) - 1 && memcmp(small, "tag 0 (type 1) ", 15) == 0,
	    "a short error buffer gets the start of the message, NUL-terminated");
}

static void
test_minimal(void)
{
	b_start();
	b_end();
	b_finish();
	is_int(parse(), 0, "a list of only the end tag is sound");
	is_str(err, "", "...and err is empty");
	ok(nothing_kept(), "...and nothing is reported");
	is_int((long long)bi.tags_seen, 1, "...and tags_seen counts the end tag");
	is_int(bi.total_size, 16, "...and total_size is 16");

	is_int(parse_avail(B.len + 64), 0, "avail may be more than total_size");
}

static void
test_full(void)
{
	struct mb2_mmap_entry e[3] = {
		{ .base_addr = 0, .length = 0x9fc00, .type = MB2_MEM_AVAILABLE },
		{ .base_addr = 0x100000, .length = 0x7ee0000, .type = MB2_MEM_AVAILABLE },
		/* Overlaps the one before: the memory manager, not the parser, sorts this out. */
		{ .base_addr = 0x7000000, .length = 0x1000000, .type = MB2_MEM_RESERVED },
	};
	unsigned char meminfo[8] = { 0x80, 0x02, 0, 0, 0, 0xfc, 0x01, 0 };
	size_t off;

	b_start();
	b_string(MB2_TAG_CMDLINE, "ktest=mm quiet");
	b_string(MB2_TAG_LOADER, "GRUB 2.06-13+deb12u1");
	b_tag(MB2_TAG_BASIC_MEM, 16, meminfo, 8);
	b_module(0x200000, 0x280000, "/boot/ramfs.img");
	b_module(0x280000, 0x280000, "");
	b_mmap(24, e, 3);
	b_tag(0x1234, 13, "hello", 5);		/* a type nobody knows */
	off = b_framebuffer(38);		/* 32 bytes, then 6 bytes of RGB colour info */
	memcpy(B.data + off + sizeof(struct mb2_tag_framebuffer),
	    &(struct mb2_fb_rgb){ 16, 8, 8, 8, 0, 8 }, sizeof(struct mb2_fb_rgb));
	b_end();
	b_finish();

	is_int(parse(), 0, "a full GRUB-like list is sound");
	is_str(err, "", "...and err is empty");
	is_str(bi.cmdline, "ktest=mm quiet", "the command line is found");
	is_str(bi.loader, "GRUB 2.06-13+deb12u1", "the loader name is found");
	ok(bi.cmdline >= (const char *)block &&
	    bi.cmdline < (const char *)block + B.len, "strings point into the information");
	is_int((long long)bi.module_count, 2, "both modules are found");
	ok(bi.modules[0].start == 0x200000 && bi.modules[0].end == 0x280000 &&
	    strcmp(bi.modules[0].name, "/boot/ramfs.img") == 0, "the first module is right");
	ok(bi.modules[1].start == 0x280000 && bi.modules[1].end == 0x280000 &&
	    strcmp(bi.modules[1].name, "") == 0, "an empty module with an empty name is taken");
	is_int((long long)bi.mmap_count, 3, "the three memory map entries are found");
	ok(bi.mmap[1].base == 0x100000 && bi.mmap[1].length == 0x7ee0000 &&
	    bi.mmap[1].type == MB2_MEM_AVAILABLE, "an entry's base, length and type are copied");
	ok(bi.mmap[2].base == 0x7000000 && bi.mmap[2].length == 0x1000000 &&
	    bi.mmap[2].type == MB2_MEM_RESERVED, "overlapping entries are passed through as given");
	ok(bi.have_framebuffer, "the framebuffer is found");
	ok(bi.framebuffer.addr == 0xfd000000 && bi.framebuffer.pitch == 4096 &&
	    bi.framebuffer.width == 1024 && bi.framebuffer.height == 768 &&
	    bi.framebuffer.bpp == 32 && bi.framebuffer.type == MB2_FB_RGB,
	    "the framebuffer's fields are copied");
	ok(bi.framebuffer.rgb.red_pos == 16 && bi.framebuffer.rgb.red_size == 8 &&
	    bi.framebuffer.rgb.green_pos == 8 && bi.framebuffer.rgb.blue_pos == 0 &&
	    bi.framebuffer.rgb.blue_size == 8, "the RGB colour layout is copied");
	is_int((long long)bi.tags_seen, 9, "tags_seen counts all nine, unknown and end included");
	is_int((long long)bi.dropped, 0, "nothing is dropped");
	is_int(bi.total_size, (long long)B.len, "total_size is reported");
}

static void
test_variants(void)
{
	struct mb2_mmap_entry e[BOOTINFO_MAX_MMAP + 2];
	size_t i;

	/* entry_size may grow in later versions of the spec; the parser steps by it. */
	memset(e, 0, sizeof(e));
	e[0] = (struct mb2_mmap_entry){ .base_addr = 0x1000, .length = 0x2000, .type = 1 };
	e[1] = (struct mb2_mmap_entry){ .base_addr = 0x5000, .length = 0x6000, .type = 2 };
	b_start();
	b_mmap(32, e, 2);
	b_end();
	b_finish();
	is_int(parse(), 0, "a memory map with 32-byte entries is sound");
	ok(bi.mmap_count == 2 && bi.mmap[1].base == 0x5000 && bi.mmap[1].length == 0x6000 &&
	    bi.mmap[1].type == 2, "...and its entries are read at a 32-byte stride");

	for (i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = (struct mb2_mmap_entry){ .base_addr = i << 12, .length = 4096, .type = 1 };
	b_start();
	b_mmap(24, e, ARRAY_SIZE(e));
	b_end();
	b_finish();
	is_int(parse(), 0, "more memory map entries than BOOTINFO_MAX_MMAP are no error");
	ok(bi.mmap_count == BOOTINFO_MAX_MMAP && bi.dropped == 2 &&
	    bi.mmap[BOOTINFO_MAX_MMAP - 1].base == (BOOTINFO_MAX_MMAP - 1) << 12,
	    "...the first %d are kept and the other 2 counted as dropped", BOOTINFO_MAX_MMAP);

	b_start();
	for (i = 0; i < BOOTINFO_MAX_MODULES + 2; i++)
		b_module((uint32_t)(i << 20), (uint32_t)((i + 1) << 20), "m");
	b_end();
	b_finish();
	is_int(parse(), 0, "more modules than BOOTINFO_MAX_MODULES are no error");
	ok(bi.module_count == BOOTINFO_MAX_MODULES && bi.dropped == 2 &&
	    bi.modules[BOOTINFO_MAX_MODULES - 1].start == (BOOTINFO_MAX_MODULES - 1) << 20,
	    "...the first %d are kept and the other 2 counted as dropped",
	    BOOTINFO_MAX_MODULES);
	is_int((long long)bi.tags_seen, BOOTINFO_MAX_MODULES + 3, "...and every tag is seen");

	b_start();
	b_string(MB2_TAG_CMDLINE, "first");
	b_string(MB2_TAG_CMDLINE, "second");
	b_end();
	b_finish();
	is_int(parse(), 0, "two command lines are no error");
	is_str(bi.cmdline, "first", "...and the first one is kept");

	b_start();
	b_string(MB2_TAG_CMDLINE, "");
	b_framebuffer(32);
	b_end();
	b_finish();
	is_int(parse(), 0, "an empty command line and a 32-byte (EGA text) framebuffer");
	ok(strcmp(bi.cmdline, "") == 0 && bi.have_framebuffer, "...are both taken");
	is_int(bi.framebuffer.type, MB2_FB_INDEXED,
	    "an RGB framebuffer without its colour layout is not taken as RGB");

	b_start();
	b_string(MB2_TAG_CMDLINE, "ok");
	b_end();
	b_tag(MB2_TAG_CMDLINE, 0, NULL, 0);	/* would be damage, but lies past the end */
	b_finish();
	is_int(parse(), 0, "bytes after the end tag are not read");
	is_int((long long)bi.tags_seen, 2, "...and not counted");
}

int
main(void)
{
	/* Damaged input first. */
	test_bad_fixed_part();
	test_bad_tag_headers();
	test_tag_past_end();
	test_bad_strings();
	test_bad_mmap();
	test_bad_module_and_framebuffer();
	test_error_buffer();
	/* Then sound lists. */
	test_minimal();
	test_full();
	test_variants();
	free(block);
	return done_testing();
}
