/*
 * Touching user memory from the kernel. Every access to user space goes through these:
 * they check that the range is user space and recover from a fault inside the copy
 * (through the exception table, arch/x86_64/trap.c), so a bad pointer from a program is
 * -EFAULT, never a kernel crash. With SMAP on they are also the only way in.
 */
#ifndef KEEL_UACCESS_H
#define KEEL_UACCESS_H

#include <stddef.h>
#include <stdbool.h>
#include "lib.h"

/* Called by mm_init: whether SMAP is on, so the copies open user access around themselves. */
void uaccess_init(bool smap);

/* Returns whether SMAP guards user pages (the CPU has it and it is on). */
bool uaccess_smap(void);

/*
 * Copies n bytes from the user address usrc to dst. Returns 0, or -EFAULT when the range
 * is not all in user space or a page of it cannot be read (dst may then be partly written).
 */
int copy_from_user(void *dst, const void *usrc, size_t n);

/* Copies n bytes from src to the user address udst. Returns 0 or -EFAULT, as above. */
int copy_to_user(void *udst, const void *src, size_t n);

/*
 * Copies the NUL-terminated string at usrc into dst, which has room for max bytes, NUL
 * included. Returns the string's length, -EFAULT for a bad address, or -ENAMETOOLONG when
 * no NUL comes within max bytes. Reads no page beyond the one holding the NUL.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t max);

/*
 * Copies n bytes between kernel addresses, returning -EFAULT instead of faulting when
 * either side is unmapped or not writable (for tests and debuggers).
 */
int copy_nofault(void *dst, const void *src, size_t n);

/*
 * Where the data of a read go or those of a write come from: user memory, every access
 * checked, or a kernel buffer. File operations move data through these two calls, so the
 * same code serves a system call and the kernel's own reads (the loader, the protocol),
 * and no data wait in a shared buffer.
 */
struct iobuf {
	void *base;
	bool user;
};

/* Copies n bytes from src to offset at of b. Returns 0 or -EFAULT. */
static inline int iobuf_put(const struct iobuf *b, size_t at, const void *src, size_t n)
{
	if (b->user)
		return copy_to_user((char *)b->base + at, src, n);
	memcpy((char *)b->base + at, src, n);
	return 0;
}

/* Copies n bytes from offset at of b to dst. Returns 0 or -EFAULT. */
static inline int iobuf_get(const struct iobuf *b, size_t at, void *dst, size_t n)
{
	if (b->user)
		return copy_from_user(dst, (const char *)b->base + at, n);
	memcpy(dst, (const char *)b->base + at, n);
	return 0;
}

#endif
