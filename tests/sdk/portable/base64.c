/* base64: encodes standard input (RFC 4648), 76 characters a line; -d decodes. */
#include <stdio.h>
#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int column;

static void emit(int c)
{
	putchar(c);
	if (++column == 76) {
		putchar('\n');
		column = 0;
	}
}

static void encode(void)
{
	unsigned char in[3];
	size_t n;

	while ((n = fread(in, 1, 3, stdin)) > 0) {
		unsigned long v = (unsigned long)in[0] << 16;
		if (n > 1)
			v |= (unsigned long)in[1] << 8;
		if (n > 2)
			v |= in[2];
		emit(alphabet[(v >> 18) & 63]);
		emit(alphabet[(v >> 12) & 63]);
		emit(n > 1 ? alphabet[(v >> 6) & 63] : '=');
		emit(n > 2 ? alphabet[v & 63] : '=');
		if (n < 3)
			break;
	}
	if (column > 0)
		putchar('\n');
}

static int decode(void)
{
	unsigned long v = 0;
	int c, bits = 0;

	while ((c = getchar()) != EOF) {
		const char *p;
		if (c == '\n' || c == '=')
			continue;
		p = strchr(alphabet, c);
		if (p == NULL || c == '\0') {
			fprintf(stderr, "base64: invalid input\n");
			return 1;
		}
		v = (v << 6) | (unsigned long)(p - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			putchar((int)((v >> bits) & 0xff));
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-d") == 0)
		return decode();
	encode();
	return 0;
}
