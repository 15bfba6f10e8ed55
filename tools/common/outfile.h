/*
 * An output file that appears whole or not at all, shared by the host tools that write
 * one (mkramfs, asm2flat, mkboot). It is written under a temporary name beside its final
 * one, in the same directory so that rename(2) can put it in place at once, and removed if
 * the program exits or is killed before it is committed.
 *
 * The functions return 0, or -1 with errno set, and print nothing: each tool says what
 * went wrong in its own words.
 */
#ifndef KEEL_TOOLS_OUTFILE_H
#define KEEL_TOOLS_OUTFILE_H

#include <sys/types.h>

#include <stddef.h>

struct outfile {
	const char *path;	/* the final name */
	char *tmp;		/* the temporary name; NULL once committed or discarded */
	int fd;			/* open for writing on tmp, or -1 */
};

/* outfile_open's flags. */
#define OUTFILE_HIDDEN	0x1	/* name it ".NAME.PROG-XXXXXX", not "NAME.XXXXXX" */

/*
 * Creates the temporary file that will become path, with the permissions mode, and
 * arranges for it to be removed at exit() unless it is committed first. Only one output
 * may be open at a time. Returns -1 if the file cannot be created; of->tmp is then NULL.
 */
int outfile_open(struct outfile *of, const char *path, mode_t mode, int flags);

/* Writes all n bytes at the end of the output, retrying short and interrupted writes. */
int outfile_write(struct outfile *of, const void *buf, size_t n);

/*
 * Closes the output, which reports a write error that only close(2) sees. A tool that
 * words such an error apart from a failed rename calls it before outfile_commit. On
 * failure the temporary file is still there, for the caller's message to name, and goes
 * at exit like any other.
 */
int outfile_close(struct outfile *of);

/*
 * Closes the output unless outfile_close has, and renames it to its final name. On
 * failure the temporary file is still there, as for outfile_close.
 */
int outfile_commit(struct outfile *of);

/* Removes the temporary file, if there still is one. Safe to call more than once. */
void outfile_discard(struct outfile *of);

/*
 * Makes SIGHUP, SIGINT, SIGTERM and SIGPIPE remove the temporary file of the open output,
 * then call also(sig) if it is not NULL (it must be async-signal-safe), then end the
 * program by the same signal, as a shell expects. For a tool whose temporary file is
 * written by a helper it runs, removing it under the helper is wrong: such a tool catches
 * signals itself and calls outfile_discard once the helper is gone.
 */
void outfile_catch_signals(void (*also)(int sig));

/*
 * Returns the permissions a new file gets from open(2) given want (0666 for data, 0777
 * for an executable): want less the umask.
 */
mode_t outfile_perm(mode_t want);

#endif
