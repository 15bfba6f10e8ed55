/*
 * Multiboot2 constants and structures, as the Multiboot2 specification (version 2.0) lays
 * them out. Shared by the kernel (its header and its parser of the boot information) and by
 * mkboot (which checks a kernel's header before building an image). The NASM entry stub gets
 * the #define lines of this file through a generated include, so each number is written once.
 */
#ifndef KEEL_UAPI_MULTIBOOT2_H
#define KEEL_UAPI_MULTIBOOT2_H

#include <stdint.h>

/* Spec 3.1.1: the header must lie within the first 32768 bytes of the image, 64-bit aligned. */
#define MB2_HEADER_SEARCH   32768
#define MB2_HEADER_ALIGN    8
#define MB2_HEADER_MAGIC    0xE85250D6
#define MB2_ARCH_I386       0

/* Spec 3.1.3-3.1.5: header tags. */
#define MB2_HTAG_END        0
#define MB2_HTAG_INFO_REQ   1
#define MB2_HTAG_ENTRY      3
#define MB2_HTAG_FRAMEBUFFER 5
#define MB2_HTAG_OPTIONAL   1	/* spec 3.1.3: flags bit 0, the loader may ignore the tag */

/*
 * The mode Keel asks for (spec 3.1.10): 1024x768 at 32 bits per pixel, which every VBE
 * BIOS and UEFI GOP that QEMU and most PCs offer can give. GRUB picks the nearest mode it
 * has; the kernel draws in whatever the framebuffer tag reports.
 */
#define MB2_FB_WANT_WIDTH   1024
#define MB2_FB_WANT_HEIGHT  768
#define MB2_FB_WANT_DEPTH   32

/* Spec 3.2: value in EAX when the loader hands over control. */
#define MB2_BOOT_MAGIC      0x36D76289

/* Spec 3.6: boot information tag types. */
#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_BASIC_MEM   4
#define MB2_TAG_BOOTDEV     5
#define MB2_TAG_MMAP        6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ELF_SECTIONS 9
#define MB2_TAG_EFI64       12
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15
#define MB2_TAG_LOAD_BASE   21

/* Spec 3.6.8: memory map entry types. */
#define MB2_MEM_AVAILABLE   1
#define MB2_MEM_RESERVED    2
#define MB2_MEM_ACPI        3
#define MB2_MEM_NVS         4
#define MB2_MEM_BAD         5

/* Spec 3.6.12: framebuffer types. */
#define MB2_FB_INDEXED      0
#define MB2_FB_RGB          1
#define MB2_FB_EGA_TEXT     2

/* Spec 3.6.1: tags start on 8-byte boundaries. */
#define MB2_TAG_ALIGN       8

#ifndef __ASSEMBLER__

/* Spec 3.1.1: the fixed part of the OS image header. */
struct mb2_header {
	uint32_t magic;
	uint32_t architecture;
	uint32_t header_length;
	uint32_t checksum;	/* magic + architecture + header_length + checksum == 0 (mod 2^32) */
};

/* Spec 3.6.1: the fixed part of the boot information. */
struct mb2_info {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;		/* including this header, excluding padding to the next tag */
};

struct mb2_tag_module {
	uint32_t type;
	uint32_t size;
	uint32_t mod_start;
	uint32_t mod_end;
	/* followed by a NUL-terminated string */
};

struct mb2_tag_mmap {
	uint32_t type;
	uint32_t size;
	uint32_t entry_size;
	uint32_t entry_version;
	/* followed by entries of entry_size bytes */
};

struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

struct mb2_tag_framebuffer {
	uint32_t type;
	uint32_t size;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t  bpp;
	uint8_t  fb_type;
	uint16_t reserved;
	/* followed by colour information that depends on fb_type */
};

/* Spec 3.6.12: the colour information of fb_type MB2_FB_RGB, after the fixed part. */
struct mb2_fb_rgb {
	uint8_t red_pos, red_size;
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
};

#endif /* !__ASSEMBLER__ */
#endif
