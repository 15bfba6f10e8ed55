/*
 * Keyboard scan codes into the bytes a serial terminal would send (lib/kbd.c), so that
 * the tty and the shell's line editor cannot tell the keyboard from the serial line:
 * Enter is CR, Backspace is DEL, Ctrl+letter its control character, Alt+key ESC and the
 * key, the arrows, Home, End and Delete the VT220/xterm sequences (ESC [ A, ESC [ H,
 * ESC [ 3 ~, ...). The input is scan code set 1, what an 8042 controller delivers with
 * translation on (IBM PS/2 Technical Reference; OSDev "PS/2 Keyboard"). No hardware here:
 * the driver is drivers/ps2kbd.c, and the host unit tests feed codes directly.
 */
#ifndef KEEL_KBD_H
#define KEEL_KBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KBD_OUT_MAX	8	/* bytes one scan code can produce */

/*
 * The keys that differ between layouts, in this order of their set 1 codes: the number
 * row 0x02-0x0d, the rows 0x10-0x1b and 0x1e-0x29, 0x2b, the row 0x2c-0x35, and the
 * 102nd key 0x56 (left of Z on ISO keyboards).
 */
#define KBD_LAYOUT_KEYS	48
#define KBD_NONE	'\x01'	/* in a layout: the key types nothing at this level */

/* A layout: KBD_LAYOUT_KEYS bytes for each level; altgr NULL when AltGr is plain Alt. */
struct kbd_layout {
	const char *name;
	const char *plain, *shift, *altgr;
};

struct kbd {
	const struct kbd_layout *layout;
	bool lshift, rshift, lctrl, rctrl, alt, altgr, caps;
	bool e0;		/* the previous byte was the 0xe0 prefix */
	unsigned skip;		/* bytes of a Pause sequence (0xe1 ...) still to swallow */
};

/* Starts with no key down and the layout named (see kbd_layout_find), or "us". */
void kbd_init(struct kbd *k, const char *layout);

/* Returns the layout called name ("us", "de"), or NULL. */
const struct kbd_layout *kbd_layout_find(const char *name);

/* The names of every layout, for messages: "us de". */
extern const char kbd_layout_names[];

/*
 * Takes one byte from the controller. Writes what the key types to out (up to
 * KBD_OUT_MAX bytes) and returns the count: 0 for a release, a modifier, a prefix, or a
 * key that types nothing.
 */
size_t kbd_scancode(struct kbd *k, uint8_t code, char out[KBD_OUT_MAX]);

#endif
