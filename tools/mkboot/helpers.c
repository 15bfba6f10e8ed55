/*
 * mkboot: the helper programs it leaves the real work to (GRUB's tools, xorriso, mtools):
 * finding them on PATH up front, so that a missing one is named with its Debian package,
 * and running them quietly, their output kept in a log that a failure quotes from.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkboot.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef GRUB_LIBDIR
#define GRUB_LIBDIR "/usr/lib/grub"
#endif

#define DIAG_MAX	200		/* longest quoted line of a helper's output */

static const struct tooldesc {
	const char *names[3];		/* alternatives: Fedora calls GRUB's tools grub2-* */
	const char *package;		/* the Debian package to install */
} tooldescs[T_COUNT] = {
	[T_MKRESCUE] = { { "grub-mkrescue", "grub2-mkrescue" }, "grub-common" },
	[T_MKSTANDALONE] = { { "grub-mkstandalone", "grub2-mkstandalone" }, "grub-common" },
	[T_XORRISO] = { { "xorriso" }, "xorriso" },
	[T_MFORMAT] = { { "mformat" }, "mtools" },
	[T_MCOPY] = { { "mcopy" }, "mtools" },
};

/* grub-mkrescue runs xorriso, mformat and mcopy itself; they are checked up front so that a
   missing one is named with its package rather than in grub-mkrescue's words. */
const enum tool iso_tools[] = { T_MKRESCUE, T_XORRISO, T_MFORMAT, T_MCOPY, T_COUNT };
const enum tool esp_tools[] = { T_MKSTANDALONE, T_MFORMAT, T_MCOPY, T_COUNT };

char *toolpath[T_COUNT];

/* Returns the path of an executable regular file called name in a directory of PATH. */
static char *
path_search(const char *name)
{
	const char *path, *p, *end;
	struct stat st;
	char *cand;

	if ((path = getenv("PATH")) == NULL)
		path = "/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		/* An empty entry means the current directory, as in sh. */
		if (end == p)
			cand = xasprintf("./%s", name);
		else
			cand = xasprintf("%.*s/%s", (int)(end - p), p, name);
		if (access(cand, X_OK) == 0 && stat(cand, &st) == 0 && S_ISREG(st.st_mode))
			return cand;
		free(cand);
		if (*end == '\0')
			return NULL;
	}
}

/* Finds every helper in the list (ended by T_COUNT), or exits naming the missing one. */
void
tools_find(const enum tool *list)
{
	const struct tooldesc *d;
	int i;

	for (; *list != T_COUNT; list++) {
		d = &tooldescs[*list];
		for (i = 0; d->names[i] != NULL && toolpath[*list] == NULL; i++)
			toolpath[*list] = path_search(d->names[i]);
		if (toolpath[*list] == NULL)
			errx(1, "%s not found on PATH (Debian package: %s)", d->names[0],
			    d->package);
	}
}

/* Exits unless GRUB's modules for platform (i386-pc, x86_64-efi) are installed. */
void
grub_platform_check(const char *platform, const char *what, const char *package)
{
	char *mod;

	/* Without them grub-mkrescue quietly leaves the platform out of the image. */
	mod = xasprintf("%s/%s/multiboot2.mod", GRUB_LIBDIR, platform);
	if (access(mod, R_OK) != 0)
		errx(1, "GRUB's %s modules are missing: %s: %s (Debian package: %s)", what,
		    mod, strerror(errno), package);
	free(mod);
}

/*
 * Returns the partition map modules GRUB probes with (the platform's partmap.lst) that
 * both platforms of an ISO have, separated by spaces. GRUB's UEFI core loads each of
 * partmap.lst's modules while it looks for its disk: an image with a trimmed set must
 * carry them all, or GRUB prints "file ... part_acorn.mod not found" for each one left out.
 */
char *
grub_partmaps(void)
{
	char *lst = xasprintf("%s/x86_64-efi/partmap.lst", GRUB_LIBDIR);
	char *out = xstrdup(""), line[256];
	FILE *f = fopen(lst, "r");

	if (f == NULL) {	/* an older GRUB without the list: nothing more to carry */
		free(lst);
		return out;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *efi, *pc, *joined;

		line[strcspn(line, "\r\n \t")] = '\0';
		if (line[0] == '\0')
			continue;
		efi = xasprintf("%s/x86_64-efi/%s.mod", GRUB_LIBDIR, line);
		pc = xasprintf("%s/i386-pc/%s.mod", GRUB_LIBDIR, line);
		if (access(efi, R_OK) == 0 && access(pc, R_OK) == 0) {
			joined = xasprintf("%s %s", out, line);
			free(out);
			out = joined;
		}
		free(efi);
		free(pc);
	}
	fclose(f);
	free(lst);
	return out;
}

/* Returns the last non-empty line of a helper's log, made safe to print on one line. */
static char *
log_last_line(const char *path)
{
	char buf[4096], *line, *end, *q;
	ssize_t n;
	off_t size;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (end = buf + n; end > buf && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '); end--)
		;
	*end = '\0';
	for (line = end; line > buf && line[-1] != '\n'; line--)
		;
	if (*line == '\0')
		return NULL;
	for (q = line; *q != '\0'; q++)
		if ((unsigned char)*q < ' ' || *q == 0x7f)
			*q = ' ';
	if (strlen(line) > DIAG_MAX)
		strcpy(line + DIAG_MAX - 3, "...");
	return strdup(line);
}

/* Explains in one line how a helper failed: what it said last, or how it ended. */
static void
run_failed(const char *name, int status, const char *log)
{
	char *line = log != NULL ? log_last_line(log) : NULL;
	size_t skip = strlen(name);

	if (line != NULL) {
		/* "grub-mkrescue: error: ..." reads better without the name said twice. */
		if (strncmp(line, name, skip) == 0 && strncmp(line + skip, ": ", 2) == 0)
			errx(1, "%s failed: %s", name, line + skip + 2);
		errx(1, "%s failed: %s", name, line);
	}
	if (WIFSIGNALED(status))
		errx(1, "%s failed: killed by signal %d", name, WTERMSIG(status));
	errx(1, "%s failed with exit status %d", name, WEXITSTATUS(status));
}

/*
 * Runs a helper program (argv[0] is the path tools_find gave) and waits for it. Its output
 * goes to a log in the staging directory, or to stderr with --verbose. If it fails, mkboot
 * exits with one line naming it and quoting the last line it wrote.
 */
void
run(char *const argv[])
{
	const char *name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
	posix_spawn_file_actions_t fa;
	char *log = NULL;
	int status, i, e;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (opt.verbose) {
		fprintf(stderr, "mkboot: running");
		for (i = 0; argv[i] != NULL; i++)
			fprintf(stderr, strpbrk(argv[i], " \t\"$\\") != NULL ? " '%s'" : " %s",
			    argv[i]);
		fputc('\n', stderr);
	} else {
		log = stage_path("log");
		posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC,
		    0600);
	}
	/* The helpers' stdout is chatter too; mkboot's own stdout stays clean. */
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if ((e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ)) != 0)
		errx(1, "cannot run %s: %s", name, strerror(e));
	posix_spawn_file_actions_destroy(&fa);
	scratch.child = pid;
	if (scratch.signo != 0)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	scratch.child = 0;
	signal_check();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		run_failed(name, status, log);
	free(log);
}
