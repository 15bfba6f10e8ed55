/* Paths and file copies for cp and mv (see fileutil.h). */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fileutil.h>

const char *
path_last(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	return path + len;
}

int
path_join(char *buf, size_t size, const char *dir, const char *name)
{
	size_t nlen = strlen(name);
	int n;

	while (nlen > 1 && name[nlen - 1] == '/')
		nlen--;
	n = snprintf(buf, size, "%s%s%.*s", dir,
		     dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", (int)nlen, name);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

bool
is_directory(const char *path)
{
	struct keel_stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.mode);
}

int
copy_file(const char *from, const char *to, unsigned mode)
{
	char buf[4096];
	int in, out, status = 0;
	ssize_t n;

	if ((in = open(from, O_RDONLY)) < 0) {
		warn("cannot open '%s' for reading", from);
		return -1;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode)) < 0) {
		warn("cannot create regular file '%s'", to);
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			warn("error reading '%s'", from);
			status = -1;
			break;
		}
		if (write_all(out, buf, (size_t)n) < 0) {
			warn("error writing '%s'", to);
			status = -1;
			break;
		}
	}
	close(in);
	if (close(out) < 0 && status == 0) {
		warn("error writing '%s'", to);
		status = -1;
	}
	return status;
}

int
for_each_operand(int n, char **operands, int (*act)(const char *from, const char *to))
{
	const char *target = n > 0 ? operands[n - 1] : NULL;
	int status = 0;

	if (n < 2) {
		if (n == 0)
			warnx("missing file operand");
		else
			warnx("missing destination file operand after '%s'", operands[0]);
		return 2;
	}
	if (!is_directory(target)) {
		if (n > 2) {
			warnx("target '%s' is not a directory", target);
			return 1;
		}
		return act(operands[0], target) < 0;
	}
	for (int i = 0; i < n - 1; i++) {
		char to[KEEL_PATH_MAX + 1];

		if (path_join(to, sizeof(to), target, path_last(operands[i])) < 0) {
			warn("%s/%s", target, path_last(operands[i]));
			status = 1;
		} else if (act(operands[i], to) < 0) {
			status = 1;
		}
	}
	return status;
}
