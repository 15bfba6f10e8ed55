/*
 * relay: a serial line between serialterm and QEMU that is slow or noisy on purpose, for
 * the serial protocol's tests and figures.
 *
 *	relay [--rate BYTES_PER_S] [--noise PERCENT] [--seed N] LISTEN_SOCK QEMU_SOCK
 *
 * It connects to QEMU's COM1 socket (-serial unix:QEMU_SOCK,server=on) and listens on
 * LISTEN_SOCK for serialterm (unix:LISTEN_SOCK), one client after another. Bytes pass
 * both ways; --rate limits each direction to that many bytes a second (11520 is a
 * 115200-baud 8N1 line), reading no faster so that the sockets push back as a UART would;
 * --noise damages that percentage of the bytes, each way, chosen by a PRNG seeded with
 * --seed: a third of them get a flipped bit pattern, a third are dropped, a third are
 * sent twice. While no client is connected, what QEMU says is thrown away.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	4096
#define TICK_MS	5

static struct {
	double rate;		/* bytes a second each way, 0 for no limit */
	double noise;		/* the fraction of bytes damaged */
	uint64_t rng;
	double tokens[2];	/* what each direction may still send now */
	int64_t last_ms;
} R = { .rng = 1 };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64* (Vigna 2016): reproducible noise from the seed. */
static uint64_t rnd(void)
{
	R.rng ^= R.rng >> 12;
	R.rng ^= R.rng << 25;
	R.rng ^= R.rng >> 27;
	return R.rng * 0x2545f4914f6cdd1dULL;
}

static int unix_socket(const char *path, int listen_on)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd == -1)
		return -1;
	if (listen_on) {
		unlink(path);
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1 || listen(fd, 1) == -1)
			return -1;
		return fd;
	}
	for (int i = 0; i < 100; i++) {		/* QEMU may still be starting */
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		usleep(100000);
	}
	return -1;
}

/* Applies the noise to n bytes of in, into out (room for 2n). Returns the new length. */
static size_t damage(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		double x = (double)(rnd() >> 11) / 9007199254740992.0;

		if (x >= R.noise) {
			out[o++] = in[i];
			continue;
		}
		switch (rnd() % 3) {
		case 0:
			out[o++] = in[i] ^ (uint8_t)(1 + rnd() % 255);
			break;
		case 1:
			break;
		case 2:
			out[o++] = in[i];
			out[o++] = in[i];
			break;
		}
	}
	return o;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Moves what the rate allows from fd `from` to `to` (-1: thrown away). Returns 0, -1 at
 * the end of `from`, -2 when `to` is gone.
 */
static int pass(int from, int to, int dir)
{
	uint8_t in[CHUNK], out[2 * CHUNK];
	size_t want = CHUNK;
	ssize_t n;

	if (R.rate > 0) {
		if (R.tokens[dir] < 1)
			return 0;
		want = R.tokens[dir] < CHUNK ? (size_t)R.tokens[dir] : CHUNK;
	}
	n = read(from, in, want);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	R.tokens[dir] -= (double)n;
	if (to == -1)
		return 0;
	return write_all(to, out, damage(in, (size_t)n, out)) ? -2 : 0;
}

static void refill(void)
{
	int64_t now = now_ms();
	double add = R.rate * (double)(now - R.last_ms) / 1000.0;

	R.last_ms = now;
	for (int d = 0; d < 2; d++) {
		R.tokens[d] += add;
		if (R.tokens[d] > R.rate / 50 + 16)	/* a burst of at most 20 ms */
			R.tokens[d] = R.rate / 50 + 16;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rate", required_argument, NULL, 'r' }, { "noise", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 },
	};
	int c, lfd, qfd, cfd = -1;

	while ((c = getopt_long(argc, argv, "r:n:s:", lo, NULL)) != -1) {
		switch (c) {
		case 'r': R.rate = atof(optarg); break;
		case 'n': R.noise = atof(optarg) / 100.0; break;
		case 's': R.rng = strtoull(optarg, NULL, 0) * 2 + 1; break;
		default:
			fprintf(stderr, "usage: relay [--rate B/S] [--noise %%] [--seed N] "
				"LISTEN_SOCK QEMU_SOCK\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "relay: expected LISTEN_SOCK QEMU_SOCK\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((lfd = unix_socket(argv[optind], 1)) == -1 ||
	    (qfd = unix_socket(argv[optind + 1], 0)) == -1) {
		perror("relay");
		return 1;
	}
	R.last_ms = now_ms();
	for (;;) {
		struct pollfd p[3] = { { .fd = lfd, .events = POLLIN }, { .fd = qfd, .events = POLLIN },
				       { .fd = cfd, .events = POLLIN } };

		if (poll(p, 3, R.rate > 0 ? TICK_MS : -1) < 0 && errno != EINTR)
			return 1;
		refill();
		if ((p[0].revents & POLLIN) && cfd == -1)
			cfd = accept(lfd, NULL, NULL);
		if (p[1].revents & (POLLIN | POLLHUP)) {
			int r = pass(qfd, cfd, 0);

			if (r == -1)
				return 0;	/* QEMU is gone */
			if (r == -2) {
				close(cfd);
				cfd = -1;
			}
		}
		if (cfd != -1 && (p[2].revents & (POLLIN | POLLHUP))) {
			int r = pass(cfd, qfd, 1);

			if (r == -2)
				return 0;
			if (r == -1) {
				close(cfd);
				cfd = -1;
			}
		}
	}
}
