/*
 * tapimpair: a lossy link between a tap device and QEMU, for tests/tcp.test on hosts
 * whose kernel has no netem qdisc. It attaches to the tap device TAP (which must exist,
 * made by `ip tuntap add`) and exchanges frames with QEMU's "-netdev dgram" (UDP on the
 * loopback: QEMU's frames come to PORT, ours go to QEMU_PORT), and does to the frames
 * of both directions what `tc qdisc ... netem loss L% delay D reorder R% duplicate U%`
 * does on one: drops L% of them, delays the rest by D ms except R% of them which go at
 * once (overtaking the delayed ones), and sends U% twice. The link starts clean: SIGUSR1
 * turns the impairment on, SIGUSR2 off again, so that one boot serves both kinds of test.
 *
 *	tapimpair [-l LOSS] [-d DELAY_MS] [-r REORDER] [-u DUPLICATE] TAP PORT QEMU_PORT
 *
 * Runs until killed; prints the frames passed, dropped, reordered and duplicated to
 * standard error at SIGTERM. Exit status 1 on a setup error, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX	9216
#define QUEUE_MAX	4096

struct frame {
	int64_t due;			/* ms, CLOCK_MONOTONIC */
	int to_tap;
	size_t len;
	unsigned char data[FRAME_MAX];
};

static struct frame *queue[QUEUE_MAX];
static size_t queued;
static volatile sig_atomic_t stop, impaired;
static long passed, dropped, reordered, duplicated;
static int loss, delay_ms, reorder, duplicate;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
chance(int percent)
{
	return rand() % 100 < percent;
}

/* Queues a copy of the frame, kept in order of due time (equal times keep their order). */
static void
enqueue(const unsigned char *data, size_t len, int to_tap, int64_t due)
{
	struct frame *f;
	size_t i;

	if (queued == QUEUE_MAX || !(f = malloc(sizeof(*f)))) {
		dropped++;
		return;
	}
	f->due = due;
	f->to_tap = to_tap;
	f->len = len;
	memcpy(f->data, data, len);
	for (i = queued; i > 0 && queue[i - 1]->due > due; i--)
		queue[i] = queue[i - 1];
	queue[i] = f;
	queued++;
}

/* One frame came: lost, or queued (at once or delayed), maybe twice. */
static void
take(const unsigned char *data, size_t len, int to_tap)
{
	int64_t now = now_ms();
	int copies;

	if (!impaired) {
		enqueue(data, len, to_tap, now);
		return;
	}
	copies = chance(duplicate) ? 2 : 1;

	if (copies == 2)
		duplicated++;
	for (int c = 0; c < copies; c++) {
		if (chance(loss)) {
			dropped++;
			continue;
		}
		if (delay_ms && chance(reorder)) {
			reordered++;
			enqueue(data, len, to_tap, now);
		} else {
			enqueue(data, len, to_tap, now + delay_ms);
		}
	}
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
on_usr(int sig)
{
	impaired = sig == SIGUSR1;
}

static int
open_tap(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR);

	if (fd < 0)
		err(1, "/dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0)
		err(1, "%s", name);
	return fd;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET }, qemu = { .sin_family = AF_INET };
	static unsigned char buf[FRAME_MAX];
	int c, tap, udp;

	while ((c = getopt(argc, argv, "l:d:r:u:")) != -1) {
		switch (c) {
		case 'l': loss = atoi(optarg); break;
		case 'd': delay_ms = atoi(optarg); break;
		case 'r': reorder = atoi(optarg); break;
		case 'u': duplicate = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: tapimpair [-l LOSS] [-d DELAY_MS] [-r REORDER] "
					"[-u DUPLICATE] TAP PORT QEMU_PORT\n");
			return 2;
		}
	}
	if (argc - optind != 3)
		errx(2, "usage: tapimpair [options] TAP PORT QEMU_PORT");
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	tap = open_tap(argv[optind]);
	if ((udp = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		err(1, "socket");
	me.sin_addr.s_addr = qemu.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	me.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	qemu.sin_port = htons((uint16_t)atoi(argv[optind + 2]));
	if (bind(udp, (struct sockaddr *)&me, sizeof(me)) != 0)
		err(1, "bind to port %s", argv[optind + 1]);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGUSR1, on_usr);
	signal(SIGUSR2, on_usr);
	fprintf(stderr, "tapimpair: ready, pid %ld\n", (long)getpid());
	while (!stop) {
		struct pollfd p[2] = { { .fd = tap, .events = POLLIN }, { .fd = udp, .events = POLLIN } };
		int timeout = -1;
		ssize_t n;

		if (queued) {
			int64_t wait = queue[0]->due - now_ms();
			timeout = wait < 0 ? 0 : (int)wait;
		}
		if (poll(p, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if ((p[0].revents & POLLIN) && (n = read(tap, buf, sizeof(buf))) > 0)
			take(buf, (size_t)n, 0);
		if ((p[1].revents & POLLIN) && (n = recv(udp, buf, sizeof(buf), 0)) > 0)
			take(buf, (size_t)n, 1);
		for (int64_t now = now_ms(); queued && queue[0]->due <= now;) {
			struct frame *f = queue[0];
			memmove(queue, queue + 1, --queued * sizeof(queue[0]));
			if (f->to_tap)
				n = write(tap, f->data, f->len);
			else
				n = sendto(udp, f->data, f->len, 0, (struct sockaddr *)&qemu, sizeof(qemu));
			(void)n;	/* a full queue on either side loses the frame, as a link would */
			passed++;
			free(f);
		}
	}
	fprintf(stderr, "tapimpair: passed %ld, dropped %ld, reordered %ld, duplicated %ld\n",
		passed, dropped, reordered, duplicated);
	return 0;
}
