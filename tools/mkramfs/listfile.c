/*
 * mkramfs: reads list files (-F), in the format of Linux's gen_init_cpio: one entry a line,
 * "file NAME SOURCE MODE UID GID", "dir NAME MODE UID GID" or "slink NAME TARGET MODE UID
 * GID", with '#' comments. Each line becomes an entry through collect.c.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkramfs.h"

#include <sys/stat.h>

#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_LINE_MAX	4096		/* longest line of a list file */

/* One line of a list file, split into words. */
struct listline {
	const char *where;	/* "LIST:LINE", for messages */
	char *word[8];
	int nwords;
	int dirfd;		/* what SOURCE paths are relative to */
};

/* Checks the MODE UID GID words that every kind of line ends with, from word i on. */
static void
list_ids(const struct listline *l, int i, struct node *n, uint32_t type)
{
	uint32_t mode;

	if (!number_parse(l->word[i], 8, CPIO_MODE_PERM, &mode))
		errx(1, "%s: MODE '%s' is not an octal number from 0 to 7777", l->where,
		    l->word[i]);
	if (!number_parse(l->word[i + 1], 10, UINT32_MAX, &n->uid))
		errx(1, "%s: UID '%s' is not a decimal number", l->where, l->word[i + 1]);
	if (!number_parse(l->word[i + 2], 10, UINT32_MAX, &n->gid))
		errx(1, "%s: GID '%s' is not a decimal number", l->where, l->word[i + 2]);
	n->mode = type | mode;
}

/* Returns a new node named by the line's second word. */
static struct node *
list_node(const struct listline *l)
{
	struct node *n = node_new(xstrdup(l->where));

	if ((n->name = name_normalize(l->word[1])) == NULL)
		errx(1, "%s: NAME '%s' may not contain '..'", l->where, l->word[1]);
	if (*n->name == '\0')
		errx(1, "%s: NAME '%s' names no entry", l->where, l->word[1]);
	n->mtime = mtime_default();
	return n;
}

/* file NAME SOURCE MODE UID GID: SOURCE's data, with the line's mode and owner. */
static void
list_file(const struct listline *l)
{
	struct node *n = list_node(l);
	struct stat st;

	if (fstatat(l->dirfd, l->word[2], &st, 0) == -1)
		err(1, "%s: %s", l->where, l->word[2]);
	if (!S_ISREG(st.st_mode))
		errx(1, "%s: %s: not a regular file", l->where, l->word[2]);
	if (st.st_size > UINT32_MAX)
		errx(1, "%s: %s: too large for a cpio image", l->where, l->word[2]);
	target_check(l->word[2], &st);
	n->src = SRC_DISK;
	n->path = xstrdup(l->word[2]);
	n->mtime = mtime_of(&st);
	list_ids(l, 3, n, CPIO_MODE_FILE);
}

static void
list_dir(const struct listline *l)
{
	list_ids(l, 2, list_node(l), CPIO_MODE_DIR);
}

static void
list_slink(const struct listline *l)
{
	struct node *n = list_node(l);

	n->src = SRC_MEM;
	n->data = (const unsigned char *)xstrdup(l->word[2]);
	n->size = strlen(l->word[2]);
	list_ids(l, 3, n, CPIO_MODE_SYMLINK);
}

/* The kinds of line, as gen_init_cpio knows them; the ramfs has no use for the last three. */
static const struct listtype {
	const char *type;
	int nwords;		/* the type included */
	void (*handler)(const struct listline *);
	const char *form;
} listtypes[] = {
	{ "file",	6, list_file,	"file NAME SOURCE MODE UID GID" },
	{ "dir",	5, list_dir,	"dir NAME MODE UID GID" },
	{ "slink",	6, list_slink,	"slink NAME TARGET MODE UID GID" },
	{ "nod",	0, NULL,	"device nodes" },
	{ "pipe",	0, NULL,	"named pipes" },
	{ "sock",	0, NULL,	"sockets" },
};

static void
list_line(struct listline *l, char *line)
{
	const struct listtype *t;
	char *save, *w;
	size_t i;

	/* Words beyond the array are counted, for the message, but not kept. */
	l->nwords = 0;
	for (w = strtok_r(line, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (l->nwords == 0 && w[0] == '#')
			return;
		if (l->nwords < (int)(sizeof(l->word) / sizeof(l->word[0])))
			l->word[l->nwords] = w;
		l->nwords++;
	}
	if (l->nwords == 0)
		return;
	for (i = 0; i < sizeof(listtypes) / sizeof(listtypes[0]); i++) {
		t = &listtypes[i];
		if (strcmp(l->word[0], t->type) != 0)
			continue;
		if (t->handler == NULL)
			errx(1, "%s: '%s' lines are not supported: the ramfs keeps no %s",
			    l->where, t->type, t->form);
		if (l->nwords != t->nwords)
			errx(1, "%s: %s words where '%s' wants %d: %s", l->where,
			    l->nwords < t->nwords ? "too few" : "too many", t->type,
			    t->nwords, t->form);
		t->handler(l);
		return;
	}
	errx(1, "%s: unknown type '%s' (file, dir or slink)", l->where, l->word[0]);
}

/* Adds the entries of a list file ("-" is standard input). */
void
list_read(int dirfd, const char *path)
{
	char line[LIST_LINE_MAX + 2];
	struct listline l = { .dirfd = dirfd };
	unsigned long lineno = 0;
	FILE *f;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL)
		err(1, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		l.where = xasprintf("%s:%lu", path, lineno);
		if (strchr(line, '\n') == NULL && !feof(f))
			errx(1, "%s: line longer than %d bytes", l.where, LIST_LINE_MAX);
		list_line(&l, line);
	}
	if (ferror(f))
		err(1, "%s", path);
	if (f != stdin)
		fclose(f);
}
