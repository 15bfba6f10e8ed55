/*
 * main.c: serialterm's options, and main().
 *
 * serialterm talks to a serial line: interactively like cu(1), in a pipe, or as a
 * send/expect driver for tests. See serialterm.1 for the whole story.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serialterm.h"

struct options opt = {
	.baud = 115200,
	.parity = 'n',
	.flow = FLOW_NONE,
	.escape = 0x1d,		/* Ctrl-] */
	.timeout = 30,
};

enum { OPT_QEMU_STATUS = 256, OPT_AUTH, OPT_PUT, OPT_GET, OPT_LS, OPT_RUN, OPT_STAT };

static const struct option longopts[] = {
	{ "baud", required_argument, NULL, 'b' },
	{ "parity", required_argument, NULL, 'p' },
	{ "flow", required_argument, NULL, 'f' },
	{ "escape", required_argument, NULL, 'e' },
	{ "log", required_argument, NULL, 'l' },
	{ "timestamps", no_argument, NULL, 'T' },
	{ "map", required_argument, NULL, 'm' },
	{ "raw-output", no_argument, NULL, 'R' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reconnect", no_argument, NULL, 'r' },
	{ "timeout", required_argument, NULL, 't' },
	{ "send", required_argument, NULL, 's' },
	{ "expect", required_argument, NULL, 'x' },
	{ "script", required_argument, NULL, 'S' },
	{ "login", required_argument, NULL, 'L' },
	{ "exec", required_argument, NULL, 'c' },
	{ "prompt", required_argument, NULL, 'P' },
	{ "boot", required_argument, NULL, 'B' },
	{ "uefi", no_argument, NULL, 'U' },
	{ "qemu-status", no_argument, NULL, OPT_QEMU_STATUS },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "put", required_argument, NULL, OPT_PUT },
	{ "get", required_argument, NULL, OPT_GET },
	{ "ls", required_argument, NULL, OPT_LS },
	{ "run", required_argument, NULL, OPT_RUN },
	{ "stat", no_argument, NULL, OPT_STAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: serialterm [options] DEVICE | unix:PATH | tcp:HOST:PORT | fd:N\n"
"       serialterm [options] --boot IMAGE [--uefi] [-- QEMU-ARGS...]\n"
"\n"
"Connecting:\n"
"  -b, --baud RATE        line speed of a device (default 115200)\n"
"  -p, --parity P         none, even or odd (default none; always 8 data bits, 1 stop bit)\n"
"  -f, --flow F           none, rts or xon (default none)\n"
"  -r, --reconnect        wait for the line to appear, and to come back when it goes\n"
"  -B, --boot IMAGE       start QEMU with IMAGE, its COM1 as the line\n"
"  -U, --uefi             boot QEMU with OVMF firmware\n"
"      --qemu-status      exit with QEMU's exit status once it exits\n"
"Interactive:\n"
"  -e, --escape KEY       command key: ^X notation, one character, or none (default ^])\n"
"  -l, --log FILE         append what is received to FILE\n"
"  -T, --timestamps       start each line of the log with [HH:MM:SS.mmm]\n"
"  -m, --map LIST         icrnl,igncr,inlcrnl (shown) ocrnl,onlcrnl,odelbs (sent)\n"
"  -R, --raw-output       show received bytes unfiltered, even on a terminal\n"
"Scripted, in command-line order:\n"
"  -s, --send TEXT        send TEXT (\\r \\n \\t \\e \\xHH escapes)\n"
"  -x, --expect REGEX     wait for received text to match REGEX (POSIX extended)\n"
"  -S, --script FILE      run the commands of FILE\n"
"  -L, --login USER:PASS  log in to Keel's console\n"
"  -c, --exec CMD         run CMD in Keel's shell, print its output, exit with its status\n"
"  -P, --prompt REGEX     the shell prompt (default: USER$ )\n"
"  -t, --timeout SEC      limit of each wait (default 30; 0 for none)\n"
"      --auth USER:PASS   open a serial protocol session (doc/protocol.md)\n"
"      --put FILE[=DEST]  upload FILE (DEST: default /tmp/NAME)\n"
"      --get PATH[=FILE]  download PATH (FILE: default its name here; - for stdout)\n"
"      --ls PATH          list a directory\n"
"      --run 'PROG ARGS'  run a program, print its output, exit with its status\n"
"      --stat             uptime, memory and processes\n"
"  -q, --quiet            do not copy received text to standard output\n"
"\n"
"  -h, --help             show this help;  -V, --version  show the version\n"
"Exit status: 0 ok, 1 failure, 2 usage, 3 timeout, 4 line closed, 5 QEMU exited,\n"
"6 refused by the kernel, 7 peer not speaking the protocol (255 with --exec or --run).\n");
}

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "serialterm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'serialterm --help' for more information.\n");
	exit(ST_USAGE);
}

static long baud_arg(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || v <= 0)
		st_errx(ST_USAGE, "speed is %s: %s", s, "invalid");
	if (errno == ERANGE || !line_rate_ok(v))
		st_errx(ST_USAGE, "speed is %s: %s", s, "not a standard rate");
	return v;
}

/* Returns the index of s in the NULL-terminated list words, or exits with a usage error. */
static int word_arg(const char *s, const char *const words[], const char *what)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return i;
	st_errx(ST_USAGE, "%s is %s: not one of the known values", what, s);
}

/* "^]" or "^X", a single character, or "none". */
static int escape_arg(const char *s)
{
	if (!strcmp(s, "none"))
		return -1;
	if (s[0] == '^' && s[1] && !s[2]) {
		int c = s[1] == '?' ? 0x7f : (s[1] & 0x1f);

		if ((s[1] >= '@' && s[1] <= '_') || (s[1] >= 'a' && s[1] <= 'z') || s[1] == '?')
			return c;
	}
	if (s[0] && !s[1])
		return (unsigned char)s[0];
	st_errx(ST_USAGE, "escape is %s: %s", s, "expected ^X, one character, or none");
}

static unsigned map_arg(const char *s)
{
	static const char *const names[] = { "icrnl", "igncr", "inlcrnl", "ocrnl", "onlcrnl",
					     "odelbs", NULL };
	char buf[256], *save = NULL;
	unsigned bits = 0;

	snprintf(buf, sizeof buf, "%s", s);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		bits |= 1u << word_arg(w, names, "map");
	return bits;
}

/* Applies one option; scripted ones are appended to the actions in order. */
static void option(int c, const char *arg)
{
	static const char *const parities[] = { "none", "even", "odd", NULL };
	static const char *const flows[] = { "none", "rts", "xon", NULL };

	switch (c) {
	case 'b': opt.baud = baud_arg(arg); break;
	case 'p': opt.parity = "neo"[word_arg(arg, parities, "parity")]; break;
	case 'f': opt.flow = (enum flow)word_arg(arg, flows, "flow"); break;
	case 'e': opt.escape = escape_arg(arg); break;
	case 'l': opt.log_path = arg; break;
	case 'T': opt.timestamps = 1; break;
	case 'm': opt.map |= map_arg(arg); break;
	case 'R': opt.raw_output = 1; break;
	case 'q': opt.quiet = 1; break;
	case 'r': opt.reconnect = 1; break;
	case 't': opt.timeout = seconds_arg(arg, "timeout", "--timeout"); break;
	case 's': actions_add(&opt.actions, ACT_SEND, arg, "--send"); break;
	case 'x': actions_add(&opt.actions, ACT_EXPECT, arg, "--expect"); break;
	case 'S': script_load(&opt.actions, arg); break;
	case 'L': actions_add(&opt.actions, ACT_LOGIN, arg, "--login"); break;
	case 'c': actions_add(&opt.actions, ACT_EXEC, arg, "--exec"); opt.has_exec = 1; break;
	case 'P': opt.prompt = arg; break;
	case 'B': opt.boot_image = arg; break;
	case 'U': opt.uefi = 1; break;
	case OPT_QEMU_STATUS: opt.qemu_status = 1; break;
	case OPT_AUTH: actions_add(&opt.actions, ACT_AUTH, arg, "--auth"); break;
	case OPT_PUT: actions_add(&opt.actions, ACT_PUT, arg, "--put"); break;
	case OPT_GET: actions_add(&opt.actions, ACT_GET, arg, "--get"); break;
	case OPT_LS: actions_add(&opt.actions, ACT_LS, arg, "--ls"); break;
	case OPT_RUN: actions_add(&opt.actions, ACT_RUN, arg, "--run"); opt.has_exec = 1; break;
	case OPT_STAT: actions_add(&opt.actions, ACT_STAT, arg, "--stat"); break;
	case 'h': usage(stdout); exit(ST_OK);
	case 'V': printf("serialterm (Keel) %s\n", PACKAGE_VERSION); exit(ST_OK);
	default: usage_error("%s", "unknown option");
	}
}

static void options_parse(int argc, char **argv)
{
	int c;

	opterr = 0;	/* usage_error() says it, as "serialterm: ..." */
	while ((c = getopt_long(argc, argv, ":b:p:f:e:l:Tm:Rqrt:s:x:S:L:c:P:B:UhV", longopts,
				NULL)) != -1) {
		if (c == '?')
			usage_error("unknown option: %s", argv[optind - 1]);
		if (c == ':')
			usage_error("%s needs an argument", argv[optind - 1]);
		option(c, optarg);
	}
	argc -= optind;
	argv += optind;
	if (opt.boot_image) {
		if (argc > 0 && strcmp(argv[-1], "--") != 0)
			usage_error("%s", "with --boot, QEMU's own arguments go after --");
		opt.qemu_args = argv;
		opt.qemu_nargs = argc;
	} else if (argc != 1) {
		usage_error("%s", argc ? "one line at a time" : "which line? (a device, unix:PATH, "
			    "tcp:HOST:PORT, or --boot IMAGE)");
	} else {
		opt.target = argv[0];
	}
	if ((opt.uefi || opt.qemu_status) && !opt.boot_image)
		usage_error("%s", "--uefi and --qemu-status go with --boot");
}

static void log_start(void)
{
	if (opt.log_path && log_open(opt.log_path) == -1)
		st_err(ST_FAIL, "%s", opt.log_path);
}

static void line_start(void)
{
	if (opt.boot_image) {
		line_adopt(qemu_start(), opt.boot_image);
		return;
	}
	line_setup(opt.target);
	loop_connect();
}

static int session_run(void)
{
	if (opt.actions.n > 0)
		return actions_run(&opt.actions);
	if (isatty(STDIN_FILENO))
		return interact_run();
	return pipe_run();
}

int main(int argc, char **argv)
{
	options_parse(argc, argv);
	loop_init();
	display_setup();
	log_start();
	line_start();
	return session_run();
}
