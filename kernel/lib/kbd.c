/*
 * Scan code set 1 into terminal bytes (kbd.h). A key's make code is below 0x80 and its
 * break code is the same with bit 7 set; 0xe0 prefixes the keys a 101-key keyboard added
 * (the arrows, the right Ctrl and Alt); 0xe1 starts the six bytes of Pause, which has no
 * break (IBM PS/2 Hardware Interface Technical Reference, "Keyboard Scan Code Set 1";
 * OSDev "PS/2 Keyboard").
 *
 * Layouts list only the keys that differ between countries; Esc, Backspace, Tab, Enter,
 * the space bar and the keypad are the same everywhere and live in the code. Keys that
 * would type a letter outside ASCII (German umlauts, the section sign) type nothing: the
 * console speaks ASCII on both of its lines.
 */
#include "kbd.h"
#include "lib.h"

#define ESC		0x1b
#define DEL		0x7f
#define BREAK		0x80
#define PREFIX_E0	0xe0
#define PREFIX_E1	0xe1
#define PAUSE_TAIL	5	/* bytes after 0xe1 in Pause: 1d 45 e1 9d c5 */

/* Set 1 make codes of the keys the code knows by name. */
enum {
	SC_ESC = 0x01, SC_BACKSPACE = 0x0e, SC_TAB = 0x0f, SC_ENTER = 0x1c, SC_CTRL = 0x1d,
	SC_LSHIFT = 0x2a, SC_RSHIFT = 0x36, SC_KP_STAR = 0x37, SC_ALT = 0x38, SC_SPACE = 0x39,
	SC_CAPS = 0x3a, SC_KP_FIRST = 0x47, SC_KP_LAST = 0x53,
	/* after 0xe0 */
	SC_KP_SLASH = 0x35, SC_HOME = 0x47, SC_UP = 0x48, SC_PGUP = 0x49, SC_LEFT = 0x4b,
	SC_RIGHT = 0x4d, SC_END = 0x4f, SC_DOWN = 0x50, SC_PGDN = 0x51, SC_INSERT = 0x52,
	SC_DELETE = 0x53,
};

#define NO "\x01"	/* KBD_NONE inside the strings below */

static const struct kbd_layout layouts[] = {
	{
		.name = "us",
		.plain = "1234567890-=" "qwertyuiop[]" "asdfghjkl;'`" "\\" "zxcvbnm,./" "\\",
		.shift = "!@#$%^&*()_+" "QWERTYUIOP{}" "ASDFGHJKL:\"~" "|" "ZXCVBNM<>?" "|",
		.altgr = NULL,
	},
	{
		/* German T1 (DIN 2137): Z and Y swapped, symbols moved, AltGr for @ { [ ] } \ ~ | */
		.name = "de",
		.plain = "1234567890" NO NO "qwertzuiop" NO "+" "asdfghjkl" NO NO "^" "#"
			 "yxcvbnm,.-" "<",
		.shift = "!\"" NO "$%&/()=?`" "QWERTZUIOP" NO "*" "ASDFGHJKL" NO NO NO "'"
			 "YXCVBNM;:_" ">",
		.altgr = NO NO NO NO NO NO "{[]}\\" NO "@" NO NO NO NO NO NO NO NO NO NO "~"
			 NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO NO "|",
	},
};

const char kbd_layout_names[] = "us de";

const struct kbd_layout *kbd_layout_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (strcmp(layouts[i].name, name) == 0)
			return &layouts[i];
	return NULL;
}

void kbd_init(struct kbd *k, const char *layout)
{
	const struct kbd_layout *l = layout ? kbd_layout_find(layout) : NULL;

	memset(k, 0, sizeof(*k));
	k->layout = l ? l : &layouts[0];
}

/* Where a set 1 code is in a layout's strings, or -1 for a key all layouts share. */
static int layout_index(uint8_t code)
{
	if (code >= 0x02 && code <= 0x0d)
		return code - 0x02;
	if (code >= 0x10 && code <= 0x1b)
		return 12 + code - 0x10;
	if (code >= 0x1e && code <= 0x29)
		return 24 + code - 0x1e;
	if (code == 0x2b)
		return 36;
	if (code >= 0x2c && code <= 0x35)
		return 37 + code - 0x2c;
	if (code == 0x56)
		return 47;
	return -1;
}

static size_t put_str(char out[KBD_OUT_MAX], const char *s)
{
	size_t n = strlen(s);

	memcpy(out, s, n);
	return n;
}

/* The keys after 0xe0 that type something: the VT220 sequences the line editor knows. */
static size_t extended_key(struct kbd *k, uint8_t code, char out[KBD_OUT_MAX])
{
	switch (code) {
	case SC_UP:	return put_str(out, "\x1b[A");
	case SC_DOWN:	return put_str(out, "\x1b[B");
	case SC_RIGHT:	return put_str(out, "\x1b[C");
	case SC_LEFT:	return put_str(out, "\x1b[D");
	case SC_HOME:	return put_str(out, "\x1b[H");
	case SC_END:	return put_str(out, "\x1b[F");
	case SC_INSERT:	return put_str(out, "\x1b[2~");
	case SC_DELETE:	return put_str(out, "\x1b[3~");
	case SC_PGUP:	return put_str(out, "\x1b[5~");
	case SC_PGDN:	return put_str(out, "\x1b[6~");
	case SC_ENTER:	out[0] = '\r'; return 1;	/* the keypad's Enter */
	case SC_KP_SLASH: out[0] = '/'; return 1;
	}
	(void)k;
	return 0;
}

/* The byte a key of the layout's part types with the modifiers held, or 0. */
static char layout_char(const struct kbd *k, int i)
{
	const struct kbd_layout *l = k->layout;
	bool shift = k->lshift || k->rshift;
	char c, plain = l->plain[i];

	if (k->altgr && l->altgr)
		c = l->altgr[i];
	else if (shift != (k->caps && plain >= 'a' && plain <= 'z'))
		c = l->shift[i];
	else
		c = plain;
	return c == KBD_NONE ? 0 : c;
}

/* The byte of a key every layout shares, or 0. */
static char common_char(uint8_t code)
{
	static const char keypad[] = "789-456+1230.";	/* 0x47-0x53, as with Num Lock on */

	switch (code) {
	case SC_ESC:		return ESC;
	case SC_BACKSPACE:	return DEL;	/* what terminals send for it */
	case SC_TAB:		return '\t';
	case SC_ENTER:		return '\r';
	case SC_SPACE:		return ' ';
	case SC_KP_STAR:	return '*';
	}
	if (code >= SC_KP_FIRST && code <= SC_KP_LAST)
		return keypad[code - SC_KP_FIRST];
	return 0;
}

/* Shift, Ctrl, Alt, AltGr and Caps Lock: remembers them; returns whether code was one. */
static bool modifier(struct kbd *k, uint8_t code, bool e0, bool down)
{
	switch (code) {
	case SC_LSHIFT:	if (!e0) k->lshift = down; return true;	/* e0 2a: a fake shift */
	case SC_RSHIFT:	if (!e0) k->rshift = down; return true;
	case SC_CTRL:	*(e0 ? &k->rctrl : &k->lctrl) = down; return true;
	case SC_ALT:
		if (e0 && k->layout->altgr)
			k->altgr = down;
		else
			k->alt = down;
		return true;
	case SC_CAPS:
		if (down && !e0)
			k->caps = !k->caps;
		return true;
	}
	return false;
}

/* Ctrl and a key: the control character of a letter or of @ [ \ ] ^ _ (ASCII's rule). */
static char with_ctrl(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	return c >= '@' && c <= '_' ? (char)(c & 0x1f) : c;
}

size_t kbd_scancode(struct kbd *k, uint8_t code, char out[KBD_OUT_MAX])
{
	bool e0 = k->e0, down = !(code & BREAK);
	uint8_t key = code & ~BREAK;
	size_t n = 0;
	char c;
	int i;

	k->e0 = false;
	if (k->skip) {
		k->skip--;
		return 0;
	}
	if (code == PREFIX_E0) {
		k->e0 = true;
		return 0;
	}
	if (code == PREFIX_E1) {
		k->skip = PAUSE_TAIL;
		return 0;
	}
	if (modifier(k, key, e0, down) || !down || key >= 0x59)
		return 0;	/* 0x59 and up: errors (0xff, 0xfa acks, ...) or unknown keys */
	if (e0)
		return extended_key(k, key, out);
	i = layout_index(key);
	c = i >= 0 ? layout_char(k, i) : common_char(key);
	if (c == 0)
		return 0;
	if (k->lctrl || k->rctrl)
		c = with_ctrl(c);
	if (k->alt)
		out[n++] = ESC;		/* Meta sends ESC first, as xterm's metaSendsEscape */
	out[n++] = c;
	return n;
}
