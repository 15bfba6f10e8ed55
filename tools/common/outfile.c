/*
 * The host tools' output files: a temporary file beside the final name, renamed into place
 * when complete and removed on any other way out (exit, or a signal that ends the tool).
 * See outfile.h for the contract.
 */
#define _GNU_SOURCE
#include "outfile.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The signals that end a tool while it writes, as a user or a shell sends them. */
static const int outfile_sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGPIPE };

/*
 * The output not yet committed, where exit() and the signal handler find it. It is set and
 * cleared with those signals blocked, so that the handler never sees a name half made or
 * already freed.
 */
static struct {
	struct outfile *volatile open;
	void (*also)(int sig);
	bool atexit_set;
} outfile_state;

/* Blocks the signals that the handler catches; *old is the mask to restore. */
static void
outfile_block(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(outfile_sigs) / sizeof(outfile_sigs[0]); i++)
		sigaddset(&set, outfile_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void
outfile_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void
outfile_atexit(void)
{
	if (outfile_state.open != NULL)
		outfile_discard(outfile_state.open);
}

/* Returns the temporary name for path, a template for mkostemp(), or NULL. */
static char *
outfile_template(const char *path, int flags)
{
	const char *slash = strrchr(path, '/');
	char *s;
	int r;

	if (!(flags & OUTFILE_HIDDEN))
		r = asprintf(&s, "%s.XXXXXX", path);
	else if (slash == NULL)
		r = asprintf(&s, ".%s.%s-XXXXXX", path, program_invocation_short_name);
	else
		r = asprintf(&s, "%.*s.%s.%s-XXXXXX", (int)(slash + 1 - path), path, slash + 1,
		    program_invocation_short_name);
	return r < 0 ? NULL : s;
}

int
outfile_open(struct outfile *of, const char *path, mode_t mode, int flags)
{
	sigset_t old;
	int e;

	of->path = path;
	of->fd = -1;
	if ((of->tmp = outfile_template(path, flags)) == NULL)
		return -1;
	if (!outfile_state.atexit_set && atexit(outfile_atexit) == 0)
		outfile_state.atexit_set = true;
	/* Published before the file exists, so that no moment leaves it unaccounted for. */
	outfile_block(&old);
	outfile_state.open = of;
	if ((of->fd = mkostemp(of->tmp, O_CLOEXEC)) == -1) {
		e = errno;
		free(of->tmp);
		of->tmp = NULL;
		outfile_state.open = NULL;
		outfile_unblock(&old);
		errno = e;
		return -1;
	}
	outfile_unblock(&old);
	/* mkostemp() makes it 0600; the output gets what the tool asks for from the start. */
	if (fchmod(of->fd, mode) == -1) {
		e = errno;
		outfile_discard(of);
		errno = e;
		return -1;
	}
	return 0;
}

int
outfile_write(struct outfile *of, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(of->fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
outfile_close(struct outfile *of)
{
	int r;

	if (of->fd == -1)
		return 0;
	/* No fsync: a build product need not survive a crash, and it costs time. */
	r = close(of->fd);
	of->fd = -1;
	return r;
}

int
outfile_commit(struct outfile *of)
{
	sigset_t old;
	int r, e;

	if (outfile_close(of) == -1)
		return -1;
	outfile_block(&old);
	if ((r = rename(of->tmp, of->path)) == 0) {
		free(of->tmp);
		of->tmp = NULL;
		outfile_state.open = NULL;
	}
	e = errno;
	outfile_unblock(&old);
	errno = e;
	return r;
}

void
outfile_discard(struct outfile *of)
{
	sigset_t old;

	outfile_block(&old);
	if (of->fd != -1) {
		close(of->fd);
		of->fd = -1;
	}
	if (of->tmp != NULL) {
		unlink(of->tmp);
		free(of->tmp);
		of->tmp = NULL;
	}
	if (outfile_state.open == of)
		outfile_state.open = NULL;
	outfile_unblock(&old);
}

/* Removes the temporary file and dies of sig; unlink() is async-signal-safe. */
static void
outfile_on_signal(int sig)
{
	struct outfile *of = outfile_state.open;

	if (of != NULL && of->tmp != NULL)
		unlink(of->tmp);
	if (outfile_state.also != NULL)
		outfile_state.also(sig);
	/* Blocked while the handler runs, the signal ends the tool as soon as it returns. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void
outfile_catch_signals(void (*also)(int sig))
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = outfile_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(outfile_sigs) / sizeof(outfile_sigs[0]); i++)
		sigaddset(&sa.sa_mask, outfile_sigs[i]);
	outfile_state.also = also;
	for (i = 0; i < sizeof(outfile_sigs) / sizeof(outfile_sigs[0]); i++)
		sigaction(outfile_sigs[i], &sa, NULL);
}

mode_t
outfile_perm(mode_t want)
{
	mode_t mask = umask(0);

	umask(mask);
	return want & ~mask;
}
