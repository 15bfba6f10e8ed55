/*
 * The rest of C11's stdlib.h (7.22) for programs ported to Keel: 64-bit conversions,
 * integer arithmetic, bsearch and a pseudo-random sequence. strtol and friends are in
 * stdlib.c, malloc in malloc.c, qsort in qsort.c, exit and atexit in start.c.
 */
#include <stdlib.h>

/* long is 64 bits on x86-64, as long long is: the conversions are the same. */
long long strtoll(const char *s, char **end, int base) { return strtol(s, end, base); }

unsigned long long
strtoull(const char *s, char **end, int base)
{
	return strtoul(s, end, base);
}

long atol(const char *s) { return strtol(s, NULL, 10); }
long long atoll(const char *s) { return strtol(s, NULL, 10); }

int abs(int n) { return n < 0 ? -n : n; }
long labs(long n) { return n < 0 ? -n : n; }
long long llabs(long long n) { return n < 0 ? -n : n; }

div_t
div(int num, int den)
{
	return (div_t){ num / den, num % den };
}

ldiv_t
ldiv(long num, long den)
{
	return (ldiv_t){ num / den, num % den };
}

void *
bsearch(const void *key, const void *base, size_t n, size_t size,
	int (*cmp)(const void *, const void *))
{
	const char *lo = base;

	while (n > 0) {
		const char *mid = lo + (n / 2) * size;
		int c = cmp(key, mid);

		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			lo = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}

/*
 * rand: the example generator of C11 7.22.2.2's footnote, widened: a 64-bit linear
 * congruential state (Knuth's MMIX constants) whose high bits are returned, so the low
 * bits do not cycle quickly. The same seed gives the same sequence on every Keel.
 */
static unsigned long long rand_state = 1;

int
rand(void)
{
	rand_state = rand_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)(rand_state >> 33) & RAND_MAX;
}

void srand(unsigned seed) { rand_state = seed; }
