/*
 * What the utilities built for the host (tests/userland/utils.test) need of Keel's
 * runtime beyond POSIX: write_all, and Keel's getopt and qsort in place of the C
 * library's (renamed on the command line, see local.mk), so that the host runs the
 * very code that Keel runs. Included before anything else by -include.
 */
#ifndef KEEL_HOST_COMPAT_H
#define KEEL_HOST_COMPAT_H

#include <sys/types.h>

/* Writes all len bytes, retrying short writes. Returns len, or -1 with errno set. */
ssize_t write_all(int fd, const void *buf, size_t len);

/* The program's name for getopt's messages, as Keel's start() sets it. */
extern const char *progname;

#endif
