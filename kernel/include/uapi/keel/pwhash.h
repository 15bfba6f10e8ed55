/*
 * Password hashes as /etc/passwd stores them: "$sha256$ITERATIONS$SALT$DIGEST", salt and
 * digest in lowercase hexadecimal. The digest is SHA-256 iterated over the salt and the
 * password (doc/userland.md):
 *
 *	d = SHA-256(salt || password)
 *	ITERATIONS - 1 times:  d = SHA-256(d || salt || password)
 *
 * mkpasswd makes them on the build host, login checks them on Keel: both use this code.
 */
#ifndef KEEL_UAPI_PWHASH_H
#define KEEL_UAPI_PWHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/sha256.h>

#define PWHASH_PREFIX		"$sha256$"
#define PWHASH_ITERATIONS	10000	/* the default: about 0.1 s under QEMU's TCG */
#define PWHASH_ITERATIONS_MAX	1000000
#define PWHASH_SALT_SIZE	16	/* bytes mkpasswd draws */
#define PWHASH_SALT_MAX		32	/* bytes a stored salt may have */
#define PWHASH_PASSWORD_MAX	128	/* bytes of a password */
#define PWHASH_STRING_MAX	128	/* bytes of the whole string, NUL included */

/*
 * A well-formed hash with the default iterations and a salt of the default size that
 * matches no password in practice. Whoever checks a password checks it against this one
 * for an unknown user (login, the kernel's HELLO), so that refusing a user who does not
 * exist costs the same time as refusing one who does, and timing does not tell them apart.
 */
#define PWHASH_STR_(x)		#x
#define PWHASH_STR(x)		PWHASH_STR_(x)
#define PWHASH_NO_USER \
	PWHASH_PREFIX PWHASH_STR(PWHASH_ITERATIONS) "$00000000000000000000000000000000$" \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* Computes the iterated digest of password with salt (saltlen bytes). */
void pwhash_digest(const uint8_t *salt, size_t saltlen, const char *password,
		   unsigned iterations, uint8_t out[SHA256_DIGEST_SIZE]);

/*
 * Writes the hash string of password into buf (size bytes). Returns its length, or -1
 * when the arguments are out of range or buf is too small.
 */
int pwhash_format(char *buf, size_t size, const uint8_t *salt, size_t saltlen,
		  unsigned iterations, const char *password);

/*
 * Returns whether password matches the hash string. A malformed string matches nothing.
 * The digests are compared in constant time.
 */
bool pwhash_check(const char *hash, const char *password);

/*
 * Decodes the hexadecimal digits from s up to stop (either case) into out, which has room
 * for max bytes. Returns the byte count, or -1 for an empty or odd count, too many bytes,
 * or a character that is not a hex digit.
 */
int pwhash_hex_decode(const char *s, const char *stop, uint8_t *out, size_t max);

#endif
