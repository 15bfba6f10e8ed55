/*
 * Self-tests of fork and exec: copy-on-write seen from both sides, frames given back,
 * running out of memory at the fork and at a later copy, and exec's failures and its
 * replacement of the image. The programs are in user_progs.asm.
 */
#include "file.h"
#include "dev.h"
#include "ktest.h"
#include "pmm.h"
#include "proc.h"
#include "sched.h"
#include <keel/errno.h>

#define PROG(name) extern const char ktest_prog_##name[], ktest_prog_##name##_end[]
PROG(fork_cow); PROG(fork_nomem); PROG(cow_oom); PROG(exec_bad); PROG(fdcheck);
#define INSTALL(name) ktest_install(#name, ktest_prog_##name, ktest_prog_##name##_end)

#define FORK_CYCLES	20
#define NOMEM_KEEP_MAX	40	/* frames left free, from 0 up: past what a fork needs */

/* Spawns /ktest/name with argc arguments (its name repeated) and waits; returns the status. */
static int run(const char *name, int argc)
{
	char path[64];
	const char *argv[2] = { path, path };
	int pid, status = -1;

	ksnprintf(path, sizeof(path), "/ktest/%s", name);
	if ((pid = proc_spawn(path, argc, argv, NULL)) < 0)
		return pid;
	if (proc_wait(pid, &status, 0) != pid)
		return -1;
	return status;
}

/*
 * Takes free frames until keep are left, 4 MiB blocks while it can (at 8 GiB one frame
 * at a time would take minutes under TCG). Returns them as a list linked through the
 * first frame of each block, which holds the next block and its size.
 */
static uint64_t grab_all_but(uint64_t keep)
{
	const size_t block = 1UL << PMM_MAX_ORDER;
	uint64_t head = 0, pa, *b;
	size_t n;

	while (ktest_free_frames() > keep) {
		n = ktest_free_frames() - keep >= 2 * block ? block : 1;
		if (!(pa = n == 1 ? pmm_alloc() : pmm_alloc_contig(n, PMM_NO_LIMIT))) {
			if (n == 1)
				break;
			n = 1;
			if (!(pa = pmm_alloc()))
				break;
		}
		b = phys_to_virt(pa);
		b[0] = head;
		b[1] = n;
		head = pa;
	}
	return head;
}

static void release(uint64_t head)
{
	while (head) {
		const uint64_t *b = phys_to_virt(head);
		uint64_t next = b[0], n = b[1];
		pmm_free_contig(head, n);
		head = next;
	}
}

KTEST(fork, both_return_and_writes_stay_on_their_side)
{
	INSTALL(fork_cow);
	/* The program exits with the number of the check that failed (user_progs.asm). */
	KEXPECT_EQ(run("fork_cow", 1), W_EXITCODE(0));
}

KTEST(fork, frames_come_back_when_both_have_ended)
{
	uint64_t before;

	INSTALL(fork_cow);
	/* One round first: the count directory and kernel stack tables stay once made. */
	KEXPECT_EQ(run("fork_cow", 1), W_EXITCODE(0));
	before = ktest_free_frames();
	for (int i = 0; i < FORK_CYCLES; i++)
		if (run("fork_cow", 1) != W_EXITCODE(0)) {
			KEXPECT_EQ(i, FORK_CYCLES);
			break;
		}
	KEXPECT_EQ(ktest_free_frames(), before);
	KEXPECT_EQ(pmm_ref_leaves(), 0);
}

KTEST(fork, out_of_memory_is_enomem_with_nothing_kept)
{
	const char *argv[1] = { "/ktest/fork_nomem" };
	int nomem = 0, forked = 0, pid, status;
	uint64_t before, held;

	INSTALL(fork_nomem);
	KEXPECT_EQ(run("fork_nomem", 1), W_EXITCODE(0));
	before = ktest_free_frames();
	/* Each step leaves one frame more, so the fork runs out at each of its allocations. */
	for (uint64_t keep = 0; keep <= NOMEM_KEEP_MAX; keep++) {
		status = -1;
		pid = proc_spawn("/ktest/fork_nomem", 1, argv, NULL);
		KEXPECT(pid > 0);
		held = grab_all_but(keep);
		KEXPECT_EQ(proc_wait(pid, &status, 0), pid);
		release(held);
		if (status == W_EXITCODE(ENOMEM))
			nomem++;
		else if (status == W_EXITCODE(0))
			forked++;
		else if (status != W_EXITCODE(EAGAIN))	/* no kernel stack for the child */
			KEXPECT_EQ(status, W_EXITCODE(ENOMEM));
		KEXPECT_EQ(ktest_free_frames(), before);
	}
	KEXPECT(nomem > 0);
	KEXPECT(forked > 0);
	KEXPECT_EQ(pmm_ref_leaves(), 0);
}

/* Returns the first child of the process pid in the table, or NULL. */
static struct proc *child_of(int pid)
{
	for (int i = 1; i < PROC_MAX; i++) {
		struct proc *c = proc_at(i);
		if (c->state != P_UNUSED && c->state != P_EMBRYO && c->parent &&
		    c->parent->pid == pid)
			return c;
	}
	return NULL;
}

/*
 * cow_oom's child writes to a shared page after we took every frame, with argc 1 by a
 * store, with argc 2 by the kernel's copy of getcwd. It must be killed (SIGKILL), its
 * parent unharmed, and every frame come back.
 */
static void cow_oom(int argc)
{
	const char *argv[2] = { "/ktest/cow_oom", "kernel" };
	uint64_t before = ktest_free_frames(), held;
	struct proc *c;
	int pid, status = -1;

	pid = proc_spawn("/ktest/cow_oom", argc, argv, NULL);
	KEXPECT(pid > 0);
	KEXPECT_EQ(sched_sleep_ms(10), 0);	/* it forks; both sleep */
	c = child_of(pid);
	KEXPECT(c != NULL);
	held = grab_all_but(0);
	while (c && c->state != P_ZOMBIE)
		sched_sleep_ms(1);
	release(held);
	KEXPECT_EQ(c ? c->exit_status : -1, W_SIGNALED(SIGKILL));
	KEXPECT(proc_find(pid)->state != P_ZOMBIE);	/* the parent lives on */
	KEXPECT_EQ(proc_kill(pid, SIGKILL), 0);
	KEXPECT_EQ(proc_wait(pid, &status, 0), pid);
	KEXPECT_EQ(status, W_SIGNALED(SIGKILL));
	/* The child outlived by its parent is ours now. */
	KEXPECT(proc_wait(-1, &status, WNOHANG) > 0);
	KEXPECT_EQ(ktest_free_frames(), before);
	KEXPECT_EQ(pmm_ref_leaves(), 0);
}

KTEST(fork, no_memory_for_a_copy_kills_the_writer)
{
	INSTALL(cow_oom);
	INSTALL(fork_cow);
	/* One fork first: the count directory stays once made. */
	KEXPECT_EQ(run("fork_cow", 1), W_EXITCODE(0));
	cow_oom(1);
	cow_oom(2);
}

/*
 * Runs exec_bad with fd 3 close-on-exec, fd 4 not and /ktest as its directory, and
 * returns its status; *name gets the name it ended with.
 */
static int exec_bad(char *name)
{
	const char *argv[1] = { "/ktest/exec_bad" };
	struct proc *p;
	int pid, status = -1;

	pid = proc_spawn("/ktest/exec_bad", 1, argv, NULL);
	if (pid <= 0)
		return pid;
	/* It has not run yet: it runs when we sleep. */
	p = proc_find(pid);
	p->fds[3] = file_new(&null_fops, O_RDWR, NULL, NULL);
	p->fdflags[3] = FD_CLOEXEC;
	p->fds[4] = file_new(&null_fops, O_RDWR, NULL, NULL);
	memcpy(p->cwd, "/ktest", 7);
	while (p->state != P_ZOMBIE)
		sched_sleep_ms(1);
	memcpy(name, p->name, PROC_NAME_MAX + 1);
	if (proc_wait(pid, &status, 0) != pid)
		return -1;
	return status;
}

KTEST(exec, failures_leave_the_caller_then_the_image_is_replaced)
{
	static const char garbage[] = "\177ELF this is not an executable at all, only bytes";
	char name[PROC_NAME_MAX + 1];
	uint64_t before;

	INSTALL(exec_bad);
	INSTALL(fdcheck);
	ktest_install("garbage", garbage, garbage + sizeof(garbage));
	/* 42 from fdcheck; 64 + n when one of its checks failed; bits from exec_bad's. */
	KEXPECT_EQ(exec_bad(name), W_EXITCODE(42));
	KEXPECT_STREQ(name, "fdcheck");
	/* Again, now that the heap has what it keeps: every frame of both images comes back. */
	before = ktest_free_frames();
	KEXPECT_EQ(exec_bad(name), W_EXITCODE(42));
	KEXPECT_EQ(ktest_free_frames(), before);
}
