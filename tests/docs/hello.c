#include <stdio.h>

int main(void)
{
	printf("Hello, Keel!\n");
	return 0;
}
