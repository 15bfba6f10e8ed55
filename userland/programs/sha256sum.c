/*
 * sha256sum [FILE...]: prints each file's SHA-256 and name ("-" or none: standard input),
 * in the format of GNU coreutils' sha256sum, so that a test compares it with the host's.
 * Exits 0, or 1 when a file could not be read.
 */
#include <err.h>
#include <fcntl.h>
#include <keel/sha256.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
sum(const char *name)
{
	static char buf[16384];
	struct sha256 ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		warn("%s", name);
		return 1;
	}
	sha256_init(&ctx);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&ctx, buf, (size_t)n);
	if (fd != 0)
		close(fd);
	if (n < 0) {
		warn("%s", name);
		return 1;
	}
	sha256_final(&ctx, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		printf("%02x", d[i]);
	printf("  %s\n", name);
	return 0;
}

int
main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return sum("-");
	for (int i = 1; i < argc; i++)
		status |= sum(argv[i]);
	return status;
}
