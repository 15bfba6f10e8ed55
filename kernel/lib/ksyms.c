/*
 * Looking up the kernel's functions by address and by name in the table that the second
 * link adds (kernel/ksyms.sh). On the first link there is no table, and the weak symbols
 * below resolve to nothing.
 */
#include "ksyms.h"
#include "lib.h"

struct ksym {
	uint64_t addr;
	const char *name;
};

extern const uint64_t ksyms_count __attribute__((weak));
extern const struct ksym ksyms_table[] __attribute__((weak));
extern const char __text_start[], __text_end[];

/* Binary search for the last function that starts at or below addr. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	if (!&ksyms_count || addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end)
		return NULL;
	size_t lo = 0, hi = ksyms_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	*offset = addr - ksyms_table[lo - 1].addr;
	return ksyms_table[lo - 1].name;
}

uint64_t ksym_address(const char *name)
{
	if (!&ksyms_count)
		return 0;
	for (uint64_t i = 0; i < ksyms_count; i++)
		if (strcmp(ksyms_table[i].name, name) == 0)
			return ksyms_table[i].addr;
	return 0;
}
