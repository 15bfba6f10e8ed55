/* The password hash of /etc/passwd: making, parsing and checking it (see pwhash.h). */
#include <keel/string.h>

#include <keel/pwhash.h>

void
pwhash_digest(const uint8_t *salt, size_t saltlen, const char *password, unsigned iterations,
	      uint8_t out[SHA256_DIGEST_SIZE])
{
	size_t pwlen = strlen(password);
	struct sha256 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, salt, saltlen);
	sha256_update(&ctx, password, pwlen);
	sha256_final(&ctx, out);
	for (unsigned i = 1; i < iterations; i++) {
		sha256_init(&ctx);
		sha256_update(&ctx, out, SHA256_DIGEST_SIZE);
		sha256_update(&ctx, salt, saltlen);
		sha256_update(&ctx, password, pwlen);
		sha256_final(&ctx, out);
	}
}

static char *
hex_encode(char *p, const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		*p++ = digits[bytes[i] >> 4];
		*p++ = digits[bytes[i] & 15];
	}
	return p;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pwhash_hex_decode(const char *s, const char *stop, uint8_t *out, size_t max)
{
	size_t len = (size_t)(stop - s);

	if (len == 0 || len % 2 != 0 || len / 2 > max)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(len / 2);
}

/* Writes the decimal digits of v at p. Returns the end. */
static char *
decimal(char *p, unsigned v)
{
	char digits[12];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

int
pwhash_format(char *buf, size_t size, const uint8_t *salt, size_t saltlen, unsigned iterations,
	      const char *password)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char text[PWHASH_STRING_MAX], *p = text;

	if (iterations < 1 || iterations > PWHASH_ITERATIONS_MAX || saltlen < 1 ||
	    saltlen > PWHASH_SALT_MAX || strlen(password) > PWHASH_PASSWORD_MAX)
		return -1;
	pwhash_digest(salt, saltlen, password, iterations, digest);
	memcpy(p, PWHASH_PREFIX, strlen(PWHASH_PREFIX));
	p = decimal(p + strlen(PWHASH_PREFIX), iterations);
	*p++ = '$';
	p = hex_encode(p, salt, saltlen);
	*p++ = '$';
	p = hex_encode(p, digest, sizeof(digest));
	*p = '\0';
	if ((size_t)(p - text) >= size)
		return -1;
	memcpy(buf, text, (size_t)(p - text) + 1);
	return (int)(p - text);
}

/* Reads ITERATIONS at s, a decimal in range without a leading zero. Returns it, or 0. */
static unsigned
parse_iterations(const char *s, const char *stop)
{
	unsigned long v = 0;

	if (s == stop || *s == '0' || stop - s > 7)
		return 0;
	for (; s < stop; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	return v <= PWHASH_ITERATIONS_MAX ? (unsigned)v : 0;
}

bool
pwhash_check(const char *hash, const char *password)
{
	uint8_t salt[PWHASH_SALT_MAX], want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	const char *iter, *salt_hex, *digest_hex;
	unsigned iterations, diff = 0;
	int saltlen;

	if (strncmp(hash, PWHASH_PREFIX, strlen(PWHASH_PREFIX)) != 0 ||
	    strlen(password) > PWHASH_PASSWORD_MAX)
		return false;
	iter = hash + strlen(PWHASH_PREFIX);
	if ((salt_hex = strchr(iter, '$')) == NULL ||
	    (digest_hex = strchr(salt_hex + 1, '$')) == NULL)
		return false;
	iterations = parse_iterations(iter, salt_hex);
	saltlen = pwhash_hex_decode(salt_hex + 1, digest_hex, salt, sizeof(salt));
	if (iterations == 0 || saltlen < 0 ||
	    pwhash_hex_decode(digest_hex + 1, digest_hex + 1 + strlen(digest_hex + 1), want,
		       sizeof(want)) != (int)sizeof(want))
		return false;
	pwhash_digest(salt, (size_t)saltlen, password, iterations, got);
	for (size_t i = 0; i < sizeof(got); i++)	/* no early exit: constant time */
		diff |= got[i] ^ want[i];
	return diff == 0;
}
