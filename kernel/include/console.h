/*
 * The kernel console: where kprintf's output goes and where typed input comes from. Today
 * it is COM1; the console hides which device that is.
 */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <stddef.h>

/* Writes len bytes to the console, translating "\n" into "\r\n". Safe with interrupts off. */
void console_write(const char *s, size_t len);

/*
 * Writes len bytes of user output (the tty) as console_write does. Kernel and user
 * output each start on a fresh line when the other left one unfinished.
 */
void console_write_user(const char *s, size_t len);

/* Returns the next byte typed at the console, or -1 when none is waiting. Never blocks. */
int console_getc(void);

#endif
