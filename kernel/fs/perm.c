/*
 * Who may do what to a node (vfs.h): the one permission check of the system calls and the
 * serial protocol. Root (uid 0) may do anything but run a file that has no x bit at all
 * (as POSIX has it: root's spawn or exec of a text file is refused). Anyone else gets the
 * owner's bits of a node they own and the "other" bits of the rest (processes have no
 * groups). Opening
 * needs read and/or write permission on the file; creating, removing or renaming needs
 * write and search permission on the directory it happens in; chdir and spawn need search
 * or execute permission. The path walk asks for search permission on every directory it
 * passes; in a sticky directory only the entry's owner, the directory's owner and root may
 * remove or rename an entry.
 */
#include "vfs.h"
#include <keel/errno.h>

int perm_check(const struct keel_stat *st, uint32_t uid, unsigned want)
{
	uint32_t bits;

	if (uid == 0)
		return (want & MAY_EXEC) && !KEEL_S_ISDIR(st->mode) && !(st->mode & 0111) ? -EACCES : 0;
	bits = uid == st->uid ? (st->mode >> 6) & 7 : st->mode & 7;
	return (bits & want) == want ? 0 : -EACCES;
}

int perm_sticky(const struct keel_stat *dir, const struct keel_stat *st, uint32_t uid)
{
	if (!(dir->mode & KEEL_S_ISVTX) || uid == 0 || uid == dir->uid || uid == st->uid)
		return 0;
	return -EPERM;
}
