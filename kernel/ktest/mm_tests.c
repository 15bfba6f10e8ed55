/*
 * Self-tests of the memory manager: the frame allocator and the heap under random stress
 * with their invariants checked, address spaces (map, protect, unmap, destroy counting
 * frames), the kernel's own page permissions, guard pages, and the user copies on bad
 * addresses. Faults on purpose are recovered through the exception table (copy_nofault).
 */
#include "arch.h"
#include "heap.h"
#include "ktest.h"
#include "memlayout.h"
#include "mm.h"
#include "pmm.h"
#include "uaccess.h"
#include "vm.h"
#include <keel/errno.h>

#define STRESS_FRAMES	256
#define STRESS_ROUNDS	4000
#define STRESS_BLOCKS	128
#define PF_WRITE	0x2	/* Intel SDM 3A 4.7: page-fault error code bits */
#define PF_PRESENT	0x1

extern char __text_start[], __rodata_start[], __data_start[];

KTEST(pmm, alloc_and_free_one_frame_restores_the_count)
{
	uint64_t before = ktest_free_frames(), pa = pmm_alloc();

	KEXPECT(pa != 0);
	KEXPECT_EQ(pa % FRAME_SIZE, 0);
	KEXPECT(!pmm_is_free(pa));
	KEXPECT_EQ(ktest_free_frames(), before - 1);
	pmm_free(pa);
	KEXPECT(pmm_is_free(pa));
	KEXPECT_EQ(ktest_free_frames(), before);
}

KTEST(pmm, random_stress_never_hands_out_a_frame_twice)
{
	static uint64_t held[STRESS_FRAMES];
	uint64_t before = ktest_free_frames();
	size_t n = 0, dup = 0;

	for (int round = 0; round < STRESS_ROUNDS; round++) {
		if (n < STRESS_FRAMES && (n == 0 || ktest_random() % 3 != 0)) {
			uint64_t pa = pmm_alloc();
			KEXPECT(pa != 0);
			for (size_t i = 0; i < n; i++)
				dup += held[i] == pa;
			/* The frame is ours: write to all of it, as its new owner would. */
			memset(phys_to_virt(pa), 0xa5, FRAME_SIZE);
			held[n++] = pa;
		} else {
			size_t i = ktest_random() % n;
			pmm_free(held[i]);
			held[i] = held[--n];
		}
		if (ktest_free_frames() != before - n)
			break;
	}
	KEXPECT_EQ(dup, 0);
	KEXPECT_EQ(ktest_free_frames(), before - n);
	while (n > 0)
		pmm_free(held[--n]);
	KEXPECT_EQ(ktest_free_frames(), before);
}

KTEST(pmm, contiguous_below_4g_is_aligned_and_below_the_limit)
{
	uint64_t before = ktest_free_frames();
	uint64_t pa = pmm_alloc_contig(5, PMM_LOW_LIMIT);

	KEXPECT(pa != 0);
	KEXPECT_EQ(pa % (8 * FRAME_SIZE), 0);
	KEXPECT(pa + 5 * FRAME_SIZE <= PMM_LOW_LIMIT);
	KEXPECT_EQ(ktest_free_frames(), before - 5);
	for (int i = 0; i < 5; i++)
		KEXPECT(!pmm_is_free(pa + i * FRAME_SIZE));
	pmm_free_contig(pa, 5);
	KEXPECT_EQ(ktest_free_frames(), before);
	pa = pmm_alloc_contig(1, 16 << 20);	/* an ISA-style limit: a search */
	KEXPECT(pa != 0 && pa + FRAME_SIZE <= (16 << 20));
	pmm_free(pa);
	KEXPECT_EQ(pmm_alloc_contig(2048, PMM_NO_LIMIT), 0);	/* beyond the largest block */
	KEXPECT_EQ(ktest_free_frames(), before);
}

KTEST(pmm, double_free_is_reported_and_ignored)
{
	struct pmm_stats s0, s1;
	uint64_t pa = pmm_alloc();

	pmm_free(pa);
	pmm_stats(&s0);
	kprintf("# a report of a double free follows, on purpose\n");
	pmm_free(pa);
	pmm_stats(&s1);
	KEXPECT_EQ(s1.bad_frees, s0.bad_frees + 1);
	KEXPECT_EQ(s1.free_frames, s0.free_frames);
}

KTEST(pmm, free_of_a_frame_never_handed_out_is_reported_and_ignored)
{
	struct pmm_stats s0, s1;
	uint64_t image_start, image_end;

	arch_kernel_image(&image_start, &image_end);
	pmm_stats(&s0);
	kprintf("# reports of frees of the kernel image and of the first MiB follow, on purpose\n");
	pmm_free(ALIGN_DOWN(image_start, FRAME_SIZE));
	pmm_free_contig(0, 4);
	pmm_stats(&s1);
	KEXPECT_EQ(s1.bad_frees, s0.bad_frees + 2);
	KEXPECT_EQ(s1.free_frames, s0.free_frames);
	KEXPECT(!pmm_is_free(ALIGN_DOWN(image_start, FRAME_SIZE)));
}

KTEST(heap, blocks_are_aligned_for_every_size)
{
	for (size_t size = 1; size <= 3 * FRAME_SIZE; size += size < 64 ? 1 : 61) {
		char *p = kmalloc(size);
		KEXPECT(p != NULL);
		KEXPECT_EQ((uint64_t)p % HEAP_ALIGN, 0);
		memset(p, 0x5c, size);
		KEXPECT_EQ(kmalloc_size(p), size);
		kfree(p);
	}
	KEXPECT(kmalloc(0) == NULL);
	KEXPECT(kmalloc(HEAP_MAX_ALLOC + 1) == NULL);
}

KTEST(heap, random_stress_keeps_contents_and_counts)
{
	static char *blocks[STRESS_BLOCKS];
	static size_t sizes[STRESS_BLOCKS];
	struct heap_stats before, after;
	size_t bad = 0;

	heap_stats(&before);
	for (int round = 0; round < STRESS_ROUNDS; round++) {
		size_t i = ktest_random() % STRESS_BLOCKS;
		if (blocks[i]) {
			for (size_t k = 0; k < sizes[i]; k++)
				bad += blocks[i][k] != (char)(i + k);
			kfree(blocks[i]);
			blocks[i] = NULL;
			continue;
		}
		sizes[i] = 1 + ktest_random() % (ktest_random() % 4 == 0 ? 3 * FRAME_SIZE : 256);
		blocks[i] = kmalloc(sizes[i]);
		KEXPECT(blocks[i] != NULL);
		for (size_t k = 0; k < sizes[i]; k++)
			blocks[i][k] = (char)(i + k);
	}
	for (size_t i = 0; i < STRESS_BLOCKS; i++)
		kfree(blocks[i]);
	heap_stats(&after);
	KEXPECT_EQ(bad, 0);
	KEXPECT_EQ(after.blocks_in_use, before.blocks_in_use);
	KEXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
	KEXPECT_EQ(after.errors, before.errors);
}

KTEST(heap, zeroed_and_resized_blocks)
{
	char *p = kzalloc(100), *q;
	size_t nonzero = 0;

	for (int i = 0; i < 100; i++)
		nonzero += p[i] != 0;
	KEXPECT_EQ(nonzero, 0);
	memcpy(p, "keel", 5);
	q = krealloc(p, 110);		/* same size class: stays */
	KEXPECT(q == p);
	q = krealloc(q, 5000);		/* large: moves */
	KEXPECT(q != NULL);
	KEXPECT_STREQ(q, "keel");
	KEXPECT_EQ(kmalloc_size(q), 5000);
	KEXPECT(kcalloc(UINT64_MAX / 2, 4) == NULL);
	kfree(krealloc(q, 3));
}

KTEST(heap, double_free_and_overflow_are_reported)
{
	struct heap_stats s0, s1;
	char *p = kmalloc(24), *q = kmalloc(40);

	heap_stats(&s0);
	kprintf("# reports of a double free and of a write past the end follow, on purpose\n");
	kfree(p);
	kfree(p);
	q[40] = 'x';
	kfree(q);
	heap_stats(&s1);
	KEXPECT_EQ(s1.errors, s0.errors + 2);
	KEXPECT_EQ(s1.blocks_in_use, s0.blocks_in_use - 2);
}

KTEST(vm, kernel_text_and_rodata_are_read_only)
{
	struct fixup_record r;
	char c = 0;

	KEXPECT_EQ(copy_nofault(__text_start, &c, 1), -EFAULT);
	arch_last_fixup(&r);
	KEXPECT_EQ(r.vector, 14);
	KEXPECT_EQ(r.addr, (uint64_t)__text_start);
	KEXPECT_EQ(r.error & (PF_WRITE | PF_PRESENT), PF_WRITE | PF_PRESENT);
	KEXPECT_EQ(copy_nofault(__rodata_start, &c, 1), -EFAULT);
	KEXPECT_EQ(copy_nofault(&c, __text_start, 1), 0);	/* reading is fine */
}

KTEST(vm, kernel_sections_and_direct_map_have_their_permissions)
{
	struct vm_space *k = vm_kernel_space();
	unsigned prot = 0;

	KEXPECT_EQ(vm_translate(k, (uint64_t)__text_start, NULL, &prot), 0);
	KEXPECT_EQ(prot, VM_EXEC);
	KEXPECT_EQ(vm_translate(k, (uint64_t)__rodata_start, NULL, &prot), 0);
	KEXPECT_EQ(prot, 0);
	KEXPECT_EQ(vm_translate(k, (uint64_t)__data_start, NULL, &prot), 0);
	KEXPECT_EQ(prot, VM_WRITE);
	/* A frame of RAM (not the kernel's own) is RW+NX through the direct map. */
	uint64_t pa = pmm_alloc();
	KEXPECT_EQ(vm_translate(k, (uint64_t)phys_to_virt(pa), NULL, &prot), 0);
	KEXPECT_EQ(prot, VM_WRITE);
	pmm_free(pa);
	/* The direct map reaches the last usable frame. */
	KEXPECT(direct_map_limit() > 4 * FRAME_SIZE);
}

KTEST(vm, kernel_image_alias_in_the_direct_map_cannot_be_written)
{
	struct vm_space *k = vm_kernel_space();
	struct fixup_record r;
	uint64_t text_pa = 0, data_pa = 0;
	unsigned prot = 1;
	char c = 0, *alias;

	KEXPECT_EQ(vm_translate(k, (uint64_t)__text_start, &text_pa, NULL), 0);
	alias = phys_to_virt(text_pa);
	KEXPECT_EQ(vm_translate(k, (uint64_t)alias, NULL, &prot), 0);
	KEXPECT_EQ(prot, 0);				/* read-only, no execute */
	KEXPECT_EQ(copy_nofault(&c, alias, 1), 0);	/* reading is fine */
	KEXPECT_EQ(c, *__text_start);
	KEXPECT_EQ(copy_nofault(alias, &c, 1), -EFAULT);
	arch_last_fixup(&r);
	KEXPECT_EQ(r.vector, 14);
	KEXPECT_EQ(r.addr, (uint64_t)alias);
	KEXPECT_EQ(r.error & (PF_WRITE | PF_PRESENT), PF_WRITE | PF_PRESENT);
	/* Data is written through its own mapping, never through the alias. */
	KEXPECT_EQ(vm_translate(k, (uint64_t)__data_start, &data_pa, NULL), 0);
	KEXPECT_EQ(copy_nofault(phys_to_virt(data_pa), &c, 1), -EFAULT);
}

KTEST(vm, map_translate_protect_unmap)
{
	struct vm_space *as = vm_space_create();
	uint64_t pa = pmm_alloc(), got = 0, va = USER_BASE + 0x10000;
	unsigned prot = 0;

	KEXPECT(as != NULL);
	KEXPECT_EQ(vm_map(as, va, pa, VM_WRITE), 0);
	KEXPECT_EQ(vm_map(as, va, pa, VM_WRITE), -EEXIST);
	KEXPECT_EQ(vm_map(as, 0, pa, VM_WRITE), -EINVAL);
	KEXPECT_EQ(vm_map(as, (uint64_t)__text_start, pa, VM_WRITE), -EINVAL);
	KEXPECT_EQ(vm_translate(as, va + 123, &got, &prot), 0);
	KEXPECT_EQ(got, pa + 123);
	KEXPECT_EQ(prot, VM_WRITE);
	KEXPECT_EQ(vm_protect(as, va, FRAME_SIZE, VM_EXEC), 0);
	KEXPECT_EQ(vm_translate(as, va, NULL, &prot), 0);
	KEXPECT_EQ(prot, VM_EXEC);
	KEXPECT_EQ(vm_protect(as, va, 2 * FRAME_SIZE, 0), -ENOENT);
	KEXPECT_EQ(vm_unmap(as, va, FRAME_SIZE), 0);
	KEXPECT_EQ(vm_translate(as, va, NULL, NULL), -ENOENT);
	KEXPECT(pmm_is_free(pa));		/* the space owned it */
	/* The kernel half is there too. */
	KEXPECT_EQ(vm_translate(as, (uint64_t)__text_start, NULL, NULL), 0);
	vm_space_destroy(as);
}

KTEST(vm, destroy_returns_every_frame)
{
	uint64_t before;
	struct vm_space *as;

	/* The heap keeps the frame of a size class once used; use it before counting. */
	vm_space_destroy(vm_space_create());
	before = ktest_free_frames();
	as = vm_space_create();

	KEXPECT_EQ(vm_alloc(as, USER_BASE, 16 * FRAME_SIZE, VM_WRITE), 0);
	KEXPECT_EQ(vm_alloc(as, USER_END - 4 * FRAME_SIZE, 4 * FRAME_SIZE, VM_WRITE), 0);
	KEXPECT_EQ(vm_alloc(as, 0x40000000, FRAME_SIZE, VM_EXEC), 0);
	KEXPECT(vm_space_frames(as) > 21);
	KEXPECT_EQ(ktest_free_frames(), before - vm_space_frames(as));
	vm_space_destroy(as);
	KEXPECT_EQ(ktest_free_frames(), before);
}

KTEST(vm, kernel_stack_has_an_unmapped_guard)
{
	char *top, c = 1;
	uint64_t before;

	/* The stack area's lower page tables stay once made; make them before counting. */
	kstack_free(kstack_alloc());
	before = ktest_free_frames();
	top = kstack_alloc();

	KEXPECT(top != NULL);
	KEXPECT(kstack_contains((uint64_t)top - 16, 16));
	KEXPECT_EQ(copy_nofault(top - 1, &c, 1), 0);
	KEXPECT_EQ(copy_nofault(top - KSTACK_SIZE, &c, 1), 0);
	KEXPECT_EQ(copy_nofault(top - KSTACK_SIZE - 1, &c, 1), -EFAULT);
	KEXPECT(kernel_stack_guard_hit((uint64_t)top - KSTACK_SIZE - 8) != NULL);
	KEXPECT(!kstack_contains((uint64_t)top - KSTACK_SIZE - 8, 8));
	kstack_free(top);
	KEXPECT_EQ(copy_nofault(top - 1, &c, 1), -EFAULT);
	KEXPECT_EQ(ktest_free_frames(), before);
}

KTEST(vm, boot_stack_guard_hit_is_recovered)
{
	extern char kstack_guard[];
	uint64_t v;

	KEXPECT_EQ(copy_nofault(&v, kstack_guard + 8, 8), -EFAULT);
	KEXPECT(kernel_stack_guard_hit((uint64_t)kstack_guard + 8) != NULL);
}

KTEST(usercopy, bad_addresses_give_efault)
{
	char buf[16];

	KEXPECT_EQ(copy_from_user(buf, NULL, 1), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, (void *)8, 1), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, __data_start, 1), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, phys_to_virt(0x100000), 1), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, (void *)(USER_END - 8), 16), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, (void *)UINT64_MAX, 2), -EFAULT);
	/* In user space but mapped nowhere: the fault is recovered. */
	KEXPECT_EQ(copy_from_user(buf, (void *)0x500000, 4), -EFAULT);
	KEXPECT_EQ(copy_to_user((void *)0x500000, buf, 4), -EFAULT);
	KEXPECT_EQ(copy_to_user(__data_start, buf, 4), -EFAULT);
	KEXPECT_EQ(strncpy_from_user(buf, NULL, sizeof(buf)), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, NULL, 0), -EFAULT);
}

KTEST(usercopy, copies_to_and_from_a_user_space)
{
	struct vm_space *as = vm_space_create(), *old = vm_current();
	char *u = (char *)USER_BASE, buf[32];
	const char *msg = "hello, user";

	KEXPECT_EQ(vm_alloc(as, USER_BASE, 2 * FRAME_SIZE, VM_WRITE), 0);
	KEXPECT_EQ(vm_alloc(as, USER_BASE + 3 * FRAME_SIZE, FRAME_SIZE, 0), 0);
	vm_switch(as);
	KEXPECT_EQ(copy_to_user(u + 100, msg, strlen(msg) + 1), 0);
	KEXPECT_EQ(copy_from_user(buf, u + 100, strlen(msg) + 1), 0);
	KEXPECT_STREQ(buf, msg);
	KEXPECT_EQ(strncpy_from_user(buf, u + 100, sizeof(buf)), (long)strlen(msg));
	KEXPECT_STREQ(buf, msg);
	KEXPECT_EQ(strncpy_from_user(buf, u + 100, 5), -ENAMETOOLONG);
	/* A string running into the unmapped third page. */
	KEXPECT_EQ(copy_to_user(u + 2 * FRAME_SIZE - 4, "abcd", 4), 0);
	KEXPECT_EQ(strncpy_from_user(buf, u + 2 * FRAME_SIZE - 4, sizeof(buf)), -EFAULT);
	/* The fourth page is read-only: the kernel may not write it either (CR0.WP). */
	KEXPECT_EQ(copy_from_user(buf, u + 3 * FRAME_SIZE, 4), 0);
	KEXPECT_EQ(copy_to_user(u + 3 * FRAME_SIZE, buf, 4), -EFAULT);
	/* Copies of words that run into the unmapped page fault in rep movsq, whose fixup
	 * must still end the copy cleanly. The words before the one that crosses into the
	 * page were copied; of that one, nothing (as with any EFAULT, what was copied is not
	 * promised). */
	memset(buf, 'x', sizeof(buf));
	KEXPECT_EQ(copy_to_user(u + 2 * FRAME_SIZE - 13, buf, 29), -EFAULT);
	KEXPECT_EQ(copy_from_user(buf, u + 2 * FRAME_SIZE - 21, 30), -EFAULT);
	memset(buf, 0, sizeof(buf));
	KEXPECT_EQ(copy_from_user(buf, u + 2 * FRAME_SIZE - 13, 8), 0);
	KEXPECT_EQ(buf[0], 'x');
	KEXPECT_EQ(buf[7], 'x');
	vm_switch(old);
	vm_space_destroy(as);
}

KTEST(usercopy, smap_stops_plain_kernel_access_to_user_pages)
{
	struct vm_space *as = vm_space_create(), *old = vm_current();
	char c = 0;
	bool smap = uaccess_smap();

	KEXPECT_EQ(vm_alloc(as, USER_BASE, FRAME_SIZE, VM_WRITE), 0);
	vm_switch(as);
	KEXPECT_EQ(copy_from_user(&c, (void *)USER_BASE, 1), 0);
	/* Without the copy's stac, SMAP faults; without SMAP, the read works. */
	KEXPECT_EQ(copy_nofault(&c, (void *)USER_BASE, 1), smap ? -EFAULT : 0);
	vm_switch(old);
	vm_space_destroy(as);
}

KTEST(mm, mem_info_adds_up)
{
	struct mem_info mi;
	void *p = kmalloc(1000);

	mem_info_get(&mi);
	KEXPECT(mi.total > 0);
	KEXPECT(mi.free <= mi.total);
	KEXPECT(mi.heap_in_use >= 1000);
	KEXPECT(mi.heap_blocks >= 1);
	KEXPECT(mi.heap_held >= mi.heap_in_use);
	kfree(p);
}
