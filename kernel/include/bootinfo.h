/*
 * What the boot loader told the kernel, parsed out of the Multiboot2 information into a
 * fixed-size structure that the rest of the kernel reads. The parser trusts nothing: every
 * tag is checked against the bounds of the information it came in.
 */
#ifndef KEEL_BOOTINFO_H
#define KEEL_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <keel/multiboot2.h>

#define BOOTINFO_MAX_MMAP	128
#define BOOTINFO_MAX_MODULES	16

struct boot_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;		/* MB2_MEM_* */
};

struct boot_module {
	uint64_t start;		/* physical, inclusive */
	uint64_t end;		/* physical, exclusive */
	const char *name;	/* the module's command line; points into the information */
};

struct boot_framebuffer {
	uint64_t addr;
	uint32_t pitch, width, height;	/* pitch in bytes; for EGA text, size in characters */
	uint8_t bpp, type;	/* type is MB2_FB_* */
	struct mb2_fb_rgb rgb;	/* where each colour's bits are; for MB2_FB_RGB only */
};

struct bootinfo {
	uint32_t total_size;		/* of the Multiboot2 information, in bytes */
	const char *cmdline;		/* "" when the loader gave none */
	const char *loader;		/* "" when the loader gave no name */
	size_t mmap_count;
	struct boot_mmap_entry mmap[BOOTINFO_MAX_MMAP];
	size_t module_count;
	struct boot_module modules[BOOTINFO_MAX_MODULES];
	bool have_framebuffer;
	struct boot_framebuffer framebuffer;
	size_t tags_seen;		/* every tag walked, known or not, the end tag included */
	size_t dropped;			/* mmap entries or modules beyond the limits above */
};

/*
 * Parses the Multiboot2 information at info, of which at most avail bytes may be read.
 * Fills *bi with every tag up to the end tag or the first damaged one; strings in *bi point
 * into info. Returns 0 when the whole list was sound, or -EINVAL after a damaged or truncated
 * list, with a one-line description (which tag, at which offset, what is wrong) in err.
 */
int mb2_parse(const void *info, size_t avail, struct bootinfo *bi, char *err, size_t errlen);

/* Returns true when the space-separated word is on the command line, alone or as word=... */
bool cmdline_has(const char *cmdline, const char *word);

/*
 * Copies the value of word=VALUE from the command line into buf (at most len bytes with the
 * NUL). Returns the value's length, or -1 when the word is absent or has no value.
 */
int cmdline_get(const char *cmdline, const char *word, char *buf, size_t len);

/* Returns what the kernel parsed at boot (kernel only). */
const struct bootinfo *bootinfo_get(void);

#endif
