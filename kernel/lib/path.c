/*
 * Path names as strings (path.h): the one normaliser and the one splitter that the system
 * calls, the VFS, the ramfs image mount and the serial protocol share. Nothing here asks a
 * file system, so ".." is taken lexically: "/a/b/.." is "/a" whatever b is, as the shell
 * shows it. Also compiled for the host (unit tests, serialterm).
 */
#include "lib.h"
#include "path.h"
#include <keel/errno.h>

size_t path_next(const char **p, const char **name)
{
	const char *s = *p;
	size_t len = 0;

	while (*s == '/')
		s++;
	while (s[len] && s[len] != '/')
		len++;
	*name = s;
	*p = s + len;
	return len;
}

/* Appends the components of s to the clean absolute path out (len bytes so far). */
static int append(char *out, size_t *len, const char *s, unsigned flags)
{
	const char *name;
	size_t n;

	while ((n = path_next(&s, &name)) != 0) {
		if (n == 1 && name[0] == '.')
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			if (flags & PATH_NO_DOTDOT)
				return -EINVAL;
			while (*len > 1 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 1)
				(*len)--;
			continue;
		}
		if (*len + (*len > 1) + n > KEEL_PATH_MAX)
			return -ENAMETOOLONG;
		if (*len > 1)
			out[(*len)++] = '/';
		memcpy(out + *len, name, n);
		*len += n;
	}
	return 0;
}

int path_resolve(const char *base, const char *rel, char *out, unsigned flags)
{
	size_t len = 1;
	int err;

	if (rel[0] == '\0')
		return -ENOENT;
	out[0] = '/';
	if (rel[0] != '/' && (err = append(out, &len, base, flags)) != 0)
		return err;
	if ((err = append(out, &len, rel, flags)) != 0)
		return err;
	out[len] = '\0';
	return 0;
}

int path_split(const char *path, char *dir, char *name)
{
	size_t end = strnlen(path, KEEL_PATH_MAX + 1), start;

	if (end > KEEL_PATH_MAX)
		return -ENAMETOOLONG;
	if (path[0] != '/')
		return -EINVAL;
	while (end > 0 && path[end - 1] == '/')
		end--;
	for (start = end; start > 0 && path[start - 1] != '/'; start--)
		;
	if (end == start)
		return -EINVAL;		/* "/" itself */
	if (end - start > KEEL_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, path + start, end - start);
	name[end - start] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	/* The directory keeps no trailing slash, but "/" stays "/". */
	while (start > 1 && path[start - 1] == '/')
		start--;
	memcpy(dir, path, start);
	dir[start] = '\0';
	return 0;
}

bool path_is_clean(const char *path, size_t len)
{
	const char *p = path, *end = path + len;

	if (len == 0 || path[0] != '/' || strnlen(path, len) != len)
		return false;
	while (p < end) {
		const char *name = ++p;
		while (p < end && *p != '/')
			p++;
		if ((p == name && p != end) || (p - name == 1 && name[0] == '.') ||
		    (p - name == 2 && name[0] == '.' && name[1] == '.'))
			return false;
	}
	return true;
}
