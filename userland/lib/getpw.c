/*
 * Reading /etc/passwd on Keel, for login, whoami and the shell's prompt, and /etc/shadow
 * for login (see passwd.h).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <keel/passwd.h>

/* Reads the file at path into buf as passwd_read says. */
static int
read_file(const char *path, char *buf, unsigned size)
{
	size_t used = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (used + 1 < size && (n = read(fd, buf + used, size - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	if (used + 1 == size) {		/* full: drop a last line that may be cut short */
		char *nl = strrchr(buf, '\n');

		if (nl != NULL)
			nl[1] = '\0';
	}
	return 0;
}

int
passwd_read(char *buf, unsigned size)
{
	return read_file(PASSWD_PATH, buf, size);
}

int
shadow_read(char *buf, unsigned size)
{
	return read_file(SHADOW_PATH, buf, size);
}
