/*
 * SHA-256 (kernel/lib/sha256.c, shared by the kernel, login and mkpasswd) on the host:
 * the FIPS 180-2 examples, the padding's edge cases, hashing in pieces, and sha256sum's
 * answers for random data.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/tap.h"
#include <keel/sha256.h>

static const char *
hex(const uint8_t *d, size_t n)
{
	static char buf[2 * 64 + 1];

	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", d[i]);
	return buf;
}

static const char *
digest_of(const void *data, size_t len)
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256(data, len, d);
	return hex(d, sizeof(d));
}

/* FIPS 180-2 appendix B and the usual extra vectors. */
static void
test_vectors(void)
{
	is_str(digest_of("", 0),
	       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	       "the empty string");
	is_str(digest_of("abc", 3),
	       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "FIPS 180-2 B.1: \"abc\"");
	is_str(digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56),
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	       "FIPS 180-2 B.2: the 448-bit message");
	is_str(digest_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
			 "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112),
	       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
	       "the 896-bit message");
}

static void
test_million_a(void)
{
	struct sha256 ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char block[1000];

	memset(block, 'a', sizeof(block));
	sha256_init(&ctx);
	for (int i = 0; i < 1000; i++)
		sha256_update(&ctx, block, sizeof(block));
	sha256_final(&ctx, d);
	is_str(hex(d, sizeof(d)),
	       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	       "FIPS 180-2 B.3: a million 'a' in 1000-byte pieces");
}

/* Lengths around the 55/56/64-byte padding boundaries, hashed whole and byte by byte. */
static void
test_pieces(void)
{
	uint8_t data[200], whole[SHA256_DIGEST_SIZE], split[SHA256_DIGEST_SIZE];
	static const size_t lengths[] = { 55, 56, 63, 64, 65, 119, 120, 128, 200 };
	int mismatches = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
		struct sha256 ctx;

		sha256(data, lengths[k], whole);
		sha256_init(&ctx);
		for (size_t i = 0; i < lengths[k]; i++)
			sha256_update(&ctx, data + i, 1);
		sha256_final(&ctx, split);
		mismatches += memcmp(whole, split, sizeof(whole)) != 0;
	}
	is_int(mismatches, 0, "hashing byte by byte gives the one-call digest at the padding edges");
}

/* Random data of many lengths, against the host's sha256sum. */
static void
test_against_sha256sum(void)
{
	char path[] = "/tmp/keel-sha256-XXXXXX", cmd[128], line[128];
	unsigned char data[3000];
	int fd, mismatches = 0, tried = 0;

	if (system("sha256sum --version >/dev/null 2>&1") != 0) {
		ok(1, "# SKIP sha256sum is missing (Debian package: coreutils)");
		return;
	}
	srand(1);
	for (size_t len = 0; len < sizeof(data); len += 1 + (size_t)rand() % 97) {
		FILE *p;

		for (size_t i = 0; i < len; i++)
			data[i] = (unsigned char)rand();
		if ((fd = mkstemp(path)) < 0 || write(fd, data, len) != (ssize_t)len)
			break;
		close(fd);
		snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
		if ((p = popen(cmd, "r")) != NULL && fgets(line, sizeof(line), p) != NULL) {
			line[64] = '\0';
			mismatches += strcmp(line, digest_of(data, len)) != 0;
			tried++;
		}
		if (p != NULL)
			pclose(p);
		unlink(path);
		strcpy(path, "/tmp/keel-sha256-XXXXXX");
	}
	ok(tried > 40 && mismatches == 0, "%d random inputs up to 3000 bytes hash as sha256sum says "
	   "(%d differ)", tried, mismatches);
}

int
main(void)
{
	test_vectors();
	test_million_a();
	test_pieces();
	test_against_sha256sum();
	return done_testing();
}
