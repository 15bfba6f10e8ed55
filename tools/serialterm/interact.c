/*
 * interact.c: a person at the keyboard, or a pipe.
 *
 * Interactive mode sends every key to the line, except the escape key (Ctrl-] unless
 * --escape says otherwise): the key after it is a command, handled by one switch.
 * Pipe mode is what runs when there is nothing to do and standard input is not a
 * terminal: it copies standard input to the line and the line to standard output.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "serialterm.h"

enum key_state { KEY_TEXT, KEY_COMMAND, KEY_FIELD };

/* What the upload command (u) asks for, in turn. */
enum field { F_SPEC, F_USER, F_PASS };

/* What a command key asks the loop to do next. */
enum { GO_ON, QUIT };

static struct {
	enum key_state state;
	enum field field;
	char text[3][512];	/* FILE[=DEST], user, password */
	size_t len;
} K;

/* Names a key for messages, "Ctrl-]" or "x", in buf. */
static const char *key_name(int c, char buf[8])
{
	if (c < 0x20)
		snprintf(buf, 8, "Ctrl-%c", c + '@');
	else
		snprintf(buf, 8, "%c", c);
	return buf;
}

static void help(void)
{
	char esc[8];

	key_name(opt.escape, esc);
	note("commands: %s followed by\r\n"
	     "  q or .  quit\r\n"
	     "  b       send a break\r\n"
	     "  l       start or stop logging\r\n"
	     "  x       hex view on or off\r\n"
	     "  u       upload a file (serial protocol) with a progress bar\r\n"
	     "  h or ?  this help\r\n"
	     "  %-8ssend %s itself", esc, esc, esc);
}

static void field_prompt(void)
{
	static const char *const prompts[] = { "upload FILE[=DEST]: ", "user: ", "password: " };

	write_all(STDOUT_FILENO, "\r\n", 2);
	write_all(STDOUT_FILENO, prompts[K.field], strlen(prompts[K.field]));
	K.len = 0;
	K.state = KEY_FIELD;
}

/* A field is complete: ask for the next one, or upload. */
static void field_done(void)
{
	int r;

	K.text[K.field][K.len] = '\0';
	write_all(STDOUT_FILENO, "\r\n", 2);
	if (K.field == F_SPEC && !K.text[F_SPEC][0]) {
		K.state = KEY_TEXT;
		return;
	}
	if (K.field < F_PASS && !(K.field == F_SPEC && proto_have_creds())) {
		K.field++;
		field_prompt();
		return;
	}
	K.state = KEY_TEXT;
	r = proto_upload(K.text[F_SPEC], K.field == F_PASS ? K.text[F_USER] : NULL,
			 K.text[F_PASS]);
	memset(K.text[F_PASS], 0, sizeof K.text[F_PASS]);
	note(r < 0 ? "upload done; back to the console" : "upload failed; back to the console");
}

/* A key typed into a field: Enter ends it, Backspace erases, ^C or Esc gives up. */
static void field_key(uint8_t c)
{
	if (c == '\r' || c == '\n') {
		field_done();
	} else if ((c == 0x7f || c == '\b') && K.len > 0) {
		K.len--;
		if (K.field != F_PASS)
			write_all(STDOUT_FILENO, "\b \b", 3);
	} else if (c == 0x03 || c == 0x1b) {
		K.state = KEY_TEXT;
		note("upload cancelled");
	} else if (c >= 0x20 && K.len < sizeof K.text[0] - 1) {
		K.text[K.field][K.len++] = (char)c;
		if (K.field != F_PASS)
			write_all(STDOUT_FILENO, &c, 1);
	}
}

/* Carries out the command key c. */
static int command(uint8_t c)
{
	uint8_t e = (uint8_t)opt.escape;
	char k1[8], k2[8];

	if (c == e) {
		loop_send(&e, 1);
		return GO_ON;
	}
	switch (c) {
	case 'q':
	case '.':
		return QUIT;
	case 'b':
		if (line_break() == -1)
			note("cannot send a break: %s", strerror(errno));
		else
			note("break sent");
		return GO_ON;
	case 'l':
		log_toggle();
		return GO_ON;
	case 'x':
		display_hex_toggle();
		return GO_ON;
	case 'u':
		K.field = F_SPEC;
		field_prompt();
		return GO_ON;
	case 'h':
	case '?':
		help();
		return GO_ON;
	default:
		note("unknown command %s; %s h for help", key_name(c, k1),
		     key_name(opt.escape, k2));
		return GO_ON;
	}
}

/* Sends typed keys to the line, watching for the escape key. */
static int keys(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t out[2];

		switch (K.state) {
		case KEY_TEXT:
			if (opt.escape >= 0 && buf[i] == opt.escape)
				K.state = KEY_COMMAND;
			else
				loop_send(out, map_out(buf[i], out));
			break;
		case KEY_COMMAND:
			K.state = KEY_TEXT;
			if (command(buf[i]) == QUIT)
				return QUIT;
			break;
		case KEY_FIELD:
			field_key(buf[i]);
			break;
		}
	}
	return GO_ON;
}

/*
 * How a session ends when QEMU exits: with its status if --qemu-status asks for it. The
 * kernel ends QEMU through isa-debug-exit, which makes status 1 its success and 3 its
 * failure (Keel's ktest), so those are said in words rather than as a bare number.
 */
static int qemu_gone(void)
{
	switch (qemu_status()) {
	case 1:
		note("QEMU exited: the kernel reported success (isa-debug-exit, status 1)");
		break;
	case 3:
		note("QEMU exited: the kernel reported failure (isa-debug-exit, status 3)");
		break;
	default:
		note("QEMU exited with status %d", qemu_status());
		break;
	}
	return opt.qemu_status ? qemu_status() : ST_OK;
}

/* Runs the interactive terminal until the user quits. Returns the exit status. */
int interact_run(void)
{
	char k[8];

	term_raw();
	loop_show(1);
	loop_watch_input(1);
	if (opt.escape >= 0)
		note("%s; %s h for help, %s q to quit", line_name(), key_name(opt.escape, k),
		     key_name(opt.escape, k));
	for (;;) {
		size_t len;
		const uint8_t *in;

		switch (loop_wait(NEVER)) {
		case EV_INPUT:
			in = loop_input(&len);
			if (keys(in, len) == QUIT) {
				loop_flush(now_ms() + 1000);
				write_all(STDOUT_FILENO, "\r\n", 2);	/* a clean line for the shell */
				term_restore();
				return ST_OK;
			}
			break;
		case EV_INPUT_EOF:
			return ST_OK;
		case EV_HANGUP:
			st_warnx("%s closed", line_name());
			return ST_HANGUP;
		case EV_QEMU_EXIT:
			return qemu_gone();
		case EV_SIGNAL:
			return 128 + loop_signal();
		default:
			break;
		}
	}
}

/* Copies standard input to the line and the line to standard output. */
int pipe_run(void)
{
	int64_t linger = NEVER;

	loop_show(1);
	loop_watch_input(1);
	for (;;) {
		size_t len;
		const uint8_t *in;

		switch (loop_wait(linger)) {
		case EV_INPUT:
			in = loop_input(&len);
			loop_send(in, len);
			break;
		case EV_INPUT_EOF:
			/* The answers to the last lines are still coming; or QEMU has more to say. */
			linger = opt.qemu_status ? deadline_after(opt.timeout)
						 : now_ms() + ST_PIPE_LINGER_MS;
			break;
		case EV_RX:
			if (linger != NEVER && !opt.qemu_status)
				linger = now_ms() + ST_PIPE_LINGER_MS;
			break;
		case EV_TIMEOUT:
			if (!opt.qemu_status)
				return ST_OK;
			return expect_fail(-(int)EV_TIMEOUT, "--qemu-status", "QEMU to exit",
					   opt.timeout);
		case EV_HANGUP:
			return ST_OK;
		case EV_QEMU_EXIT:
			return opt.qemu_status ? qemu_status() : ST_OK;
		case EV_SIGNAL:
			return 128 + loop_signal();
		default:
			break;
		}
	}
}
