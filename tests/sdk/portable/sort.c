/* sort: sorts the lines of standard input; -r reverses, -u drops duplicates, -n numeric. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reverse, numeric;

static int compare(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int c;

	if (numeric) {
		long nx = strtol(x, NULL, 10), ny = strtol(y, NULL, 10);
		c = nx < ny ? -1 : nx > ny;
		if (c == 0)
			c = strcmp(x, y);
	} else {
		c = strcmp(x, y);
	}
	return reverse ? -c : c;
}

int main(int argc, char **argv)
{
	char **lines = NULL, buf[1024];
	size_t n = 0, cap = 0, i;
	int unique = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-r") == 0)
			reverse = 1;
		else if (strcmp(argv[i], "-u") == 0)
			unique = 1;
		else if (strcmp(argv[i], "-n") == 0)
			numeric = 1;
		else {
			fprintf(stderr, "usage: sort [-r] [-u] [-n]\n");
			return 2;
		}
	}
	while (fgets(buf, sizeof buf, stdin) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			lines = realloc(lines, cap * sizeof *lines);
			if (lines == NULL) {
				perror("sort");
				return 1;
			}
		}
		lines[n] = malloc(strlen(buf) + 1);
		if (lines[n] == NULL) {
			perror("sort");
			return 1;
		}
		strcpy(lines[n++], buf);
	}
	qsort(lines, n, sizeof *lines, compare);
	for (i = 0; i < n; i++) {
		if (unique && i > 0 && strcmp(lines[i], lines[i - 1]) == 0)
			continue;
		puts(lines[i]);
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return 0;
}
