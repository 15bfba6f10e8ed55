/*
 * The program loader (DESIGN.md, "Programs"): a flat binary is the exact memory image,
 * loaded at USER_BASE as one read-write-execute region and entered at its first byte; a
 * static ELF64 executable has its PT_LOAD segments mapped with their own permissions.
 * The two are told apart by the ELF magic; a file that starts with "#!" is a script, no
 * program (-ENOEXEC, so that a shell runs it with its interpreter). Then the stack:
 * USER_STACK_SIZE bytes below USER_END with an unmapped guard page below, holding argv
 * and the environment in the System V layout.
 *
 * Everything about the file is checked before anything is mapped; a malformed file is
 * -ENOEXEC, never a fault. Bytes go into the new space through the direct map (the space
 * is not the one the CPU is using).
 */
#include "arch.h"
#include "lib.h"
#include "proc.h"
#include "vfs.h"
#include "vm.h"
#include "memlayout.h"
#include "pmm.h"
#include <keel/errno.h>

#define FLAT_MAX	(64UL << 20)	/* bytes of a flat binary */
#define ELF_PHNUM_MAX	16		/* program headers we look at */
#define STACK_BOTTOM	(USER_END - USER_STACK_SIZE)
#define IMAGE_END	(STACK_BOTTOM - USER_STACK_GUARD)	/* segments end below the guard */

/* ELF-64 Object File Format 1.5, and the System V ABI AMD64 supplement 3.4.1 (auxv). */
#define EI_NIDENT	16
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ET_EXEC		2
#define EM_X86_64	62
#define PT_LOAD		1
#define PF_X		1
#define PF_W		2
#define AT_NULL		0

struct elf64_ehdr {
	unsigned char e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* The program file's size in bytes. */
static uint64_t size_of(struct vnode *n)
{
	struct keel_stat st;

	n->ops->stat(n, &st);
	return st.size;
}

/* Writes len bytes at the user address va of as (mapped already) from src or, when src is NULL, from n at off. */
static void space_write(struct vm_space *as, uint64_t va, const void *src,
			struct vnode *n, uint64_t off, size_t len)
{
	while (len > 0) {
		uint64_t pa;
		size_t chunk = MIN(len, PAGE_SIZE - va % PAGE_SIZE);
		if (vm_translate(as, va, &pa, NULL) != 0)
			return;		/* cannot happen: the caller mapped it */
		if (src) {
			memcpy(phys_to_virt(pa), src, chunk);
			src = (const char *)src + chunk;
		} else {
			vnode_read_kernel(n, off, phys_to_virt(pa), chunk);
			off += chunk;
		}
		va += chunk;
		len -= chunk;
	}
}

static int load_flat(struct vm_space *as, struct vnode *n, struct loader_image *img)
{
	uint64_t size = ALIGN_UP(size_of(n), PAGE_SIZE);
	int err;

	if (size_of(n) == 0 || size_of(n) > FLAT_MAX)
		return -ENOEXEC;
	if ((err = vm_alloc(as, USER_BASE, size, VM_WRITE | VM_EXEC)) != 0)
		return err;
	space_write(as, USER_BASE, NULL, n, 0, size_of(n));
	img->entry = USER_BASE;
	img->brk = USER_BASE + size;
	img->pages = size / PAGE_SIZE;
	return 0;
}

/* Checks one PT_LOAD header against the file and user space. */
static bool segment_ok(const struct elf64_phdr *ph, uint64_t file_size)
{
	return ph->p_filesz <= ph->p_memsz &&
	       ph->p_offset <= file_size && ph->p_filesz <= file_size - ph->p_offset &&
	       ph->p_vaddr >= USER_BASE && ph->p_vaddr < IMAGE_END &&
	       ph->p_memsz <= IMAGE_END - ph->p_vaddr &&
	       !((ph->p_flags & PF_W) && (ph->p_flags & PF_X));
}

/* The pages [first, last] a segment covers. */
static void segment_pages(const struct elf64_phdr *ph, uint64_t *first, uint64_t *end)
{
	*first = ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE);
	*end = ALIGN_UP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
}

/* Reads and checks the headers. Returns the number of PT_LOAD headers in ph, or -ENOEXEC. */
static int elf_headers(struct vnode *n, struct elf64_ehdr *eh, struct elf64_phdr *ph)
{
	struct elf64_phdr all[ELF_PHNUM_MAX];
	int nload = 0;
	bool entry_ok = false;

	if (vnode_read_kernel(n, 0, eh, sizeof(*eh)) != sizeof(*eh) ||
	    eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB ||
	    eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > ELF_PHNUM_MAX || eh->e_phoff > size_of(n) ||
	    eh->e_phnum * sizeof(struct elf64_phdr) > size_of(n) - eh->e_phoff)
		return -ENOEXEC;
	if (vnode_read_kernel(n, eh->e_phoff, all, eh->e_phnum * sizeof(struct elf64_phdr)) !=
	    (long)(eh->e_phnum * sizeof(struct elf64_phdr)))
		return -ENOEXEC;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (all[i].p_type != PT_LOAD)
			continue;
		if (!segment_ok(&all[i], size_of(n)))
			return -ENOEXEC;
		if (all[i].p_memsz == 0)
			continue;	/* maps nothing */
		/* Segments may not share a page: each page has one set of permissions. */
		uint64_t f1, e1, f2, e2;
		segment_pages(&all[i], &f1, &e1);
		for (int j = 0; j < nload; j++) {
			segment_pages(&ph[j], &f2, &e2);
			if (f1 < e2 && f2 < e1)
				return -ENOEXEC;
		}
		if ((all[i].p_flags & PF_X) && eh->e_entry >= all[i].p_vaddr &&
		    eh->e_entry < all[i].p_vaddr + all[i].p_memsz)
			entry_ok = true;
		ph[nload++] = all[i];
	}
	return nload > 0 && entry_ok ? nload : -ENOEXEC;
}

/*
 * True when a segment can map the file's own pages instead of copies: it is never written,
 * holds only file bytes (no zeroed tail), and lies in the file as it lies in memory. Its
 * first and last pages then show the file's bytes around it, as on every Unix.
 */
static bool segment_shared(struct vnode *n, const struct elf64_phdr *ph)
{
	return n->ops->lend_page && !(ph->p_flags & PF_W) && ph->p_filesz == ph->p_memsz &&
	       ph->p_offset % PAGE_SIZE == ph->p_vaddr % PAGE_SIZE;
}

/*
 * Maps the file's pages under a read-only segment. Programs started from one file share
 * these frames, and so does the file until it is written (ramfs copies the page then): no
 * copy at each start and, under emulation, no retranslation of code that did not change.
 */
static int segment_map(struct vm_space *as, struct vnode *n, const struct elf64_phdr *ph,
		       unsigned prot)
{
	uint64_t first, end, index = (ph->p_offset - ph->p_vaddr % PAGE_SIZE) / PAGE_SIZE;
	int err;

	segment_pages(ph, &first, &end);
	for (uint64_t va = first; va < end; va += PAGE_SIZE, index++) {
		uint64_t pa = n->ops->lend_page(n, index);
		if (!pa)
			return -ENOMEM;
		if ((err = vm_map(as, va, pa, prot)) != 0) {
			pmm_unref(pa);
			return err;
		}
	}
	return 0;
}

static int load_elf(struct vm_space *as, struct vnode *n, struct loader_image *img)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph[ELF_PHNUM_MAX];
	int nload, err;

	if ((nload = elf_headers(n, &eh, ph)) < 0)
		return nload;
	img->brk = USER_BASE;
	for (int i = 0; i < nload; i++) {
		uint64_t first, end;
		unsigned prot = ((ph[i].p_flags & PF_W) ? VM_WRITE : 0) |
				((ph[i].p_flags & PF_X) ? VM_EXEC : 0);
		segment_pages(&ph[i], &first, &end);
		/*
		 * The file's pages when it can lend them; when it cannot (the memory files may
		 * take is used up, and moving a file out of the boot image needs some), the
		 * program gets copies as any other segment, so that root can still run ls.
		 */
		if (!segment_shared(n, &ph[i]) || segment_map(as, n, &ph[i], prot) != 0) {
			vm_unmap(as, first, end - first);	/* what segment_map got so far */
			/* Fresh zeroed frames of the space's own; the bytes go in through the direct map. */
			if ((err = vm_alloc(as, first, end - first, prot)) != 0)
				return err;
			space_write(as, ph[i].p_vaddr, NULL, n, ph[i].p_offset, ph[i].p_filesz);
		}
		img->pages += (end - first) / PAGE_SIZE;
		img->brk = MAX(img->brk, end);
	}
	img->entry = eh.e_entry;
	return 0;
}

/* Pushes the n strings of v below *sp, their user addresses into ptrs from *nwords. */
static void strings_push(struct vm_space *as, int n, const char *const v[], uint64_t *sp,
			 uint64_t *ptrs, size_t *nwords)
{
	for (int i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		*sp -= len;
		space_write(as, *sp, v[i], NULL, 0, len);
		ptrs[(*nwords)++] = *sp;
	}
	ptrs[(*nwords)++] = 0;		/* the vector's NULL */
}

/*
 * Builds the initial stack (System V ABI AMD64 3.4.1, figure 3.9): from the top, the
 * argument and environment strings, then, 16-aligned, argc, argv[0..argc-1], NULL,
 * envp[0..], NULL and an auxiliary vector holding only AT_NULL. rsp points at argc.
 */
static int stack_build(struct vm_space *as, int argc, const char *const argv[],
		       const char *const envp[], struct loader_image *img)
{
	uint64_t ptrs[ARGV_MAX + ENVP_MAX + 5], sp = USER_END;
	size_t bytes = 0, nwords;
	int envc = 0, err;

	if (argc < 0 || argc > ARGV_MAX)
		return -E2BIG;
	while (envp && envp[envc])
		if (++envc > ENVP_MAX)
			return -E2BIG;
	for (int i = 0; i < argc; i++)
		bytes += strnlen(argv[i], ARGV_BYTES_MAX) + 1;
	for (int i = 0; i < envc; i++)
		bytes += strnlen(envp[i], ARGV_BYTES_MAX) + 1;
	if (bytes > ARGV_BYTES_MAX)
		return -E2BIG;
	if ((err = vm_alloc(as, STACK_BOTTOM, USER_STACK_SIZE, VM_WRITE)) != 0)
		return err;
	img->pages += USER_STACK_SIZE / PAGE_SIZE;
	nwords = 0;
	ptrs[nwords++] = (uint64_t)argc;
	strings_push(as, argc, argv, &sp, ptrs, &nwords);
	strings_push(as, envc, envp, &sp, ptrs, &nwords);
	ptrs[nwords++] = AT_NULL;	/* auxv: one entry, type and value */
	ptrs[nwords++] = 0;
	sp = ALIGN_DOWN(sp, 16) - nwords * 8;
	sp = ALIGN_DOWN(sp, 16);
	space_write(as, sp, ptrs, NULL, 0, nwords * 8);
	img->sp = sp;
	img->argv = sp + 8;
	return 0;
}

int loader_load(struct vm_space *as, const char *path, int argc, const char *const argv[],
		const char *const envp[], struct loader_image *img)
{
	static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
	unsigned char magic[4] = { 0 };
	struct keel_stat st;
	struct vnode *n;
	int err;

	memset(img, 0, sizeof(*img));
	/* For the caller's uid: a protocol session's RUN is checked as spawn is. */
	if ((err = vfs_lookup(path, true, proc_current()->uid, &n)) != 0)
		return err;
	n->ops->stat(n, &st);
	if ((err = perm_check(&st, proc_current()->uid, MAY_EXEC)) != 0) {
		vnode_put(n);
		return err;
	}
	long got = KEEL_S_ISREG(vnode_mode(n)) ? vnode_read_kernel(n, 0, magic, sizeof(magic)) : 0;
	if (!KEEL_S_ISREG(vnode_mode(n)))
		err = -EACCES;
	else if (got == sizeof(magic) && memcmp(magic, elf_magic, sizeof(magic)) == 0)
		err = load_elf(as, n, img);
	else if (got >= 2 && magic[0] == '#' && magic[1] == '!')
		err = -ENOEXEC;		/* a script: its interpreter runs it (the shell does) */
	else
		err = load_flat(as, n, img);
	vnode_put(n);
	if (err == 0)
		err = stack_build(as, argc, argv, envp, img);
	return err;
}
