/*
 * Numbers of the x86-64 kernel's layout that C and NASM both need: where things are mapped,
 * stack sizes, segment selectors and page-table bits. NASM sees the #define lines through a
 * generated include (kernel/gen/layout.inc), so keep each a plain number.
 */
#ifndef KEEL_ARCH_LAYOUT_H
#define KEEL_ARCH_LAYOUT_H

/* DESIGN.md, "Memory layout (virtual)". */
#define KERNEL_VMA		0xffffffff80000000
#define DIRECT_MAP_BASE		0xffff800000000000
#define BOOT_DIRECT_MAP_SIZE	0x100000000	/* what boot.asm maps before the memory manager */
#define DIRECT_MAP_MAX		0x100000000000	/* 16 TiB: PML4 entries 256-287 at most */
#define KSTACK_AREA_BASE	0xffffff0000000000	/* kernel stacks with guards: PML4[510] */
#define KSTACK_SLOT_SIZE	0x8000	/* one stack: guard pages, then KSTACK_SIZE at the top */
#define KSTACK_SLOTS		1024	/* kernel stacks that can exist at once */
#define USER_BASE		0x400000	/* lowest user address: NULL's neighbourhood is never mapped */
#define USER_END		0x00007ffffffff000	/* first byte past user space */
#define USER_STACK_SIZE		0x20000		/* 128 KiB, mapped below USER_END */
#define USER_STACK_GUARD	0x1000		/* unmapped, below the stack: an overflow faults */

#define PAGE_SIZE		4096
#define KSTACK_SIZE		16384	/* every kernel stack; an unmapped guard page lies below */
#define IST_STACK_SIZE		8192	/* double fault, NMI and machine check stacks */
#define BOOT_KERNEL_PTS		8	/* page tables for the kernel image: 8 x 2 MiB */

/*
 * GDT selectors, in the order syscall/sysret need (Intel SDM 2B, SYSCALL and SYSRET):
 * STAR[47:32] = KCODE gives SS = KCODE + 8; STAR[63:48] = UCODE32 gives the 64-bit user CS
 * at UCODE32 + 16 and SS at UCODE32 + 8.
 */
#define SEL_KCODE		0x08
#define SEL_KDATA		0x10
#define SEL_UCODE32		0x18
#define SEL_UDATA		0x20
#define SEL_UCODE		0x28
#define SEL_TSS			0x30
#define GDT_ENTRIES		8	/* null, 5 segments, and the TSS's two slots */
#define SEL_USER_CS		0x2b	/* SEL_UCODE with RPL 3: what user code runs with */
#define SEL_USER_SS		0x23	/* SEL_UDATA with RPL 3 */

/* Intel SDM 3A 4.5, tables 4-19 to 4-20: page-table entry bits. NX is bit 63. */
#define PTE_P			0x001
#define PTE_W			0x002
#define PTE_U			0x004
#define PTE_PWT			0x008
#define PTE_PCD			0x010
#define PTE_A			0x020
#define PTE_D			0x040
#define PTE_PS			0x080
#define PTE_G			0x100
#define PTE_OWNED		0x200	/* software (AVL bit 9): the space frees the frame */
#define PTE_NX_HIGH		0x80000000	/* bit 63, as the high dword 32-bit code writes */

/* Interrupt stack table slots in the TSS (1-based, as IDT gates name them). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3

/* Intel SDM 4, table 2-2 and SDM 2B, SYSCALL: the MSRs of the fast system call. */
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_FMASK		0xc0000084
#define EFER_SCE		0x1

/* The vector number a system call's trap frame carries (no CPU vector has it). */
#define VEC_SYSCALL		0x100

#endif
