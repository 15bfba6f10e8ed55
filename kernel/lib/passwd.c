/* Parsing /etc/passwd (see passwd.h). */
#include <keel/string.h>

#include <keel/passwd.h>

/* Cuts s at the next c: returns what follows, or NULL when there is no c. */
static char *
cut(char *s, char c)
{
	char *p = strchr(s, c);

	if (p == NULL)
		return NULL;
	*p = '\0';
	return p + 1;
}

/* Reads a decimal of at most 9 digits (so it fits an unsigned). Returns 0 or -1. */
static int
parse_id(const char *s, unsigned *out)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 9)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PASSWD_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

int
passwd_parse(char *line, struct passwd_entry *e)
{
	char *f[6];

	f[0] = line;
	for (int i = 1; i < 6; i++)
		if ((f[i] = cut(f[i - 1], ':')) == NULL)
			return -1;
	if (strchr(f[5], ':') != NULL || !name_ok(f[0]) || parse_id(f[2], &e->uid) < 0 ||
	    parse_id(f[3], &e->gid) < 0 || f[4][0] != '/' || f[5][0] != '/')
		return -1;
	e->name = f[0];
	e->hash = f[1];
	e->home = f[4];
	e->shell = f[5];
	return 0;
}

int
passwd_next(char **cursor, struct passwd_entry *e)
{
	while (**cursor != '\0') {
		char *line = *cursor, *end = strchr(line, '\n');

		if (end != NULL) {
			*end = '\0';
			*cursor = end + 1;
		} else {
			*cursor = line + strlen(line);
		}
		if (end != NULL && end > line && end[-1] == '\r')
			end[-1] = '\0';
		if (line[0] != '\0' && line[0] != '#' && passwd_parse(line, e) == 0)
			return 1;
	}
	return 0;
}

int
passwd_find_name(char *text, const char *name, struct passwd_entry *e)
{
	while (passwd_next(&text, e))
		if (strcmp(e->name, name) == 0)
			return 0;
	return -1;
}

int
passwd_find_uid(char *text, unsigned uid, struct passwd_entry *e)
{
	while (passwd_next(&text, e))
		if (e->uid == uid)
			return 0;
	return -1;
}

int
shadow_find(char *text, const char *name, const char **hash)
{
	while (*text != '\0') {
		char *line = text, *end = strchr(line, '\n'), *h, *rest;

		if (end != NULL) {
			*end = '\0';
			text = end + 1;
		} else {
			text = line + strlen(line);
		}
		if (end != NULL && end > line && end[-1] == '\r')
			end[-1] = '\0';
		if (line[0] == '#' || (h = cut(line, ':')) == NULL || !name_ok(line))
			continue;
		if ((rest = strchr(h, ':')) != NULL)
			*rest = '\0';
		if (strcmp(line, name) == 0) {
			*hash = h;
			return 0;
		}
	}
	return -1;
}

int
passwd_all(char *text, struct passwd_entry *v, int max)
{
	int n = 0;

	while (n < max && passwd_next(&text, &v[n]))
		n++;
	return n;
}
