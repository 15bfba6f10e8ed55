/*
 * What cp and mv share: names for a file put into a directory, and copying a regular
 * file's bytes. Keel has no umask, so these callers give new files the modes a umask of
 * 022 would leave, as users of GNU cp expect.
 */
#ifndef KEEL_USER_FILEUTIL_H
#define KEEL_USER_FILEUTIL_H

#include <stdbool.h>
#include <stddef.h>

#define FILEUTIL_UMASK	022

/* The last component of path, trailing slashes aside ("a/b/" gives "b/"; see path_join). */
const char *path_last(const char *path);

/*
 * Writes "dir/name" into buf (size bytes), name without trailing slashes and with one
 * slash between. Returns 0, or -1 with errno = ENAMETOOLONG when it does not fit.
 */
int path_join(char *buf, size_t size, const char *dir, const char *name);

/* Whether path names a directory (following symlinks). */
bool is_directory(const char *path);

/*
 * Copies the regular file from to the file to (created with mode, or emptied), reporting
 * failures as GNU cp does: "cannot open 'from' for reading: why", "cannot create regular
 * file 'to': why", "error reading 'from'", "error writing 'to'". Returns 0 or -1.
 */
int copy_file(const char *from, const char *to, unsigned mode);

/*
 * The operands of cp and mv: "SOURCE DEST", or "SOURCE... DIRECTORY" when the last names
 * a directory, for which act(SOURCE, DIRECTORY/name) is called for each SOURCE. Reports
 * missing operands (returning 2) and a last operand that should be a directory and is
 * not (returning 1), as GNU's do. Returns 1 if an act failed (returned -1), else 0.
 */
int for_each_operand(int n, char **operands, int (*act)(const char *from, const char *to));

#endif
