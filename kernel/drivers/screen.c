/*
 * The screen of screen.h. Console output goes through the terminal emulator (lib/vt.c)
 * into a grid of cells in memory, the shadow of the screen; a second grid remembers what
 * is drawn, and only cells that differ are drawn again. So a scroll costs a memmove of the
 * cells (not of pixels, which under emulation is slow and on real hardware means reading
 * from the framebuffer) and then a redraw of the cells whose text changed.
 *
 * Redraws after a scroll are moreover limited to one per SCREEN_FLUSH_MS: a program that
 * writes thousands of lines gets one redraw per interval, done by the clock's interrupt,
 * instead of one per line. Writes that do not scroll (typing, the line editor) are drawn
 * at once. After screen_fatal everything is drawn at once.
 *
 * Framebuffer: Multiboot2 spec 3.6.12 (address, pitch, size, depth, and for RGB the
 * position and size of each colour's bits). EGA text: 80x25 cells of a character byte and
 * an attribute byte at 0xb8000; the cursor is the CRT controller's (registers 0x0e and
 * 0x0f at ports 0x3d4/0x3d5; IBM VGA Technical Reference, "CRT Controller Registers").
 */
#include "arch.h"
#include "lib.h"
#include "lock.h"
#include "screen.h"
#include "timer.h"
#include "vt.h"

#define GLYPH_W		8
#define GLYPH_H		16
#define SCREEN_FLUSH_MS	100	/* at most 10 redraws a second after scrolls */
#define CRTC_INDEX	0x3d4
#define CRTC_DATA	0x3d5
#define CRTC_CURSOR_HI	0x0e
#define CRTC_CURSOR_LO	0x0f

extern const uint8_t font8x16[256][GLYPH_H];	/* kernel/gen/font8x16.c, from psf2c */

enum screen_kind { SCREEN_NONE, SCREEN_RGB, SCREEN_TEXT };

/* The VGA attribute's colour order is blue-green-red; ANSI's is red-green-blue. */
static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

static struct {
	struct lock lock;		/* the grids, the emulator and the framebuffer */
	enum screen_kind kind;
	struct vt vt;
	uint8_t *base;			/* the framebuffer, or the text screen */
	uint64_t phys, bytes;
	uint32_t pitch, width, height, bytespp;
	uint32_t pixel[16];		/* vt_palette in the framebuffer's own format */
	bool wc;			/* mapped write-combining */
	bool pairs;			/* 32 bpp, 8-byte aligned: draw_glyph_pairs */
	bool fatal;			/* draw at once, no lock */
	bool pending;			/* cells changed that are not drawn yet */
	uint64_t last_flush;		/* uptime_ms of the last redraw */
	unsigned cur_x, cur_y;		/* where the cursor is drawn */
	bool cur_shown;
} screen = { .lock = LOCK_INIT("screen") };

static struct vt_cell cells[VT_ROWS_MAX * VT_COLS_MAX];
static struct vt_cell drawn[VT_ROWS_MAX * VT_COLS_MAX];

bool screen_present(void)
{
	return screen.kind != SCREEN_NONE;
}

/* The pixel value of 0xRRGGBB: each colour's top bits at its position (spec 3.6.12). */
static uint32_t rgb_pixel(const struct mb2_fb_rgb *f, uint32_t rgb)
{
	uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	return (r >> (8 - MIN(f->red_size, 8))) << f->red_pos |
	       (g >> (8 - MIN(f->green_size, 8))) << f->green_pos |
	       (b >> (8 - MIN(f->blue_size, 8))) << f->blue_pos;
}

static void put_pixel(uint8_t *p, uint32_t v)
{
	switch (screen.bytespp) {
	case 4: *(volatile uint32_t *)p = v; break;
	case 3: p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); break;
	default: *(volatile uint16_t *)p = (uint16_t)v; break;
	}
}

/* One cell of an EGA text screen: the character and its attribute byte. */
static void draw_text_cell(unsigned x, unsigned y, struct vt_cell c)
{
	uint8_t a = ansi_to_vga[VT_ATTR_FG(c.attr) & 7] | (VT_ATTR_FG(c.attr) & VT_BRIGHT) |
		    ansi_to_vga[VT_ATTR_BG(c.attr) & 7] << 4;

	((volatile uint16_t *)screen.base)[y * (screen.pitch / 2) + x] = (uint16_t)(c.ch | a << 8);
}

/*
 * A glyph at 32 bits per pixel, two pixels per 8-byte store: a row of 8 pixels is four
 * stores of one of the four pixel pairs, chosen by two bits of the glyph. Redraws after a
 * scroll draw thousands of glyphs, and under emulation each guest instruction counts;
 * this takes about a third of the instructions of a test and a store per pixel.
 */
static void draw_glyph_pairs(uint8_t *row, const uint8_t *glyph, uint32_t fg, uint32_t bg)
{
	uint64_t pair[4];

	for (unsigned b = 0; b < 4; b++)	/* bit 1: the left pixel, at the lower address */
		pair[b] = (uint64_t)((b & 1) ? fg : bg) << 32 | ((b & 2) ? fg : bg);
	for (unsigned r = 0; r < GLYPH_H; r++, row += screen.pitch) {
		volatile uint64_t *p = (volatile uint64_t *)row;
		uint8_t bits = glyph[r];
		p[0] = pair[bits >> 6];
		p[1] = pair[(bits >> 4) & 3];
		p[2] = pair[(bits >> 2) & 3];
		p[3] = pair[bits & 3];
	}
}

/* Draws one cell; inverse swaps its colours (the cursor). */
static void draw_cell(unsigned x, unsigned y, struct vt_cell c, bool inverse)
{
	uint32_t fg = screen.pixel[VT_ATTR_FG(c.attr)], bg = screen.pixel[VT_ATTR_BG(c.attr)];
	const uint8_t *glyph = font8x16[c.ch];
	uint8_t *row;

	if (screen.kind == SCREEN_TEXT) {
		draw_text_cell(x, y, c);
		return;
	}
	if (inverse) {
		uint32_t t = fg;
		fg = bg;
		bg = t;
	}
	row = screen.base + (size_t)y * GLYPH_H * screen.pitch + (size_t)x * GLYPH_W * screen.bytespp;
	if (screen.pairs) {
		draw_glyph_pairs(row, glyph, fg, bg);
		return;
	}
	for (unsigned r = 0; r < GLYPH_H; r++, row += screen.pitch)
		for (unsigned i = 0; i < GLYPH_W; i++)
			put_pixel(row + i * screen.bytespp, (glyph[r] & (0x80 >> i)) ? fg : bg);
}

/* The cursor: the CRT controller's on a text screen, an inverted cell on a framebuffer. */
static void draw_cursor(void)
{
	struct vt *vt = &screen.vt;
	unsigned x = MIN(vt->x, vt->cols - 1), y = vt->y;

	if (screen.kind == SCREEN_TEXT) {
		uint16_t pos = (uint16_t)(y * (screen.pitch / 2) + x);
		outb(CRTC_INDEX, CRTC_CURSOR_HI);
		outb(CRTC_DATA, (uint8_t)(pos >> 8));
		outb(CRTC_INDEX, CRTC_CURSOR_LO);
		outb(CRTC_DATA, (uint8_t)pos);
		return;
	}
	if (screen.cur_shown && (screen.cur_x != x || screen.cur_y != y))
		draw_cell(screen.cur_x, screen.cur_y,
			  drawn[screen.cur_y * vt->cols + screen.cur_x], false);
	draw_cell(x, y, *vt_cell_at(vt, x, y), true);
	screen.cur_x = x;
	screen.cur_y = y;
	screen.cur_shown = true;
}

/* Draws every cell that differs from what is drawn, then the cursor. */
static void flush(void)
{
	struct vt *vt = &screen.vt;

	for (unsigned y = 0; y < vt->rows; y++) {
		if (!vt->dirty[y])
			continue;
		for (unsigned x = 0; x < vt->cols; x++) {
			struct vt_cell c = *vt_cell_at(vt, x, y), *d = &drawn[y * vt->cols + x];
			if (c.ch != d->ch || c.attr != d->attr) {
				draw_cell(x, y, c, false);
				*d = c;
			}
		}
	}
	draw_cursor();
	vt_clean(vt);
	screen.pending = false;
	screen.last_flush = uptime_ms();
}

/* Every tick: a redraw that waits for its interval. */
static void screen_tick(uint64_t ticks)
{
	(void)ticks;
	if (!screen.pending || uptime_ms() - screen.last_flush < SCREEN_FLUSH_MS ||
	    screen.fatal || lock_held(&screen.lock))
		return;
	lock_acquire(&screen.lock);
	flush();
	lock_release(&screen.lock);
}

void screen_write(const char *s, size_t len)
{
	bool locked = !screen.fatal;

	if (screen.kind == SCREEN_NONE || len == 0)
		return;
	if (locked)
		lock_acquire(&screen.lock);
	vt_write(&screen.vt, s, len);
	if (screen.fatal || screen.vt.scrolls == 0 ||
	    uptime_ms() - screen.last_flush >= SCREEN_FLUSH_MS)
		flush();
	else
		screen.pending = true;
	if (locked)
		lock_release(&screen.lock);
}

void screen_fatal(void)
{
	screen.fatal = true;
	if (screen.kind != SCREEN_NONE)
		flush();
}

/*
 * Blanks the whole screen, the strip beyond the last whole cell included, and records
 * the cells as drawn blank, so that the first redraws draw only what is written. Filling
 * scanlines eight bytes at a time is several times faster, under emulation, than drawing
 * 6,000 blank glyphs pixel by pixel, and it is on every boot's path.
 */
static void screen_clear(void)
{
	struct vt_cell blank = { ' ', VT_ATTR_DEFAULT };
	uint32_t bg = screen.pixel[VT_ATTR_BG(VT_ATTR_DEFAULT)];

	for (size_t i = 0; i < ARRAY_SIZE(drawn); i++)
		drawn[i] = blank;
	if (screen.kind == SCREEN_TEXT) {
		for (unsigned y = 0; y < screen.vt.rows; y++)
			for (unsigned x = 0; x < screen.vt.cols; x++)
				draw_text_cell(x, y, blank);
		return;
	}
	for (uint32_t y = 0; y < screen.height; y++) {
		uint8_t *row = screen.base + (size_t)y * screen.pitch;
		uint32_t x = 0;
		if (screen.bytespp == 4) {
			uint64_t two = (uint64_t)bg << 32 | bg;
			for (; x + 2 <= screen.width; x += 2)
				((volatile uint64_t *)row)[x / 2] = two;
		}
		for (; x < screen.width; x++)
			put_pixel(row + x * screen.bytespp, bg);
	}
}

/* An RGB framebuffer of 15 to 32 bits per pixel, within the boot direct map. */
static bool rgb_init(const struct boot_framebuffer *fb)
{
	if (fb->bpp < 15 || fb->bpp > 32 || fb->width < GLYPH_W || fb->height < GLYPH_H ||
	    fb->pitch < fb->width * ((fb->bpp + 7) / 8))
		return false;
	screen.bytespp = (fb->bpp + 7) / 8;
	screen.bytes = (uint64_t)fb->pitch * fb->height;
	if (fb->addr + screen.bytes > direct_map_limit())
		return false;
	for (int i = 0; i < 16; i++)
		screen.pixel[i] = rgb_pixel(&fb->rgb, vt_palette[i]);
	screen.kind = SCREEN_RGB;
	return true;
}

bool screen_init(const struct boot_framebuffer *fb)
{
	unsigned cols, rows;

	if (fb->type == MB2_FB_RGB && rgb_init(fb)) {
		cols = fb->width / GLYPH_W;
		rows = fb->height / GLYPH_H;
	} else if (fb->type == MB2_FB_EGA_TEXT && fb->addr && fb->width && fb->height &&
		   fb->pitch >= fb->width * 2) {
		screen.kind = SCREEN_TEXT;
		screen.bytes = (uint64_t)fb->width * fb->height * 2;
		cols = fb->width;
		rows = fb->height;
	} else {
		return false;
	}
	screen.phys = fb->addr;
	screen.pairs = screen.kind == SCREEN_RGB && screen.bytespp == 4 &&
		       fb->addr % 8 == 0 && fb->pitch % 8 == 0;
	screen.pitch = fb->pitch;
	screen.width = fb->width;
	screen.height = fb->height;
	screen.base = phys_to_virt(fb->addr);
	vt_init(&screen.vt, cells, cols, rows);
	screen_clear();
	flush();
	return true;
}

void screen_start(bool quiet)
{
	void *wc_base;

	if (screen.kind == SCREEN_NONE)
		return;
	if (timer_add_tick_hook(screen_tick) != 0)
		kprintf("[!!] screen: no timer hook left: fast output is drawn line by line\n");
	if (screen.kind == SCREEN_TEXT) {
		if (!quiet)
			kprintf("[ok] screen: EGA text, %ux%u characters at %#lx\n", screen.width,
				screen.height, screen.phys);
		return;
	}
	wc_base = arch_map_framebuffer(screen.phys, screen.bytes, &screen.wc);
	lock_acquire(&screen.lock);
	if (wc_base)
		screen.base = wc_base;
	lock_release(&screen.lock);
	if (!wc_base)
		kprintf("[!!] screen: cannot map the framebuffer uncached; drawing through the "
			"direct map\n");
	else if (!quiet)
		kprintf("[ok] screen: %ux%u framebuffer at %#lx, %u bpp, %s; %ux%u characters\n",
			screen.width, screen.height, screen.phys, screen.bytespp * 8,
			screen.wc ? "write-combining" : "uncached", screen.vt.cols,
			screen.vt.rows);
}
