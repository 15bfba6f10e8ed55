/* true: does nothing and succeeds; spawnloop's and syscheck's child, and the shell's. */
int
main(void)
{
	return 0;
}
