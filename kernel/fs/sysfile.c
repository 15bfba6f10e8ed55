/*
 * The file system calls: descriptors, and paths relative to the process's directory,
 * over the VFS (vfs.h) and the open files' own operations (file.h). Nothing here knows
 * which file system or which kind of file it holds; permissions are the VFS's, for the
 * calling process's uid.
 */
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "pipe.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"
#include "vfs.h"
#include "memlayout.h"
#include <keel/errno.h>

/*
 * Not inlined: its copy of the user's path (KEEL_PATH_MAX) is off the stack again before
 * the caller walks the path, deep into a file system and a disk driver.
 */
__attribute__((noinline)) int path_from_user(const char *upath, char *out)
{
	char rel[KEEL_PATH_MAX + 1];
	long len = strncpy_from_user(rel, upath, sizeof(rel));

	if (len < 0)
		return (int)len;
	return path_resolve(proc_current()->cwd, rel, out, 0);
}

struct file *fd_file(uint64_t fd)
{
	return fd < FD_MAX ? proc_current()->fds[fd] : NULL;
}

/* Gives f the lowest free descriptor from min on, with fdflags. Returns it, or -EMFILE (and drops f). */
static int fd_install_from(struct file *f, uint64_t min, uint8_t fdflags)
{
	struct proc *p = proc_current();

	for (uint64_t fd = min; fd < FD_MAX; fd++)
		if (!p->fds[fd]) {
			p->fds[fd] = f;
			p->fdflags[fd] = fdflags;
			return (int)fd;
		}
	file_put(f);
	return -EMFILE;
}

int fd_install(struct file *f)
{
	return fd_install_from(f, 0, 0);
}

/* Whether [buf, buf + len) is in user space, for calls that do not touch the bytes. */
static bool user_span(uint64_t buf, uint64_t len)
{
	return len == 0 || (buf >= USER_BASE && buf < USER_END && len <= USER_END - buf);
}

long sys_open(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	struct file *f;
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = vfs_open(path, (int)a[1] & ~O_CLOEXEC, (uint32_t)a[2], proc_current()->uid,
			    &f)) != 0)
		return err;
	return fd_install_from(f, 0, (a[1] & O_CLOEXEC) ? FD_CLOEXEC : 0);
}

long sys_pipe(const uint64_t *a)
{
	struct proc *p = proc_current();
	struct file *rd, *wr;
	int fds[2], err;
	uint8_t fdflags = (a[1] & O_CLOEXEC) ? FD_CLOEXEC : 0;

	if (a[1] & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if ((err = pipe_new(&rd, &wr)) != 0)
		return err;
	if ((fds[0] = fd_install_from(rd, 0, fdflags)) < 0) {
		file_put(wr);
		return fds[0];
	}
	if ((fds[1] = fd_install_from(wr, 0, fdflags)) < 0) {
		file_put(p->fds[fds[0]]);
		p->fds[fds[0]] = NULL;
		return fds[1];
	}
	if (copy_to_user((void *)a[0], fds, sizeof(fds)) != 0) {
		for (int i = 0; i < 2; i++) {
			file_put(p->fds[fds[i]]);
			p->fds[fds[i]] = NULL;
		}
		return -EFAULT;
	}
	return 0;
}

long sys_dup(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);

	return f ? fd_install(file_dup(f)) : -EBADF;
}

long sys_fcntl(const uint64_t *a)
{
	struct proc *p = proc_current();
	struct file *f = fd_file(a[0]);

	if (!f)
		return -EBADF;
	switch (a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a[2] >= FD_MAX)
			return -EINVAL;
		return fd_install_from(file_dup(f), a[2], a[1] == F_DUPFD ? 0 : FD_CLOEXEC);
	case F_GETFD:
		return p->fdflags[a[0]];
	case F_SETFD:
		p->fdflags[a[0]] = a[2] & FD_CLOEXEC;
		return 0;
	case F_GETFL:
		return f->flags & (O_ACCMODE | O_APPEND);
	default:
		return -EINVAL;
	}
}

long sys_close(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);

	if (!f)
		return -EBADF;
	proc_current()->fds[a[0]] = NULL;
	proc_current()->fdflags[a[0]] = 0;
	file_put(f);
	return 0;
}

/* read and write: the descriptor must allow the transfer, the buffer must be user space. */
static long transfer(const uint64_t *a, bool write)
{
	struct file *f = fd_file(a[0]);
	struct iobuf buf = { (void *)a[1], true };
	long (*op)(struct file *, const struct iobuf *, size_t);

	if (!f || (f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY))
		return -EBADF;
	if (!user_span(a[1], a[2]))
		return -EFAULT;
	op = write ? f->ops->write : f->ops->read;
	return op ? op(f, &buf, a[2]) : -EINVAL;
}

long sys_read(const uint64_t *a)
{
	return transfer(a, false);
}

long sys_write(const uint64_t *a)
{
	return transfer(a, true);
}

long sys_lseek(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);

	if (!f)
		return -EBADF;
	return f->ops->lseek ? f->ops->lseek(f, (int64_t)a[1], (int)a[2]) : -ESPIPE;
}

long sys_readdir(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	struct iobuf buf = { (void *)a[1], true };

	if (!f)
		return -EBADF;
	return f->ops->readdir ? f->ops->readdir(f, &buf) : -ENOTDIR;
}

long sys_mkdir(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0)
		return err;
	return vfs_create(path, KEEL_S_IFDIR | ((uint32_t)a[1] & KEEL_S_PERM),
			  proc_current()->uid, NULL);
}

long sys_unlink(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0)
		return err;
	return vfs_unlink(path, proc_current()->uid);
}

long sys_rmdir(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0)
		return err;
	if (strcmp(path, proc_current()->cwd) == 0)
		return -EBUSY;
	return vfs_rmdir(path, proc_current()->uid);
}

long sys_rename(const uint64_t *a)
{
	char from[KEEL_PATH_MAX + 1], to[KEEL_PATH_MAX + 1];
	int err;

	if ((err = path_from_user((const char *)a[0], from)) != 0 ||
	    (err = path_from_user((const char *)a[1], to)) != 0)
		return err;
	return vfs_rename(from, to, proc_current()->uid);
}

long sys_stat(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	struct keel_stat st;
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = vfs_stat(path, true, proc_current()->uid, &st)) != 0)
		return err;
	return copy_to_user((void *)a[1], &st, sizeof(st));
}

long sys_fstat(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	struct keel_stat st;

	if (!f)
		return -EBADF;
	f->ops->stat(f, &st);
	return copy_to_user((void *)a[1], &st, sizeof(st));
}

long sys_chdir(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	struct keel_stat st;
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = vfs_stat(path, true, proc_current()->uid, &st)) != 0)
		return err;
	if (!KEEL_S_ISDIR(st.mode))
		return -ENOTDIR;
	if ((err = perm_check(&st, proc_current()->uid, MAY_EXEC)) != 0)
		return err;
	memcpy(proc_current()->cwd, path, sizeof(path));
	return 0;
}

long sys_getcwd(const uint64_t *a)
{
	const char *cwd = proc_current()->cwd;
	size_t len = strlen(cwd);

	if (a[1] < len + 1)
		return -ERANGE;
	if (copy_to_user((void *)a[0], cwd, len + 1) != 0)
		return -EFAULT;
	return (long)len;
}

long sys_dup2(const uint64_t *a)
{
	struct proc *p = proc_current();
	struct file *f = fd_file(a[0]);

	if (!f || a[1] >= FD_MAX)
		return -EBADF;
	if (a[0] == a[1])
		return (long)a[1];
	file_put(p->fds[a[1]]);
	p->fds[a[1]] = file_dup(f);
	p->fdflags[a[1]] = 0;
	return (long)a[1];
}

/* The argument and environment vectors of spawn and execve, copied in from user space. */
struct exec_args {
	char path[KEEL_PATH_MAX + 1];
	const char *argv[ARGV_MAX + 1];
	const char *envp[ENVP_MAX + 1];		/* NULL-terminated */
	int argc;
	char *strings;				/* ARGV_BYTES_MAX bytes of both */
	size_t used;
};

/*
 * Copies the NULL-terminated user vector uv into v (at most max strings, then a NULL),
 * the strings into a->strings. Returns the count, -EFAULT or -E2BIG.
 */
static int vector_from_user(const char *const *uv, const char **v, int max,
			    struct exec_args *a)
{
	int n = 0, err;

	for (;; n++) {
		const char *s;
		long len;
		if ((err = copy_from_user(&s, &uv[n], sizeof(s))) != 0)
			return err;
		if (!s)
			break;
		if (n == max || a->used == ARGV_BYTES_MAX)
			return -E2BIG;
		if ((len = strncpy_from_user(a->strings + a->used, s, ARGV_BYTES_MAX - a->used)) < 0)
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		v[n] = a->strings + a->used;
		a->used += (size_t)len + 1;
	}
	v[n] = NULL;
	return n;
}

/*
 * The arguments of spawn(path, argv, envp) and execve(path, argv, envp): the program
 * must be a regular file the caller may execute; argv NULL means { path }, envp NULL an
 * empty environment. Fills *a (a->strings to kfree, NULL on failure). Returns 0 or -errno.
 */
static int exec_args_from_user(const uint64_t *a3, struct exec_args *a)
{
	struct keel_stat st;
	int err;

	a->strings = NULL;
	a->used = 0;
	a->argc = 0;
	a->envp[0] = NULL;
	if ((err = path_from_user((const char *)a3[0], a->path)) != 0 ||
	    (err = vfs_stat(a->path, true, proc_current()->uid, &st)) != 0)
		return err;
	if (!KEEL_S_ISREG(st.mode) || perm_check(&st, proc_current()->uid, MAY_EXEC) != 0)
		return -EACCES;
	if (!(a->strings = kmalloc(ARGV_BYTES_MAX)))
		return -ENOMEM;
	if (!a3[1]) {
		a->argv[a->argc++] = a->path;
		a->argv[1] = NULL;
	} else if ((err = vector_from_user((const char *const *)a3[1], a->argv, ARGV_MAX, a)) < 0) {
		goto fail;
	} else {
		a->argc = err;
	}
	if (a3[2] && (err = vector_from_user((const char *const *)a3[2], a->envp, ENVP_MAX, a)) < 0)
		goto fail;
	return 0;
fail:
	kfree(a->strings);
	a->strings = NULL;
	return err;
}

long sys_spawn(const uint64_t *a)
{
	struct exec_args args;
	int err;

	if ((err = exec_args_from_user(a, &args)) != 0)
		return err;
	err = proc_spawn(args.path, args.argc, args.argv, args.envp);
	kfree(args.strings);
	return err;
}

long sys_execve(const uint64_t *a)
{
	struct exec_args args;
	int err;

	if ((err = exec_args_from_user(a, &args)) != 0)
		return err;
	err = proc_exec(args.path, args.argc, args.argv, args.envp);
	kfree(args.strings);
	return err;
}

int file_open_console(struct proc *p)
{
	struct file *f;
	int err = vfs_open("/dev/tty", O_RDWR, 0, 0, &f);

	if (err)
		return err;
	p->fds[0] = f;
	p->fds[1] = file_dup(f);
	p->fds[2] = file_dup(f);
	return 0;
}
