/*
 * The network system calls: sockets as open files (socket, bind, sendto, recvfrom; close
 * is close) and the interface's state for ifconfig. Numbers in uapi/keel/syscall.h,
 * structures in uapi/keel/net.h.
 */
#include "file.h"
#include "net.h"
#include "syscall.h"
#include "uaccess.h"
#include <keel/errno.h>
#include <keel/syscall.h>

/* A datagram socket is read with recvfrom and written with sendto, not read and write. */
static long socket_file_read(struct file *f, const struct iobuf *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return -EOPNOTSUPP;
}

static long socket_file_write(struct file *f, const struct iobuf *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return -EDESTADDRREQ;
}

/* A datagram waits; sending never blocks. */
static unsigned socket_file_poll(struct file *f)
{
	return (socket_pending(f->priv) ? POLL_IN : 0) | POLL_OUT;
}

static void socket_file_close(struct file *f)
{
	socket_release(f->priv);
}

static const struct file_ops socket_fops = {
	.read = socket_file_read,
	.write = socket_file_write,
	.stat = file_stat_chardev,
	.poll = socket_file_poll,
	.close = socket_file_close,
};

/* The socket of descriptor fd, or NULL when fd is not an open socket. */
static struct socket *fd_socket(uint64_t fd)
{
	struct file *f = fd_file(fd);

	return f && f->ops == &socket_fops ? f->priv : NULL;
}

long sys_socket(const uint64_t *a)
{
	struct socket *s;
	struct file *f;
	int err;

	if (!net_mac())
		return -ENETDOWN;
	if (!(s = socket_create((int)a[0], &err)))
		return err;
	if (!(f = file_new(&socket_fops, O_RDWR, NULL, s))) {
		socket_release(s);
		return -ENFILE;
	}
	return fd_install(f);
}

long sys_bind(const uint64_t *a)
{
	struct socket *s = fd_socket(a[0]);

	return s ? socket_bind(s, a[1] > 65535 ? 65536 : (unsigned)a[1]) : -EBADF;
}

long sys_sendto(const uint64_t *a)
{
	struct socket *s = fd_socket(a[0]);
	struct keel_sockaddr to;

	if (!s)
		return -EBADF;
	if (!a[3])
		return -EDESTADDRREQ;
	if (copy_from_user(&to, (const void *)a[3], sizeof(to)) != 0)
		return -EFAULT;
	return socket_sendto(s, (const void *)a[1], a[2], &to);
}

long sys_recvfrom(const uint64_t *a)
{
	struct socket *s = fd_socket(a[0]);
	struct keel_sockaddr from = { 0, 0, 0 };
	long r;

	if (!s)
		return -EBADF;
	/* Check the address first, so that a bad one does not cost a datagram. */
	if (a[3] && copy_to_user((void *)a[3], &from, sizeof(from)) != 0)
		return -EFAULT;
	r = socket_recvfrom(s, (void *)a[1], a[2], &from, (int64_t)a[4]);
	if (r >= 0 && a[3] && copy_to_user((void *)a[3], &from, sizeof(from)) != 0)
		return -EFAULT;
	return r;
}

long sys_netinfo(const uint64_t *a)
{
	struct keel_netinfo ni;

	if ((int64_t)a[0] < 0 || net_info((int)a[0], &ni) == 0)
		return 0;
	return copy_to_user((void *)a[1], &ni, sizeof(ni)) ? -EFAULT : 1;
}
