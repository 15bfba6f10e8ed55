/*
 * asm2flat: flattens an ELF64 executable that something else has linked, as `objcopy -O
 * binary` does with .bss given contents: every allocated section at its load address,
 * gaps and .bss as zeros.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "asm2flat.h"

#include <err.h>
#include <inttypes.h>
#include <string.h>

/*
 * Returns the load address of a section of an executable, as BFD computes it: its place in
 * the PT_LOAD segment that holds it (p_paddr), or its own address if no segment does.
 */
static uint64_t
exec_lma(const struct input *in, const GElf_Shdr *sh)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(in->elf, &n) != 0)
		return sh->sh_addr;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(in->elf, i, &ph) != NULL && ph.p_type == PT_LOAD &&
		    sh->sh_addr >= ph.p_vaddr && sh->sh_addr - ph.p_vaddr < ph.p_memsz)
			return ph.p_paddr + (sh->sh_addr - ph.p_vaddr);
	return sh->sh_addr;
}

/* Returns true if a section of an executable belongs in its flat image. */
static bool
exec_section_in_image(const GElf_Shdr *sh)
{
	if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_size == 0)
		return false;
	/* .tbss takes no room in memory: each thread's copy is made elsewhere. */
	return sh->sh_type != SHT_NOBITS || !(sh->sh_flags & SHF_TLS);
}

/*
 * Flattens a linked executable as `objcopy -O binary` does, with its .bss given contents:
 * from the lowest load address of an allocated section to the end of the highest, gaps
 * and NOBITS sections as zeros. The entry point must be the image's first byte.
 */
unsigned char *
flatten_exec(struct input *in, size_t *size)
{
	uint64_t low = UINT64_MAX, high = 0, low_vma = 0, lma;
	unsigned char *img;
	GElf_Shdr sh;
	Elf_Scn *scn = NULL;
	Elf_Data *d;

	while ((scn = elf_nextscn(in->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			errx(1, "%s: malformed ELF file: %s", in->name, elf_errmsg(-1));
		if (!exec_section_in_image(&sh))
			continue;
		lma = exec_lma(in, &sh);
		if (lma < low) {
			low = lma;
			low_vma = sh.sh_addr;
		}
		if (lma + sh.sh_size < lma)
			errx(1, "%s: malformed ELF file: a section ends beyond 2^64", in->name);
		if (lma + sh.sh_size > high)
			high = lma + sh.sh_size;
	}
	if (low == UINT64_MAX)
		errx(1, "%s: nothing to flatten: the executable has no allocated sections",
		    in->name);
	if (high - low > IMAGE_MAX)
		errx(1, "%s: the image would be %" PRIu64 " bytes, more than the %llu "
		    "asm2flat makes", in->name, high - low, IMAGE_MAX);
	if (in->eh.e_entry != low_vma)
		errx(1, "%s: the entry point 0x%" PRIx64 " is not the image's first byte "
		    "0x%" PRIx64 " (a flat program is entered there)", in->name,
		    (uint64_t)in->eh.e_entry, low_vma);
	if (opt.base_given && opt.base != low_vma)
		errx(1, "%s: the executable is linked at 0x%" PRIx64 ", not at --base "
		    "0x%" PRIx64, in->name, low_vma, opt.base);
	*size = high - low;
	img = xcalloc(*size, 1);
	while ((scn = elf_nextscn(in->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || !exec_section_in_image(&sh) ||
		    sh.sh_type == SHT_NOBITS)
			continue;
		if ((d = elf_rawdata(scn, NULL)) == NULL || d->d_size != sh.sh_size)
			errx(1, "%s: cannot read a section's contents: %s", in->name,
			    elf_errmsg(-1));
		memcpy(img + (exec_lma(in, &sh) - low), d->d_buf, d->d_size);
	}
	return img;
}
