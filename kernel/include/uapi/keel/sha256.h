/*
 * SHA-256 (FIPS 180-4), the one implementation shared by login, which checks passwords
 * on Keel, and mkpasswd, which makes /etc/passwd on the build host. Hash in pieces with
 * init, update and final, or in one call with sha256().
 */
#ifndef KEEL_UAPI_SHA256_H
#define KEEL_UAPI_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256 {
	uint32_t state[8];
	uint64_t length;		/* bytes hashed so far */
	uint8_t block[SHA256_BLOCK_SIZE];	/* a partial block waiting for more */
	size_t used;			/* bytes in block */
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);

/* Writes the digest to out. The context must be initialised again before reuse. */
void sha256_final(struct sha256 *ctx, uint8_t out[SHA256_DIGEST_SIZE]);

/* Hashes len bytes at data into out. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

#endif
