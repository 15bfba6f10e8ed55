/* A second object for the examples that link two. */
int bar(int x);

int bar(int x)
{
	return x + 1;
}
