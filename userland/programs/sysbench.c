/*
 * sysbench: measures the cost of Keel's basic system calls from user space and prints one
 * "name value unit" line per figure, each the median of SYSBENCH_RUNS runs (make bench
 * collects them):
 *
 *	getpid		a system call round trip
 *	spawn		spawn + exit + waitpid of a process that exits at once
 *	fork		fork + _exit + waitpid: the child is a copy-on-write copy of us
 *	forkexec	fork + execv of the program spawn runs + exit + waitpid
 *	yield		one round of yield ping-pong between two processes
 *	devnull		a 1-byte write to /dev/null
 *	pipe		a 1-byte round trip through two pipes to a child and back
 *	pipe64k		64 KiB writes into a pipe a child drains, in MiB/s
 *	devnull64k	64 KiB writes to /dev/null, in MiB/s, beside it
 *	open		open + close of /etc/motd: a path walk of two components
 *
 * The clock is uptime_ms, so each run repeats its operation until SYSBENCH_RUN_MS have
 * passed and divides; figures are in nanoseconds or microseconds per operation.
 * `sysbench NAME...` measures only those. The program also plays the other side of
 * the spawn, yield and pipe tests when started as "sysbench --child exit|yield|echo|drain".
 */
#include <err.h>
#include <fcntl.h>
#include <keel.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYSBENCH_RUNS	5
#define SYSBENCH_RUN_MS	200
#define SYSBENCH_SELF	"/bin/sysbench"
#define DEVNULL		"/dev/null"
#define OPEN_PATH	"/etc/motd"

/* One measurement: does n operations (n grows until a run lasts long enough). */
typedef void bench_fn(unsigned long n);

static int devnull_fd = -1;

static void
bench_getpid(unsigned long n)
{
	while (n-- > 0)
		getpid();
}

/* Starts this program as a helper child playing role. Returns its pid. */
static int
spawn_child(const char *role)
{
	char *argv[] = { "sysbench", "--child", (char *)role, NULL };
	int pid = spawn(SYSBENCH_SELF, argv);

	if (pid < 0)
		err(1, "spawn %s", SYSBENCH_SELF);
	return pid;
}

static void
wait_child(int pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		err(1, "waitpid");
}

static void
bench_spawn(unsigned long n)
{
	while (n-- > 0)
		wait_child(spawn_child("exit"));
}

static void
bench_fork(unsigned long n)
{
	while (n-- > 0) {
		int pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid < 0)
			err(1, "fork");
		wait_child(pid);
	}
}

static void
bench_forkexec(unsigned long n)
{
	char *argv[] = { "sysbench", "--child", "exit", NULL };

	while (n-- > 0) {
		int pid = fork();

		if (pid == 0) {
			execv(SYSBENCH_SELF, argv);
			_exit(127);
		}
		if (pid < 0)
			err(1, "fork");
		wait_child(pid);
	}
}

/*
 * The child yields in a loop; each of our yields lets it run once and come back, so n
 * yields here are n rounds. It is killed at the end (it yields a bounded number of times
 * in case that fails).
 */
static void
bench_yield(unsigned long n)
{
	int pid = spawn_child("yield");

	yield();	/* let it start before the clock does */
	while (n-- > 0)
		yield();
	kill(pid, SIGKILL);
	wait_child(pid);
}

static void
bench_devnull(unsigned long n)
{
	if (devnull_fd < 0 && (devnull_fd = open(DEVNULL, O_WRONLY)) < 0)
		err(1, "%s", DEVNULL);
	while (n-- > 0)
		if (write(devnull_fd, "", 1) != 1)
			err(1, "%s", DEVNULL);
}

/*
 * Starts this program as a child playing role with in and out as its standard input and
 * output (our own 0 and 1 are put back after). Returns its pid.
 */
static int
spawn_piped(const char *role, int in, int out)
{
	int save_in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 10);
	int save_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 10), pid;

	if (save_in < 0 || save_out < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
		err(1, "setting up the child's pipes");
	pid = spawn_child(role);
	dup2(save_in, STDIN_FILENO);
	dup2(save_out, STDOUT_FILENO);
	close(save_in);
	close(save_out);
	return pid;
}

/* A byte to the child through one pipe and back through another: n round trips. */
static void
bench_pipe(unsigned long n)
{
	int to[2], from[2], pid;
	char c = 'x';

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		err(1, "pipe");
	pid = spawn_piped("echo", to[0], from[1]);
	close(to[0]);
	close(from[1]);
	while (n-- > 0)
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			err(1, "the pipe round trip");
	close(to[1]);		/* the child sees end of file and exits */
	close(from[0]);
	wait_child(pid);
}

#define CHUNK	65536
static char chunk[CHUNK];

/* n writes of 64 KiB into a pipe a child drains. */
static void
bench_pipe64k(unsigned long n)
{
	int fds[2], pid;

	if (devnull_fd < 0 && (devnull_fd = open(DEVNULL, O_WRONLY)) < 0)
		err(1, "%s", DEVNULL);
	if (pipe2(fds, O_CLOEXEC) < 0)
		err(1, "pipe");
	pid = spawn_piped("drain", fds[0], devnull_fd);
	close(fds[0]);
	while (n-- > 0)
		if (write(fds[1], chunk, CHUNK) != CHUNK)
			err(1, "the pipe write");
	close(fds[1]);
	wait_child(pid);
}

/* n writes of 64 KiB to /dev/null, beside the pipe's. */
static void
bench_devnull64k(unsigned long n)
{
	if (devnull_fd < 0 && (devnull_fd = open(DEVNULL, O_WRONLY)) < 0)
		err(1, "%s", DEVNULL);
	while (n-- > 0)
		if (write(devnull_fd, chunk, CHUNK) != CHUNK)
			err(1, "%s", DEVNULL);
}

static void
bench_open(unsigned long n)
{
	while (n-- > 0) {
		int fd = open(OPEN_PATH, O_RDONLY);

		if (fd < 0)
			err(1, "%s", OPEN_PATH);
		close(fd);
	}
}

enum unit { NS, US, MIBS };	/* per operation; MiB/s of 64 KiB operations */

static const struct bench {
	const char *name;
	bench_fn *run;
	unsigned long first_n;		/* operations in the first try */
	enum unit unit;
} benches[] = {
	{ "getpid", bench_getpid, 1000, NS },
	{ "spawn", bench_spawn, 4, US },
	{ "fork", bench_fork, 4, US },
	{ "forkexec", bench_forkexec, 4, US },
	{ "yield", bench_yield, 200, NS },
	{ "devnull", bench_devnull, 1000, NS },
	{ "pipe", bench_pipe, 200, NS },
	{ "pipe64k", bench_pipe64k, 16, MIBS },
	{ "devnull64k", bench_devnull64k, 64, MIBS },
	{ "open", bench_open, 200, NS },
};

#define NBENCHES	(sizeof(benches) / sizeof(benches[0]))

/* One run: nanoseconds per operation, with n doubled until the run lasts long enough. */
static uint64_t
run_once(const struct bench *b)
{
	for (unsigned long n = b->first_n; ; n *= 2) {
		uint64_t start = uptime_ms(), ms;

		b->run(n);
		ms = uptime_ms() - start;
		if (ms >= SYSBENCH_RUN_MS)
			return ms * 1000000 / n;
	}
}

static void
measure(const struct bench *b)
{
	uint64_t v[SYSBENCH_RUNS];

	for (int i = 0; i < SYSBENCH_RUNS; i++) {
		uint64_t x = run_once(b);
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)	/* keep them sorted */
			v[j] = v[j - 1];
		v[j] = x;
	}
	if (b->unit == US)
		printf("%s %lu us\n", b->name, (unsigned long)(v[SYSBENCH_RUNS / 2] / 1000));
	else if (b->unit == MIBS)	/* 64 KiB per v nanoseconds, in MiB/s */
		printf("%s %lu MiB/s\n", b->name,
		       (unsigned long)(1000000000UL / 16 / (v[SYSBENCH_RUNS / 2] ? v[SYSBENCH_RUNS / 2] : 1)));
	else
		printf("%s %lu ns\n", b->name, (unsigned long)v[SYSBENCH_RUNS / 2]);
}

/* The helper side: "exit" exits at once, "yield" yields until killed (or a long while). */
static int
child(const char *role)
{
	char c;

	if (strcmp(role, "yield") == 0)
		for (unsigned long i = 0; i < 100000000; i++)
			yield();
	if (strcmp(role, "echo") == 0)	/* each byte of standard input back out, until its end */
		while (read(STDIN_FILENO, &c, 1) == 1)
			if (write(STDOUT_FILENO, &c, 1) != 1)
				return 1;
	if (strcmp(role, "drain") == 0)
		while (read(STDIN_FILENO, chunk, CHUNK) > 0)
			;
	return 0;
}

int
main(int argc, char **argv)
{
	int status = 0;

	if (argc == 3 && strcmp(argv[1], "--child") == 0)
		return child(argv[2]);
	for (size_t i = 0; i < NBENCHES; i++) {
		bool wanted = argc == 1;

		for (int k = 1; k < argc; k++)
			wanted |= strcmp(argv[k], benches[i].name) == 0;
		if (wanted)
			measure(&benches[i]);
	}
	for (int k = 1; k < argc; k++) {
		bool known = false;

		for (size_t i = 0; i < NBENCHES; i++)
			known |= strcmp(argv[k], benches[i].name) == 0;
		if (!known) {
			warnx("%s: no such figure (getpid, spawn, fork, forkexec, yield, devnull, pipe, "
			      "pipe64k, devnull64k, open)", argv[k]);
			status = 2;
		}
	}
	return status;
}
