/* Self-tests of the kernel library and the boot information, as built for the kernel. */
#include "bootinfo.h"
#include "ktest.h"
#include "ring.h"
#include <keel/multiboot2.h>

KTEST(kprintf, conversions_in_the_kernel_build)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lx", -42, 7u, 0xabu, 0x1234UL);
	KEXPECT_STREQ(buf, "-42|    7|ab  |00001234");
	ksnprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80100000UL);
	KEXPECT_STREQ(buf, "0xffffffff80100000");
	KEXPECT_EQ(ksnprintf(buf, 4, "%s", "truncated"), 9);
	KEXPECT_STREQ(buf, "tru");
}

KTEST(ring, wraps_and_counts_drops)
{
	static struct ring r;

	for (int i = 0; i < RING_SIZE; i++)
		KEXPECT(ring_put(&r, (uint8_t)i));
	KEXPECT(!ring_put(&r, 0));
	KEXPECT_EQ(r.dropped, 1);
	for (int i = 0; i < RING_SIZE; i++)
		KEXPECT_EQ(ring_get(&r), (uint8_t)i);
	KEXPECT_EQ(ring_get(&r), -1);
}

KTEST(bootinfo, grub_gave_a_sound_list)
{
	const struct bootinfo *bi = bootinfo_get();
	size_t available = 0;

	KEXPECT(bi->total_size >= 16);
	KEXPECT(cmdline_has(bi->cmdline, "ktest"));
	KEXPECT(strncmp(bi->loader, "GRUB", 4) == 0);
	for (size_t i = 0; i < bi->mmap_count; i++)
		available += bi->mmap[i].type == MB2_MEM_AVAILABLE;
	KEXPECT(available > 0);
}
