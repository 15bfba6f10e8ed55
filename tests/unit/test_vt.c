/*
 * Unit tests of the screen console's terminal emulator (kernel/lib/vt.c) on the host, on
 * a small 10x4 grid: malformed and unknown sequences first (they must be swallowed whole,
 * never printed, and never move the cursor off the grid), then the text, controls, cursor
 * movement, erasing, scrolling and SGR colours that the shell's line editor relies on.
 */
#include <string.h>

#include <lib.h>
#include <vt.h>
#include "tap.h"

#define COLS 10
#define ROWS 4

static struct vt vt;
static struct vt_cell cells[COLS * ROWS];

static void
reset(void)
{
	vt_init(&vt, cells, COLS, ROWS);
}

static void
put(const char *s)
{
	vt_write(&vt, s, strlen(s));
}

/* Row y as a string, trailing blanks dropped. */
static const char *
row(unsigned y)
{
	static char buf[COLS + 1];
	int n = COLS;

	for (unsigned x = 0; x < COLS; x++)
		buf[x] = (char)vt_cell_at(&vt, x, y)->ch;
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

static uint8_t
attr(unsigned x, unsigned y)
{
	return vt_cell_at(&vt, x, y)->attr;
}

static bool
cursor_at(unsigned x, unsigned y)
{
	return vt.x == x && vt.y == y;
}

static void
test_malformed(void)
{
	reset();
	put("a\x1b[99999999999999999999Cb");
	is_str(row(0), "a        b", "a huge count is clamped to the last column");
	reset();
	put("\x1b[1;2;3;4;5;6;7;8;9;10;11;12;31mX");
	is_str(row(0), "X", "more parameters than kept are swallowed");
	reset();
	put("\x1b[?25lA\x1b[>1cB");
	is_str(row(0), "AB", "private sequences are swallowed");
	reset();
	put("\x1b[12\x18Z");
	is_str(row(0), "Z", "CAN cancels a sequence and prints nothing of it");
	reset();
	put("\x1b[5\x1b[2CQ");
	is_str(row(0), "  Q", "ESC inside a sequence starts a new one");
	reset();
	put("\x1b(BX\x1b" "7Y");
	is_str(row(0), "BXY", "ESC and an unknown byte are dropped, the rest is text");
	reset();
	put("\x1b[1$zW");
	is_str(row(0), "W", "an unknown final byte with an intermediate is swallowed");
	reset();
	put("\x1b[3\xc3W");
	is_str(row(0), "W", "a byte outside ECMA-48's range ends a sequence, unprinted");
	reset();
	put("\x1b[9;99H\x1b[99A\x1b[99D@");
	ok(vt_cell_at(&vt, 0, 0)->ch == '@', "moves far off the grid stop at its edges");
	reset();
	put("\x1b[5J\x1b[7KOK");
	is_str(row(0), "OK", "erase with an unknown mode does nothing");
	reset();
	put("\x1b[;3HX");
	ok(vt_cell_at(&vt, 2, 0)->ch == 'X', "an empty first parameter is the default");
	reset();
	put("\x1b");
	put("[");
	put("2");
	put("CY");
	is_str(row(0), "  Y", "a sequence split over writes is still one");
}

static void
test_text_and_controls(void)
{
	reset();
	put("ab\rc");
	is_str(row(0), "cb", "CR returns to the first column");
	reset();
	put("ab\ncd");
	is_str(row(1), "  cd", "LF moves down without returning");
	reset();
	put("abc\b\bX");
	is_str(row(0), "aXc", "BS moves back without erasing");
	reset();
	put("\b\bY");
	is_str(row(0), "Y", "BS stops at the first column");
	reset();
	put("0123456789\bX");
	is_str(row(0), "01234567X9", "BS from a pending wrap goes back from the last column");
	reset();
	put("a\tb");
	is_str(row(0), "a       b", "TAB goes to the next multiple of 8");
	reset();
	put("0123456789");
	ok(cursor_at(COLS, 0), "a full line leaves the wrap pending");
	put("\r\nx");
	is_str(row(1), "x", "CR LF after a full line makes no empty line");
	reset();
	put("0123456789AB");
	is_str(row(1), "AB", "text past the last column wraps");
	reset();
	put("1\r\n2\r\n3\r\n4\r\n5");
	is_str(row(0), "2", "LF on the last row scrolls up");
	is_str(row(3), "5", "and the new bottom row takes the text");
	is_int(vt.scrolls, 1, "the scroll is counted for the driver");
	vt_clean(&vt);
	is_int(vt.scrolls + vt.dirty[0], 0, "vt_clean forgets scrolls and dirty rows");
}

static void
test_cursor_and_erase(void)
{
	reset();
	put("\x1b[2;3HX");
	ok(vt_cell_at(&vt, 2, 1)->ch == 'X', "CUP takes row;column from 1");
	put("\x1b[HY");
	ok(vt_cell_at(&vt, 0, 0)->ch == 'Y', "CUP without parameters is home");
	reset();
	put("abcdef\x1b[3DX");
	is_str(row(0), "abcXef", "CUB moves back n columns");
	put("\x1b[CZ");
	is_str(row(0), "abcXeZ", "CUF without a count moves one");
	put("\x1b[2BQ\x1b[AR");
	is_str(row(1), "       R", "CUU moves up");
	is_str(row(2), "      Q", "CUD moves down");
	put("\x1b[4GS");
	is_str(row(1), "   S   R", "CHA sets the column");
	reset();
	put("abcdef\x1b[3D\x1b[K");
	is_str(row(0), "abc", "EL 0 erases to the end of the line");
	reset();
	put("abcdef\x1b[3D\x1b[1K");
	is_str(row(0), "    ef", "EL 1 erases up to and with the cursor");
	reset();
	put("abc\x1b[2Kx");
	is_str(row(0), "   x", "EL 2 erases the line and leaves the cursor");
	reset();
	put("l0\r\nl1\r\nl2\x1b[2;2H\x1b[J");
	ok(!strcmp(row(0), "l0") && !strcmp(row(1), "l") && !row(2)[0],
	   "ED 0 erases from the cursor to the end");
	reset();
	put("l0\r\nl1\r\nl2\x1b[2;2H\x1b[1J");
	ok(!row(0)[0] && !row(1)[0] && !strcmp(row(2), "l2"),
	   "ED 1 erases from the start to the cursor");
	reset();
	put("l0\r\nl1\x1b[H\x1b[2J");
	ok(!row(0)[0] && !row(1)[0] && cursor_at(0, 0), "ESC[H ESC[2J clears the screen (^L)");
}

static void
test_sgr(void)
{
	reset();
	put("\x1b[31;44mR\x1b[0mN");
	is_int(attr(0, 0), VT_ATTR(VT_RED, VT_BLUE), "SGR 31;44 is red on blue");
	is_int(attr(1, 0), VT_ATTR_DEFAULT, "SGR 0 restores the default");
	reset();
	put("\x1b[1;32mB\x1b[22mb\x1b[mD");
	is_int(attr(0, 0), VT_ATTR(VT_GREEN | VT_BRIGHT, VT_BLACK), "bold is bright");
	is_int(attr(1, 0), VT_ATTR(VT_GREEN, VT_BLACK), "SGR 22 ends bold");
	is_int(attr(2, 0), VT_ATTR_DEFAULT, "ESC[m is SGR 0");
	reset();
	put("\x1b[7mV\x1b[27;93;101mW");
	is_int(attr(0, 0), VT_ATTR(VT_BLACK, VT_WHITE), "reverse swaps the colours");
	is_int(attr(1, 0), VT_ATTR(VT_YELLOW | VT_BRIGHT, VT_RED | VT_BRIGHT),
	       "90-97 and 100-107 are the bright colours");
	reset();
	put("\x1b[42m\x1b[K");
	is_int(attr(5, 0), VT_ATTR(VT_WHITE, VT_GREEN), "erased cells take the background");
	put("\x1b[39;49mx");
	is_int(attr(0, 0), VT_ATTR_DEFAULT, "39 and 49 are the default colours");
}

int
main(void)
{
	test_malformed();
	test_text_and_controls();
	test_cursor_and_erase();
	test_sgr();
	return done_testing();
}
