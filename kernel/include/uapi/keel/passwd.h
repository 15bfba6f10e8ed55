/*
 * /etc/passwd: one user a line, "name:x:uid:gid:home:shell", readable by everyone. The
 * password hashes (as pwhash.h describes them, never a password) are in /etc/shadow,
 * mode 0600, root's: one user a line, "name:hash", further ":"-separated fields (Linux's
 * aging fields) ignored. Blank lines and lines starting with # are ignored in both.
 * The parsing here works on text in memory, so the host tests can try it.
 */
#ifndef KEEL_UAPI_PASSWD_H
#define KEEL_UAPI_PASSWD_H

#define PASSWD_PATH	"/etc/passwd"
#define SHADOW_PATH	"/etc/shadow"
#define SHADOW_HIDDEN	"x"	/* passwd's hash field: the hash is in /etc/shadow */
#define PASSWD_FILE_MAX	8192	/* bytes of /etc/passwd that are read */
#define PASSWD_NAME_MAX	31	/* bytes of a user name */

struct passwd_entry {
	const char *name, *hash, *home, *shell;
	unsigned uid, gid;
};

/*
 * Splits one line (without its newline; modified in place) into *e. Returns 0, or -1 when
 * it is not six fields, the name is empty, too long or has other bytes than letters,
 * digits, '_', '.' and '-', a number is not a decimal, or home or shell is not absolute.
 */
int passwd_parse(char *line, struct passwd_entry *e);

/*
 * Walks the text of a passwd file (NUL-terminated, modified in place): fills *e with the
 * next well-formed entry after *cursor and moves *cursor past it. Returns 1, or 0 at the
 * end. Malformed lines are skipped.
 */
int passwd_next(char **cursor, struct passwd_entry *e);

/* Finds the first entry named name (or with uid) in the text. Returns 0 or -1. */
int passwd_find_name(char *text, const char *name, struct passwd_entry *e);
int passwd_find_uid(char *text, unsigned uid, struct passwd_entry *e);

/*
 * Finds name's hash in the text of a shadow file (NUL-terminated, modified in place):
 * points *hash at it. Returns 0, or -1 when no well-formed line names the user.
 */
int shadow_find(char *text, const char *name, const char **hash);

/*
 * Splits the whole text into v (room for max entries). Returns how many there are; they
 * point into text, which the call modifies.
 */
int passwd_all(char *text, struct passwd_entry *v, int max);

/*
 * On Keel: reads /etc/passwd into buf (size bytes, NUL-terminated; a longer file is cut
 * at its last whole line). Returns 0 or -1 with errno set. User space only: it is in
 * userland/lib/getpw.c, not in the kernel.
 */
int passwd_read(char *buf, unsigned size);

/* The same for /etc/shadow, which only root may read. */
int shadow_read(char *buf, unsigned size);

#endif
