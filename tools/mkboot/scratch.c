/*
 * mkboot: what a run makes and must remove unless it succeeds (the output under its
 * temporary name, through outfile, and the staging directory where the image's files
 * are laid out for the helpers), and the signals that ask a run to stop.
 */
#define _GNU_SOURCE
#include "config.h"
#include "outfile.h"
#include "xalloc.h"
#include "mkboot.h"

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* See mkboot.h for how a signal is handled. */
struct scratch scratch = { .out = { .fd = -1 } };

/* Removes one entry of the staging tree; nftw visits a directory after what it holds. */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Removes what an unfinished run leaves: the output's temporary file and the staging tree. */
void
scratch_clean(void)
{
	outfile_discard(&scratch.out);
	if (scratch.stage != NULL) {
		nftw(scratch.stage, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(scratch.stage);
		scratch.stage = NULL;
	}
}

/* Asks the main flow to stop, and the running helper with it. */
static void
on_signal(int sig)
{
	scratch.signo = sig;
	if (scratch.child > 0)
		kill(scratch.child, SIGTERM);
}

/* If a signal asked mkboot to stop, cleans up and dies of that signal, as a shell expects. */
void
signal_check(void)
{
	int sig = scratch.signo;

	if (sig == 0)
		return;
	scratch_clean();
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/*
 * From here on, what mkboot makes is removed however it ends. The signals are mkboot's
 * own, not outfile_catch_signals: the temporary output is the helpers' to write, and is
 * removed only once the running helper is gone, lest it make the file anew.
 */
void
signals_catch(void)
{
	/* SIGPIPE too: "mkboot -v ... | head" must not leave the staging directory behind. */
	static const int sigs[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: waitpid should return early so the stop is noticed at once. */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	atexit(scratch_clean);
}

/* Tells whether path names the file st describes. */
static int
same_file(const struct stat *st, const char *path)
{
	struct stat o;

	return path != NULL && stat(path, &o) == 0 && o.st_dev == st->st_dev &&
	    o.st_ino == st->st_ino;
}

/*
 * Claims a temporary file beside out, where the image is built before it is renamed to
 * out; exits if out cannot be written, before any time is spent building.
 */
void
out_begin(const char *out)
{
	struct stat st;

	if (stat(out, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			errx(1, "cannot write %s: it is a directory", out);
		if (same_file(&st, opt.kernel) || same_file(&st, opt.ramfs))
			errx(1, "cannot write %s: it is one of the inputs", out);
	}
	/* A dot-name keeps an image being built out of ls and of globs like *.iso. */
	if (outfile_open(&scratch.out, out, outfile_perm(0666), OUTFILE_HIDDEN) == -1)
		err(1, "cannot write %s", out);
}

/* Gives the finished image its final name. */
void
out_commit(const char *out)
{
	signal_check();
	if (outfile_commit(&scratch.out) == -1)
		err(1, "cannot write %s", out);
}

/* Makes the staging directory; helpers get it as TMPDIR, so it takes their leftovers too. */
void
stage_begin(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	dir = xasprintf("%s/mkboot.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		err(1, "cannot make a staging directory %s", dir);
	scratch.stage = dir;
	if (setenv("TMPDIR", dir, 1) == -1)
		err(1, NULL);
}

/* Returns the path of rel in the staging directory, for the caller to free. */
char *
stage_path(const char *rel)
{
	return xasprintf("%s/%s", scratch.stage, rel);
}

/* Makes the directory rel in the staging directory. */
void
stage_mkdir(const char *rel)
{
	char *path = stage_path(rel);

	if (mkdir(path, 0755) == -1)
		err(1, "%s", path);
	free(path);
}

/* Writes len bytes to a new file rel in the staging directory. */
void
stage_write(const char *rel, const void *data, size_t len)
{
	const unsigned char *p = data;
	char *path = stage_path(rel);
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
		err(1, "%s", path);
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", path);
		}
		p += n;
		len -= n;
	}
	if (close(fd) == -1)
		err(1, "%s", path);
	free(path);
}
