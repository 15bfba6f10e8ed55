/*
 * Open files: what a file descriptor refers to. A ramfs node with an offset, the console
 * tty, the null device, or the output of a program run over the serial protocol
 * (FILE_PROTO: writes become the session's output stream, reads see end of file).
 * Spawned processes inherit their parent's descriptors, sharing the open file (and its
 * offset), as after fork in Unix.
 */
#ifndef KEEL_FILE_H
#define KEEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#define FILE_MAX	256		/* open files in the whole system */

/* FILE_SOCKET: a UDP or ICMP socket (net.h); sendto and recvfrom serve, read and write refuse. */
enum file_kind { FILE_RAMFS, FILE_TTY, FILE_NULL, FILE_PROTO, FILE_SOCKET };

struct ramfs_node;

struct file {
	enum file_kind kind;
	unsigned refs;			/* descriptors that share it */
	int flags;			/* open's flags: access mode, O_APPEND */
	uint64_t off;			/* ramfs: the position; a directory's next entry */
	struct ramfs_node *node;	/* ramfs only */
	struct socket *sock;		/* FILE_SOCKET only */
};

/* Returns a new open file with one reference, or NULL when FILE_MAX are open or memory is short. */
struct file *file_new(enum file_kind kind, int flags, struct ramfs_node *node);

/* Adds a reference. */
struct file *file_dup(struct file *f);

/* Drops a reference; the last one closes the file. NULL is ignored. */
void file_put(struct file *f);

#endif
