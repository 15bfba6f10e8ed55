/* The shell's history, a ring of fixed-size lines (see history.h). */
#include <string.h>

#include "history.h"

void
history_add(struct history *h, const char *line)
{
	const char *p = line;
	size_t n = strnlen(line, HISTORY_LINE - 1);

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || (h->count > 0 && strcmp(history_get(h, 0), line) == 0))
		return;
	h->newest = (h->newest + 1) % HISTORY_MAX;
	memcpy(h->lines[h->newest], line, n);
	h->lines[h->newest][n] = '\0';
	if (h->count < HISTORY_MAX)
		h->count++;
}

const char *
history_get(const struct history *h, int n)
{
	if (n < 0 || n >= h->count)
		return NULL;
	return h->lines[(h->newest - n + HISTORY_MAX) % HISTORY_MAX];
}
