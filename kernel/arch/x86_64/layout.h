/*
 * The x86-64 numbers that C and NASM both need, on top of memlayout.h's layout: the boot
 * map, stack sizes, segment selectors, page-table bits and the MSRs. NASM sees the #define
 * lines through a generated include (kernel/gen/layout.inc), so keep each a plain number.
 */
#ifndef KEEL_ARCH_LAYOUT_H
#define KEEL_ARCH_LAYOUT_H

#include "memlayout.h"

#define BOOT_DIRECT_MAP_SIZE	0x100000000	/* what boot.asm maps before the memory manager */
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

/*
 * Intel SDM 3A 4.5 (4-level paging), the tables "Format of a PML4 Entry" to "Format of a
 * Page-Table Entry that Maps a 4-KByte Page": the bits of a paging-structure entry. PS
 * (bit 7) makes a PDPTE a 1 GiB page and a PDE a 2 MiB page; in a PTE bit 7 is PAT. Keel
 * leaves PAT, PCD and PWT clear, so every page takes PAT entry 0, write-back at reset
 * (SDM 3A 4.9.2 and 11.12.3). Bits 9-11 are ignored by the CPU, free for software. Bits
 * 12 to 51 hold the frame or the next table (PTE_ADDR; above MAXPHYADDR they must be 0).
 * Bit 63 is XD (NX), reserved unless IA32_EFER.NXE is set.
 */
#define PTE_P			0x001
#define PTE_W			0x002
#define PTE_U			0x004
#define PTE_PWT			0x008
#define PTE_PCD			0x010
#define PTE_A			0x020
#define PTE_D			0x040
#define PTE_PS			0x080
#define PTE_G			0x100
#define PTE_OWNED		0x200	/* software (bit 9): vm.c's ARCH_PT_OWNED */
#define PTE_COW			0x400	/* software (bit 10): vm.c's ARCH_PT_COW */
#define PTE_PAT			0x080	/* in a PTE of a 4 KiB page; PS in the levels above */
#define PTE_ADDR		0x000ffffffffff000	/* bits 12-51: the frame or next table */
#define PTE_NX			0x8000000000000000
#define PTE_NX_HIGH		0x80000000	/* bit 63, as the high dword 32-bit code writes */

/* Interrupt stack table slots in the TSS (1-based, as IDT gates name them). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3

/*
 * Intel SDM 4, table 2-2 and SDM 2B, SYSCALL: the MSRs of the fast system call, and
 * IA32_EFER (SDM 3A 2.2.1, figure 2-4): SCE turns syscall/sysret on, LME asks for IA-32e
 * mode when paging comes on (SDM 3A 9.8.5), NXE makes PTE bit 63 the no-execute bit
 * (SDM 3A 4.1.3).
 */
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_FMASK		0xc0000084
#define MSR_PAT			0x277	/* Intel SDM 3A 11.12.2 */
#define EFER_SCE		0x001
#define EFER_LME		0x100
#define EFER_NXE		0x800

/* The vector number a system call's trap frame carries (no CPU vector has it). */
#define VEC_SYSCALL		0x100

#endif
