/*
 * The out-of-line side of cpu.h: the one copy of the wrappers that arch.h offers to code
 * outside kernel/arch (see CPU_EXPORT in cpu.h), and the fault-tolerant copy.
 */
#define CPU_EXPORT	/* plain definitions of the exported wrappers */
#include "arch.h"
#include "cpu.h"

size_t arch_copy(void *dst, const void *src, size_t n, bool open_user)
{
	/* Intel SDM 3A 4.6.1: with CR4.SMAP on, the kernel reaches user pages only with AC set. */
	if (open_user)
		stac();
	n = copy_fixup(dst, src, n);
	if (open_user)
		clac();
	return n;
}
