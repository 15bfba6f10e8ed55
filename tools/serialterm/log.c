/*
 * log.c: --log FILE, a copy of everything received from the line.
 *
 * The log holds the bytes exactly as they came (CR LF line ends included), appended to the
 * file. With --timestamps each line starts with the local time its first byte arrived,
 * "[HH:MM:SS.mmm] ". Logging can be switched off and on again with the escape key and l;
 * without --log, switching it on picks the name serialterm-YYYYmmdd-HHMMSS.log.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "serialterm.h"

static struct {
	int fd;
	int at_line_start;	/* the next byte begins a line: stamp it first */
	char path[4096];
} G = { .fd = -1 };

/* Opens path for appending. Returns 0, or -1 with errno set. */
int log_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd == -1)
		return -1;
	log_close();
	G.fd = fd;
	G.at_line_start = 1;
	snprintf(G.path, sizeof G.path, "%s", path);
	return 0;
}

void log_close(void)
{
	if (G.fd != -1)
		close(G.fd);
	G.fd = -1;
}

/* Switches logging off, or on again; returns 1 if it is now on. */
int log_toggle(void)
{
	char name[64];
	const char *path = opt.log_path;

	if (G.fd != -1) {
		log_close();
		note("logging to %s stopped", G.path);
		return 0;
	}
	if (!path) {
		time_t t = time(NULL);

		strftime(name, sizeof name, "serialterm-%Y%m%d-%H%M%S.log", localtime(&t));
		path = name;
	}
	if (log_open(path) == -1) {
		note("cannot log to %s: %s", path, strerror(errno));
		return 0;
	}
	note("logging to %s", path);
	return 1;
}

static size_t stamp(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	return (size_t)snprintf(buf, size, "[%02d:%02d:%02d.%03ld] ", tm.tm_hour, tm.tm_min,
				tm.tm_sec, (long)tv.tv_usec / 1000);
}

/* Appends received bytes to the log, if one is open. */
void log_feed(const uint8_t *buf, size_t len)
{
	char out[2 * ST_IOBUF];
	size_t n = 0;

	if (G.fd == -1)
		return;
	if (!opt.timestamps) {
		write_all(G.fd, buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (G.at_line_start) {
			if (n + 32 > sizeof out) {
				write_all(G.fd, out, n);
				n = 0;
			}
			n += stamp(out + n, 32);
			G.at_line_start = 0;
		}
		if (n == sizeof out) {
			write_all(G.fd, out, n);
			n = 0;
		}
		out[n++] = (char)buf[i];
		G.at_line_start = buf[i] == '\n';
	}
	write_all(G.fd, out, n);
}
