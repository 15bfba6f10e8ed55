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

int path_from_user(const char *upath, char *out)
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
	    (err = vfs_stat(path, true, &st)) != 0)
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
	    (err = vfs_stat(path, true, &st)) != 0)
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

long sys_spawn(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	const char *argv[ARGV_MAX];
	const char *const *uargv = (const char *const *)a[1];
	struct keel_stat st;
	char *strings;
	size_t used = 0;
	int argc = 0, err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = vfs_stat(path, true, &st)) != 0)
		return err;
	if (!KEEL_S_ISREG(st.mode) || perm_check(&st, proc_current()->uid, MAY_EXEC) != 0)
		return -EACCES;
	if (!uargv) {
		argv[argc++] = path;
		return proc_spawn(path, argc, argv);
	}
	if (!(strings = kmalloc(ARGV_BYTES_MAX)))
		return -ENOMEM;
	for (;; argc++) {
		const char *s;
		long len;
		if ((err = copy_from_user(&s, &uargv[argc], sizeof(s))) != 0)
			goto out;
		if (!s)
			break;
		if (argc == ARGV_MAX || used == ARGV_BYTES_MAX) {
			err = -E2BIG;
			goto out;
		}
		if ((len = strncpy_from_user(strings + used, s, ARGV_BYTES_MAX - used)) < 0) {
			err = len == -ENAMETOOLONG ? -E2BIG : (int)len;
			goto out;
		}
		argv[argc] = strings + used;
		used += (size_t)len + 1;
	}
	err = proc_spawn(path, argc, argv);
out:
	kfree(strings);
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
