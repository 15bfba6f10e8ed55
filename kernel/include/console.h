/*
 * The kernel console: where kprintf's output goes and where typed input comes from. Today
 * it is COM1; the console hides which device that is.
 */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Makes the console the destination of kprintf (kernel/lib, which knows no driver, sends
 * its output where it is told). kmain calls it first; kprintf before it prints nothing.
 */
void console_init(void);

/* Writes len bytes to the console, translating "\n" into "\r\n". Safe with interrupts off. */
void console_write(const char *s, size_t len);

/*
 * Writes len bytes of user output (the tty) as console_write does. Kernel and user
 * output each start on a fresh line when the other left one unfinished.
 */
void console_write_user(const char *s, size_t len);

/*
 * While on, console output is held back, up to CONSOLE_HOLD_MAX bytes (the rest is
 * counted and dropped), so that it cannot corrupt a serial protocol session, which owns
 * the line; turning it off writes what was held. console_raw_write is the session's own
 * way out, byte for byte.
 */
#define CONSOLE_HOLD_MAX	8192
void console_hold(bool on);
void console_raw_write(const void *buf, size_t len);

/*
 * A fatal report (an exception in the kernel, a panic) follows: whatever holds the
 * console's output back (a protocol session) lets go, so the report reaches the line.
 */
void console_fatal(void);

/*
 * The console= word: "serial" writes to COM1 only, "screen" to the screen only (COM1
 * still takes input and carries the serial protocol). Returns 0, -1 for another word,
 * or -2 for "screen" without a screen (COM1 stays on).
 */
int console_select(const char *which);

/* Whether the console writes to a screen (one was found and console=serial was not given). */
bool console_has_screen(void);

/* Returns the next byte typed at the console, or -1 when none is waiting. Never blocks. */
int console_getc(void);

#endif
