/*
 * line.c: the serial line, whatever it really is.
 *
 * A target names the line: a character device (a UART, a USB adapter, a pty) configured
 * with termios, "unix:PATH" or "tcp:HOST:PORT" for a socket that serialterm connects to as
 * a client (QEMU's "-serial unix:PATH,server" and "-serial tcp::PORT,server"), or "fd:N"
 * for a descriptor that a parent process opened. --boot adopts one end of a socketpair.
 * The descriptor is always non-blocking; the poll loop decides when to read and write.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "serialterm.h"

enum line_kind { LINE_DEVICE, LINE_UNIX, LINE_TCP, LINE_FD };

static struct {
	enum line_kind kind;
	const char *name;	/* as the user wrote it */
	const char *path;	/* device or socket path, or "HOST:PORT" */
	int fd;
} L = { .fd = -1 };

/* The standard rates that termios names; --baud accepts only these. */
static const struct {
	long rate;
	speed_t code;
} speeds[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 },
	{ 200, B200 }, { 300, B300 }, { 600, B600 }, { 1200, B1200 }, { 1800, B1800 },
	{ 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 },
	{ 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
#ifdef B460800
	{ 460800, B460800 }, { 500000, B500000 }, { 576000, B576000 },
	{ 921600, B921600 }, { 1000000, B1000000 }, { 1152000, B1152000 },
	{ 1500000, B1500000 }, { 2000000, B2000000 }, { 2500000, B2500000 },
	{ 3000000, B3000000 }, { 3500000, B3500000 }, { 4000000, B4000000 },
#endif
};

/* Returns 1 if rate is one of the standard rates. */
int line_rate_ok(long rate)
{
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
		if (speeds[i].rate == rate)
			return 1;
	return 0;
}

static speed_t speed_code(long rate)
{
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
		if (speeds[i].rate == rate)
			return speeds[i].code;
	return B115200;	/* main.c accepted only rates of the table */
}

/* Remembers which line to open; exits with a usage error if target cannot be a line. */
void line_setup(const char *target)
{
	L.name = target;
	if (strncmp(target, "unix:", 5) == 0) {
		L.kind = LINE_UNIX;
		L.path = target + 5;
		if (strlen(L.path) >= sizeof ((struct sockaddr_un *)0)->sun_path)
			st_errx(ST_USAGE, "socket path is too long: %s", L.path);
	} else if (strncmp(target, "tcp:", 4) == 0) {
		L.kind = LINE_TCP;
		L.path = target + 4;
		const char *port = strrchr(L.path, ':');
		char *end;
		long n;

		if (!port)
			st_errx(ST_USAGE, "%s: expected tcp:HOST:PORT", target);
		/* A number must be a TCP port; anything else is a service name (telnet). */
		errno = 0;
		n = strtol(port + 1, &end, 10);
		if (port[1] == '\0' || (*end == '\0' && (errno || n < 1 || n > 65535)))
			st_errx(ST_USAGE, "%s: bad port '%s' (1 to 65535)", target, port + 1);
	} else if (strncmp(target, "fd:", 3) == 0) {
		char *end;
		long n;

		errno = 0;
		n = strtol(target + 3, &end, 10);
		if (errno || *end || end == target + 3 || n < 0 || n > 65535)
			st_errx(ST_USAGE, "%s: expected fd:NUMBER", target);
		L.kind = LINE_FD;
		L.fd = -1;
		L.path = target + 3;
	} else {
		L.kind = LINE_DEVICE;
		L.path = target;
	}
}

/* Configures a terminal device: raw, the rate, 8 data bits, the parity, 1 stop bit. */
static int device_configure(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) == -1)
		return -1;
	cfmakeraw(&t);
	t.c_cflag &= ~(tcflag_t)(CSIZE | CSTOPB | PARENB | PARODD | CRTSCTS);
	t.c_cflag |= CS8 | CREAD | CLOCAL;
	if (opt.parity != 'n') {
		t.c_cflag |= PARENB;
		if (opt.parity == 'o')
			t.c_cflag |= PARODD;
	}
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	if (opt.flow == FLOW_RTS)
		t.c_cflag |= CRTSCTS;
	else if (opt.flow == FLOW_XON)
		t.c_iflag |= IXON | IXOFF;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, speed_code(opt.baud));
	cfsetospeed(&t, speed_code(opt.baud));
	return tcsetattr(fd, TCSANOW, &t);
}

static int device_open(void)
{
	int fd = open(L.path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd == -1)
		return -1;
	if (!isatty(fd)) {
		close(fd);
		errno = ENOTTY;
		return -1;
	}
	/* Two programs reading one UART each get half of every line: refuse to share. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		errno = EBUSY;
		return -1;
	}
	if (device_configure(fd) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int unix_open(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	memcpy(sun.sun_path, L.path, strlen(L.path) + 1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Splits "HOST:PORT" or "[V6ADDR]:PORT"; an empty host means the loopback. */
static int tcp_open(void)
{
	char host[256], *port;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int fd = -1, e = ECONNREFUSED, one = 1;

	snprintf(host, sizeof host, "%s", L.path);
	port = strrchr(host, ':');
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	if ((e = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		/* A name that does not exist will not start to; a DNS hiccup may pass. */
		if (e == EAI_NONAME || e == EAI_FAIL || e == EAI_NODATA)
			st_errx(ST_FAIL, "%s: unknown host", host);
		if (e == EAI_SERVICE)
			st_errx(ST_FAIL, "%s: unknown port", port);
		errno = EHOSTUNREACH;
		return -1;
	}
	e = ECONNREFUSED;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = e;
		return -1;
	}
	/* Keystrokes are small and should not wait for Nagle's algorithm. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int fd_open(void)
{
	int fd = atoi(L.path);

	if (fcntl(fd, F_GETFD) == -1)
		return -1;
	if (isatty(fd) && device_configure(fd) == -1)
		return -1;
	L.path = "-";	/* an inherited descriptor can be used only once */
	return fd;
}

/*
 * Opens the line. Returns its descriptor, or -1 with errno set; opening again after
 * line_close() is how --reconnect works.
 */
int line_open(void)
{
	int fd;

	switch (L.kind) {
	case LINE_DEVICE:
		fd = device_open();
		break;
	case LINE_UNIX:
		fd = unix_open();
		break;
	case LINE_TCP:
		fd = tcp_open();
		break;
	case LINE_FD:
		if (strcmp(L.path, "-") == 0) {
			errno = EBADF;
			return -1;
		}
		fd = fd_open();
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (fd == -1)
		return -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	L.fd = fd;
	return fd;
}

/* Uses a descriptor that is already connected (the socketpair of --boot). */
void line_adopt(int fd, const char *name)
{
	L.kind = LINE_FD;
	L.name = name;
	L.path = "-";
	L.fd = fd;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void line_close(void)
{
	if (L.fd != -1)
		close(L.fd);
	L.fd = -1;
}

int line_fd(void)
{
	return L.fd;
}

const char *line_name(void)
{
	return L.name;
}

/* Sends a break. Returns -1 with errno ENOTSUP on a socket, which cannot carry one. */
int line_break(void)
{
	if (L.fd == -1 || !isatty(L.fd)) {
		errno = ENOTSUP;
		return -1;
	}
	return tcsendbreak(L.fd, 0);
}
