/*
 * acceptloop PORT: accept TCP connections on PORT forever; to each, end our side at once,
 * read the peer's bytes to their end and close. The Linux guest's counterpart of Keel's
 * `nc -l -k PORT < /dev/null` in bench/tcp.sh, so that the connection rate compares the
 * two TCP stacks rather than busybox's fork per connection. Built static by the bench.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char buf[4096];
	int one = 1, l;

	if (argc != 2) {
		fprintf(stderr, "usage: acceptloop PORT\n");
		return 2;
	}
	a.sin_port = htons(atoi(argv[1]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 16) < 0) {
		perror("acceptloop");
		return 1;
	}
	for (;;) {
		int c = accept(l, NULL, NULL);

		if (c < 0)
			continue;
		shutdown(c, SHUT_WR);
		while (read(c, buf, sizeof buf) > 0)
			;
		close(c);
	}
}
