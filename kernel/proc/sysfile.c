/*
 * The file system calls: descriptors, paths relative to the process's directory, and
 * permissions, over the ramfs (ramfs.h), the console tty and the null device. The ramfs
 * trusts its callers; the checks of who may do what are all here.
 *
 * Permissions: root (uid 0) may do anything. Anyone else gets the owner's bits of a node
 * they own and the "other" bits of the rest (processes have no groups). Opening needs read
 * and/or write permission on the file; creating, removing or renaming needs write and
 * search permission on the directory it happens in; chdir and spawn need search or
 * execute permission.
 *
 * /dev/null and /dev/tty are not in the ramfs: open recognizes their names.
 */
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "proc.h"
#include "proto.h"
#include "ramfs.h"
#include "syscall.h"
#include "tty.h"
#include "uaccess.h"
#include "memlayout.h"
#include <keel/errno.h>

#define BOUNCE_SIZE	4096
#define DEV_NULL	"/dev/null"
#define DEV_TTY		"/dev/tty"
#define MAY_READ	4
#define MAY_WRITE	2
#define MAY_EXEC	1

/*
 * User data pass through this buffer on their way to and from the ramfs and the tty.
 * One is enough: there is one CPU, the kernel is not preempted, and no call blocks while
 * its data are in the buffer (tty_read blocks before it fills it).
 */
static struct {
	char bounce[BOUNCE_SIZE];
} sysfile;

/* Removes "", "." and ".." components and repeated slashes from the absolute path p. */
static void path_clean(char *p)
{
	char *out = p + 1;
	const char *in = p;

	while (*in) {
		while (*in == '/')
			in++;
		const char *name = in;
		while (*in && *in != '/')
			in++;
		size_t len = in - name;
		if (len == 0 || (len == 1 && name[0] == '.'))
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			while (out > p + 1 && out[-1] != '/')
				out--;
			if (out > p + 1)
				out--;
			continue;
		}
		if (out > p + 1)
			*out++ = '/';
		memmove(out, name, len);
		out += len;
	}
	*out = '\0';
	p[0] = '/';
}

int path_from_user(const char *upath, char *out)
{
	char rel[KEEL_PATH_MAX + 1];
	const char *cwd = proc_current()->cwd;
	long len = strncpy_from_user(rel, upath, sizeof(rel));
	size_t clen;

	if (len < 0)
		return (int)len;
	if (len == 0)
		return -ENOENT;
	if (rel[0] == '/') {
		memcpy(out, rel, (size_t)len + 1);
	} else {
		clen = strlen(cwd);
		if (clen + 1 + (size_t)len > KEEL_PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out, cwd, clen);
		out[clen] = '/';
		memcpy(out + clen + 1, rel, (size_t)len + 1);
	}
	path_clean(out);
	return 0;
}

int perm_check(const struct ramfs_node *n, unsigned want)
{
	uint32_t uid = proc_current()->uid, bits;

	if (uid == 0)
		return 0;
	bits = uid == n->uid ? (n->mode >> 6) & 7 : n->mode & 7;
	return (bits & want) == want ? 0 : -EACCES;
}

/* Checks that the directory holding path exists and may be changed (write and search). */
static int parent_check(const char *path)
{
	char dir[KEEL_PATH_MAX + 1];
	struct ramfs_node *n;
	size_t end = strlen(path), cut;
	int err;

	/* The parent of "/a/b/" is "/a", of "/a" is "/": drop trailing slashes, then the name. */
	while (end > 1 && path[end - 1] == '/')
		end--;
	for (cut = end; cut > 0 && path[cut - 1] != '/'; cut--)
		;
	while (cut > 1 && path[cut - 1] == '/')
		cut--;
	if (cut == 0)
		return -EINVAL;		/* not absolute: the caller made it so */
	memcpy(dir, path, cut);
	dir[cut] = '\0';
	if ((err = ramfs_lookup(dir, true, &n)) != 0)
		return err;
	if (!KEEL_S_ISDIR(n->mode))
		return -ENOTDIR;
	return perm_check(n, MAY_WRITE | MAY_EXEC);
}

struct file *fd_file(uint64_t fd)
{
	return fd < FD_MAX ? proc_current()->fds[fd] : NULL;
}

int fd_install(struct file *f)
{
	struct proc *p = proc_current();

	for (int fd = 0; fd < FD_MAX; fd++)
		if (!p->fds[fd]) {
			p->fds[fd] = f;
			return fd;
		}
	file_put(f);
	return -EMFILE;
}

/* Whether [buf, buf + len) is in user space, for calls that do not touch the bytes. */
static bool user_span(uint64_t buf, uint64_t len)
{
	return len == 0 || (buf >= USER_BASE && buf < USER_END && len <= USER_END - buf);
}

int file_open_console(struct proc *p)
{
	struct file *f = file_new(FILE_TTY, O_RDWR, NULL);

	if (!f)
		return -ENFILE;
	p->fds[0] = f;
	p->fds[1] = file_dup(f);
	p->fds[2] = file_dup(f);
	return 0;
}

static int open_device(const char *path, int flags)
{
	struct file *f = file_new(strcmp(path, DEV_NULL) == 0 ? FILE_NULL : FILE_TTY, flags, NULL);

	return f ? fd_install(f) : -ENFILE;
}

long sys_open(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	int flags = (int)a[1], acc = flags & O_ACCMODE, err;
	unsigned want = acc == O_RDONLY ? MAY_READ : acc == O_WRONLY ? MAY_WRITE :
			MAY_READ | MAY_WRITE;
	struct ramfs_node *n;
	struct file *f;
	bool created = false;

	if ((err = path_from_user((const char *)a[0], path)) != 0)
		return err;
	if (acc == O_ACCMODE)
		return -EINVAL;
	if (strcmp(path, DEV_NULL) == 0 || strcmp(path, DEV_TTY) == 0)
		return open_device(path, flags);
	err = ramfs_lookup(path, true, &n);
	if (err == -ENOENT && (flags & O_CREAT)) {
		if ((err = parent_check(path)) != 0)
			return err;
		uint32_t uid = proc_current()->uid;
		if ((err = ramfs_create(path, (uint32_t)a[2] & KEEL_S_PERM, uid, uid, &n)) != 0)
			return err;
		created = true;
	} else if (err != 0) {
		return err;
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		return -EEXIST;
	}
	if (!created && (err = perm_check(n, want)) != 0)
		return err;
	if (KEEL_S_ISDIR(n->mode) && acc != O_RDONLY)
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !KEEL_S_ISDIR(n->mode))
		return -ENOTDIR;
	if ((flags & O_TRUNC) && acc != O_RDONLY && KEEL_S_ISREG(n->mode) &&
	    (err = ramfs_truncate(n, 0)) != 0)
		return err;
	if (!(f = file_new(FILE_RAMFS, flags, n)))
		return -ENFILE;
	return fd_install(f);
}

long sys_close(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);

	if (!f)
		return -EBADF;
	proc_current()->fds[a[0]] = NULL;
	file_put(f);
	return 0;
}

long sys_read(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	char *ubuf = (char *)a[1];
	uint64_t len = a[2], done = 0;
	long r;

	if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!user_span(a[1], len))
		return -EFAULT;
	switch (f->kind) {
	case FILE_NULL:
	case FILE_PROTO:
		return 0;
	case FILE_SOCKET:
		return -EOPNOTSUPP;	/* recvfrom reads a socket */
	case FILE_TTY:
		if ((r = tty_read(sysfile.bounce, MIN(len, BOUNCE_SIZE))) > 0 &&
		    copy_to_user(ubuf, sysfile.bounce, (size_t)r) != 0)
			return -EFAULT;
		return r;
	case FILE_RAMFS:
		break;
	}
	while (done < len) {
		r = ramfs_read(f->node, f->off, sysfile.bounce, MIN(len - done, BOUNCE_SIZE));
		if (r <= 0) {
			if (done == 0)
				return r;
			break;
		}
		if (copy_to_user(ubuf + done, sysfile.bounce, (size_t)r) != 0)
			return done ? (long)done : -EFAULT;
		f->off += (uint64_t)r;
		done += (uint64_t)r;
	}
	return (long)done;
}

long sys_write(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	const char *ubuf = (const char *)a[1];
	uint64_t len = a[2], done = 0;
	long r;

	if (!f || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!user_span(a[1], len))
		return -EFAULT;
	if (f->kind == FILE_NULL)
		return (long)MIN(len, (uint64_t)INT64_MAX);
	if (f->kind == FILE_SOCKET)
		return -EDESTADDRREQ;	/* sendto writes to a socket */
	if (f->kind == FILE_RAMFS && (f->flags & O_APPEND))
		f->off = f->node->size;
	while (done < len) {
		size_t chunk = MIN(len - done, BOUNCE_SIZE);
		/* The protocol's output may block for room, but not with data in the bounce buffer. */
		if (f->kind == FILE_PROTO && (r = proto_output_wait()) <= 0)
			return done ? (long)done : r;
		if (f->kind == FILE_PROTO)
			chunk = MIN(chunk, (size_t)r);
		if (copy_from_user(sysfile.bounce, ubuf + done, chunk) != 0)
			return done ? (long)done : -EFAULT;
		if (f->kind == FILE_TTY) {
			r = tty_write(sysfile.bounce, chunk);
		} else if (f->kind == FILE_PROTO) {
			r = proto_output(sysfile.bounce, chunk);
		} else {
			r = ramfs_write(f->node, f->off, sysfile.bounce, chunk);
			if (r > 0)
				f->off += (uint64_t)r;
		}
		if (r <= 0)
			return done ? (long)done : r;
		done += (uint64_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (long)done;
}

long sys_lseek(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	int64_t off = (int64_t)a[1], base;

	if (!f)
		return -EBADF;
	if (f->kind != FILE_RAMFS)
		return -ESPIPE;
	switch (a[2]) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->off; break;
	case SEEK_END: base = (int64_t)f->node->size; break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (long)f->off;
}

long sys_readdir(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	struct keel_dirent d;
	int r;

	if (!f)
		return -EBADF;
	if (f->kind != FILE_RAMFS)
		return -ENOTDIR;
	if ((r = ramfs_readdir(f->node, f->off, &d)) != 1)
		return r;
	if (copy_to_user((void *)a[1], &d, sizeof(d)) != 0)
		return -EFAULT;
	f->off++;
	return 1;
}

long sys_mkdir(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	uint32_t uid = proc_current()->uid;
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = parent_check(path)) != 0)
		return err;
	return ramfs_mkdir(path, (uint32_t)a[1] & KEEL_S_PERM, uid, uid);
}

long sys_unlink(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = parent_check(path)) != 0)
		return err;
	return ramfs_unlink(path);
}

long sys_rmdir(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = parent_check(path)) != 0)
		return err;
	if (strcmp(path, proc_current()->cwd) == 0)
		return -EBUSY;
	return ramfs_rmdir(path);
}

long sys_rename(const uint64_t *a)
{
	char from[KEEL_PATH_MAX + 1], to[KEEL_PATH_MAX + 1];
	int err;

	if ((err = path_from_user((const char *)a[0], from)) != 0 ||
	    (err = path_from_user((const char *)a[1], to)) != 0 ||
	    (err = parent_check(from)) != 0 || (err = parent_check(to)) != 0)
		return err;
	return ramfs_rename(from, to);
}

/* What stat says of the two devices: character devices, readable and writable by all. */
static void device_stat(struct keel_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = KEEL_S_IFCHR | 0666;
	st->nlink = 1;
}

long sys_stat(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	struct ramfs_node *n;
	struct keel_stat st;
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0)
		return err;
	if (strcmp(path, DEV_NULL) == 0 || strcmp(path, DEV_TTY) == 0)
		device_stat(&st);
	else if ((err = ramfs_lookup(path, true, &n)) != 0)
		return err;
	else
		ramfs_stat(n, &st);
	return copy_to_user((void *)a[1], &st, sizeof(st));
}

long sys_fstat(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	struct keel_stat st;

	if (!f)
		return -EBADF;
	if (f->kind == FILE_RAMFS)
		ramfs_stat(f->node, &st);
	else
		device_stat(&st);
	return copy_to_user((void *)a[1], &st, sizeof(st));
}

long sys_chdir(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	struct ramfs_node *n;
	int err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = ramfs_lookup(path, true, &n)) != 0)
		return err;
	if (!KEEL_S_ISDIR(n->mode))
		return -ENOTDIR;
	if ((err = perm_check(n, MAY_EXEC)) != 0)
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
	return (long)a[1];
}

long sys_spawn(const uint64_t *a)
{
	char path[KEEL_PATH_MAX + 1];
	const char *argv[ARGV_MAX];
	const char *const *uargv = (const char *const *)a[1];
	struct ramfs_node *n;
	char *strings;
	size_t used = 0;
	int argc = 0, err;

	if ((err = path_from_user((const char *)a[0], path)) != 0 ||
	    (err = ramfs_lookup(path, true, &n)) != 0)
		return err;
	if (!KEEL_S_ISREG(n->mode) || (err = perm_check(n, MAY_EXEC)) != 0)
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
