/* mem: the machine's memory, in KiB: total, used and free, and the kernel heap's share. */
#include <err.h>
#include <keel.h>
#include <stdio.h>

static unsigned long
kib(uint64_t bytes)
{
	return (unsigned long)(bytes / 1024);
}

int
main(void)
{
	struct keel_meminfo m;

	if (meminfo(&m) < 0)
		err(1, "meminfo");
	printf("%-12s %10s %10s %10s\n", "KiB", "total", "used", "free");
	printf("%-12s %10lu %10lu %10lu\n", "memory", kib(m.total), kib(m.total - m.free),
	       kib(m.free));
	printf("kernel heap: %lu KiB in %lu blocks\n", kib(m.heap_in_use),
	       (unsigned long)m.heap_blocks);
	return 0;
}
