/*
 * Memory and string functions of Keel's C runtime: those of keel/string.h, which the
 * kernel shares (kernel/lib/string.c), and those that need the runtime (userland/lib).
 */
#ifndef KEEL_USER_STRING_H
#define KEEL_USER_STRING_H

#include <stddef.h>
#include <keel/string.h>

/* Returns a copy of s from malloc, or NULL when there is no memory (userland/lib/string.c). */
char *strdup(const char *s);

/* Returns the message for an error number ("No such file or directory"). */
char *strerror(int errnum);

#endif
