/*
 * The screen console's terminal emulator (lib/vt.c): the subset of a VT100/ECMA-48
 * terminal that the shell and the programs use, applied to a grid of character cells.
 * It knows no hardware: a driver (drivers/screen.c) draws the cells the emulator marks
 * as changed, and the host unit tests read the grid directly.
 *
 * Understood: CR, LF, BS, TAB (stops every 8 columns), BEL (ignored); ESC [ n A/B/C/D
 * (cursor up, down, forward, back), ESC [ r;c H and f (position), ESC [ n G (column),
 * ESC [ n J and K (erase in display and line: 0 to the end, 1 from the start, 2 all), and
 * ESC [ ... m (SGR: 0 reset, 1 bold as bright, 7 reverse, 22, 27, 30-37/39 foreground,
 * 40-47/49 background, 90-97 and 100-107 bright). Anything else is consumed and ignored,
 * so a sequence the emulator does not know never prints as garbage.
 */
#ifndef KEEL_VT_H
#define KEEL_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VT_ROWS_MAX	128	/* a 2048-pixel-tall screen of 16-pixel glyphs */
#define VT_COLS_MAX	320	/* a 2560-pixel-wide one of 8-pixel glyphs */
#define VT_PARAMS_MAX	8	/* numbers in one CSI sequence; more are ignored */
#define VT_PARAM_MAX	9999	/* a larger number is taken as this */
#define VT_TAB		8

/* The 8 ANSI colours, in SGR order; +8 is the bright variant. */
enum vt_colour { VT_BLACK, VT_RED, VT_GREEN, VT_YELLOW, VT_BLUE, VT_MAGENTA, VT_CYAN, VT_WHITE };
#define VT_BRIGHT	8
#define VT_ATTR(fg, bg)	((uint8_t)((fg) | (bg) << 4))
#define VT_ATTR_FG(a)	((a) & 0x0f)
#define VT_ATTR_BG(a)	(((a) >> 4) & 0x0f)
#define VT_ATTR_DEFAULT	VT_ATTR(VT_WHITE, VT_BLACK)	/* light grey on black, as VGA */

/*
 * The colours as 0xRRGGBB, by VT colour number: the VGA text palette, which Linux's
 * console uses too. The screen driver and the tests' renderer both draw with it.
 */
extern const uint32_t vt_palette[16];

/* One character cell: the byte shown (the font's code page) and its colours. */
struct vt_cell {
	uint8_t ch;
	uint8_t attr;	/* VT_ATTR(fg, bg) */
};

enum vt_state { VT_GROUND, VT_ESC, VT_CSI };

struct vt {
	unsigned cols, rows;
	struct vt_cell *cells;		/* rows * cols, row by row; the caller's memory */
	unsigned x, y;			/* the cursor; x == cols means "wrap before the next" */
	uint8_t fg, bg;			/* SGR colours for new text, without reverse */
	bool bold, reverse;
	enum vt_state state;
	unsigned params[VT_PARAMS_MAX];
	unsigned nparams;
	bool private;			/* a CSI with '?' (or another private marker) */
	bool dirty[VT_ROWS_MAX];	/* rows changed since vt_clean */
	unsigned scrolls;		/* lines scrolled since vt_clean */
};

/*
 * Starts an emulator on cells (rows * cols of them, at most VT_ROWS_MAX by VT_COLS_MAX;
 * larger sizes are cut to that), cleared, cursor at the top left, every row dirty.
 */
void vt_init(struct vt *vt, struct vt_cell *cells, unsigned cols, unsigned rows);

/* Applies len bytes of output: text, control characters and escape sequences. */
void vt_write(struct vt *vt, const char *s, size_t len);

/* Returns the cell at column x, row y (both in range). */
static inline struct vt_cell *vt_cell_at(struct vt *vt, unsigned x, unsigned y)
{
	return &vt->cells[y * vt->cols + x];
}

/* Forgets which rows changed and how many lines scrolled (a driver drew them). */
void vt_clean(struct vt *vt);

#endif
