/*
 * spawnloop: spawns a program (/bin/true) and waits for it, COUNT times (1000), and checks
 * that every child exited with 0 and that the machine's free memory (meminfo) is what it
 * was before the cycles: a process must give back every frame it took, its page tables,
 * kernel stack and user pages. Exits 0 if so, 1 if a child failed or memory was lost, 2
 * on a usage error.
 *
 *   spawnloop [-n COUNT] [PROGRAM]
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#define DEFAULT_COUNT	1000
#define DEFAULT_PROGRAM	"/bin/true"

/* Spawns path and waits for it. Returns its status, or -1 after a message. */
static int
run_once(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int pid = spawn(path, argv), status;

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
	errx(2, "usage: spawnloop [-n COUNT] [PROGRAM]");
}

int
main(int argc, char **argv)
{
	const char *path = DEFAULT_PROGRAM;
	unsigned long before, after, count = DEFAULT_COUNT, failed = 0;
	char *end;
	int c;

	while ((c = getopt(argc, argv, "n:")) != -1) {
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
	       "after\n", count, path, failed, before, after);
	if (after != before)
		printf("spawnloop: %ld KiB lost\n", (long)before - (long)after);
	return failed == 0 && after == before ? 0 : 1;
}
