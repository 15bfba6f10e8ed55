/*
 * login: asks for a user name and a password, checks them against /etc/passwd and the
 * hash in /etc/shadow (which only root, as login runs, may read), and
 * starts the user's shell with the user's uid in the user's home directory. After every
 * LOGIN_TRIES failed attempts it waits LOGIN_DELAY_MS before asking again. It exits when
 * the shell does; init then starts a new login.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keel/passwd.h>
#include <keel/pwhash.h>

#define LOGIN_TRIES	3
#define LOGIN_DELAY_MS	5000
#define LOGIN_MOTD	"/etc/motd"
#define CTRL(c)		((c) & 0x1f)

static bool after_cr;	/* the last line ended in CR: a LF right after it belongs to it */

/* Reads one byte of the console. Returns it, or -1 at the end of input. */
static int
read_byte(void)
{
	unsigned char c;
	ssize_t n;

	while ((n = read(STDIN_FILENO, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? c : -1;
}

/*
 * Reads a line into buf (size bytes) in the console's current mode. In raw mode (raw set)
 * it does the erasing itself and echoes nothing. Returns its length, -1 at the end of
 * input, or -2 when ^C abandoned it.
 */
static int
read_line(char *buf, size_t size, bool raw)
{
	size_t len = 0;
	int c;

	for (;;) {
		bool lf_after_cr = after_cr;

		if ((c = read_byte()) < 0)
			return len > 0 ? (int)len : -1;
		after_cr = c == '\r';
		if (c == '\n' && lf_after_cr)
			continue;
		if (c == '\r' || c == '\n')
			break;
		if (raw && (c == 0x7f || c == CTRL('H'))) {
			len -= len > 0;
		} else if (raw && c == CTRL('U')) {
			len = 0;
		} else if (raw && c == CTRL('C')) {
			return -2;
		} else if (len + 1 < size) {
			buf[len++] = (char)c;
		}
	}
	buf[len] = '\0';
	return (int)len;
}

/* Asks for the password with the console in raw mode, so that it is not echoed. */
static int
read_password(char *buf, size_t size)
{
	int old, n;

	printf("Password: ");
	old = ttymode(TTY_RAW);
	n = read_line(buf, size, old >= 0);
	if (old >= 0)
		ttymode(old);
	printf("\n");		/* the Enter that raw mode did not echo */
	return n;
}

/*
 * Returns whether name and password belong together, filling *e and its text when so.
 * An unknown user costs the same hash as a known one.
 */
static bool
authenticate(const char *name, const char *password, char *text, size_t size,
	     struct passwd_entry *e)
{
	static char shadow[PASSWD_FILE_MAX];
	const char *hash = PWHASH_NO_USER;
	bool known = false, ok;

	if (passwd_read(text, (unsigned)size) < 0)
		warn("%s", PASSWD_PATH);
	else
		known = passwd_find_name(text, name, e) == 0;
	if (shadow_read(shadow, sizeof(shadow)) < 0) {
		warn("%s", SHADOW_PATH);
		known = false;
	} else if (known && shadow_find(shadow, name, &hash) < 0) {
		hash = PWHASH_NO_USER;
		known = false;
	}
	ok = pwhash_check(hash, password) && known;
	memset(shadow, 0, sizeof(shadow));
	return ok;
}

static void
print_motd(void)
{
	char buf[512];
	ssize_t n;
	int fd = open(LOGIN_MOTD, O_RDONLY);

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(STDOUT_FILENO, buf, (size_t)n);
	close(fd);
}

/* Becomes the user and runs the shell until it exits. Returns login's exit status. */
static int
session(const struct passwd_entry *e)
{
	const char *slash = strrchr(e->shell, '/');
	char *argv[] = { (char *)(slash != NULL ? slash + 1 : e->shell), NULL };
	int pid, status;

	if (setuid(e->uid) < 0)
		err(1, "cannot become uid %u", e->uid);
	if (chdir(e->home) < 0) {
		warn("%s", e->home);
		chdir("/");
	}
	print_motd();
	if ((pid = spawn(e->shell, argv)) < 0)
		err(1, "cannot start %s", e->shell);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			err(1, "waiting for %s", e->shell);
	return 0;
}

int
main(void)
{
	static char text[PASSWD_FILE_MAX];
	char name[PASSWD_NAME_MAX + 2], password[PWHASH_PASSWORD_MAX + 1];
	struct passwd_entry e;
	int failures = 0, n;

	for (;;) {
		printf("login: ");
		if ((n = read_line(name, sizeof(name), false)) == -1)
			return 1;	/* no more input: init starts a new login */
		if (n <= 0)
			continue;
		n = read_password(password, sizeof(password));
		if (n == -1)
			return 1;
		if (n == -2)
			continue;	/* ^C: start again */
		if (authenticate(name, password, text, sizeof(text), &e)) {
			memset(password, 0, sizeof(password));
			return session(&e);
		}
		memset(password, 0, sizeof(password));
		printf("Login incorrect\n");
		if (++failures % LOGIN_TRIES == 0)
			sleep_ms(LOGIN_DELAY_MS);
	}
}
