/*
 * syscheck: calls every system call with what a careless or hostile program could pass,
 * NULL, kernel addresses, non-canonical and unmapped addresses, huge lengths, buffers
 * that run into an unmapped page or lie in read-only pages, bad descriptors and numbers,
 * and checks each answer against doc/processes.md: -EFAULT for a bad pointer, -EINVAL or
 * -EBADF for a bad number, -ENOSYS for a number without a call. It prints one line a
 * check, "ok NAME: got X want Y" or "FAIL NAME: ...", then the totals, and exits with
 * the number of failures (255 at most). That the kernel lives to answer, and the shell
 * after it, is the rest of the test (tests/userland/shell.test).
 *
 * The calls are made raw, through the runtime's syscall.h (the one place user space
 * says `syscall`): the wrappers would not pass an unknown number, a 64-bit value where
 * the C type is an int, or a pointer the compiler knows to be bad.
 *
 * Calls that would block or end us are made only where they cannot: exit not at all;
 * read of the console only with pointers the range check refuses before the read waits
 * for a line (the check comes first: pinned here, with a huge length from a good
 * buffer); sleep_ms only for 0 ms; waitpid on a real child that has something to report;
 * kill with signal 0 or a bad one.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

#define PAGE		4096UL
#define KERNEL_IMAGE	0xffffffff80000000UL	/* where the kernel runs (KERNEL_VMA) */
#define DIRECT_MAP	0xffff800000000000UL	/* all physical memory, kernel only */
#define NON_CANONICAL	0x0000800000000000UL	/* the first address past user space's half */
#define UNMAPPED	0x0000600000000000UL	/* user half, between the heap and the stack */
#define BELOW_USER	0x1000UL		/* under the lowest user address */
/* User space (doc/processes.md, "Loader": programs at the bottom, the stack at the top). */
#define USER_LOW	0x400000UL
#define USER_TOP	0x00007ffffffff000UL
#define HUGE_47		(1UL << 47)
#define TRUE_PATH	"/bin/true"

/* Pointers no call may accept, each with a name for the report. */
static const struct {
	const char *name;
	uint64_t addr;
} bad_ptrs[] = {
	{ "NULL", 0 },
	{ "below user space", BELOW_USER },
	{ "unmapped", UNMAPPED },
	{ "non-canonical", NON_CANONICAL },
	{ "direct map", DIRECT_MAP },
	{ "kernel image", KERNEL_IMAGE },
	{ "top of user space", USER_TOP },	/* the first byte past it */
	{ "all ones", UINT64_MAX },
};

#define NBAD	(sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))

static struct {
	unsigned checks, failures;
	unsigned calls[NR_SYSCALLS];	/* how often each number was called */
	char *edge;		/* a mapped page ends here; the next one is not mapped */
	int file_fd;		/* /etc/motd, read-only */
	int tmp_fd;		/* tmp_path, read-write, kept empty */
	int dir_fd;		/* "/" */
	int null_fd;		/* /dev/null, write-only */
	char tmp_path[64];
} sc;

/* Read-only bytes: the kernel must refuse to write here (R-- segment, doc/userland.md). */
static const char rodata[64] = "syscheck: read-only bytes";

static long
sys(long nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (nr >= 0 && nr < NR_SYSCALLS)
		sc.calls[nr]++;
	return syscall3(nr, (long)a1, (long)a2, (long)a3);
}

/* Writes v as "-EFAULT" when it is an error this program expects, else as a number. */
static const char *
show(long v, char *buf, size_t size)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { ECHILD, "ECHILD" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { ENOTDIR, "ENOTDIR" },
		{ EINVAL, "EINVAL" }, { ESPIPE, "ESPIPE" }, { ERANGE, "ERANGE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (v == -names[i].err) {
			snprintf(buf, size, "-%s", names[i].name);
			return buf;
		}
	snprintf(buf, size, "%ld", v);
	return buf;
}

static void
report(bool ok, const char *name, const char *what, long got, const char *want)
{
	char g[24];

	sc.checks++;
	if (!ok)
		sc.failures++;
	printf("%s %s%s%s: got %s want %s\n", ok ? "ok" : "FAIL", name, what[0] ? " " : "",
	       what, show(got, g, sizeof(g)), want);
}

/* The fact that a call named name (what: the bad argument) answered want. */
static void
expect(const char *name, const char *what, long got, long want)
{
	char w[24];

	report(got == want, name, what, got, show(want, w, sizeof(w)));
}

static void
expect_ok(const char *name, const char *what, long got)
{
	report(got >= 0, name, what, got, "success");
}

/*
 * Grows the heap to a page boundary and one page more, and remembers where it ends: the
 * page below sc.edge is ours, the one at it is not mapped (nothing here mallocs later).
 */
static void
edge_init(void)
{
	uintptr_t brk = (uintptr_t)sbrk(0), up = (brk + PAGE - 1) & ~(PAGE - 1);

	if (sbrk((intptr_t)(up - brk + PAGE)) == (void *)-1)
		err(255, "sbrk");
	sc.edge = (char *)up + PAGE;
}

static void
files_init(void)
{
	snprintf(sc.tmp_path, sizeof(sc.tmp_path), "/tmp/syscheck.%d", getpid());
	sc.file_fd = open("/etc/motd", O_RDONLY);
	sc.tmp_fd = open(sc.tmp_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	sc.dir_fd = open("/", O_RDONLY | O_DIRECTORY);
	sc.null_fd = open("/dev/null", O_WRONLY);
	if (sc.file_fd < 0 || sc.tmp_fd < 0 || sc.dir_fd < 0 || sc.null_fd < 0)
		err(255, "opening the files to check with");
}

/* Every call that takes a path, with each bad pointer as the path. */
static void
check_paths(void)
{
	static const struct {
		const char *name;
		long nr;
	} calls[] = {
		{ "open", SYS_open }, { "mkdir", SYS_mkdir }, { "unlink", SYS_unlink },
		{ "rename (from)", SYS_rename }, { "spawn", SYS_spawn }, { "stat", SYS_stat },
		{ "chdir", SYS_chdir }, { "rmdir", SYS_rmdir },
	};
	static char page[PAGE];
	static struct keel_stat st;
	char *tail = sc.edge - 8;

	/* A path whose bytes run into the unmapped page before any NUL. */
	memset(tail, 'a', 8);
	/* A path longer than any path can be, all of it mapped. */
	memset(page, 'a', sizeof(page) - 1);

	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		/* The second argument is harmless for each: flags, mode, a path, argv, a buffer. */
		uint64_t second = calls[c].nr == SYS_stat ? (uint64_t)&st :
				  calls[c].nr == SYS_rename ? (uint64_t)"/tmp/x" : 0;
		for (size_t i = 0; i < NBAD; i++)
			expect(calls[c].name, bad_ptrs[i].name,
			       sys(calls[c].nr, bad_ptrs[i].addr, second, 0), -EFAULT);
		expect(calls[c].name, "into an unmapped page",
		       sys(calls[c].nr, (uint64_t)tail, second, 0), -EFAULT);
		expect(calls[c].name, "longer than KEEL_PATH_MAX",
		       sys(calls[c].nr, (uint64_t)page, second, 0), -ENAMETOOLONG);
		expect(calls[c].name, "empty", sys(calls[c].nr, (uint64_t)"", second, 0), -ENOENT);
	}
	for (size_t i = 0; i < NBAD; i++)
		expect("rename (to)", bad_ptrs[i].name,
		       sys(SYS_rename, (uint64_t)sc.tmp_path, bad_ptrs[i].addr, 0), -EFAULT);
	expect_ok("stat", "after renames to bad paths, the file",
		  sys(SYS_stat, (uint64_t)sc.tmp_path, (uint64_t)&st, 0));
	expect("open", "O_ACCMODE as flags",
	       sys(SYS_open, (uint64_t)"/etc/motd", O_ACCMODE, 0), -EINVAL);
	expect("chdir", "a file", sys(SYS_chdir, (uint64_t)"/etc/motd", 0, 0), -ENOTDIR);
}

/* After failed readdirs, the next one still gives the directory's first entry. */
static void
check_readdir_position(void)
{
	static struct keel_dirent d, first;
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	long r = sys(SYS_readdir, (uint64_t)sc.dir_fd, (uint64_t)&d, 0);

	if (fd < 0 || readdir(fd, &first) != 1)
		err(255, "/");
	close(fd);
	expect("readdir", "a failed readdir leaves the position",
	       r == 1 && strcmp(d.name, first.name) == 0 ? 0 : -1, 0);
}

/* Calls that write a result to user memory: each bad pointer, then a read-only page. */
static void
check_out_buffers(void)
{
	static const struct {
		const char *name;
		long nr;
		uint64_t first;		/* the argument before the pointer, if any */
		bool pointer_first;
		size_t size;		/* bytes written */
	} calls[] = {
		{ "meminfo", SYS_meminfo, 0, true, sizeof(struct keel_meminfo) },
		{ "procinfo", SYS_procinfo, 0, false, sizeof(struct keel_procinfo) },
		{ "stat", SYS_stat, (uint64_t)"/", false, sizeof(struct keel_stat) },
		{ "fstat", SYS_fstat, 0, false, sizeof(struct keel_stat) },
		{ "readdir", SYS_readdir, 0, false, sizeof(struct keel_dirent) },
		{ "getcwd", SYS_getcwd, 0, true, 2 },
		{ "read", SYS_read, 0, false, 16 },
	};

	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		uint64_t first = calls[c].first;
		const char *name = calls[c].name;
		long nr = calls[c].nr;

		if (nr == SYS_fstat || nr == SYS_read)
			first = (uint64_t)sc.file_fd;
		if (nr == SYS_readdir)
			first = (uint64_t)sc.dir_fd;
		for (size_t i = 0; i <= NBAD + 2; i++) {
			uint64_t p = i < NBAD ? bad_ptrs[i].addr :
				     i == NBAD ? (uint64_t)rodata :
				     i == NBAD + 1 ? (uint64_t)sys :
				     (uint64_t)(sc.edge - calls[c].size / 2);
			const char *what = i < NBAD ? bad_ptrs[i].name :
					   i == NBAD ? "read-only data" :
					   i == NBAD + 1 ? "program text" : "into an unmapped page";
			long r;

			if (calls[c].pointer_first)	/* meminfo(p), getcwd(p, len) */
				r = sys(nr, p, nr == SYS_getcwd ? 256 : 0, 0);
			else
				r = sys(nr, first, p, calls[c].size);
			expect(name, what, r, -EFAULT);
		}
	}
	expect("read", "a failed read leaves the offset (lseek)",
	       sys(SYS_lseek, (uint64_t)sc.file_fd, 0, SEEK_CUR), 0);
	check_readdir_position();
	expect("getcwd", "buffer of 1 byte", sys(SYS_getcwd, (uint64_t)sc.edge - PAGE, 1, 0),
	       -ERANGE);
	expect("getcwd", "huge length, bad buffer", sys(SYS_getcwd, KERNEL_IMAGE, SIZE_MAX, 0),
	       -EFAULT);
	expect("rodata", "unchanged after the calls", strcmp(rodata, "syscheck: read-only bytes"),
	       0);
}

/* read and write: bad buffers and huge lengths, on a file, the console and /dev/null. */
static void
check_read_write(void)
{
	static char buf[64];
	uint64_t good = (uint64_t)buf, cross = (uint64_t)(sc.edge - 8);
	struct keel_stat st;

	for (size_t i = 0; i < NBAD; i++) {
		uint64_t p = bad_ptrs[i].addr;
		/* The console only with what fails the range check: the rest would wait. */
		bool refused = p < USER_LOW || p >= USER_TOP;

		expect("write file", bad_ptrs[i].name, sys(SYS_write, sc.tmp_fd, p, 16), -EFAULT);
		expect("write console", bad_ptrs[i].name, sys(SYS_write, 1, p, 16), -EFAULT);
		/* /dev/null touches no byte: only the range is checked (doc/processes.md). */
		expect("write /dev/null", bad_ptrs[i].name, sys(SYS_write, sc.null_fd, p, 16),
		       refused ? -EFAULT : 16);
		if (refused)
			expect("read console", bad_ptrs[i].name, sys(SYS_read, 0, p, 16), -EFAULT);
	}
	expect("write file", "into an unmapped page", sys(SYS_write, sc.tmp_fd, cross, 16),
	       -EFAULT);
	expect("write file", "across the top of user space",
	       sys(SYS_write, sc.tmp_fd, USER_TOP - 8, 16), -EFAULT);
	expect("read file", "across the top of user space",
	       sys(SYS_read, sc.file_fd, USER_TOP - 8, 16), -EFAULT);
	expect("write console", "into an unmapped page", sys(SYS_write, 1, cross, 16), -EFAULT);
	expect("read file", "huge length (SIZE_MAX)", sys(SYS_read, sc.file_fd, good, SIZE_MAX),
	       -EFAULT);
	expect("read file", "huge length (1 << 47)", sys(SYS_read, sc.file_fd, good, HUGE_47),
	       -EFAULT);
	expect("read console", "huge length (the check comes before the wait)",
	       sys(SYS_read, 0, good, SIZE_MAX), -EFAULT);
	expect("write file", "huge length (SIZE_MAX)", sys(SYS_write, sc.tmp_fd, good, SIZE_MAX),
	       -EFAULT);
	expect("write file", "huge length (1 << 47)", sys(SYS_write, sc.tmp_fd, good, HUGE_47),
	       -EFAULT);
	expect("write /dev/null", "huge length", sys(SYS_write, sc.null_fd, good, SIZE_MAX),
	       -EFAULT);
	expect("write console", "huge length", sys(SYS_write, 1, good, HUGE_47), -EFAULT);
	expect("read", "fd -1", sys(SYS_read, UINT64_MAX, good, 1), -EBADF);
	expect("read", "fd 1 << 40", sys(SYS_read, 1UL << 40, good, 1), -EBADF);
	expect("read", "a write-only fd", sys(SYS_read, sc.null_fd, good, 1), -EBADF);
	expect("write", "fd KEEL_FD_MAX", sys(SYS_write, KEEL_FD_MAX, good, 1), -EBADF);
	expect("write", "a read-only fd", sys(SYS_write, sc.file_fd, good, 1), -EBADF);
	expect("fstat", "the file is still empty", fstat(sc.tmp_fd, &st) == 0 ? (long)st.size : -1,
	       0);
}

static int pipe_fds[2];

/* The lowest descriptor not open, found by dup of the console (and closed again). */
static long
lowest_free_fd(void)
{
	long fd = sys(SYS_dup, 0, 0, 0);

	if (fd >= 0)
		sys(SYS_close, (uint64_t)fd, 0, 0);
	return fd;
}

/* Descriptor calls: numbers that name no open file, and bad whences and offsets. */
static void
check_descriptors(void)
{
	static struct keel_stat st;
	static struct keel_dirent d;
	static const uint64_t bad_fds[] = { UINT64_MAX, KEEL_FD_MAX, 1UL << 40, 0x100000001UL };

	for (size_t i = 0; i < sizeof(bad_fds) / sizeof(bad_fds[0]); i++) {
		char what[32];
		uint64_t fd = bad_fds[i];

		snprintf(what, sizeof(what), "fd %#lx", (unsigned long)fd);
		expect("close", what, sys(SYS_close, fd, 0, 0), -EBADF);
		expect("lseek", what, sys(SYS_lseek, fd, 0, SEEK_SET), -EBADF);
		expect("readdir", what, sys(SYS_readdir, fd, (uint64_t)&d, 0), -EBADF);
		expect("fstat", what, sys(SYS_fstat, fd, (uint64_t)&st, 0), -EBADF);
		expect("dup2 (old)", what, sys(SYS_dup2, fd, 5, 0), -EBADF);
		expect("dup2 (new)", what, sys(SYS_dup2, 1, fd, 0), -EBADF);
	}
	expect("lseek", "whence 99", sys(SYS_lseek, sc.file_fd, 0, 99), -EINVAL);
	expect("lseek", "to -1", sys(SYS_lseek, sc.file_fd, UINT64_MAX, SEEK_SET), -EINVAL);
	expect("lseek", "INT64_MAX past the end",
	       sys(SYS_lseek, sc.file_fd, INT64_MAX, SEEK_END), -EINVAL);
	expect("lseek", "INT64_MIN from the start",
	       sys(SYS_lseek, sc.file_fd, (uint64_t)INT64_MIN, SEEK_SET), -EINVAL);
	expect("lseek", "the console", sys(SYS_lseek, 1, 0, SEEK_SET), -ESPIPE);
	expect("readdir", "the console", sys(SYS_readdir, 0, (uint64_t)&d, 0), -ENOTDIR);
	expect("readdir", "a file", sys(SYS_readdir, sc.file_fd, (uint64_t)&d, 0), -ENOTDIR);
	expect("dup", "fd KEEL_FD_MAX", sys(SYS_dup, KEEL_FD_MAX, 0, 0), -EBADF);
	expect("fcntl", "fd KEEL_FD_MAX", sys(SYS_fcntl, KEEL_FD_MAX, F_GETFD, 0), -EBADF);
	expect("fcntl", "command 99", sys(SYS_fcntl, 0, 99, 0), -EINVAL);
	expect("fcntl", "F_DUPFD from KEEL_FD_MAX", sys(SYS_fcntl, 0, F_DUPFD, KEEL_FD_MAX), -EINVAL);
	expect("fcntl", "F_GETFD of the console", sys(SYS_fcntl, 0, F_GETFD, 0), 0);
	long free_fd = lowest_free_fd();

	expect("pipe", "flags 1", sys(SYS_pipe, (uint64_t)pipe_fds, 1, 0), -EINVAL);
	expect("pipe", "into the kernel", sys(SYS_pipe, KERNEL_IMAGE, 0, 0), -EFAULT);
	expect("pipe", "into NULL", sys(SYS_pipe, 0, 0, 0), -EFAULT);
	expect("pipe", "no descriptor leaked by the failed calls", lowest_free_fd(), free_fd);
	expect("ttymode", "mode 2", sys(SYS_ttymode, 2, 0, 0), -EINVAL);
	expect("ttymode", "mode -1", sys(SYS_ttymode, UINT64_MAX, 0, 0), -EINVAL);
}

/*
 * Pipes as a program sees them: bytes through in order, end of file once the writer is
 * closed, -EPIPE once the reader is (SIGPIPE ignored here, or it would end us), a FIFO to
 * fstat, close-on-exec from pipe2 and fcntl, and dup sharing the open file.
 */
static void
check_pipes(void)
{
	static struct keel_stat st;
	char buf[16] = { 0 };
	int fds[2], copy;

	if (pipe(fds) < 0) {
		expect_ok("pipe", "a pipe", -errno);
		return;
	}
	expect("pipe", "a write", write(fds[1], "hello", 5), 5);
	expect("pipe", "a read gets what is there, not more", read(fds[0], buf, sizeof(buf)), 5);
	expect("pipe", "... the same bytes", memcmp(buf, "hello", 5), 0);
	expect("pipe", "fstat of the read end is a FIFO",
	       fstat(fds[0], &st) == 0 ? (long)KEEL_S_ISFIFO(st.mode) : -1, 1);
	expect("pipe", "the read end is read-only", sys(SYS_write, (uint64_t)fds[0], (uint64_t)buf, 1), -EBADF);
	expect("pipe", "the write end is write-only", sys(SYS_read, (uint64_t)fds[1], (uint64_t)buf, 1), -EBADF);
	expect("pipe", "lseek", sys(SYS_lseek, (uint64_t)fds[0], 0, SEEK_SET), -ESPIPE);
	expect("pipe", "no close-on-exec without O_CLOEXEC", fcntl(fds[0], F_GETFD, 0), 0);
	expect("fcntl", "F_SETFD FD_CLOEXEC", fcntl(fds[0], F_SETFD, FD_CLOEXEC), 0);
	expect("fcntl", "F_GETFD says so", fcntl(fds[0], F_GETFD, 0), FD_CLOEXEC);
	expect("fcntl", "F_GETFL of the write end", fcntl(fds[1], F_GETFL, 0), O_WRONLY);
	copy = dup(fds[1]);
	expect_ok("dup", "of the write end", copy);
	expect("dup", "the copy has no close-on-exec", fcntl(copy, F_GETFD, 0), 0);
	close(fds[1]);
	expect("pipe", "a write through the dup'ed end", write(copy, "x", 1), 1);
	close(copy);
	expect("pipe", "the byte written before the last writer closed", read(fds[0], buf, sizeof(buf)), 1);
	expect("pipe", "then end of file", read(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);

	if (pipe2(fds, O_CLOEXEC) < 0) {
		expect_ok("pipe2", "O_CLOEXEC", -errno);
		return;
	}
	expect("pipe2", "O_CLOEXEC marks both ends",
	       fcntl(fds[0], F_GETFD, 0) + fcntl(fds[1], F_GETFD, 0), 2 * FD_CLOEXEC);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	expect("pipe", "a write with no reader left", sys(SYS_write, (uint64_t)fds[1], (uint64_t)buf, 1), -EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(fds[1]);
}

/* poll of fds (n entries) with timeout: its result, and the first entry's revents in *rev. */
static long
poll_one(struct pollfd *fds, unsigned long n, int timeout, int *rev)
{
	long r;

	fds[0].revents = -1;
	r = sys(SYS_poll, (uint64_t)fds, n, (uint64_t)(long)timeout);
	*rev = fds[0].revents;
	return r;
}

/*
 * poll over pipes and a file, as Linux answers: readiness, hang-up and error ends, bad
 * descriptors, a timeout that waits as long as asked, a wake-up when a child writes, and
 * bad arguments.
 */
static void
check_poll(void)
{
	struct pollfd p[3];
	int fds[2], more[2], rev, pid, st;
	uint64_t t0, waited;

	if (pipe(fds) < 0 || pipe(more) < 0) {
		expect_ok("pipe", "two pipes for poll", -errno);
		return;
	}
	p[0] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	expect("poll", "an empty pipe, timeout 0", poll_one(p, 1, 0, &rev), 0);
	expect("poll", "... no revents", rev, 0);
	p[0] = (struct pollfd){ .fd = fds[1], .events = POLLIN | POLLOUT };
	expect("poll", "the write end", poll_one(p, 1, 0, &rev), 1);
	expect("poll", "... is writable only", rev, POLLOUT);
	write(more[1], "x", 1);
	p[0] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = -1, .events = POLLIN };
	p[2] = (struct pollfd){ .fd = more[0], .events = POLLIN };
	expect("poll", "three entries, the third ready", poll_one(p, 3, 0, &rev), 1);
	expect("poll", "... its revents", p[2].revents, POLLIN);
	expect("poll", "... none for a negative fd", p[1].revents, 0);
	p[0] = (struct pollfd){ .fd = 60, .events = POLLIN };
	expect("poll", "a descriptor not open", poll_one(p, 1, 0, &rev), 1);
	expect("poll", "... is POLLNVAL", rev, POLLNVAL);
	p[0] = (struct pollfd){ .fd = sc.tmp_fd, .events = POLLIN | POLLOUT };
	expect("poll", "a regular file", poll_one(p, 1, -1, &rev), 1);
	expect("poll", "... is always ready", rev, POLLIN | POLLOUT);

	p[0] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	t0 = uptime_ms();
	expect("poll", "nothing for 100 ms", poll_one(p, 1, 100, &rev), 0);
	waited = uptime_ms() - t0;
	report(waited >= 100 && waited < 1000, "poll", "the timeout waits 100 ms", (long)waited,
	       "100-999");
	if ((pid = fork()) == 0) {
		sleep_ms(50);
		_exit(write(fds[1], "y", 1) == 1 ? 0 : 1);
	}
	expect("poll", "with no timeout, a child's write wakes it", poll_one(p, 1, -1, &rev), 1);
	expect("poll", "... readable", rev, POLLIN);
	waitpid(pid, &st, 0);
	close(fds[1]);
	expect("poll", "the writer gone, data left", poll_one(p, 1, 0, &rev), 1);
	expect("poll", "... readable and hung up", rev, POLLIN | POLLHUP);
	read(fds[0], &st, 1);
	expect("poll", "hung up even when not asked for", poll_one(p, 1, 0, &rev), 1);
	expect("poll", "... POLLHUP alone", rev, POLLHUP);
	close(more[0]);
	p[0] = (struct pollfd){ .fd = more[1], .events = POLLOUT };
	expect("poll", "the reader gone", poll_one(p, 1, 0, &rev), 1);
	expect("poll", "... writable and in error", rev, POLLOUT | POLLERR);
	close(fds[0]);
	close(more[1]);

	expect("poll", "nfds 257", sys(SYS_poll, (uint64_t)p, 257, 0), -EINVAL);
	expect("poll", "nfds 2^63", sys(SYS_poll, (uint64_t)p, 1UL << 63, 0), -EINVAL);
	expect("poll", "entries in the kernel", sys(SYS_poll, KERNEL_IMAGE, 1, 0), -EFAULT);
	expect("poll", "NULL entries", sys(SYS_poll, 0, 1, 0), -EFAULT);
	expect("poll", "no entries, timeout 0", sys(SYS_poll, 0, 0, 0), 0);
}

/* spawn's argv, and waitpid with a bad status pointer on a child that has ended. */
static void
check_processes(void)
{
	static char *argv[40], long_arg[5000];
	char **tail = (char **)sc.edge - 2;
	long pid, status = -1;
	int st = -1;

	for (size_t i = 1; i < NBAD; i++)	/* NULL argv is allowed: { path } */
		expect("spawn argv", bad_ptrs[i].name,
		       sys(SYS_spawn, (uint64_t)TRUE_PATH, bad_ptrs[i].addr, 0), -EFAULT);
	for (size_t i = 1; i < NBAD; i++) {
		argv[0] = (char *)TRUE_PATH;
		argv[1] = (char *)bad_ptrs[i].addr;
		argv[2] = NULL;
		expect("spawn argv[1]", bad_ptrs[i].name,
		       sys(SYS_spawn, (uint64_t)TRUE_PATH, (uint64_t)argv, 0), -EFAULT);
	}
	tail[0] = tail[1] = (char *)TRUE_PATH;	/* no NULL before the unmapped page */
	expect("spawn argv", "into an unmapped page",
	       sys(SYS_spawn, (uint64_t)TRUE_PATH, (uint64_t)tail, 0), -EFAULT);
	for (size_t i = 0; i < 39; i++)
		argv[i] = (char *)TRUE_PATH;
	argv[39] = NULL;
	expect("spawn", "a file with no x bit, even for root", sys(SYS_spawn, (uint64_t)"/etc/motd", 0, 0),
	       -EACCES);
	expect("spawn argv", "39 arguments (ARGV_MAX 32)",
	       sys(SYS_spawn, (uint64_t)TRUE_PATH, (uint64_t)argv, 0), -E2BIG);
	memset(long_arg, 'a', sizeof(long_arg) - 1);
	argv[1] = long_arg;
	argv[2] = NULL;
	expect("spawn argv", "an argument of 5000 bytes",
	       sys(SYS_spawn, (uint64_t)TRUE_PATH, (uint64_t)argv, 0), -E2BIG);
	expect("waitpid", "no failed spawn left a child",
	       sys(SYS_waitpid, UINT64_MAX, 0, WNOHANG), -ECHILD);

	pid = sys(SYS_spawn, (uint64_t)TRUE_PATH, 0, 0);
	expect_ok("spawn", TRUE_PATH, pid);
	if (pid <= 0)
		return;
	for (size_t i = 1; i < NBAD; i++)	/* NULL status is allowed: not wanted */
		expect("waitpid", bad_ptrs[i].name, sys(SYS_waitpid, pid, bad_ptrs[i].addr, 0),
		       -EFAULT);
	expect("waitpid", "read-only data", sys(SYS_waitpid, pid, (uint64_t)rodata, 0), -EFAULT);
	expect("waitpid", "into an unmapped page",
	       sys(SYS_waitpid, pid, (uint64_t)(sc.edge - 2), 0), -EFAULT);
	expect("waitpid", "flags 2", sys(SYS_waitpid, pid, (uint64_t)&st, 2), -EINVAL);
	expect("waitpid", "the child is still there to reap",
	       sys(SYS_waitpid, pid, (uint64_t)&st, 0), pid);
	status = st;
	expect("waitpid", "its status is exit 0", status, 0);
	expect("waitpid", "not our child (pid 1)", sys(SYS_waitpid, 1, (uint64_t)&st, 0), -ECHILD);
}

/* Returns the pid of the process called name (the first one), or 0. */
static long
pid_of(const char *name)
{
	struct keel_procinfo pi;

	for (int i = 0; procinfo(i, &pi) == 1; i++)
		if (strcmp(pi.name, name) == 0)
			return pi.pid;
	return 0;
}

/* kill, the ids, setuid, sleep, sbrk and the information calls. */
static void
check_numbers(void)
{
	static struct keel_procinfo pi;
	long self = sys(SYS_getpid, 0, 0, 0), uid = sys(SYS_getuid, 0, 0, 0), init = pid_of("init");
	uintptr_t brk = (uintptr_t)sbrk(0);

	expect("getpid", "with junk arguments", sys(SYS_getpid, KERNEL_IMAGE, UINT64_MAX, 1),
	       self);
	expect_ok("getppid", "with junk arguments", sys(SYS_getppid, KERNEL_IMAGE, 0, 0));
	expect("getuid", "with junk arguments", sys(SYS_getuid, UINT64_MAX, 0, 0), uid);
	expect("kill", "signal 32", sys(SYS_kill, self, 32, 0), -EINVAL);
	expect("kill", "signal -1", sys(SYS_kill, self, UINT64_MAX, 0), -EINVAL);
	expect("kill", "pid 0 (our own group)", sys(SYS_kill, 0, 0, 0), 0);
	expect("kill", "pid -1 (everyone: not supported)", sys(SYS_kill, UINT64_MAX, 0, 0), -EINVAL);
	expect("kill", "a group no one is in", sys(SYS_kill, (uint64_t)-(INT32_MAX), 0, 0), -ESRCH);
	expect("kill", "our own group by number",
	       sys(SYS_kill, (uint64_t)-sys(SYS_getpgid, 0, 0, 0), 0, 0), 0);
	expect("setpgid", "a negative group", sys(SYS_setpgid, 0, (uint64_t)-5, 0), -EINVAL);
	expect("setpgid", "pid 1, not our child", sys(SYS_setpgid, 1, 0, 0), -ESRCH);
	expect("setpgid", "a group no one is in", sys(SYS_setpgid, 0, INT32_MAX, 0), -EPERM);
	expect("getpgid", "pid 2^31-1", sys(SYS_getpgid, INT32_MAX, 0, 0), -ESRCH);
	expect("tcsetpgrp", "a file, not the terminal", sys(SYS_tcsetpgrp, sc.file_fd, 1, 0), -ENOTTY);
	expect("tcsetpgrp", "a group no one is in", sys(SYS_tcsetpgrp, 0, INT32_MAX, 0), -EPERM);
	expect("tcgetpgrp", "a file, not the terminal", sys(SYS_tcgetpgrp, sc.file_fd, 0, 0), -ENOTTY);
	expect("getsid", "pid 2^31-1", sys(SYS_getsid, INT32_MAX, 0, 0), -ESRCH);
	if (getpgid(0) == getpid())	/* the shell runs each job in a group of its own */
		expect("setsid", "a group leader", sys(SYS_setsid, 0, 0, 0), -EPERM);
	expect("sigignore", "SIGKILL", sys(SYS_sigignore, SIGKILL, 1, 0), -EINVAL);
	expect("sigignore", "signal 0", sys(SYS_sigignore, 0, 1, 0), -EINVAL);
	expect("sigignore", "signal 32", sys(SYS_sigignore, 32, 1, 0), -EINVAL);
	expect("sigignore", "a setting of 2", sys(SYS_sigignore, SIGINT, 2, 0), -EINVAL);
	expect("kill", "pid 2^31-1", sys(SYS_kill, INT32_MAX, 0, 0), -ESRCH);
	expect("kill", "signal 0 to ourselves", sys(SYS_kill, self, 0, 0), 0);
	if (init > 0)	/* root's: only root may signal it */
		expect("kill", "signal 0 to init", sys(SYS_kill, init, 0, 0),
		       uid == 0 ? 0 : -EPERM);
	expect("setuid", "2^32", sys(SYS_setuid, 1UL << 32, 0, 0), -EINVAL);
	expect("setuid", "-1", sys(SYS_setuid, UINT64_MAX, 0, 0), -EINVAL);
	expect("setuid", "our own uid", sys(SYS_setuid, (uint64_t)uid, 0, 0), 0);
	if (uid != 0)
		expect("setuid", "0, not being root", sys(SYS_setuid, 0, 0, 0), -EPERM);
	expect("sleep_ms", "0 ms", sys(SYS_sleep_ms, 0, 0, 0), 0);
	expect_ok("uptime_ms", "with junk arguments", sys(SYS_uptime_ms, KERNEL_IMAGE, 0, 0));
	expect("yield", "with junk arguments", sys(SYS_yield, KERNEL_IMAGE, 0, 0), 0);
	expect("sbrk", "INT64_MAX", sys(SYS_sbrk, INT64_MAX, 0, 0), -ENOMEM);
	expect("sbrk", "1 << 47", sys(SYS_sbrk, HUGE_47, 0, 0), -ENOMEM);
	expect("sbrk", "INT64_MIN", sys(SYS_sbrk, (uint64_t)INT64_MIN, 0, 0), -EINVAL);
	expect("sbrk", "-(1 << 47)", sys(SYS_sbrk, -HUGE_47, 0, 0), -EINVAL);
	expect("sbrk", "the break did not move", sys(SYS_sbrk, 0, 0, 0), (long)brk);
	expect("procinfo", "index -1", sys(SYS_procinfo, UINT64_MAX, (uint64_t)&pi, 0), 0);
	expect("procinfo", "index 1 << 40", sys(SYS_procinfo, 1UL << 40, (uint64_t)&pi, 0), 0);
	expect("procinfo", "index 2^31", sys(SYS_procinfo, 1UL << 31, (uint64_t)&pi, 0), 0);
}

/* Numbers without a call, among them one that a 32-bit truncation would make getpid. */
static void
check_unknown(void)
{
	static const struct {
		const char *name;
		uint64_t nr;
	} nrs[] = {
		{ "NR_SYSCALLS", NR_SYSCALLS }, { "1000", 1000 }, { "-1", UINT64_MAX },
		{ "2^32 + SYS_getpid", (1UL << 32) + SYS_getpid }, { "2^63", 1UL << 63 },
	};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		expect("syscall", nrs[i].name, sys((long)nrs[i].nr, 0, 0, 0), -ENOSYS);
}

/* execve with bad pointers and too much, each of which must fail and leave us running. */
static void
check_exec_refusals(void)
{
	static char *argv[40], *envp[80], long_arg[5000];
	static char *const good_argv[] = { (char *)TRUE_PATH, NULL };

	for (size_t i = 0; i < NBAD; i++)
		expect("execve path", bad_ptrs[i].name,
		       sys(SYS_execve, bad_ptrs[i].addr, 0, 0), -EFAULT);
	for (size_t i = 1; i < NBAD; i++) {	/* NULL argv and envp are allowed */
		expect("execve argv", bad_ptrs[i].name,
		       sys(SYS_execve, (uint64_t)TRUE_PATH, bad_ptrs[i].addr, 0), -EFAULT);
		expect("execve envp", bad_ptrs[i].name,
		       sys(SYS_execve, (uint64_t)TRUE_PATH, 0, bad_ptrs[i].addr), -EFAULT);
		expect("spawn envp", bad_ptrs[i].name,
		       sys(SYS_spawn, (uint64_t)TRUE_PATH, 0, bad_ptrs[i].addr), -EFAULT);
		envp[0] = (char *)bad_ptrs[i].addr;
		envp[1] = NULL;
		expect("execve envp[0]", bad_ptrs[i].name,
		       sys(SYS_execve, (uint64_t)TRUE_PATH, (uint64_t)good_argv, (uint64_t)envp),
		       -EFAULT);
	}
	for (size_t i = 0; i < 39; i++)
		argv[i] = (char *)TRUE_PATH;
	argv[39] = NULL;
	expect("execve argv", "39 arguments (ARGV_MAX 32)",
	       sys(SYS_execve, (uint64_t)TRUE_PATH, (uint64_t)argv, 0), -E2BIG);
	for (size_t i = 0; i < 79; i++)
		envp[i] = (char *)"A=1";
	envp[79] = NULL;
	expect("execve envp", "79 strings (ENVP_MAX 64)",
	       sys(SYS_execve, (uint64_t)TRUE_PATH, 0, (uint64_t)envp), -E2BIG);
	expect("spawn envp", "79 strings (ENVP_MAX 64)",
	       sys(SYS_spawn, (uint64_t)TRUE_PATH, 0, (uint64_t)envp), -E2BIG);
	memset(long_arg, 'a', sizeof(long_arg) - 1);
	long_arg[1] = '=';
	envp[0] = long_arg;
	envp[1] = NULL;
	expect("execve envp", "a string of 5000 bytes",
	       sys(SYS_execve, (uint64_t)TRUE_PATH, 0, (uint64_t)envp), -E2BIG);
	for (size_t i = 0; i < 30; i++)		/* each fits, together they do not */
		argv[i] = long_arg + sizeof(long_arg) - 200;
	argv[30] = NULL;
	for (size_t i = 0; i < 30; i++)
		envp[i] = long_arg + sizeof(long_arg) - 200;
	envp[30] = NULL;
	expect("execve", "30 + 30 strings of 200 bytes",
	       sys(SYS_execve, (uint64_t)TRUE_PATH, (uint64_t)argv, (uint64_t)envp), -E2BIG);
	expect("execve", "a program that is not there",
	       sys(SYS_execve, (uint64_t)"/bin/no-such-program", 0, 0), -ENOENT);
	expect("execve", "a directory", sys(SYS_execve, (uint64_t)"/", 0, 0), -EACCES);
	expect("waitpid", "no failed spawn or execve left a child",
	       sys(SYS_waitpid, UINT64_MAX, 0, WNOHANG), -ECHILD);
}

/*
 * fork: both sides return, and writes after it stay on the side that made them, in the
 * data, the heap and the stack; a 16 MiB heap is not copied at the fork, and a child that
 * writes to 16 of its pages copies those 16 (and perhaps a page table), no more.
 */
static void
check_fork(void)
{
	static volatile int data = 1;
	volatile int on_stack = 1;
	const size_t heap_size = 16UL << 20;
	struct keel_meminfo before, after;
	volatile char *heap = sbrk((intptr_t)heap_size);
	long pid, free_drop;
	int st = -1;

	if (heap == (void *)-1) {
		report(false, "fork", "sbrk of 16 MiB for the check", -ENOMEM, "success");
		return;
	}
	for (size_t off = 0; off < heap_size; off += PAGE)
		heap[off] = 7;
	meminfo(&before);
	pid = sys(SYS_fork, KERNEL_IMAGE, UINT64_MAX, 0);	/* it takes no arguments */
	if (pid == 0) {
		int bad = (data != 1) | (on_stack != 1) << 1 | (heap[heap_size - PAGE] != 7) << 2;
		struct keel_meminfo m1, m2;
		long copied;

		data = 2;
		on_stack = 2;
		heap[0] = 2;
		meminfo(&m1);
		for (size_t k = 1; k <= 16; k++)	/* 16 pages spread over the heap */
			heap[k * (heap_size / 17)] = 2;
		meminfo(&m2);
		copied = (long)(m1.free - m2.free) / PAGE;
		bad |= (copied < 16 || copied > 18) << 3;
		_exit(bad ? 10 + bad : 3);
	}
	meminfo(&after);	/* the child has not run yet: we have not blocked */
	data = 5;
	on_stack = 5;
	heap[0] = 5;
	expect_ok("fork", "with junk arguments", pid);
	if (pid < 0)
		return;
	free_drop = (long)(before.free - after.free);
	report(free_drop < (long)(heap_size / 16), "fork", "of a 16 MiB heap copies no page",
	       free_drop, "below 1 MiB");
	expect("fork", "the child is reaped", sys(SYS_waitpid, pid, (uint64_t)&st, 0), pid);
	expect("fork", "the child saw the memory as it was, 16 writes copied 16 pages: exit 3", st,
	       W_EXITCODE(3));
	expect("fork", "the child's writes stayed its own", data + on_stack + heap[0], 15);
	sbrk(-(intptr_t)heap_size);
}

/*
 * execve for real, in a forked child and through spawn: the program (this one, with
 * --exec-child) must find a descriptor, its pid, its directory and the environment.
 */
static void
check_exec(void)
{
	char fd[16], pid_s[16], cwd[KEEL_PATH_MAX + 1];
	char *argv[] = { "syscheck", "--exec-child", fd, pid_s, cwd, "exec", NULL };
	char *envp[] = { "KEEL_CHECK=exec", NULL };
	long pid;
	int st = -1;

	snprintf(fd, sizeof(fd), "%d", sc.file_fd);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		strcpy(cwd, "?");
	pid = sys(SYS_fork, 0, 0, 0);
	if (pid == 0) {
		snprintf(pid_s, sizeof(pid_s), "%d", getpid());
		execve("/bin/syscheck", argv, envp);
		_exit(100);
	}
	expect_ok("fork", "for execve", pid);
	expect("execve", "the new image ran and found what it kept",
	       sys(SYS_waitpid, pid, (uint64_t)&st, 0) == pid ? st : -1, W_EXITCODE(0));

	/* spawn passes environ; setenv puts it on the heap first (past sc.edge: last). */
	strcpy(pid_s, "0");
	argv[5] = "spawn";
	if (setenv("KEEL_CHECK", "spawn", 1) < 0 || setenv("KEEL_OTHER", "x", 1) < 0 ||
	    unsetenv("KEEL_OTHER") < 0 || strcmp(getenv("KEEL_CHECK"), "spawn") != 0 ||
	    getenv("KEEL_OTHER") != NULL) {
		report(false, "setenv", "then getenv", -1, "the value set");
		return;
	}
	pid = spawn("/bin/syscheck", argv);
	expect_ok("spawn", "with environ", pid);
	if (pid > 0)
		expect("spawn", "the child found environ",
		       waitpid((int)pid, &st, 0) == pid ? st : -1, W_EXITCODE(0));
}

/*
 * The program check_exec runs: argv FD PID CWD VALUE. Exits with a bit for each thing
 * that is not as the parent left it (PID 0: not checked).
 */
static int
exec_child(char **argv)
{
	struct keel_stat st;
	char cwd[KEEL_PATH_MAX + 1];
	const char *v = getenv("KEEL_CHECK");
	int bad = 0, pid = atoi(argv[3]);

	bad |= (v == NULL || strcmp(v, argv[5]) != 0) << 0;
	bad |= (fstat(atoi(argv[1]), &st) < 0) << 1;
	bad |= (pid != 0 && getpid() != pid) << 2;
	bad |= (getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, argv[4]) != 0) << 3;
	return bad;
}

/*
 * Numbers this program has no checks for (calls added after it): each is called with a
 * descriptor 0 and kernel addresses, and counts as checked if the kernel answers.
 */
static void
check_the_rest(void)
{
	for (long nr = 1; nr < NR_SYSCALLS; nr++) {
		char what[64];

		if (sc.calls[nr] != 0)
			continue;
		snprintf(what, sizeof(what), "%ld (no checks written yet) with kernel addresses",
			 nr);
		report(true, "syscall", what, sys(nr, 0, KERNEL_IMAGE, KERNEL_IMAGE),
		       "an answer");
	}
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(argv);
	edge_init();
	files_init();
	check_paths();
	check_out_buffers();
	check_read_write();
	check_descriptors();
	check_processes();
	check_pipes();
	check_poll();
	check_numbers();
	check_unknown();
	check_exec_refusals();
	check_fork();
	check_exec();
	check_the_rest();
	close(sc.tmp_fd);
	if (unlink(sc.tmp_path) < 0)
		warn("%s", sc.tmp_path);
	printf("syscheck: %u checks, %u failures\n", sc.checks, sc.failures);
	return sc.failures > 255 ? 255 : (int)sc.failures;
}
