/*
 * spawnloop: spawns a program (/bin/true) and waits for it, COUNT times (1000), and checks
 * that every child exited with 0 and that the machine's free memory (meminfo) is what it
 * was before the cycles: a process must give back every frame it took, its page tables,
 * kernel stack and user pages. With -f the cycles are fork, _exit and wait instead. With
 * -b, a bounded fork bomb: children that sleep are forked until fork fails (EAGAIN when
 * the process table is full, or ENOMEM), then killed and reaped; the memory must come
 * back and a fork must work again. Exits 0 if so, 1 if a child failed or memory was
 * lost, 2 on a usage error.
 *
 *   spawnloop [-f | -b] [-n COUNT] [PROGRAM]
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <keel.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define DEFAULT_COUNT	1000
#define DEFAULT_PROGRAM	"/bin/true"

static int use_fork;

/* Spawns path (or forks a child that exits at once) and waits for it. Returns its status, or -1 after a message. */
static int
run_once(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int pid = use_fork ? fork() : spawn(path, argv), status;

	if (pid == 0)
		_exit(0);

	if (pid < 0) {
		warn("spawn %s", path);
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			warn("waitpid %d", pid);
			return -1;
		}
	return status;
}

static unsigned long
free_kib(void)
{
	struct keel_meminfo m;

	if (meminfo(&m) < 0)
		err(1, "meminfo");
	return (unsigned long)(m.free / 1024);
}

static void
usage(void)
{
	errx(2, "usage: spawnloop [-f | -b] [-n COUNT] [PROGRAM]");
}

/* The fork bomb of -b: forks sleepers until fork fails, then ends them. Returns 0 or 1. */
static int
bomb(void)
{
	static int pids[1024];
	unsigned long before, after;
	int n = 0, why, status;

	if (run_once("fork") != 0)	/* warm-up, as for the cycles */
		errx(1, "the warm-up fork failed");
	before = free_kib();
	for (;;) {
		int pid = n < (int)(sizeof(pids) / sizeof(pids[0])) ? fork() : -1;
		if (pid == 0) {
			sleep_ms(600000);
			_exit(0);
		}
		if (pid < 0)
			break;
		pids[n++] = pid;
	}
	why = errno;
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
	after = free_kib();
	printf("spawnloop: fork bomb: %d children, then fork failed: %s; free memory %lu KiB "
	       "before, %lu KiB after\n", n, strerror(why), before, after);
	if (why != EAGAIN && why != ENOMEM)
		return 1;
	if (run_once("fork") != 0) {
		printf("spawnloop: fork does not work again\n");
		return 1;
	}
	return after == before ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *path = DEFAULT_PROGRAM;
	unsigned long before, after, count = DEFAULT_COUNT, failed = 0;
	char *end;
	int c;

	while ((c = getopt(argc, argv, "fbn:")) != -1) {
		if (c == 'f' || c == 'b') {
			use_fork = 1;
			if (c == 'b')
				return bomb();
			continue;
		}
		if (c != 'n')
			usage();
		count = strtoul(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || count == 0)
			errx(2, "-n %s: a count of 1 or more is needed", optarg);
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind != argc)
		usage();

	/*
	 * One cycle first, uncounted: the first spawn may leave memory that the kernel keeps
	 * for good and reuses, the page table under the kernel stack's slot and the kernel
	 * heap's growth (as the kernel's own spawn_exit_cycles test does).
	 */
	if (run_once(path) != 0)
		errx(1, "%s: the warm-up run failed", path);
	before = free_kib();
	for (unsigned long i = 0; i < count; i++)
		if (run_once(path) != 0)
			failed++;
	after = free_kib();

	printf("spawnloop: %lu cycles of %s, %lu failed; free memory %lu KiB before, %lu KiB "
	       "after\n", count, use_fork ? "fork" : path, failed, before, after);
	if (after != before)
		printf("spawnloop: %ld KiB lost\n", (long)before - (long)after);
	return failed == 0 && after == before ? 0 : 1;
}
