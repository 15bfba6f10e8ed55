/*
 * sync: writes what the block cache holds for the disks to them, and asks each disk to
 * flush its own cache (doc/storage.md). Exits 1 when a disk failed.
 */
#include <err.h>
#include <unistd.h>

int
main(void)
{
	if (sync() < 0)
		err(1, "a disk failed");
	return 0;
}
