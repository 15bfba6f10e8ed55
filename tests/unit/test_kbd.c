/*
 * Unit tests of the scan code translation (kernel/lib/kbd.c) on the host: controller
 * noise and broken sequences first (error codes, acks, a lone prefix, a release with no
 * press, Pause), then that the keyboard types what a serial terminal would send: letters
 * with Shift and Caps Lock, Ctrl and Alt, Enter and Backspace, the arrows and Home, End
 * and Delete as the escapes the line editor reads, and the German layout's differences.
 */
#include <string.h>

#include <kbd.h>
#include <lib.h>
#include "tap.h"

static struct kbd k;

/* Feeds the codes (a string of bytes, NUL-free) and returns everything they typed. */
static const char *
feed(const char *codes, size_t n)
{
	static char typed[256];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		char out[KBD_OUT_MAX];
		size_t got = kbd_scancode(&k, (uint8_t)codes[i], out);
		if (got > KBD_OUT_MAX || len + got >= sizeof(typed))
			return "(overflow)";
		memcpy(typed + len, out, got);
		len += got;
	}
	typed[len] = '\0';
	return typed;
}

#define FEED(s)	feed((s), sizeof(s) - 1)

static void
test_noise(void)
{
	kbd_init(&k, "us");
	is_str(FEED("\xff\xfa\xfe\xaa\xee"), "", "error, ack, resend and self-test bytes type nothing");
	is_str(FEED("\x9e\xb0"), "", "a release without a press types nothing");
	is_str(FEED("\xe0\x1e"), "", "an unknown key after 0xe0 types nothing");
	is_str(FEED("\x1e"), "a", "and the prefix does not stick to the next key");
	is_str(FEED("\xe1\x1d\x45\xe1\x9d\xc5\x1e"), "a", "Pause is swallowed whole");
	is_str(FEED("\xe0\x2a\x1e\xe0\xaa"), "a", "the fake shift of 0xe0 0x2a does not shift");
	is_str(FEED("\x3b\x58\x45"), "", "function keys and Num Lock type nothing");
	ok(kbd_layout_find("xx") == NULL, "an unknown layout is not found");
	kbd_init(&k, "xx");
	ok(k.layout == kbd_layout_find("us"), "kbd_init falls back to us");
}

static void
test_us(void)
{
	kbd_init(&k, "us");
	is_str(FEED("\x23\xa3\x17\x97"), "hi", "press and release type letters");
	is_str(FEED("\x2a\x23\xaa\x17"), "Hi", "Shift types capitals while held");
	is_str(FEED("\x36\x03\xb6"), "@", "the right Shift works too");
	kbd_init(&k, "us");
	is_str(FEED("\x3a\xba\x23\x02"), "H1", "Caps Lock capitalises letters only");
	is_str(FEED("\x2a\x23\xaa\x3a\xba\x23"), "hh", "Shift with Caps Lock gives small letters");
	is_str(FEED("\x1d\x2e\x9d\x2e"), "\x03" "c", "Ctrl+C is ETX");
	is_str(FEED("\xe0\x1d\x20\xe0\x9d"), "\x04", "the right Ctrl+D is EOT");
	is_str(FEED("\x38\x30\xb8"), "\x1b" "b", "Alt sends ESC before the key");
	is_str(FEED("\x1c\x0e\x0f\x01\x39"), "\r\x7f\t\x1b ", "Enter, Backspace, Tab, Esc, space");
	is_str(FEED("\xe0\x48\xe0\xc8\xe0\x50\xe0\x4d\xe0\x4b"), "\x1b[A\x1b[B\x1b[C\x1b[D",
	       "the arrows are ESC [ A-D");
	is_str(FEED("\xe0\x47\xe0\x4f\xe0\x53"), "\x1b[H\x1b[F\x1b[3~",
	       "Home, End and Delete as the line editor reads them");
	is_str(FEED("\x47\x52\x4e\xe0\x35\xe0\x1c"), "70+/\r", "the keypad types digits");
	is_str(FEED("\x2b\x29\x28\x2a\x28\xaa"), "\\`'\"", "the US punctuation keys");
}

static void
test_de(void)
{
	const struct kbd_layout *l;

	kbd_init(&k, "de");
	l = kbd_layout_find("de");
	ok(l && strlen(l->plain) == KBD_LAYOUT_KEYS && strlen(l->shift) == KBD_LAYOUT_KEYS &&
	   strlen(l->altgr) == KBD_LAYOUT_KEYS, "the de layout has every key at every level");
	l = kbd_layout_find("us");
	ok(strlen(l->plain) == KBD_LAYOUT_KEYS && strlen(l->shift) == KBD_LAYOUT_KEYS,
	   "the us layout has every key at every level");
	is_str(FEED("\x15\x2c"), "zy", "de swaps Z and Y");
	is_str(FEED("\x2a\x03\x08\x0b\xaa"), "\"/=", "de's shifted number row");
	is_str(FEED("\xe0\x38\x10\x09\x0c\x56\xe0\xb8"), "@[\\|", "AltGr types @ [ \\ |");
	is_str(FEED("\x38\x10\xb8"), "\x1b" "q", "the left Alt is still Meta");
	is_str(FEED("\x1a\x27\x28"), "", "umlauts type nothing (the console is ASCII)");
	is_str(FEED("\x35\x1b\x2b"), "-+#", "de's minus, plus and hash keys");
}

int
main(void)
{
	test_noise();
	test_us();
	test_de();
	return done_testing();
}
