/*
 * display.c: how bytes from the line are shown.
 *
 * When standard output is a terminal, what a kernel prints must not be able to break it:
 * a stray "ESC c" resets it, "ESC ( 0" switches it to line-drawing characters, "CSI ? 1049
 * h" swaps screens, an OSC sequence renames the window. So unless --raw-output is given,
 * bytes pass through a filter (the policy is in serialterm.1, FILTERING):
 *   - printable ASCII, CR, LF, TAB, BS and BEL pass;
 *   - well-formed UTF-8 passes, except the C1 controls U+0080..U+009F;
 *   - CSI sequences pass only when they color text or move the cursor or erase (SGR,
 *     cursor motion, ED, EL) with plain numeric parameters;
 *   - everything else is shown visibly instead: "^[" for ESC, "^A" for 0x01, "\xff"...
 * When standard output is not a terminal (a pipe, a file), bytes pass unchanged.
 * The hex view (escape key, x) shows bytes as hex dump lines instead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serialterm.h"

enum filter_state { F_TEXT, F_ESC, F_CSI, F_UTF8 };

static struct {
	int filter;		/* standard output is a terminal, and no --raw-output */
	int hex;		/* the hex view is on */
	int colored;		/* an SGR went through: reset attributes at exit */
	unsigned long long offset;	/* hex view: offset of the current row */
	uint8_t row[16];		/* hex view: the bytes of the current row */
	size_t nrow;
	enum filter_state state;
	uint8_t seq[32];	/* the escape or UTF-8 sequence being read */
	size_t nseq, need;
	uint8_t out[8 * 4096];
	size_t nout;
} D;

static void out_flush(void)
{
	write_all(STDOUT_FILENO, D.out, D.nout);
	D.nout = 0;
}

static void out_put(const void *p, size_t len)
{
	if (D.nout + len > sizeof D.out)
		out_flush();
	memcpy(D.out + D.nout, p, len);
	D.nout += len;
}

static void out_byte(uint8_t c)
{
	out_put(&c, 1);
}

/* Shows a byte that may not reach the terminal as it is. */
static void out_visible(uint8_t c)
{
	char buf[8];

	if (c < 0x20)
		snprintf(buf, sizeof buf, "^%c", c + '@');
	else if (c == 0x7f)
		snprintf(buf, sizeof buf, "^?");
	else if (c >= 0x80)
		snprintf(buf, sizeof buf, "\\x%02x", c);
	else
		snprintf(buf, sizeof buf, "%c", c);
	out_put(buf, strlen(buf));
}

static void reset_attributes(void)
{
	if (D.colored)
		write_all(STDOUT_FILENO, "\033[0m", 4);
	D.colored = 0;
}

/* Decides how received bytes are shown; call after the options are known. */
void display_setup(void)
{
	D.filter = isatty(STDOUT_FILENO) && !opt.raw_output;
	if (D.filter)
		atexit(reset_attributes);
}

/* Whether a complete CSI sequence in D.seq only colors, moves or erases. */
static int csi_is_safe(void)
{
	uint8_t final = D.seq[D.nseq - 1];

	for (size_t i = 2; i < D.nseq - 1; i++)
		if (!((D.seq[i] >= '0' && D.seq[i] <= '9') || D.seq[i] == ';'))
			return 0;
	if (final == 'm')
		D.colored = 1;
	return strchr("mABCDEFGHJKf", final) != NULL;
}

/* Gives up on a pending sequence: its bytes are shown visibly. */
static void seq_reject(void)
{
	for (size_t i = 0; i < D.nseq; i++)
		out_visible(D.seq[i]);
	D.nseq = 0;
	D.state = F_TEXT;
}

static void filter_text(uint8_t c)
{
	if ((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t' || c == '\b' ||
	    c == '\a') {
		out_byte(c);
	} else if (c == 0x1b) {
		D.seq[0] = c;
		D.nseq = 1;
		D.state = F_ESC;
	} else if (c >= 0xc2 && c <= 0xf4) {
		D.seq[0] = c;
		D.nseq = 1;
		D.need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
		D.state = F_UTF8;
	} else {
		out_visible(c);
	}
}

/* Feeds one byte through the filter's state machine. */
static void filter_byte(uint8_t c)
{
	switch (D.state) {
	case F_TEXT:
		filter_text(c);
		return;
	case F_ESC:
		if (c == '[') {
			D.seq[D.nseq++] = c;
			D.state = F_CSI;
			return;
		}
		break;
	case F_CSI:
		if (c < 0x20 || c > 0x7e || D.nseq == sizeof D.seq - 1)
			break;
		D.seq[D.nseq++] = c;
		if (c >= 0x40) {	/* the final byte */
			if (csi_is_safe())
				out_put(D.seq, D.nseq);
			else
				seq_reject();
			D.nseq = 0;
			D.state = F_TEXT;
		}
		return;
	case F_UTF8:
		if (c < 0x80 || c > 0xbf)
			break;
		D.seq[D.nseq++] = c;
		if (--D.need > 0)
			return;
		/* U+0080..U+009F are C1 controls: some terminals obey them, 0x9b is CSI. */
		if (D.seq[0] == 0xc2 && D.seq[1] < 0xa0)
			seq_reject();
		else
			out_put(D.seq, D.nseq);
		D.nseq = 0;
		D.state = F_TEXT;
		return;
	}
	/* The sequence broke off: show what came so far, then treat c as new text. */
	seq_reject();
	filter_text(c);
}

/* Applies the receive side of --map to one byte, then the filter. */
static void show_byte(uint8_t c)
{
	if (c == '\r' && (opt.map & MAP_IGNCR))
		return;
	if (c == '\r' && (opt.map & MAP_ICRNL))
		c = '\n';
	if (c == '\n' && (opt.map & MAP_INLCRNL)) {
		if (D.filter)
			filter_byte('\r');
		else
			out_byte('\r');
	}
	if (D.filter)
		filter_byte(c);
	else
		out_byte(c);
}

/* Draws the hex view's current row: offset, 16 bytes in hex, and their text. */
static void hex_row(int complete)
{
	char line[128];
	int k = snprintf(line, sizeof line, "\r%08llx ", D.offset);

	for (size_t i = 0; i < 16; i++)
		k += i < D.nrow ? snprintf(line + k, sizeof line - (size_t)k, " %02x", D.row[i])
				: snprintf(line + k, sizeof line - (size_t)k, "   ");
	k += snprintf(line + k, sizeof line - (size_t)k, "  |");
	for (size_t i = 0; i < D.nrow; i++)
		line[k++] = D.row[i] >= 0x20 && D.row[i] < 0x7f ? (char)D.row[i] : '.';
	k += snprintf(line + k, sizeof line - (size_t)k, "|%s", complete ? "\r\n" : "");
	out_put(line, (size_t)k);
	if (complete) {
		D.offset += D.nrow;
		D.nrow = 0;
	}
}

/*
 * A row is drawn when it is full; bytes that trickle in redraw the unfinished row in place
 * (it starts with CR), so that a kernel echoing key by key shows as one growing line.
 */
static void hex_feed(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		D.row[D.nrow++] = buf[i];
		if (D.nrow == 16)
			hex_row(1);
	}
	if (D.nrow > 0)
		hex_row(0);
}

/* Shows bytes received from the line on standard output. */
void display_feed(const uint8_t *buf, size_t len)
{
	if (D.hex) {
		hex_feed(buf, len);
	} else if (!D.filter && !(opt.map & (MAP_ICRNL | MAP_IGNCR | MAP_INLCRNL))) {
		write_all(STDOUT_FILENO, buf, len);	/* the fast path of pipes and files */
		return;
	} else {
		for (size_t i = 0; i < len; i++)
			show_byte(buf[i]);
	}
	out_flush();
}

void display_hex_toggle(void)
{
	if (D.hex && D.nrow > 0) {	/* finish the unfinished row */
		hex_row(1);
		out_flush();
	}
	D.hex = !D.hex;
	D.nseq = 0;
	D.state = F_TEXT;
	note("hex view %s", D.hex ? "on" : "off");
}

/* Applies the send side of --map to a typed byte; returns how many bytes out holds. */
size_t map_out(uint8_t c, uint8_t out[2])
{
	if (c == '\r' && (opt.map & MAP_OCRNL))
		c = '\n';
	else if (c == 0x7f && (opt.map & MAP_ODELBS))
		c = '\b';
	if (c == '\n' && (opt.map & MAP_ONLCRNL)) {
		out[0] = '\r';
		out[1] = '\n';
		return 2;
	}
	out[0] = c;
	return 1;
}
