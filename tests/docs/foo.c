/* A program of its own, for the examples that build foo or prog. */
#include <stdio.h>

int main(void)
{
	puts("foo");
	return 0;
}
