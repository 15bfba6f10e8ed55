/* IPv4 addresses as people write them: dotted quads to numbers and back (host order). */
#include <keel.h>
#include <stdio.h>

int
inet_parse_addr(const char *s, uint32_t *addr)
{
	uint32_t a = 0, part;
	int parts, digits;

	for (parts = 0; parts < 4; parts++) {
		if (parts > 0 && *s++ != '.')
			return -1;
		for (part = 0, digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
			part = part * 10 + (uint32_t)(*s - '0');
			if (part > 255 || digits == 3)
				return -1;
		}
		if (digits == 0)
			return -1;
		a = a << 8 | part;
	}
	if (*s != '\0')
		return -1;
	*addr = a;
	return 0;
}

char *
inet_format(uint32_t addr, char *buf)
{
	snprintf(buf, INET_ADDR_LEN, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}
