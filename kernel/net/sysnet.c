/*
 * The network system calls: sockets as open files (socket, bind, sendto, recvfrom; close
 * is close) and the interface's state for ifconfig. Numbers in uapi/keel/syscall.h,
 * structures in uapi/keel/net.h.
 */
#include "file.h"
#include "net.h"
#include "syscall.h"
#include "tcp.h"
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

/* A TCP socket: a byte stream, read and written as a file (tcp_user.c). */
static long tcp_file_read(struct file *f, const struct iobuf *buf, size_t len)
{
	return tcp_read(f->priv, buf, len);
}

static long tcp_file_write(struct file *f, const struct iobuf *buf, size_t len)
{
	return tcp_write(f->priv, buf, len);
}

static unsigned tcp_file_poll(struct file *f)
{
	return tcp_poll(f->priv);
}

static void tcp_file_close(struct file *f)
{
	tcp_close(f->priv);
}

static const struct file_ops tcp_fops = {
	.read = tcp_file_read,
	.write = tcp_file_write,
	.stat = file_stat_chardev,
	.poll = tcp_file_poll,
	.close = tcp_file_close,
};

/* The TCP connection of descriptor fd, or NULL when fd is not a TCP socket. */
static struct tcp_conn *fd_tcp(uint64_t fd)
{
	struct file *f = fd_file(fd);

	return f && f->ops == &tcp_fops ? f->priv : NULL;
}

/* Installs a new open file for the connection c; closes c when that fails. */
static long tcp_install(struct tcp_conn *c)
{
	struct file *f = file_new(&tcp_fops, O_RDWR, NULL, c);

	if (!f) {
		tcp_close(c);
		return -ENFILE;
	}
	return fd_install(f);
}

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
	if (a[0] == KEEL_SOCK_TCP) {
		struct tcp_conn *c = tcp_open(&err);
		return c ? tcp_install(c) : err;
	}
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
	struct tcp_conn *c = fd_tcp(a[0]);

	if (c)
		return tcp_bind(c, a[1] > 65535 ? 65536 : (unsigned)a[1]);

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

long sys_listen(const uint64_t *a)
{
	struct tcp_conn *c = fd_tcp(a[0]);

	return c ? tcp_listen(c, (int)MIN((int64_t)a[1], 1 << 20)) : fd_file(a[0]) ? -EOPNOTSUPP : -EBADF;
}

long sys_accept(const uint64_t *a)
{
	struct tcp_conn *l = fd_tcp(a[0]), *c;
	struct keel_sockaddr peer = { 0, 0, 0 };
	int err;

	if (!l)
		return fd_file(a[0]) ? -EOPNOTSUPP : -EBADF;
	if (a[1] && copy_to_user((void *)a[1], &peer, sizeof(peer)) != 0)
		return -EFAULT;
	if (!(c = tcp_accept(l, &peer, &err)))
		return err;
	if (a[1] && copy_to_user((void *)a[1], &peer, sizeof(peer)) != 0) {
		tcp_close(c);
		return -EFAULT;
	}
	return tcp_install(c);
}

long sys_connect(const uint64_t *a)
{
	struct tcp_conn *c = fd_tcp(a[0]);
	struct keel_sockaddr to;

	if (!c)
		return fd_file(a[0]) ? -EOPNOTSUPP : -EBADF;
	if (copy_from_user(&to, (const void *)a[1], sizeof(to)) != 0)
		return -EFAULT;
	return tcp_connect(c, &to, (int64_t)a[2]);
}

long sys_shutdown(const uint64_t *a)
{
	struct tcp_conn *c = fd_tcp(a[0]);

	return c ? tcp_shutdown(c, (int)a[1]) : fd_file(a[0]) ? -EOPNOTSUPP : -EBADF;
}

long sys_sockname(const uint64_t *a)
{
	struct tcp_conn *c = fd_tcp(a[0]);
	struct keel_sockaddr sa;
	int r;

	if (!c)
		return fd_file(a[0]) ? -EOPNOTSUPP : -EBADF;
	if ((r = tcp_sockname(c, &sa, a[2] != 0)) != 0)
		return r;
	if (!a[2] && sa.addr == KEEL_ADDR_ANY && sa.port)
		sa.addr = net_config()->addr;
	return copy_to_user((void *)a[1], &sa, sizeof(sa)) ? -EFAULT : 0;
}

long sys_setsockopt(const uint64_t *a)
{
	struct tcp_conn *c = fd_tcp(a[0]);

	return c ? tcp_setsockopt(c, (int)a[1], (long)a[2]) : fd_file(a[0]) ? -EOPNOTSUPP : -EBADF;
}

long sys_sockinfo(const uint64_t *a)
{
	struct keel_sockinfo si;

	/* The TCP control blocks, then the UDP and ICMP sockets. */
	if ((int64_t)a[0] < 0 || a[0] > INT32_MAX)
		return 0;
	if (tcp_info((int)a[0], &si) == 0 && socket_info((int)a[0] - tcp_count(), &si) == 0)
		return 0;
	return copy_to_user((void *)a[1], &si, sizeof(si)) ? -EFAULT : 1;
}
