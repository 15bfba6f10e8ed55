/*
 * The string functions of C11 7.24 that keel/string.h (shared with the kernel) leaves
 * out: bounded copies, searches and strtok. Written for clarity; none is on a hot path
 * of Keel's own programs.
 */
#include <string.h>

char *
strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++)
		dst[i] = src[i];
	for (; i < n; i++)	/* C11 7.24.2.4: the rest is filled with NULs */
		dst[i] = '\0';
	return dst;
}

char *
strncat(char *dst, const char *src, size_t n)
{
	char *end = dst + strlen(dst);
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++)
		end[i] = src[i];
	end[i] = '\0';
	return dst;
}

char *
strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0' || n == 0; hay++) {
		if (strncmp(hay, needle, n) == 0)
			return (char *)hay;
		if (*hay == '\0')
			break;
	}
	return NULL;
}

size_t
strspn(const char *s, const char *accept)
{
	size_t i = 0;

	while (s[i] != '\0' && strchr(accept, s[i]) != NULL)
		i++;
	return i;
}

size_t
strcspn(const char *s, const char *reject)
{
	size_t i = 0;

	while (s[i] != '\0' && strchr(reject, s[i]) == NULL)
		i++;
	return i;
}

char *
strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s != '\0' ? (char *)s : NULL;
}

char *
strtok_r(char *s, const char *delim, char **save)
{
	char *end;

	if (s == NULL)
		s = *save;
	s += strspn(s, delim);
	if (*s == '\0') {
		*save = s;
		return NULL;
	}
	end = s + strcspn(s, delim);
	if (*end != '\0')
		*end++ = '\0';
	*save = end;
	return s;
}

char *
strtok(char *s, const char *delim)
{
	static char *save = "";

	return strtok_r(s, delim, &save);
}

/* The C locale only: collation is byte order, and a transformed string is the string. */
int strcoll(const char *a, const char *b) { return strcmp(a, b); }

size_t
strxfrm(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n > 0)
		strlcpy(dst, src, n);
	return len;
}

