/*
 * The parser of the Multiboot2 boot information (Multiboot2 specification 2.0, section
 * 3.6): it walks the tag list the boot loader left in memory and copies what the kernel
 * needs into a struct bootinfo.
 *
 * It trusts nothing it reads. Every length is checked against the bytes that are there
 * before anything behind it is touched, so a damaged list costs the tags from the damage
 * on, never a fault or a read of someone else's memory. When a tag appears twice (two
 * command lines, two framebuffers), the first one is kept and the second is only counted.
 */
#include <lib.h>
#include <bootinfo.h>
#include <keel/errno.h>
#include <keel/multiboot2.h>

/* The fixed parts of the tags whose fields are read; the strings and entries follow. */
#define CMDLINE_FIXED	sizeof(struct mb2_tag)
#define MODULE_FIXED	sizeof(struct mb2_tag_module)
#define MMAP_FIXED	sizeof(struct mb2_tag_mmap)

/*
 * Spec 3.6.12 gives the framebuffer's reserved field as one byte, GRUB's multiboot2.h as
 * two. Both agree on everything up to framebuffer_type, which is all that is read here,
 * so a tag is long enough when it reaches that far.
 */
#define FB_FIXED	(offsetof(struct mb2_tag_framebuffer, fb_type) + 1)

/* Where the walk is, for the error message. */
struct walk {
	const unsigned char *info;
	size_t total;		/* total_size, already checked against avail */
	size_t off;		/* offset of the current tag */
	size_t index;		/* of the current tag, counting from 0 */
	bool header;		/* whether the current tag's header could be read */
	uint32_t type, size;	/* of the current tag, once its header has been read */
	char *err;
	size_t errlen;
};

/*
 * Writes "tag N (type T) at offset 0xO: " and what is wrong into the error buffer. Returns
 * -EINVAL, for the callers to pass on.
 */
static int __printf(2, 3)
tag_error(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->errlen == 0)
		return -EINVAL;
	if (w->header)
		n = ksnprintf(w->err, w->errlen, "tag %zu (type %u) at offset 0x%zx: ",
		    w->index, w->type, w->off);
	else
		n = ksnprintf(w->err, w->errlen, "tag %zu at offset 0x%zx: ", w->index, w->off);
	if (n >= 0 && (size_t)n < w->errlen) {
		va_start(ap, fmt);
		kvsnprintf(w->err + n, w->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * Returns the string that starts at offset start of the current tag, or NULL when there is
 * no NUL before the tag ends.
 */
static const char *
tag_string(const struct walk *w, size_t start)
{
	const char *s = (const char *)w->info + w->off + start;
	size_t max = w->size - start;

	return strnlen(s, max) < max ? s : NULL;
}

/* Spec 3.6.3 and 3.6.4: the command line and the boot loader's name. */
static int
parse_string_tag(struct walk *w, const char **dst)
{
	const char *s;

	if (w->size < CMDLINE_FIXED + 1)
		return tag_error(w, "size %u is too small for a string", w->size);
	if ((s = tag_string(w, CMDLINE_FIXED)) == NULL)
		return tag_error(w, "the string has no NUL within the tag's %u bytes", w->size);
	if (*dst == NULL)
		*dst = s;
	return 0;
}

/* Spec 3.6.6: a module, with its start and end addresses and its command line. */
static int
parse_module(struct walk *w, struct bootinfo *bi)
{
	const struct mb2_tag_module *t;
	struct boot_module *m;
	const char *name;

	if (w->size < MODULE_FIXED + 1)
		return tag_error(w, "size %u is too small for a module", w->size);
	t = (const void *)(w->info + w->off);
	if (t->mod_end < t->mod_start)
		return tag_error(w, "module ends at 0x%x, before its start at 0x%x", t->mod_end,
		    t->mod_start);
	if ((name = tag_string(w, MODULE_FIXED)) == NULL)
		return tag_error(w, "the module's string has no NUL within the tag's %u bytes",
		    w->size);
	if (bi->module_count == BOOTINFO_MAX_MODULES) {
		bi->dropped++;
		return 0;
	}
	m = &bi->modules[bi->module_count++];
	m->start = t->mod_start;
	/* GRUB sets mod_end to the first byte after the module, as struct boot_module wants. */
	m->end = t->mod_end;
	m->name = name;
	return 0;
}

/*
 * Spec 3.6.8: the memory map. Entries are copied as they are, overlaps included; sorting
 * them out is the memory manager's job.
 */
static int
parse_mmap(struct walk *w, struct bootinfo *bi)
{
	const struct mb2_tag_mmap *t;
	const struct mb2_mmap_entry *e;
	struct boot_mmap_entry *b;
	size_t off;

	if (w->size < MMAP_FIXED)
		return tag_error(w, "size %u is too small for a memory map", w->size);
	t = (const void *)(w->info + w->off);
	/* The spec promises entry_size is a multiple of 8, which keeps each entry aligned. */
	if (t->entry_size < sizeof(struct mb2_mmap_entry) || t->entry_size % 8 != 0)
		return tag_error(w, "entry_size %u is not a multiple of 8 of at least %zu",
		    t->entry_size, sizeof(struct mb2_mmap_entry));
	if ((w->size - MMAP_FIXED) % t->entry_size != 0)
		return tag_error(w, "size %u is not %zu plus a whole number of %u-byte entries",
		    w->size, MMAP_FIXED, t->entry_size);

	for (off = MMAP_FIXED; off < w->size; off += t->entry_size) {
		if (bi->mmap_count == BOOTINFO_MAX_MMAP) {
			bi->dropped++;
			continue;
		}
		e = (const void *)(w->info + w->off + off);
		b = &bi->mmap[bi->mmap_count++];
		b->base = e->base_addr;
		b->length = e->length;
		b->type = e->type;
	}
	return 0;
}

/* Spec 3.6.12: the framebuffer. Its colour information is not needed yet. */
static int
parse_framebuffer(struct walk *w, struct bootinfo *bi)
{
	const struct mb2_tag_framebuffer *t;

	if (w->size < FB_FIXED)
		return tag_error(w, "size %u is too small for a framebuffer (at least %zu)",
		    w->size, FB_FIXED);
	if (bi->have_framebuffer)
		return 0;
	t = (const void *)(w->info + w->off);
	bi->have_framebuffer = true;
	bi->framebuffer.addr = t->addr;
	bi->framebuffer.pitch = t->pitch;
	bi->framebuffer.width = t->width;
	bi->framebuffer.height = t->height;
	bi->framebuffer.bpp = t->bpp;
	bi->framebuffer.type = t->fb_type;
	if (t->fb_type == MB2_FB_RGB && w->size >= sizeof(*t) + sizeof(struct mb2_fb_rgb))
		memcpy(&bi->framebuffer.rgb, t + 1, sizeof(struct mb2_fb_rgb));
	else if (t->fb_type == MB2_FB_RGB)
		bi->framebuffer.type = MB2_FB_INDEXED;	/* no colour layout: not one we draw on */
	return 0;
}

/* Reads the current tag's contents into *bi. Returns 0, or -EINVAL if it is damaged. */
static int
parse_tag(struct walk *w, struct bootinfo *bi)
{
	switch (w->type) {
	case MB2_TAG_CMDLINE:
		return parse_string_tag(w, &bi->cmdline);
	case MB2_TAG_LOADER:
		return parse_string_tag(w, &bi->loader);
	case MB2_TAG_MODULE:
		return parse_module(w, bi);
	case MB2_TAG_MMAP:
		return parse_mmap(w, bi);
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(w, bi);
	default:
		/* Spec 3.6.1: a tag of a type the kernel does not know is to be skipped. */
		return 0;
	}
}

/*
 * Walks the tags after the fixed part until the end tag. Returns 0 when the list is sound
 * and ends properly, or -EINVAL at the first damaged tag.
 */
static int
walk_tags(struct walk *w, struct bootinfo *bi)
{
	const struct mb2_tag *tag;
	int r;

	for (w->off = sizeof(struct mb2_info); ; w->index++) {
		w->header = false;
		if (w->off >= w->total)
			return tag_error(w, "the list ends (total %zu) without an end tag",
			    w->total);
		if (w->total - w->off < sizeof(struct mb2_tag))
			return tag_error(w, "only %zu bytes left, too few for a tag header",
			    w->total - w->off);
		tag = (const void *)(w->info + w->off);
		w->type = tag->type;
		w->size = tag->size;
		w->header = true;
		/* A tag smaller than its header would not move the walk forward far enough. */
		if (w->size < sizeof(struct mb2_tag))
			return tag_error(w, "size %u is smaller than a tag header", w->size);
		if (w->size > w->total - w->off)
			return tag_error(w, "size %u runs past the end (total %zu)", w->size,
			    w->total);
		if (w->type == MB2_TAG_END) {
			/* Spec 3.6.2: the list ends with a tag of type 0 and size 8. */
			if (w->size != sizeof(struct mb2_tag))
				return tag_error(w, "end tag has size %u, not 8", w->size);
			bi->tags_seen++;
			return 0;
		}
		if ((r = parse_tag(w, bi)) != 0)
			return r;
		bi->tags_seen++;
		/* Spec 3.6.1: the next tag starts at the next 8-byte boundary. */
		w->off = ALIGN_UP(w->off + w->size, (size_t)MB2_TAG_ALIGN);
	}
}

/*
 * Checks the fixed part of the information (spec 3.6.1): it starts on an 8-byte boundary,
 * and its total_size covers at least itself and no more than the bytes available.
 */
static int
check_fixed_part(const void *info, size_t avail, char *err, size_t errlen)
{
	const struct mb2_info *hdr = info;

	if (avail < sizeof(struct mb2_info))
		ksnprintf(err, errlen, "only %zu bytes of information, fewer than the 8 of its "
		    "fixed part", avail);
	else if ((uintptr_t)info % MB2_TAG_ALIGN != 0)
		ksnprintf(err, errlen, "information at %p is not 8-byte aligned", info);
	else if (hdr->total_size < sizeof(struct mb2_info))
		ksnprintf(err, errlen, "total_size %u is smaller than the fixed part",
		    hdr->total_size);
	else if (hdr->total_size > avail)
		ksnprintf(err, errlen, "total_size %u is more than the %zu bytes available",
		    hdr->total_size, avail);
	else
		return 0;
	return -EINVAL;
}

/*
 * Parses the Multiboot2 information at info, of which at most avail bytes may be read,
 * into *bi; strings in *bi point into info. Returns 0 when the whole list was sound, or
 * -EINVAL after a damaged or truncated list, with a one-line description in err (when
 * errlen allows; err may be NULL when errlen is 0). After an error *bi holds every tag
 * before the damaged one, and tags_seen counts them.
 */
int
mb2_parse(const void *info, size_t avail, struct bootinfo *bi, char *err, size_t errlen)
{
	struct walk w = { .info = info, .err = err, .errlen = errlen };
	int r;

	/* NULL strings mean "not found yet", so that a second tag does not replace the first. */
	*bi = (struct bootinfo){ .cmdline = NULL, .loader = NULL };
	if (errlen > 0)
		err[0] = '\0';

	if ((r = check_fixed_part(info, avail, err, errlen)) == 0) {
		bi->total_size = ((const struct mb2_info *)info)->total_size;
		w.total = bi->total_size;
		r = walk_tags(&w, bi);
	}
	if (bi->cmdline == NULL)
		bi->cmdline = "";
	if (bi->loader == NULL)
		bi->loader = "";
	return r;
}
