/*
 * Path names as strings (lib/path.c): the one normaliser and the one splitter of the
 * kernel, shared by the VFS, the system calls, the ramfs image mount and the serial
 * protocol (both ends). Pure string work: no file system is asked.
 */
#ifndef KEEL_PATH_H
#define KEEL_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <keel/fs.h>

#define PATH_NO_DOTDOT	1	/* path_resolve: refuse ".." (-EINVAL) instead of going up */

/*
 * Makes the absolute, clean path of rel (absolute, or relative to the absolute directory
 * base) in out, which has room for KEEL_PATH_MAX + 1 bytes: "", "." and ".." components
 * and repeated or trailing slashes go ("/" stays). Returns 0, -ENOENT for an empty rel,
 * -ENAMETOOLONG, or -EINVAL for ".." under PATH_NO_DOTDOT.
 */
int path_resolve(const char *base, const char *rel, char *out, unsigned flags);

/*
 * Steps through the components of a path: skips slashes at *p, sets *name to the next
 * component and returns its length, leaving *p after it; returns 0 at the end.
 */
size_t path_next(const char **p, const char **name);

/*
 * Splits path into its directory (written to dir, KEEL_PATH_MAX + 1 bytes) and its last
 * component (to name, KEEL_NAME_MAX + 1 bytes); trailing slashes are ignored. Returns 0,
 * -EINVAL when there is no last component ("/", or not absolute) or it is "." or "..",
 * -ENAMETOOLONG.
 */
int path_split(const char *path, char *dir, char *name);

/* Whether path (len bytes) is absolute and clean: no empty, "." or ".." component. */
bool path_is_clean(const char *path, size_t len);

#endif
