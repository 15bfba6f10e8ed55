/*
 * screencmp: checks a screendump of Keel's screen console against what it must show.
 * It reads the console's bytes as COM1 carried them (the console sends both sides the
 * same bytes), feeds them from a marker on to the kernel's own terminal emulator
 * (kernel/lib/vt.c), draws the resulting grid with the kernel's font (the array psf2c
 * built) and palette, cursor included, and compares that picture with QEMU's PPM
 * screendump pixel for pixel.
 *
 *   screencmp [--from TEXT | --from-last TEXT] [--probe TEXT] LOG SHOT.ppm
 *
 * Prints the expected rows as text ("row N: ..."), and for --probe where TEXT is in the
 * grid (its last copy) and the colours of its first cell ("probe X Y fg N bg N"). Exits 0 when every
 * pixel matches, 1 when some differ (saying how many and where the first is), 2 on bad
 * usage or input.
 */
#define _GNU_SOURCE	/* memmem */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vt.h>

#define GLYPH_W	8
#define GLYPH_H	16
#define LOG_MAX	(8 << 20)

extern const uint8_t font8x16[256][GLYPH_H];

struct ppm {
	unsigned w, h;
	uint8_t *rgb;
};

static struct vt vt;
static struct vt_cell cells[VT_ROWS_MAX * VT_COLS_MAX];

static void
die(const char *what)
{
	fprintf(stderr, "screencmp: %s\n", what);
	exit(2);
}

static unsigned
ppm_number(FILE *f)
{
	int c;
	unsigned n = 0;

	while ((c = getc(f)) == '#' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
		if (c == '#')
			while ((c = getc(f)) != '\n' && c != EOF)
				;
	if (c < '0' || c > '9')
		die("the screendump is not a binary PPM");
	for (; c >= '0' && c <= '9'; c = getc(f))
		n = n * 10 + (unsigned)(c - '0');
	return n;
}

static void
ppm_read(const char *path, struct ppm *p)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die("cannot open the screendump");
	if (getc(f) != 'P' || getc(f) != '6')
		die("the screendump is not a binary PPM (P6)");
	p->w = ppm_number(f);
	p->h = ppm_number(f);
	if (ppm_number(f) != 255 || p->w == 0 || p->h == 0 || p->w > 8192 || p->h > 8192)
		die("the screendump has an unexpected size or depth");
	n = (size_t)p->w * p->h * 3;
	if (!(p->rgb = malloc(n)) || fread(p->rgb, 1, n, f) != n)
		die("the screendump is truncated");
	fclose(f);
}

/* The console's bytes from the marker on (the first or the last one), or all of them. */
static void
feed_log(const char *path, const char *from, int last)
{
	static char buf[LOG_MAX];
	FILE *f = fopen(path, "rb");
	size_t n;
	char *start = buf, *p;

	if (!f)
		die("cannot open the console log");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (from) {
		start = NULL;
		for (p = buf; (p = memmem(p, n - (size_t)(p - buf), from, strlen(from))); p++) {
			start = p;
			if (!last)
				break;
		}
		if (!start)
			die("the marker is not in the console log");
	}
	vt_write(&vt, start, n - (size_t)(start - buf));
}

/* The pixel the kernel draws at (px, py) of the grid, as 0xRRGGBB. */
static uint32_t
expected_pixel(unsigned px, unsigned py)
{
	unsigned x = px / GLYPH_W, y = py / GLYPH_H;
	struct vt_cell c;
	int on, cursor;

	if (x >= vt.cols || y >= vt.rows)
		return 0;	/* beyond the last whole cell: never drawn, black */
	c = *vt_cell_at(&vt, x, y);
	on = font8x16[c.ch][py % GLYPH_H] & (0x80 >> (px % GLYPH_W));
	cursor = y == vt.y && x == (vt.x < vt.cols ? vt.x : vt.cols - 1);
	if (cursor)
		on = !on;
	return vt_palette[on ? VT_ATTR_FG(c.attr) : VT_ATTR_BG(c.attr)];
}

static unsigned long
compare(const struct ppm *shot, unsigned *fx, unsigned *fy)
{
	unsigned long bad = 0;

	for (unsigned y = 0; y < shot->h; y++)
		for (unsigned x = 0; x < shot->w; x++) {
			const uint8_t *p = shot->rgb + ((size_t)y * shot->w + x) * 3;
			uint32_t got = (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
			if (got != expected_pixel(x, y) && bad++ == 0) {
				*fx = x;
				*fy = y;
			}
		}
	return bad;
}

static void
print_rows(void)
{
	for (unsigned y = 0; y < vt.rows; y++) {
		char line[VT_COLS_MAX + 1];
		unsigned n = 0;
		for (unsigned x = 0; x < vt.cols; x++)
			line[x] = (char)vt_cell_at(&vt, x, y)->ch;
		for (unsigned x = 0; x < vt.cols; x++)
			if (line[x] != ' ')
				n = x + 1;
		line[n] = '\0';
		printf("row %u: %s\n", y, line);
	}
}

/* Says where the last copy of text is on the screen (output comes after the command). */
static void
probe(const char *text)
{
	size_t len = strlen(text);
	int fx = -1, fy = -1;

	for (unsigned y = 0; y < vt.rows; y++)
		for (unsigned x = 0; x + len <= vt.cols; x++) {
			size_t i = 0;
			while (i < len && vt_cell_at(&vt, x + i, y)->ch == (uint8_t)text[i])
				i++;
			if (i == len) {
				fx = (int)x;
				fy = (int)y;
			}
		}
	if (fx < 0) {
		printf("probe: '%s' is not on the screen\n", text);
		return;
	}
	uint8_t a = vt_cell_at(&vt, (unsigned)fx, (unsigned)fy)->attr;
	printf("probe %d %d fg %u bg %u\n", fx, fy, VT_ATTR_FG(a), VT_ATTR_BG(a));
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "from-last", required_argument, NULL, 'l' },
		{ "probe", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *probe_text = NULL;
	int c, last = 0;
	unsigned fx = 0, fy = 0;
	unsigned long bad;
	struct ppm shot;

	while ((c = getopt_long(argc, argv, "f:l:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; last = 0; break;
		case 'l': from = optarg; last = 1; break;
		case 'p': probe_text = optarg; break;
		default:
			fprintf(stderr, "usage: screencmp [--from TEXT | --from-last TEXT] "
				"[--probe TEXT] LOG SHOT.ppm\n");
			return 2;
		}
	}
	if (argc - optind != 2)
		die("usage: screencmp [--from TEXT | --from-last TEXT] [--probe TEXT] LOG SHOT.ppm");
	ppm_read(argv[optind + 1], &shot);
	vt_init(&vt, cells, shot.w / GLYPH_W, shot.h / GLYPH_H);
	feed_log(argv[optind], from, last);
	print_rows();
	if (probe_text)
		probe(probe_text);
	bad = compare(&shot, &fx, &fy);
	if (bad) {
		fprintf(stderr, "screencmp: %lu pixels differ; the first at (%u, %u), cell %u,%u\n",
			bad, fx, fy, fx / GLYPH_W, fy / GLYPH_H);
		return 1;
	}
	return 0;
}
