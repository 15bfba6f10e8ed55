/*
 * copy_from_user and friends (uaccess.h): range checks here, the fault recovery in the
 * copy itself (arch_copy, whose instruction is in the exception table).
 */
#include "arch.h"
#include "lib.h"
#include "memlayout.h"
#include "uaccess.h"
#include <keel/errno.h>

static struct {
	bool smap;
} uaccess;

void uaccess_init(bool smap)
{
	uaccess.smap = smap;
}

bool uaccess_smap(void)
{
	return uaccess.smap;
}

/* Whether [addr, addr + n) lies inside user space (DESIGN.md: from USER_BASE up). */
static bool user_range(const void *addr, size_t n)
{
	uint64_t a = (uint64_t)addr;

	return a >= USER_BASE && a <= USER_END && n <= USER_END - a;
}

/* Returns the bytes not copied, with user access opened for the copy when SMAP is on. */
static size_t copy_user(void *dst, const void *src, size_t n)
{
	return arch_copy(dst, src, n, uaccess.smap);
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range(usrc, n))
		return -EFAULT;
	return copy_user(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range(udst, n))
		return -EFAULT;
	return copy_user(udst, src, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	size_t done = 0;

	while (done < max) {
		/* A page at a time: a page can be read whole or not at all. */
		const char *from = usrc + done;
		size_t chunk = MIN(max - done, PAGE_SIZE - (uint64_t)from % PAGE_SIZE);
		if (!user_range(from, chunk) || copy_user(dst + done, from, chunk) != 0)
			return -EFAULT;
		size_t len = strnlen(dst + done, chunk);
		if (len < chunk)
			return (long)(done + len);
		done += chunk;
	}
	if (max > 0)
		dst[max - 1] = '\0';
	return -ENAMETOOLONG;
}

int copy_nofault(void *dst, const void *src, size_t n)
{
	return arch_copy(dst, src, n, false) ? -EFAULT : 0;
}
