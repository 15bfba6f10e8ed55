/* The first program for Keel: greets whoever its arguments name. */
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("Hello, Keel!\n");
		return 0;
	}
	for (int i = 1; i < argc; i++)
		printf("Hello, %s!\n", argv[i]);
	return 0;
}
