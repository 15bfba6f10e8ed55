/*
 * The screen half of the console (drivers/screen.c): the text a terminal would show,
 * drawn with the 8x16 console font on the linear framebuffer GRUB set up, or as
 * characters on an EGA text screen (0xb8000) when that is what GRUB left. See
 * doc/screen.md.
 */
#ifndef KEEL_SCREEN_H
#define KEEL_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include "bootinfo.h"

/*
 * Takes the screen the boot information describes, through the boot direct map, so that
 * what is printed from now on is shown (or kept until screen_start, see screen.c).
 * Returns false, and shows nothing, when there is no screen it can draw on (an indexed
 * palette, a depth other than 15 to 32 bits, one beyond the direct map).
 */
bool screen_init(const struct boot_framebuffer *fb);

/*
 * Maps the framebuffer write-combining (after the memory manager, before the first
 * process) and starts the clock-driven redraw. Logs a line with boot_log's words.
 */
void screen_start(bool quiet);

/* Whether screen_init found a screen. */
bool screen_present(void);

/* Shows len bytes of console output: text, controls and ANSI escape sequences (vt.h). */
void screen_write(const char *s, size_t len);

/*
 * A fatal report follows: from now on every write is drawn at once, without the lock
 * (which the code that faulted may hold), so the report is on the screen before the CPU
 * stops, on a machine with no serial port.
 */
void screen_fatal(void);

#endif
