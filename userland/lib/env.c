/*
 * The environment: environ is the envp the kernel put on the initial stack (start.c)
 * until the first setenv or unsetenv, which moves the array to the heap. The strings the
 * program adds are "NAME=value" copies of its own; those it replaces are left alone (they
 * may be the stack's), as the allocator never gives memory back anyway.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char **environ;

static struct {
	int owned;		/* environ is our heap array, with room for cap entries */
	size_t cap;
} env;

/* The index of NAME's entry (name is len bytes), or -1. */
static int
find(const char *name, size_t len)
{
	for (int i = 0; environ != NULL && environ[i] != NULL; i++)
		if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=')
			return i;
	return -1;
}

static size_t
count(void)
{
	size_t n = 0;

	while (environ != NULL && environ[n] != NULL)
		n++;
	return n;
}

/* Makes room for n entries and the NULL in a heap array of ours. Returns 0 or -1. */
static int
reserve(size_t n)
{
	char **grown;

	if (env.owned && n + 1 <= env.cap)
		return 0;
	if ((grown = malloc((n + 8) * sizeof(*grown))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (environ != NULL)
		memcpy(grown, environ, (count() + 1) * sizeof(*grown));
	else
		grown[0] = NULL;
	/* The old array is left: it may be the kernel's, on the stack. */
	environ = grown;
	env.owned = 1;
	env.cap = n + 8;
	return 0;
}

static int
name_ok(const char *name)
{
	if (name == NULL || *name == '\0' || strchr(name, '=') != NULL) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

char *
getenv(const char *name)
{
	size_t len = strlen(name);
	int i = find(name, len);

	return i < 0 ? NULL : environ[i] + len + 1;
}

int
setenv(const char *name, const char *value, int overwrite)
{
	size_t len, vlen;
	char *s;
	int i;

	if (!name_ok(name))
		return -1;
	len = strlen(name);
	vlen = strlen(value);
	if ((i = find(name, len)) >= 0 && !overwrite)
		return 0;
	if ((s = malloc(len + vlen + 2)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(s, name, len);
	s[len] = '=';
	memcpy(s + len + 1, value, vlen + 1);
	if (reserve(count() + (i < 0)) < 0) {
		free(s);
		return -1;
	}
	if (i >= 0) {
		environ[i] = s;
	} else {
		size_t n = count();
		environ[n] = s;
		environ[n + 1] = NULL;
	}
	return 0;
}

int
unsetenv(const char *name)
{
	int i;

	if (!name_ok(name))
		return -1;
	if ((i = find(name, strlen(name))) < 0)
		return 0;
	if (reserve(count()) < 0)
		return -1;
	for (; environ[i] != NULL; i++)
		environ[i] = environ[i + 1];
	return 0;
}

int
clearenv(void)
{
	static char *empty[1];

	/* A fresh, unowned array: the next setenv makes a heap one. The old is left, as above. */
	environ = empty;
	env.owned = 0;
	env.cap = 0;
	return 0;
}
