/* sha1sum: the SHA-1 digest (FIPS 180-4) of files or standard input, as sha1sum prints it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct sha1 {
	uint32_t h[5];
	uint64_t length;
	unsigned char block[64];
	size_t used;
};

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4];
	for (i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d); k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d; k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d; k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d; d = c; c = rol(b, 30); b = a; a = t;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
	static const uint32_t h0[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	memcpy(s->h, h0, sizeof h0);
	s->length = 0;
	s->used = 0;
}

static void sha1_update(struct sha1 *s, const unsigned char *p, size_t n)
{
	s->length += n;
	while (n > 0) {
		size_t k = 64 - s->used;
		if (k > n)
			k = n;
		memcpy(s->block + s->used, p, k);
		s->used += k;
		p += k;
		n -= k;
		if (s->used == 64) {
			sha1_block(s, s->block);
			s->used = 0;
		}
	}
}

static void sha1_final(struct sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->length * 8;
	unsigned char pad = 0x80, len[8];
	int i;

	sha1_update(s, &pad, 1);
	pad = 0;
	while (s->used != 56)
		sha1_update(s, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, len, 8);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

static int digest(FILE *f, const char *name)
{
	unsigned char buf[4096], out[20];
	struct sha1 s;
	size_t n;
	int i;

	sha1_init(&s);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sha1_update(&s, buf, n);
	if (ferror(f)) {
		fprintf(stderr, "sha1sum: %s: read error\n", name);
		return 1;
	}
	sha1_final(&s, out);
	for (i = 0; i < 20; i++)
		printf("%02x", out[i]);
	printf("  %s\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	int i, status = 0;

	if (argc == 1)
		return digest(stdin, "-");
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (f == NULL) {
			fprintf(stderr, "sha1sum: %s: cannot open\n", argv[i]);
			status = 1;
			continue;
		}
		status |= digest(f, argv[i]);
		fclose(f);
	}
	return status;
}
