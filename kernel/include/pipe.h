/*
 * Pipes (fs/pipe.c): a kernel buffer between a read end and a write end, each an open
 * file. See doc/processes.md, "Pipes".
 */
#ifndef KEEL_PIPE_H
#define KEEL_PIPE_H

struct file;

/*
 * Makes a pipe: *rd its read end (O_RDONLY), *wr its write end (O_WRONLY). Returns 0,
 * -ENOMEM, or -ENFILE when the system's open files are used up.
 */
int pipe_new(struct file **rd, struct file **wr);

#endif
