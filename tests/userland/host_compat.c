/* Keel's runtime calls that the utilities built for the host need (host_compat.h). */
#include <errno.h>
#include <unistd.h>

/* glibc's (declared by <errno.h> only with _GNU_SOURCE, too late under -include). */
extern char *program_invocation_short_name;

const char *progname = "?";

/* Names the program as Keel's start() does, before main runs. */
__attribute__((constructor)) static void
set_progname(void)
{
	progname = program_invocation_short_name;
}

/* The same loop as userland/lib/syscalls.c's, over the host's write. */
ssize_t
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)len;
}
