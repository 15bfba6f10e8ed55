/*
 * qsort(3) as a merge sort, so that it is stable: elements that compare equal keep their
 * order, which sort -u and uniq-like callers rely on (C does not promise it; glibc's
 * qsort long kept it too). Without memory for the merge it falls back to an insertion
 * sort, which is stable as well, only slower.
 */
#include <stdlib.h>
#include <string.h>

typedef int (*qsort_cmp)(const void *, const void *);

/* Swaps the size bytes at a and b. */
static void
swap_bytes(char *a, char *b, size_t size)
{
	while (size-- > 0) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void
insertion_sort(char *base, size_t n, size_t size, qsort_cmp cmp)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
			swap_bytes(base + (j - 1) * size, base + j * size, size);
}

/* Sorts the n elements at base, using tmp (room for n elements) for the merge. */
static void
merge_sort(char *base, size_t n, size_t size, qsort_cmp cmp, char *tmp)
{
	size_t half = n / 2, i = 0, j = half, k = 0;

	if (n < 8) {
		insertion_sort(base, n, size, cmp);
		return;
	}
	merge_sort(base, half, size, cmp, tmp);
	merge_sort(base + half * size, n - half, size, cmp, tmp);
	while (i < half && j < n) {	/* "<=": on a tie the left one first, for stability */
		size_t from = cmp(base + i * size, base + j * size) <= 0 ? i++ : j++;

		memcpy(tmp + k++ * size, base + from * size, size);
	}
	memcpy(tmp + k * size, base + i * size, (half - i) * size);
	k += half - i;
	memcpy(tmp + k * size, base + j * size, (n - j) * size);
	memcpy(base, tmp, n * size);
}

void
qsort(void *base, size_t n, size_t size, qsort_cmp cmp)
{
	char *tmp;

	if (n < 2 || size == 0)
		return;
	tmp = n <= (size_t)-1 / size ? malloc(n * size) : NULL;
	if (tmp == NULL) {
		insertion_sort(base, n, size, cmp);
		return;
	}
	merge_sort(base, n, size, cmp, tmp);
	free(tmp);
}
