/* The shell's history: the last HISTORY_MAX lines entered, newest first. */
#ifndef KEEL_SH_HISTORY_H
#define KEEL_SH_HISTORY_H

#define HISTORY_MAX	32
#define HISTORY_LINE	256	/* bytes kept of each line, NUL included */

struct history {
	char lines[HISTORY_MAX][HISTORY_LINE];
	int count;		/* lines held */
	int newest;		/* index in lines of the newest */
};

/* Remembers line, unless it is blank or the same as the newest. */
void history_add(struct history *h, const char *line);

/* Returns the n-th newest line (0: the newest), or NULL past the oldest. */
const char *history_get(const struct history *h, int n);

#endif
