/*
 * The virtual memory layout (DESIGN.md, "Memory layout (virtual)"): the page size, the
 * user half and where a program's stack goes, the direct map, the kernel stacks and the
 * kernel image. This is what code outside kernel/arch may know of the layout; the page
 * tables that make it so are the architecture's (arch.h). NASM sees these #define lines
 * through the generated kernel/gen/memlayout.inc, so keep each a plain number.
 */
#ifndef KEEL_MEMLAYOUT_H
#define KEEL_MEMLAYOUT_H

#define PAGE_SIZE		4096

#define USER_BASE		0x400000	/* lowest user address: NULL's neighbourhood is never mapped */
#define USER_END		0x00007ffffffff000	/* first byte past user space */
#define USER_STACK_SIZE		0x20000		/* 128 KiB, mapped below USER_END */
#define USER_STACK_GUARD	0x1000		/* unmapped, below the stack: an overflow faults */

#define DIRECT_MAP_BASE		0xffff800000000000	/* + phys: all RAM */
#define DIRECT_MAP_MAX		0x100000000000	/* 16 TiB: RAM above this cannot be used */

#define KSTACK_AREA_BASE	0xffffff0000000000	/* kernel stacks with guards */
#define KSTACK_SLOT_SIZE	0x8000	/* one stack: guard pages, then KSTACK_SIZE at the top */
#define KSTACK_SLOTS		1024	/* kernel stacks that can exist at once */
#define KSTACK_SIZE		16384	/* every kernel stack; an unmapped guard lies below */

#define FB_AREA_BASE		0xffffff4000000000	/* the framebuffer, write-combining */
#define FB_AREA_SIZE		0x40000000	/* 1 GiB: a larger framebuffer is not mapped */
#define KERNEL_VMA		0xffffffff80000000	/* + phys: the kernel image */

#endif
