/*
 * Self-tests of processes, the scheduler, the loader and the system calls. The programs
 * are tiny flat binaries assembled into the kernel (user_progs.asm); each test copies the
 * ones it needs into /ktest in the ramfs and spawns them from the kernel's own process,
 * which waits for them like any parent. The "procbench" suite measures what make bench
 * reports: it prints "# bench NAME: N ns" lines.
 */
#include "file.h"
#include "ktest.h"
#include "pmm.h"
#include "proc.h"
#include "dev.h"
#include "vfs.h"
#include "sched.h"
#include "timer.h"
#include "vm.h"
#include "memlayout.h"
#include "arch.h"
#include <stddef.h>
#include <keel/errno.h>

#define PROG(name) extern const char ktest_prog_##name[], ktest_prog_##name##_end[]
PROG(exit42); PROG(pf); PROG(de); PROG(ud); PROG(gp); PROG(kread); PROG(badptr);
PROG(argv); PROG(spin); PROG(sse); PROG(sleep20); PROG(sbrk); PROG(getpid_loop);
PROG(yield_loop); PROG(null_loop);

#define BENCH_ITERATIONS	20000	/* as in user_progs.asm */
#define SPAWN_CYCLES		1000

void ktest_install(const char *name, const char *start, const char *end)
{
	char path[64];
	struct iobuf b = { (void *)start, false };
	struct vnode *n;

	ksnprintf(path, sizeof(path), "/ktest/%s", name);
	vfs_create("/ktest", KEEL_S_IFDIR | 0755, 0, NULL);	/* or it is there already */
	if (vfs_create(path, KEEL_S_IFREG | 0755, 0, &n) != 0)
		return;
	n->ops->write(n, 0, &b, (size_t)(end - start));
	vnode_put(n);
}

#define INSTALL(name) ktest_install(#name, ktest_prog_##name, ktest_prog_##name##_end)

/* Spawns /ktest/name with no other argument and waits for it; returns its status. */
static int run(const char *name)
{
	char path[64];
	const char *argv[1] = { path };
	int pid, status = -1;

	ksnprintf(path, sizeof(path), "/ktest/%s", name);
	pid = proc_spawn(path, 1, argv, NULL);
	if (pid < 0)
		return pid;
	if (proc_wait(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* Gives the kernel's process /dev/null as descriptors 0-2, so children print nothing. */
static void quiet_stdio(void)
{
	struct proc *k = proc_current();

	for (int fd = 0; fd < 3; fd++)
		if (!k->fds[fd])
			k->fds[fd] = file_new(&null_fops, O_RDWR, NULL, NULL);
}

KTEST(proc, spawn_exit_wait)
{
	INSTALL(exit42);
	KEXPECT_EQ(run("exit42"), W_EXITCODE(42));
}

KTEST(proc, wait_without_children_is_echild)
{
	KEXPECT_EQ(proc_wait(-1, NULL, 0), -ECHILD);
	KEXPECT_EQ(proc_wait(12345, NULL, WNOHANG), -ECHILD);
}

KTEST(proc, spawn_missing_program_is_enoent)
{
	const char *argv[1] = { "nothing" };

	KEXPECT_EQ(proc_spawn("/ktest/no-such-program", 1, argv, NULL), -ENOENT);
	KEXPECT_EQ(proc_spawn("/", 1, argv, NULL), -EACCES);
}

KTEST(proc, faults_kill_with_their_signal)
{
	INSTALL(pf); INSTALL(de); INSTALL(ud); INSTALL(gp); INSTALL(kread);
	KEXPECT_EQ(run("pf"), W_SIGNALED(SIGSEGV));
	KEXPECT_EQ(run("de"), W_SIGNALED(SIGFPE));
	KEXPECT_EQ(run("ud"), W_SIGNALED(SIGILL));
	KEXPECT_EQ(run("gp"), W_SIGNALED(SIGSEGV));
	KEXPECT_EQ(run("kread"), W_SIGNALED(SIGSEGV));
}

KTEST(proc, bad_pointers_efault_unknown_numbers_enosys)
{
	quiet_stdio();
	INSTALL(exit42);
	INSTALL(badptr);
	/* The exit status has a bit set for each check that failed (user_progs.asm). */
	KEXPECT_EQ(run("badptr"), W_EXITCODE(0));
}

KTEST(proc, argv_on_the_initial_stack)
{
	const char *argv[3] = { "/ktest/argv", "second", "third" };
	int pid, status = -1;

	INSTALL(argv);
	pid = proc_spawn("/ktest/argv", 3, argv, NULL);
	KEXPECT(pid > 0);
	KEXPECT_EQ(proc_wait(pid, &status, 0), pid);
	KEXPECT_EQ(status, W_EXITCODE(3));
}

KTEST(proc, too_many_arguments_is_e2big)
{
	const char *argv[ARGV_MAX + 1];

	INSTALL(exit42);
	for (int i = 0; i <= ARGV_MAX; i++)
		argv[i] = "x";
	KEXPECT_EQ(proc_spawn("/ktest/exit42", ARGV_MAX + 1, argv, NULL), -E2BIG);
}

KTEST(proc, preemption_and_kill)
{
	const char *argv[1] = { "/ktest/spin" };
	int pid, status = -1;
	uint64_t start;

	INSTALL(spin);
	pid = proc_spawn("/ktest/spin", 1, argv, NULL);
	KEXPECT(pid > 0);
	/* The spinner never gives up the CPU: only the timer can take it back for us. */
	start = uptime_ms();
	KEXPECT_EQ(sched_sleep_ms(30), 0);
	KEXPECT(uptime_ms() - start >= 30);
	KEXPECT_EQ(proc_wait(pid, &status, WNOHANG), 0);
	KEXPECT_EQ(proc_kill(pid, SIGTERM), 0);
	KEXPECT_EQ(proc_wait(pid, &status, 0), pid);
	KEXPECT_EQ(status, W_SIGNALED(SIGTERM));
	KEXPECT_EQ(proc_kill(pid, SIGTERM), -ESRCH);
}

KTEST(proc, sse_state_survives_switches)
{
	const char *argv[1] = { "/ktest/sse" };
	int pids[3], status;

	INSTALL(sse);
	for (int i = 0; i < 3; i++)
		pids[i] = proc_spawn("/ktest/sse", 1, argv, NULL);
	for (int i = 0; i < 3; i++) {
		status = -1;
		KEXPECT_EQ(proc_wait(pids[i], &status, 0), pids[i]);
		KEXPECT_EQ(status, W_EXITCODE(0));
	}
}

KTEST(proc, sleep_and_sbrk)
{
	uint64_t start = uptime_ms();

	INSTALL(sleep20);
	INSTALL(sbrk);
	KEXPECT_EQ(run("sleep20"), W_EXITCODE(0));
	KEXPECT(uptime_ms() - start >= 20);
	KEXPECT_EQ(run("sbrk"), W_EXITCODE(0));
}

KTEST(proc, table_full_is_eagain)
{
	const char *argv[1] = { "/ktest/spin" };
	int pids[PROC_MAX], n = 0, r, status;

	INSTALL(spin);
	while (n < PROC_MAX && (r = proc_spawn("/ktest/spin", 1, argv, NULL)) > 0)
		pids[n++] = r;
	KEXPECT_EQ(n, PROC_MAX - 1);
	KEXPECT_EQ(proc_spawn("/ktest/spin", 1, argv, NULL), -EAGAIN);
	/* All killed first, so they all end in one round of the scheduler. */
	for (int i = 0; i < n; i++)
		KEXPECT_EQ(proc_kill(pids[i], SIGKILL), 0);
	for (int i = 0; i < n; i++)
		KEXPECT_EQ(proc_wait(pids[i], &status, 0), pids[i]);
}

/* Spawns spinners for uid until spawn fails, into pids[*n...]. Returns the failure. */
static int spawn_as(uint32_t uid, int *pids, int *n)
{
	const char *argv[1] = { "/ktest/spin" };
	int r = -EAGAIN;

	proc_current()->uid = uid;
	while (*n < PROC_MAX && (r = proc_spawn("/ktest/spin", 1, argv, NULL)) > 0)
		pids[(*n)++] = r;
	proc_current()->uid = 0;
	return r;
}

KTEST(proc, users_stop_at_their_limit_and_leave_root_its_reserve)
{
	int pids[PROC_MAX], n = 0, users, free = 0, status;

	INSTALL(spin);
	for (int i = 1; i < PROC_MAX; i++)
		free += proc_at(i)->state == P_UNUSED;
	KEXPECT_EQ(spawn_as(1000, pids, &n), -EAGAIN);
	KEXPECT_EQ(n, PROC_USER_MAX);
	/* More users, until only the reserve is left. */
	for (uint32_t uid = 1001; uid < 1010 && spawn_as(uid, pids, &n) == -EAGAIN &&
	     n < free - PROC_ROOT_RESERVE; uid++)
		;
	users = n;
	KEXPECT_EQ(users, free - PROC_ROOT_RESERVE);
	KEXPECT_EQ(spawn_as(1999, pids, &n), -EAGAIN);
	KEXPECT_EQ(n, users);
	/* Root has the reserve. */
	KEXPECT_EQ(spawn_as(0, pids, &n), -EAGAIN);
	KEXPECT_EQ(n - users, PROC_ROOT_RESERVE);
	for (int i = 0; i < n; i++)
		KEXPECT_EQ(proc_kill(pids[i], SIGKILL), 0);
	for (int i = 0; i < n; i++)
		KEXPECT_EQ(proc_wait(pids[i], &status, 0), pids[i]);
}

KTEST(proc, spawn_exit_cycles_return_every_frame)
{
	struct pmm_stats before, after;

	INSTALL(exit42);
	/* One round first: the kernel stack's page tables and heap classes stay once made. */
	KEXPECT_EQ(run("exit42"), W_EXITCODE(42));
	pmm_stats(&before);
	for (int i = 0; i < SPAWN_CYCLES; i++)
		if (run("exit42") != W_EXITCODE(42)) {
			KEXPECT_EQ(i, SPAWN_CYCLES);
			break;
		}
	pmm_stats(&after);
	KEXPECT_EQ(after.free_frames, before.free_frames);
}

#define BENCH_RUNS	5

/* TSC ticks per millisecond, measured against the timer over 50 ms. */
static uint64_t tsc_per_ms(void)
{
	uint64_t t0, c0;

	t0 = timer_ticks();
	while (timer_ticks() == t0)
		arch_idle();
	t0 = timer_ticks();
	c0 = rdtsc();
	while (timer_ticks() < t0 + 50)
		arch_idle();
	return (rdtsc() - c0) / 50;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the BENCH_RUNS figures (insertion sort: five of them) and returns the middle one. */
static uint64_t median(uint64_t *v)
{
	for (int i = 1; i < BENCH_RUNS; i++)
		for (int j = i; j > 0 && cmp_u64(&v[j - 1], &v[j]) > 0; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[BENCH_RUNS / 2];
}

/*
 * Runs procs copies of name at once, BENCH_RUNS times, and prints the median time of one
 * of per_run operations, in ns (or, with per_run 0, of one whole spawn+exit+wait).
 */
static void bench(const char *label, const char *name, int procs, uint64_t per_run,
		  uint64_t tsc_ms)
{
	char path[64];
	const char *argv[1] = { path };
	uint64_t runs[BENCH_RUNS];
	int pids[2], status;

	ksnprintf(path, sizeof(path), "/ktest/%s", name);
	for (int r = 0; r < BENCH_RUNS; r++) {
		uint64_t start = rdtsc();
		for (int i = 0; i < procs; i++)
			pids[i] = proc_spawn(path, 1, argv, NULL);
		for (int i = 0; i < procs; i++) {
			KEXPECT(pids[i] > 0);
			KEXPECT_EQ(proc_wait(pids[i], &status, 0), pids[i]);
			KEXPECT(per_run == 0 || status == W_EXITCODE(0));
		}
		runs[r] = (rdtsc() - start) * 1000000 / tsc_ms / (per_run ? per_run : 1);
	}
	kprintf("# bench %s: %lu ns (median of %d runs)\n", label, median(runs), BENCH_RUNS);
}

KTEST(procbench, figures)
{
	uint64_t tsc_ms = tsc_per_ms();

	quiet_stdio();
	INSTALL(exit42); INSTALL(getpid_loop); INSTALL(yield_loop); INSTALL(null_loop);
	bench("getpid round trip", "getpid_loop", 1, BENCH_ITERATIONS, tsc_ms);
	/* Two yielders: every yield is a switch to the other process. */
	bench("yield ping-pong, one switch", "yield_loop", 2, 2 * BENCH_ITERATIONS, tsc_ms);
	bench("1-byte write to /dev/null", "null_loop", 1, BENCH_ITERATIONS, tsc_ms);
	bench("spawn+exit+wait", "exit42", 1, 0, tsc_ms);
}

/*
 * ELF64 images built here (ELF-64 Object File Format 1.5): the headers, then code that
 * exits with status 7, all in one read+execute PT_LOAD segment at USER_BASE.
 */
struct test_elf {
	struct {
		unsigned char ident[16];
		uint16_t type, machine;
		uint32_t version;
		uint64_t entry, phoff, shoff;
		uint32_t flags;
		uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	} eh;
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph[2];
	unsigned char code[16];
};

#define ELF_CODE_OFF	offsetof(struct test_elf, code)

static void elf_valid(struct test_elf *e)
{
	static const unsigned char code[] = {
		0xbf, 7, 0, 0, 0,		/* mov edi, 7 */
		0xb8, 0, 0, 0, 0,		/* mov eax, SYS_exit */
		0x0f, 0x05,			/* syscall */
	};

	memset(e, 0, sizeof(*e));
	memcpy(e->eh.ident, "\177ELF\2\1\1", 7);
	e->eh.type = 2;				/* ET_EXEC */
	e->eh.machine = 62;			/* EM_X86_64 */
	e->eh.version = 1;
	e->eh.entry = USER_BASE + ELF_CODE_OFF;
	e->eh.phoff = offsetof(struct test_elf, ph);
	e->eh.ehsize = sizeof(e->eh);
	e->eh.phentsize = sizeof(e->ph[0]);
	e->eh.phnum = 1;
	e->ph[0].type = 1;			/* PT_LOAD */
	e->ph[0].flags = 5;			/* R + X */
	e->ph[0].vaddr = USER_BASE;
	e->ph[0].filesz = e->ph[0].memsz = sizeof(*e);
	e->ph[0].align = PAGE_SIZE;
	memcpy(e->code, code, sizeof(code));
}

/* Writes size bytes of e to /ktest/elf and spawns it: the pid's status, or spawn's error. */
static int run_elf(const struct test_elf *e, size_t size)
{
	struct iobuf b = { (void *)e, false };
	struct vnode *n;

	vfs_unlink("/ktest/elf", 0);
	vfs_create("/ktest", KEEL_S_IFDIR | 0755, 0, NULL);	/* or it is there already */
	if (vfs_create("/ktest/elf", KEEL_S_IFREG | 0755, 0, &n) != 0)
		return -1000;
	n->ops->write(n, 0, &b, size);
	vnode_put(n);
	return run("elf");
}

KTEST(loader, static_elf_runs)
{
	struct test_elf e;

	elf_valid(&e);
	KEXPECT_EQ(run_elf(&e, sizeof(e)), W_EXITCODE(7));
}

KTEST(loader, malformed_elf_is_enoexec)
{
	struct test_elf e;

	elf_valid(&e);
	KEXPECT_EQ(run_elf(&e, 40), -ENOEXEC);		/* truncated header */
	KEXPECT_EQ(run_elf(&e, 100), -ENOEXEC);		/* truncated program headers */
	elf_valid(&e);
	e.ph[0].filesz = e.ph[0].memsz + 1;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* filesz > memsz */
	elf_valid(&e);
	e.ph[0].flags = 7;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* writable and executable */
	elf_valid(&e);
	e.eh.entry = USER_BASE + 0x10000;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* entry outside every segment */
	elf_valid(&e);
	e.ph[0].vaddr = KERNEL_VMA;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* segment in the kernel half */
	elf_valid(&e);
	e.ph[0].vaddr = 0x1000;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* segment below user space */
	elf_valid(&e);
	e.ph[0].memsz = UINT64_MAX - 0x1000;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* segment wrapping around */
	elf_valid(&e);
	e.ph[0].offset = 0x100000;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* data beyond the file */
	elf_valid(&e);
	e.eh.phnum = 2;
	e.ph[1] = e.ph[0];
	e.ph[1].flags = 6;
	e.ph[1].vaddr = USER_BASE + 0x800;		/* shares the first page */
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* overlapping segments */
	elf_valid(&e);
	e.eh.machine = 3;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* not x86-64 */
	elf_valid(&e);
	e.eh.type = 3;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);	/* ET_DYN */
	elf_valid(&e);
	e.eh.phentsize = 12;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), -ENOEXEC);
}

KTEST(loader, elf_segments_get_their_permissions)
{
	struct test_elf e;

	/* A second, writable segment with bss: loads and runs. */
	elf_valid(&e);
	e.eh.phnum = 2;
	e.ph[1] = e.ph[0];
	e.ph[1].flags = 6;
	e.ph[1].vaddr = USER_BASE + 0x10000;
	e.ph[1].filesz = 16;
	e.ph[1].memsz = 0x3000;
	KEXPECT_EQ(run_elf(&e, sizeof(e)), W_EXITCODE(7));
}
