/*
 * Shell variables: NAME=VALUE sets one, $NAME expands it (or the environment's NAME when
 * the shell has none; an exported one is set in the environment too), and $0-$9 and $#
 * are the script's name and arguments (sh FILE ARG...). A small table; names and values
 * have fixed limits, and an assignment past them is refused with a message.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define VARS_MAX	64
#define VAR_NAME_MAX	32
#define VAR_VALUE_MAX	256

static struct var {
	char name[VAR_NAME_MAX + 1];	/* "" for a free slot */
	char value[VAR_VALUE_MAX + 1];
} vars[VARS_MAX];

static struct var *
find(const char *name, size_t len)
{
	for (int i = 0; i < VARS_MAX; i++)
		if (vars[i].name[0] != '\0' && strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

const char *
var_lookup(const char *name, void *ctx)
{
	static char count[16];
	struct var *v;

	(void)ctx;
	if (name[0] >= '0' && name[0] <= '9' && name[1] == '\0') {
		int n = name[0] - '0';
		return n < sh.argc ? sh.argv[n] : NULL;
	}
	if (strcmp(name, "#") == 0) {
		snprintf(count, sizeof(count), "%d", sh.argc > 0 ? sh.argc - 1 : 0);
		return count;
	}
	if (strcmp(name, "!") == 0) {
		snprintf(count, sizeof(count), "%d", sh.last_bg);
		return sh.last_bg ? count : NULL;
	}
	v = find(name, strlen(name));
	return v != NULL ? v->value : getenv(name);	/* then the environment */
}

/* The length of the NAME in a word NAME=VALUE, or 0 when the word is no assignment. */
static size_t
assignment_name(const char *w)
{
	size_t n = 0;

	if (!((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z') || w[0] == '_'))
		return 0;
	while ((w[n] >= 'a' && w[n] <= 'z') || (w[n] >= 'A' && w[n] <= 'Z') || w[n] == '_' ||
	       (w[n] >= '0' && w[n] <= '9'))
		n++;
	return w[n] == '=' ? n : 0;
}

bool
var_assignment(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (assignment_name(argv[i]) == 0)
			return false;
	return argc > 0;
}

int
var_assign(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		size_t n = assignment_name(argv[i]);
		const char *value = argv[i] + n + 1;
		struct var *v = find(argv[i], n);

		if (n > VAR_NAME_MAX || strlen(value) > VAR_VALUE_MAX) {
			warnx("%.*s: the name or value is too long", (int)n, argv[i]);
			return 1;
		}
		for (int k = 0; v == NULL && k < VARS_MAX; k++)
			if (vars[k].name[0] == '\0')
				v = &vars[k];
		if (v == NULL) {
			warnx("%.*s: too many variables", (int)n, argv[i]);
			return 1;
		}
		memcpy(v->name, argv[i], n);
		v->name[n] = '\0';
		strcpy(v->value, value);
		if (getenv(v->name) != NULL && setenv(v->name, value, 1) < 0) {
			warn("%s", v->name);	/* exported: the programs see the new value */
			return 1;
		}
	}
	return 0;
}
