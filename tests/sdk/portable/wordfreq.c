/*
 * wordfreq: the most frequent words of standard input, folded to lower case, with their
 * counts: strtok splits, bsearch finds, an insertion keeps the table sorted.
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word {
	char *text;
	int count;
};

static struct word *words;
static size_t nwords, cap;

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct word *)a)->text, ((const struct word *)b)->text);
}

static int by_count(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	if (x->count != y->count)
		return y->count - x->count;
	return strcmp(x->text, y->text);
}

static void add(char *w)
{
	struct word key = { w, 0 }, *found;
	size_t i;

	found = bsearch(&key, words, nwords, sizeof *words, by_text);
	if (found) {
		found->count++;
		return;
	}
	if (nwords == cap) {
		cap = cap ? cap * 2 : 64;
		words = realloc(words, cap * sizeof *words);
		assert(words != NULL);
	}
	for (i = nwords; i > 0 && strcmp(words[i - 1].text, w) > 0; i--)
		words[i] = words[i - 1];
	words[i].text = malloc(strlen(w) + 1);
	assert(words[i].text != NULL);
	strcpy(words[i].text, w);
	words[i].count = 1;
	nwords++;
}

int main(int argc, char **argv)
{
	char line[1024];
	int top = argc > 1 ? atoi(argv[1]) : 10;
	size_t i;

	while (fgets(line, sizeof line, stdin)) {
		char *w;
		for (i = 0; line[i]; i++)
			line[i] = isalpha((unsigned char)line[i]) ? (char)tolower((unsigned char)line[i]) : ' ';
		for (w = strtok(line, " "); w != NULL; w = strtok(NULL, " "))
			add(w);
	}
	qsort(words, nwords, sizeof *words, by_count);
	printf("%lu distinct words\n", (unsigned long)nwords);
	for (i = 0; i < nwords && (int)i < top; i++)
		printf("%6d %s\n", words[i].count, words[i].text);
	return 0;
}
