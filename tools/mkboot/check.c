/*
 * mkboot: checks the inputs before anything is built, so that a kernel GRUB would refuse to
 * boot is refused here, in one line that says why: the kernel must be an x86-64 ELF64
 * executable with a sound Multiboot2 header where GRUB looks for one (Multiboot2 spec
 * 3.1), whose loadable segments are all in the file and whose entry point is in one that
 * is executable (GRUB loads the segments and jumps there), and the ramfs must start like a
 * newc cpio archive.
 */
#define _GNU_SOURCE
#include "config.h"
#include "mkboot.h"

#include <endian.h>
#include <stdbool.h>
#include <err.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <gelf.h>
#include <libelf.h>

#include <keel/cpio.h>
#include <keel/multiboot2.h>

/* Returns the little-endian 32-bit number at p, wherever it is aligned. */
static uint32_t
le32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

/* Reads the fixed part of a Multiboot2 header at off, which the caller has checked is in k. */
static void
mb2_header_at(const struct blob *k, size_t off, struct mb2_header *h)
{
	const unsigned char *p = k->data + off;

	h->magic = le32_at(p + offsetof(struct mb2_header, magic));
	h->architecture = le32_at(p + offsetof(struct mb2_header, architecture));
	h->header_length = le32_at(p + offsetof(struct mb2_header, header_length));
	h->checksum = le32_at(p + offsetof(struct mb2_header, checksum));
}

/*
 * Looks for a Multiboot2 header the way GRUB does: the first MB2_HEADER_ALIGN-aligned
 * offset below limit holding the magic and a checksum that holds. Returns its offset, or
 * SIZE_MAX if there is none; *magic_at gets the first offset that had the magic at all
 * (SIZE_MAX if none did), so that a bad checksum can be told from a missing header.
 */
static size_t
mb2_scan(const struct blob *k, size_t limit, size_t *magic_at)
{
	struct mb2_header h;
	size_t off;

	*magic_at = SIZE_MAX;
	if (limit > k->size)
		limit = k->size;
	for (off = 0; off + sizeof(h) <= limit; off += MB2_HEADER_ALIGN) {
		mb2_header_at(k, off, &h);
		if (h.magic != MB2_HEADER_MAGIC)
			continue;
		if (*magic_at == SIZE_MAX)
			*magic_at = off;
		if ((uint32_t)(h.magic + h.architecture + h.header_length + h.checksum) == 0)
			return off;
	}
	return SIZE_MAX;
}

/*
 * Checks the tags that follow the fixed part of the header at off (spec 3.1.3: each is a
 * 16-bit type, 16-bit flags and a 32-bit size, on an MB2_HEADER_ALIGN boundary), up to
 * the end tag, which must be there.
 */
static void
mb2_check_tags(const struct blob *k, size_t off, uint32_t len)
{
	size_t p, end = off + len;
	uint32_t size;
	uint16_t type;

	for (p = off + sizeof(struct mb2_header); p + 8 <= end; p += (size + 7) & ~7u) {
		memcpy(&type, k->data + p, sizeof(type));
		type = le16toh(type);
		size = le32_at(k->data + p + 4);
		if (size < 8 || size > end - p)
			errx(1, "%s: Multiboot2 header at offset %#zx has a tag of bad size "
			    "%u at offset %#zx", k->path, off, size, p);
		if (type == MB2_HTAG_END)
			return;
	}
	errx(1, "%s: Multiboot2 header at offset %#zx has no end tag", k->path, off);
}

/* Checks the kernel's Multiboot2 header (spec 3.1.1-3.1.2), exiting if GRUB would refuse it. */
static void
mb2_check(const struct blob *k)
{
	struct mb2_header h;
	size_t off, magic_at, far;
	uint32_t arch, len;

	off = mb2_scan(k, MB2_HEADER_SEARCH, &magic_at);
	if (off == SIZE_MAX) {
		if (magic_at != SIZE_MAX)
			errx(1, "%s: Multiboot2 header at offset %#zx has a bad checksum",
			    k->path, magic_at);
		far = mb2_scan(k, SIZE_MAX, &magic_at);
		if (far != SIZE_MAX)
			errx(1, "%s: Multiboot2 header at offset %#zx is beyond the first "
			    "%d bytes, where GRUB looks", k->path, far, MB2_HEADER_SEARCH);
		errx(1, "%s: no Multiboot2 header in the first %d bytes", k->path,
		    MB2_HEADER_SEARCH);
	}
	mb2_header_at(k, off, &h);
	arch = h.architecture;
	len = h.header_length;
	if (arch != MB2_ARCH_I386)
		errx(1, "%s: Multiboot2 header at offset %#zx is for architecture %u, not "
		    "i386 (%d)", k->path, off, arch, MB2_ARCH_I386);
	if (len < sizeof(struct mb2_header) + sizeof(struct mb2_tag))
		errx(1, "%s: Multiboot2 header at offset %#zx has a header_length of %u, "
		    "too short for its end tag", k->path, off, len);
	if (len > k->size - off)
		errx(1, "%s: Multiboot2 header at offset %#zx runs past the end of the file",
		    k->path, off);
	if (off + len > MB2_HEADER_SEARCH)
		errx(1, "%s: Multiboot2 header at offset %#zx runs past the first %d bytes",
		    k->path, off, MB2_HEADER_SEARCH);
	mb2_check_tags(k, off, len);
}

/*
 * Checks what GRUB's ELF loader needs (the header has no address tag, so GRUB loads the
 * PT_LOAD segments): each segment's bytes are in the file (a truncated kernel is caught
 * here, not by a GRUB error at boot), and e_entry lies in a loadable executable segment,
 * by its virtual or its physical address. An entry address tag (spec 3.1.6) would replace
 * e_entry, so then the entry is not checked.
 */
static void
segments_check(const struct blob *k, Elf *e, const GElf_Ehdr *eh, bool entry_tag)
{
	size_t n, i;
	bool entry_ok = false, any = false;
	GElf_Phdr ph;

	if (elf_getphdrnum(e, &n) != 0)
		errx(1, "%s: cannot read its program headers: %s", k->path, elf_errmsg(-1));
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(e, (int)i, &ph) == NULL)
			errx(1, "%s: program header %zu cannot be read (is the file cut short?)",
			    k->path, i);
		if (ph.p_type != PT_LOAD)
			continue;
		any = true;
		if (ph.p_offset > k->size || ph.p_filesz > k->size - ph.p_offset)
			errx(1, "%s: segment %zu (%ju bytes at offset %#jx) runs past the end "
			    "of the file (%zu bytes): is it cut short?", k->path, i,
			    (uintmax_t)ph.p_filesz, (uintmax_t)ph.p_offset, k->size);
		if ((ph.p_flags & PF_X) &&
		    ((eh->e_entry >= ph.p_vaddr && eh->e_entry - ph.p_vaddr < ph.p_memsz) ||
		     (eh->e_entry >= ph.p_paddr && eh->e_entry - ph.p_paddr < ph.p_memsz)))
			entry_ok = true;
	}
	if (!any)
		errx(1, "%s: no loadable segment", k->path);
	if (!entry_ok && !entry_tag)
		errx(1, "%s: the entry point %#jx is in no loadable executable segment",
		    k->path, (uintmax_t)eh->e_entry);
}

/* Whether the Multiboot2 header at off has an entry address tag (spec 3.1.6). */
static bool
mb2_has_entry_tag(const struct blob *k, size_t off)
{
	size_t p, end = off + le32_at(k->data + off + offsetof(struct mb2_header, header_length));
	uint32_t size;
	uint16_t type;

	for (p = off + sizeof(struct mb2_header); p + 8 <= end; p += (size + 7) & ~7u) {
		memcpy(&type, k->data + p, sizeof(type));
		type = le16toh(type);
		size = le32_at(k->data + p + 4);
		if (type == MB2_HTAG_END || size < 8)
			return false;
		if (type == MB2_HTAG_ENTRY)
			return true;
	}
	return false;
}

/* Checks that the kernel is something GRUB's multiboot2 command loads on x86-64. */
void
kernel_check(const struct blob *k)
{
	GElf_Ehdr eh;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		errx(1, "libelf cannot be used: %s", elf_errmsg(-1));
	e = elf_memory((char *)k->data, k->size);
	if (e == NULL || elf_kind(e) != ELF_K_ELF)
		errx(1, "%s: not an ELF64 file", k->path);
	if (gelf_getclass(e) != ELFCLASS64)
		errx(1, "%s: not an ELF64 file (it is a 32-bit ELF)", k->path);
	if (gelf_getehdr(e, &eh) == NULL)
		errx(1, "%s: not an ELF64 file: %s", k->path, elf_errmsg(-1));
	if (eh.e_machine != EM_X86_64)
		errx(1, "%s: not an x86-64 ELF file (e_machine is %u)", k->path, eh.e_machine);
	if (eh.e_type == ET_REL)
		errx(1, "%s: an object file, not a linked executable", k->path);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		errx(1, "%s: not an executable ELF file (e_type is %u)", k->path, eh.e_type);
	mb2_check(k);
	segments_check(k, e, &eh,
	    mb2_has_entry_tag(k, mb2_scan(k, MB2_HEADER_SEARCH, &(size_t){ 0 })));
	elf_end(e);
}

/* Checks that the ramfs starts like a newc cpio archive, the only kind the kernel reads. */
void
ramfs_check(const struct blob *r)
{
	if (r->size < CPIO_MAGIC_LEN ||
	    (memcmp(r->data, CPIO_MAGIC_NEWC, CPIO_MAGIC_LEN) != 0 &&
	    memcmp(r->data, CPIO_MAGIC_CRC, CPIO_MAGIC_LEN) != 0))
		errx(1, "%s: not a newc cpio archive (it does not start with %s or %s)",
		    r->path, CPIO_MAGIC_NEWC, CPIO_MAGIC_CRC);
}
