/*
 * The PS/2 keyboard behind the 8042 controller (drivers/ps2kbd.c): typed keys go into the
 * tty as if they came over the serial line (kbd.h says which bytes).
 */
#ifndef KEEL_KBD_PS2_H
#define KEEL_KBD_PS2_H

#include <stdbool.h>

/*
 * Sets the controller up for IRQ 1 with scan code translation and starts feeding the tty
 * (tty_init must have run), with the layout called layout ("us" when NULL or unknown,
 * with a warning). Returns false when no controller answers.
 */
bool ps2kbd_init(const char *layout);

/* The name of the layout in use. */
const char *ps2kbd_layout(void);

#endif
