/*
 * The console tty: COM1 with a line discipline for user programs (echo, erase, ^U, ^C,
 * ^D) or, when a program asks, raw bytes. See doc/processes.md, "The console".
 */
#ifndef KEEL_TTY_H
#define KEEL_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TTY_LINE_MAX	256	/* bytes of the line being edited, its newline included */

/* Takes COM1's input over from the kernel console, in cooked mode. */
void tty_init(void);

/*
 * Takes one received byte through the line discipline, in the serial interrupt handler.
 * tty_init makes it COM1's receive handler; the serial protocol (proto.h) puts itself in
 * front and hands on what is not a frame.
 */
void tty_input(uint8_t c);

/*
 * Reads into the kernel buffer buf: in cooked mode up to one line (blocking until a line
 * is complete), in raw mode what has come (blocking until a byte has). Returns the count,
 * 0 at end of file (^D on an empty line), -EINTR when the reader is killed, or -EIO when
 * the console is not the reader's session's (tty_may_use), now or after a hang-up.
 */
long tty_read(char *buf, size_t len);

/* Writes len bytes for a user program ("\n" becomes "\r\n"). Returns len. */
long tty_write(const char *buf, size_t len);

/* Sets TTY_COOKED or TTY_RAW for the process pid. Returns the old mode, or -EINVAL. */
int tty_set_mode(int mode, int pid);

/* Makes pgid the foreground process group, which ^C interrupts (0: none). */
void tty_set_foreground(int pgid);

/* Returns the foreground process group, 0 for none. */
int tty_foreground(void);

/*
 * The session the console belongs to: 0 while none has claimed it since boot (then
 * anyone may use it, as before sessions), TTY_HUNG_UP after its session ended and until
 * another claims it, else the session's number. Only processes of that session may read
 * it; writing needs that or root (doc/processes.md, "Sessions").
 */
#define TTY_HUNG_UP	(-1)
int tty_session(void);
/* Gives the console to the session sid (its leader asked, tcsetpgrp). */
void tty_claim(int sid);
/*
 * Takes the console from its session: TTY_HUNG_UP, no foreground group, cooked mode, and
 * all input thrown away, so nothing typed for the next login reaches the old session;
 * readers waiting wake and fail. proc_hangup signals the session's processes.
 */
void tty_hangup(void);
/* Whether the running process may read (write: false) the console now. */
bool tty_may_use(bool write);
/* A process ends: raw mode it asked for ends. */
void tty_proc_exit(int pid);

/* The operations of the console as an open file, /dev/tty (fs/dev.c). */
struct file;
extern const struct file_ops tty_fops;

/* Whether f is the console tty (for tcsetpgrp). */
bool tty_file(const struct file *f);

#endif
