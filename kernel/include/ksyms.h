/* The kernel's own symbol table, built at link time (kernel/ksyms.sh), for backtraces. */
#ifndef KEEL_KSYMS_H
#define KEEL_KSYMS_H

#include <stdint.h>

/*
 * Returns the name of the function that holds the code address addr and sets *offset to
 * addr's distance from the function's start; returns NULL when addr is outside kernel text.
 */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* Returns the address of the function called name, or 0. */
uint64_t ksym_address(const char *name);

#endif
