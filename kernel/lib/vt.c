/*
 * The terminal emulator of vt.h: a three-state parser (text, after ESC, inside a CSI
 * sequence, as ECMA-48 5.4 shapes control sequences) driving a cursor over a cell grid.
 * The cursor may stand one past the last column ("pending wrap", as a VT100 does), so
 * that a line of exactly cols characters followed by CR LF does not leave an empty line.
 */
#include "lib.h"
#include "vt.h"

#define ESC	0x1b
#define CAN	0x18	/* ECMA-48 8.3.6 and 8.3.148: both cancel a sequence */
#define SUB	0x1a

const uint32_t vt_palette[16] = {
	0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
	0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

static void mark(struct vt *vt, unsigned y)
{
	vt->dirty[y] = true;
}

static void mark_all(struct vt *vt)
{
	for (unsigned y = 0; y < vt->rows; y++)
		vt->dirty[y] = true;
}

/* The attribute new and erased cells get: SGR colours, bold as bright, reverse swapped. */
static uint8_t cur_attr(const struct vt *vt)
{
	uint8_t fg = vt->fg | (vt->bold ? VT_BRIGHT : 0), bg = vt->bg;

	return vt->reverse ? VT_ATTR(bg, fg) : VT_ATTR(fg, bg);
}

/* Blanks columns [x0, x1) of row y. */
static void erase_cells(struct vt *vt, unsigned y, unsigned x0, unsigned x1)
{
	struct vt_cell blank = { ' ', cur_attr(vt) };

	for (unsigned x = x0; x < x1; x++)
		*vt_cell_at(vt, x, y) = blank;
	mark(vt, y);
}

/* Moves every line up by one and blanks the bottom one. */
static void scroll_up(struct vt *vt)
{
	memmove(vt->cells, vt->cells + vt->cols,
		(size_t)(vt->rows - 1) * vt->cols * sizeof(*vt->cells));
	erase_cells(vt, vt->rows - 1, 0, vt->cols);
	mark_all(vt);
	vt->scrolls++;
}

static void line_feed(struct vt *vt)
{
	if (vt->y + 1 < vt->rows)
		vt->y++;
	else
		scroll_up(vt);
}

static void put_char(struct vt *vt, uint8_t c)
{
	if (vt->x >= vt->cols) {	/* the pending wrap happens now */
		vt->x = 0;
		line_feed(vt);
	}
	*vt_cell_at(vt, vt->x, vt->y) = (struct vt_cell){ c, cur_attr(vt) };
	mark(vt, vt->y);
	vt->x++;
}

/* C0 control characters (ECMA-48 8.2); the rest of them do nothing. */
static void control(struct vt *vt, uint8_t c)
{
	switch (c) {
	case '\r':
		vt->x = 0;
		break;
	case '\n':
	case '\v':
	case '\f':
		line_feed(vt);
		break;
	case '\b':
		/* From a pending wrap, back from the last column, as xterm and Linux do. */
		vt->x = MIN(vt->x, vt->cols - 1);
		if (vt->x > 0)
			vt->x--;
		break;
	case '\t':
		vt->x = MIN((vt->x / VT_TAB + 1) * VT_TAB, vt->cols - 1);
		break;
	}
	mark(vt, vt->y);	/* the cursor moved; its old row is marked where it moves */
}

/* The n-th parameter, or def when it is missing or 0 (ECMA-48 5.4.2: 0 means default). */
static unsigned param(const struct vt *vt, unsigned n, unsigned def)
{
	return n < vt->nparams && vt->params[n] ? vt->params[n] : def;
}

static void move_to(struct vt *vt, unsigned x, unsigned y)
{
	mark(vt, vt->y);
	vt->x = MIN(x, vt->cols - 1);
	vt->y = MIN(y, vt->rows - 1);
	mark(vt, vt->y);
}

/* ECMA-48 8.3.29 (ED) and 8.3.41 (EL): 0 from the cursor on, 1 up to it, 2 all. */
static void erase(struct vt *vt, bool display)
{
	unsigned mode = vt->nparams ? vt->params[0] : 0, x = MIN(vt->x, vt->cols - 1);

	if (mode > 2)
		return;
	if (mode == 0)
		erase_cells(vt, vt->y, x, vt->cols);
	else if (mode == 1)
		erase_cells(vt, vt->y, 0, x + 1);
	else
		erase_cells(vt, vt->y, 0, vt->cols);
	if (!display)
		return;
	for (unsigned y = 0; y < vt->rows; y++)
		if ((mode != 1 && y > vt->y) || (mode != 0 && y < vt->y))
			erase_cells(vt, y, 0, vt->cols);
}

/* ECMA-48 8.3.117 (SGR), the ISO 6429 colours and their common bright extension. */
static void sgr_one(struct vt *vt, unsigned p)
{
	if (p == 0) {
		vt->fg = VT_WHITE;
		vt->bg = VT_BLACK;
		vt->bold = vt->reverse = false;
	} else if (p == 1) {
		vt->bold = true;
	} else if (p == 7) {
		vt->reverse = true;
	} else if (p == 22) {
		vt->bold = false;
	} else if (p == 27) {
		vt->reverse = false;
	} else if (p >= 30 && p <= 37) {
		vt->fg = (uint8_t)(p - 30);
	} else if (p == 39) {
		vt->fg = VT_WHITE;
	} else if (p >= 40 && p <= 47) {
		vt->bg = (uint8_t)(p - 40);
	} else if (p == 49) {
		vt->bg = VT_BLACK;
	} else if (p >= 90 && p <= 97) {
		vt->fg = (uint8_t)(p - 90 + VT_BRIGHT);
	} else if (p >= 100 && p <= 107) {
		vt->bg = (uint8_t)(p - 100 + VT_BRIGHT);
	}
}

static void sgr(struct vt *vt)
{
	if (vt->nparams == 0)
		sgr_one(vt, 0);
	for (unsigned i = 0; i < vt->nparams; i++)
		sgr_one(vt, vt->params[i]);
}

/* A complete CSI sequence with its final byte. Private ones (ESC [ ? ...) are ignored. */
static void csi_final(struct vt *vt, uint8_t final)
{
	unsigned n = param(vt, 0, 1), x = MIN(vt->x, vt->cols - 1);

	if (vt->private)
		return;
	switch (final) {
	case 'A': move_to(vt, x, vt->y > n ? vt->y - n : 0); break;
	case 'B': move_to(vt, x, vt->y + n); break;
	case 'C': move_to(vt, x + n, vt->y); break;
	case 'D': move_to(vt, x > n ? x - n : 0, vt->y); break;
	case 'G': move_to(vt, n - 1, vt->y); break;
	case 'H':
	case 'f': move_to(vt, param(vt, 1, 1) - 1, n - 1); break;
	case 'J': erase(vt, true); break;
	case 'K': erase(vt, false); break;
	case 'm': sgr(vt); break;
	}
}

/* One byte inside ESC [ ... : parameters, intermediates, or the final byte (ECMA-48 5.4). */
static void csi_byte(struct vt *vt, uint8_t c)
{
	if (c >= '0' && c <= '9') {
		if (vt->nparams == 0)
			vt->nparams = 1;
		if (vt->nparams <= VT_PARAMS_MAX) {
			unsigned *p = &vt->params[vt->nparams - 1];
			*p = MIN(*p * 10 + (c - '0'), (unsigned)VT_PARAM_MAX);
		}
	} else if (c == ';') {
		if (vt->nparams == 0)
			vt->nparams = 1;	/* ";5" is an empty first parameter, then 5 */
		if (vt->nparams < VT_PARAMS_MAX)
			vt->params[vt->nparams] = 0;
		vt->nparams++;
	} else if (c >= 0x3c && c <= 0x3f) {
		vt->private = true;		/* '<' '=' '>' '?': private parameters */
	} else if (c >= 0x40 && c <= 0x7e) {
		vt->nparams = MIN(vt->nparams, (unsigned)VT_PARAMS_MAX);
		csi_final(vt, c);
		vt->state = VT_GROUND;
	} else if (c < 0x20 || c > 0x7e) {
		vt->state = VT_GROUND;		/* not a sequence after all: drop it */
	}
	/* 0x20-0x2f (intermediates) and ':' are consumed; no sequence here uses them */
}

static void start_csi(struct vt *vt)
{
	vt->state = VT_CSI;
	vt->nparams = 0;
	vt->private = false;
	memset(vt->params, 0, sizeof(vt->params));
}

static void vt_byte(struct vt *vt, uint8_t c)
{
	if (c == CAN || c == SUB) {
		vt->state = VT_GROUND;
		return;
	}
	if (c == ESC) {		/* ESC always starts again, even inside a sequence */
		vt->state = VT_ESC;
		return;
	}
	switch (vt->state) {
	case VT_ESC:
		if (c == '[')
			start_csi(vt);
		else
			vt->state = VT_GROUND;	/* ESC and one byte: nothing we implement */
		return;
	case VT_CSI:
		if (c < 0x20 && c != ESC)
			control(vt, c);		/* ECMA-48 5.4: controls inside act at once */
		else
			csi_byte(vt, c);
		return;
	case VT_GROUND:
		if (c < 0x20 || c == 0x7f)
			control(vt, c);
		else
			put_char(vt, c);
		return;
	}
}

void vt_write(struct vt *vt, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		vt_byte(vt, (uint8_t)s[i]);
}

void vt_init(struct vt *vt, struct vt_cell *cells, unsigned cols, unsigned rows)
{
	memset(vt, 0, sizeof(*vt));
	vt->cells = cells;
	vt->cols = MIN(MAX(cols, 1u), (unsigned)VT_COLS_MAX);
	vt->rows = MIN(MAX(rows, 1u), (unsigned)VT_ROWS_MAX);
	vt->fg = VT_WHITE;
	vt->bg = VT_BLACK;
	for (unsigned y = 0; y < vt->rows; y++)
		erase_cells(vt, y, 0, vt->cols);
}

void vt_clean(struct vt *vt)
{
	memset(vt->dirty, 0, sizeof(vt->dirty));
	vt->scrolls = 0;
}
