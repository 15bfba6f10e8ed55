/*
 * serialterm.h: what the parts of serialterm share.
 *
 * serialterm connects the user's terminal, or a script, to a serial line: a character
 * device, a socket, or the COM1 of a QEMU it starts itself. The parts are:
 *   main.c      options, and main() as a short list of steps;
 *   line.c      opening the line (device, unix:, tcp:, fd:) and what a line can do;
 *   qemu.c      --boot: starting and stopping QEMU with its serial line on a socketpair;
 *   term.c      the user's terminal (raw mode, restored on every exit) and messages;
 *   loop.c      the one poll loop, the queue of bytes for the line, signals;
 *   display.c   how received bytes are shown: filtering, hex view, --map;
 *   log.c       --log, with optional timestamps;
 *   interact.c  interactive mode (escape key and commands) and pipe mode;
 *   expect.c    the buffer of received text that expectations are matched against;
 *   script.c    scripted mode: the ordered actions and the script language;
 *   exec.c      --login and --exec against Keel's shell;
 *   proto.c     --auth, --put, --get, --ls, --run, --stat: the serial protocol.
 */
#ifndef SERIALTERM_H
#define SERIALTERM_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses, documented in serialterm.1. */
enum {
	ST_OK = 0,
	ST_FAIL = 1,		/* connection, I/O or QEMU start failure */
	ST_USAGE = 2,		/* bad options or a bad script */
	ST_TIMEOUT = 3,		/* an expectation was not met in time */
	ST_HANGUP = 4,		/* the line closed (end of file, peer hang-up) */
	ST_QEMU_GONE = 5,	/* QEMU exited while the script was still running */
	ST_REFUSED = 6,		/* the kernel refused: authentication, no such file, ... */
	ST_NOPROTO = 7,		/* the peer does not speak the protocol, or another version */
	ST_EXEC_ERROR = 255,	/* with --exec: serialterm itself failed */
};

/* Limits, in one place. */
#define ST_IOBUF	65536	/* one read from the line or the keyboard */
#define ST_MATCH_MAX	65536	/* received text kept for expectations */
#define ST_TXQ_MAX	(1 << 20) /* stop reading the keyboard beyond this backlog */
#define ST_RETRY_MS	250	/* --reconnect: how often to try again */
#define ST_QEMU_GRACE_MS 2000	/* SIGTERM to SIGKILL */
#define ST_PIPE_LINGER_MS 1000	/* pipe mode: quiet time after standard input ends */

/* What serialterm does after connecting, in command-line order. */
enum action_kind {
	ACT_SEND,	/* text: bytes to send */
	ACT_EXPECT,	/* re: wait until received text matches */
	ACT_SLEEP,	/* seconds: wait, still receiving */
	ACT_TIMEOUT,	/* seconds: the limit for the following waits, 0 for none */
	ACT_LOG,	/* text: start logging to a file, or NULL to stop */
	ACT_EXIT,	/* status: stop here with this status */
	ACT_LOGIN,	/* text: USER:PASS */
	ACT_EXEC,	/* text: a shell command line */
	ACT_AUTH,	/* text: USER:PASS, opens a protocol session */
	ACT_PUT,	/* text: FILE[=DEST] */
	ACT_GET,	/* text: PATH[=FILE] */
	ACT_LS,		/* text: PATH */
	ACT_RUN,	/* text: a command line, run over the protocol */
	ACT_STAT,	/* no argument */
};

struct action {
	enum action_kind kind;
	char *text;		/* NUL-terminated; len excludes the NUL */
	size_t len;
	regex_t re;
	double seconds;
	int status;		/* ACT_EXPECT: exit status on failure, -1 for the default */
	char *where;		/* "--expect" or "FILE:LINE", for messages */
};

struct actions {
	struct action *v;
	size_t n, cap;
};

enum flow { FLOW_NONE, FLOW_RTS, FLOW_XON };

/* --map: byte translations on the way to the screen (I) or to the line (O). */
enum {
	MAP_ICRNL = 1 << 0,	/* received CR is shown as LF */
	MAP_IGNCR = 1 << 1,	/* received CR is not shown */
	MAP_INLCRNL = 1 << 2,	/* received LF is shown as CR LF */
	MAP_OCRNL = 1 << 3,	/* typed CR is sent as LF */
	MAP_ONLCRNL = 1 << 4,	/* typed LF is sent as CR LF */
	MAP_ODELBS = 1 << 5,	/* typed DEL is sent as BS */
};

struct options {
	const char *target;	/* device, unix:PATH, tcp:HOST:PORT or fd:N */
	long baud;
	char parity;		/* 'n', 'e' or 'o' */
	enum flow flow;
	int escape;		/* the escape byte, or -1 for none */
	const char *log_path;
	int timestamps;
	unsigned map;
	int raw_output;
	int quiet;
	int reconnect;
	double timeout;		/* seconds, 0 for none */
	const char *boot_image;
	int uefi;
	char **qemu_args;	/* after "--" */
	int qemu_nargs;
	int qemu_status;
	const char *prompt;	/* --prompt: Keel's shell prompt, an ERE */
	int has_exec;
	struct actions actions;
};

extern struct options opt;

/* term.c */
void term_raw(void);
void term_restore(void);
int term_is_raw(void);
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void st_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void st_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void st_err(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void st_errx(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void write_all(int fd, const void *buf, size_t len);

/* line.c */
void line_setup(const char *target);
int line_rate_ok(long rate);
int line_open(void);
void line_adopt(int fd, const char *name);
void line_close(void);
int line_fd(void);
const char *line_name(void);
int line_break(void);

/* qemu.c */
int qemu_start(void);
void qemu_stop(void);
int qemu_active(void);
int qemu_reap(void);
int qemu_status(void);

/* loop.c */
enum event {
	EV_NONE,	/* nothing to report; the queue for the line may be empty now */
	EV_TIMEOUT,	/* the deadline passed */
	EV_RX,		/* bytes came from the line (already logged and shown) */
	EV_INPUT,	/* bytes came from standard input: see loop_input() */
	EV_INPUT_EOF,	/* standard input ended */
	EV_HANGUP,	/* the line closed for good */
	EV_QEMU_EXIT,	/* QEMU exited by itself */
	EV_SIGNAL,	/* SIGINT, SIGTERM or SIGHUP: see loop_signal() */
};
#define NEVER INT64_MAX
void loop_init(void);
void loop_connect(void);
void loop_watch_input(int on);
void loop_show(int on);
void loop_keep(int on);
enum event loop_wait(int64_t deadline);
const uint8_t *loop_input(size_t *len);
int loop_signal(void);
void loop_send(const void *buf, size_t len);
void loop_filter(size_t (*fn)(uint8_t *buf, size_t len));
size_t loop_queued(void);
enum event loop_flush(int64_t deadline);
void loop_recent(void (*fn)(const char *line));
int64_t now_ms(void);
int64_t deadline_after(double seconds);

/* display.c */
void display_setup(void);
void display_feed(const uint8_t *buf, size_t len);
void display_hex_toggle(void);
size_t map_out(uint8_t c, uint8_t out[2]);

/* log.c */
int log_open(const char *path);
void log_close(void);
int log_toggle(void);
void log_feed(const uint8_t *buf, size_t len);

/* interact.c */
int interact_run(void);
int pipe_run(void);

/* expect.c */
void expect_feed(const uint8_t *buf, size_t len);
int expect_wait(const regex_t *re, int64_t deadline, regmatch_t m[], size_t nm);
const char *expect_text(void);
void expect_consume(size_t upto);
void expect_write_raw(int fd, const char *s, size_t len);
int expect_fail(int ev, const char *where, const char *what, double seconds);

/* script.c */
void actions_add(struct actions *a, enum action_kind kind, const char *arg, const char *where);
void script_load(struct actions *a, const char *path);
double seconds_arg(const char *s, const char *what, const char *where);
size_t unescape(char *s, int for_regex);
int actions_run(const struct actions *a);
int run_failed(int status);
double run_timeout(void);

/* exec.c */
int exec_login(const struct action *a);
int exec_command(const struct action *a);
int exec_last_status(void);
int exec_halted(void);		/* the last command halted the machine (isa-debug-exit 1) */

/* proto.c */
int proto_auth(const struct action *a);
int proto_put(const struct action *a);
int proto_get(const struct action *a);
int proto_ls(const struct action *a);
int proto_run(const struct action *a);
int proto_stat(const struct action *a);
int proto_last_status(void);
void proto_pause(void);
int proto_upload(const char *spec, const char *user, const char *pass);
int proto_have_creds(void);

#endif
