/*
 * mkpasswd: makes an /etc/passwd line for Keel on the build host, with the same password
 * hash code (kernel/lib/pwhash.c) that login uses to check it:
 *
 *	printf '%s\n' secret | mkpasswd --uid 1000 --home /home/guest guest
 *	guest:$sha256$10000$<salt>$<digest>:1000:1000:/home/guest:/bin/sh
 *
 * With --shadow FILE the hash goes to a line "guest:$sha256$..." appended to FILE (the
 * image's /etc/shadow) and the passwd line says "x" in its place.
 *
 * The password is read from standard input (one line), so it never shows in ps; the salt
 * is drawn from /dev/urandom unless --salt gives it, or SOURCE_DATE_EPOCH is set: then it
 * is derived from that and the user's name and id, so that a build is byte-reproducible
 * (doc/security.md says what that costs).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/pwhash.h>
#include <keel/sha256.h>

#define PROG	"mkpasswd"

static struct {
	unsigned long uid, gid, iterations;
	int gid_set;
	const char *home, *shell, *name, *shadow;
	uint8_t salt[PWHASH_SALT_MAX];
	size_t saltlen;
} opt = { .iterations = PWHASH_ITERATIONS, .shell = "/bin/sh" };

static const struct option long_options[] = {
	{ "uid", required_argument, NULL, 'u' },
	{ "gid", required_argument, NULL, 'g' },
	{ "home", required_argument, NULL, 'd' },
	{ "shell", required_argument, NULL, 's' },
	{ "iterations", required_argument, NULL, 'i' },
	{ "salt", required_argument, NULL, 'S' },
	{ "shadow", required_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " [OPTION]... NAME\n"
"Print an /etc/passwd line for Keel's user NAME, with the password read from the first\n"
"line of standard input hashed as login checks it ($sha256$ITERATIONS$SALT$DIGEST).\n"
"\n"
"  -u, --uid=UID          user id (default 1000)\n"
"  -g, --gid=GID          group id (default: the uid)\n"
"  -d, --home=DIR         home directory (default /home/NAME, or /root for uid 0)\n"
"  -s, --shell=PATH       shell (default /bin/sh)\n"
"  -i, --iterations=N     SHA-256 rounds, 1 to %d (default %d)\n"
"  -S, --salt=HEX         the salt, 1 to %d bytes in hex (default: %d random bytes, or\n"
"                         derived from SOURCE_DATE_EPOCH, NAME and UID when it is set)\n"
"  -w, --shadow=FILE      append NAME:HASH to FILE (/etc/shadow), and print x for the hash\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n",
		PWHASH_ITERATIONS_MAX, PWHASH_ITERATIONS, PWHASH_SALT_MAX, PWHASH_SALT_SIZE);
}

static void
die(int status, const char *what, const char *why)
{
	fprintf(stderr, PROG ": %s%s%s\n", what, why ? ": " : "", why ? why : "");
	exit(status);
}

/* A checked conversion: the option name's argument arg, a decimal from min to max. */
static unsigned long
number(const char *name, const char *arg, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*arg == '\0' || *arg == '-' || *end != '\0' || errno != 0 || v < min || v > max) {
		fprintf(stderr, PROG ": %s is %s: not a number from %lu to %lu\n", name, arg, min, max);
		exit(2);
	}
	return v;
}

static void
parse_salt(const char *hex)
{
	size_t len = strlen(hex);
	int n;

	if (len == 0 || len % 2 != 0 || len / 2 > PWHASH_SALT_MAX)
		die(2, "--salt", "needs an even number of hexadecimal digits, 2 to 64");
	if ((n = pwhash_hex_decode(hex, hex + len, opt.salt, sizeof(opt.salt))) < 0)
		die(2, "--salt", "needs hexadecimal digits");
	opt.saltlen = (size_t)n;
}

static void
parse_options(int argc, char **argv)
{
	int c;

	opt.uid = 1000;
	while ((c = getopt_long(argc, argv, "u:g:d:s:i:S:w:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'u': opt.uid = number("--uid", optarg, 0, 65535); break;
		case 'g': opt.gid = number("--gid", optarg, 0, 65535); opt.gid_set = 1; break;
		case 'd': opt.home = optarg; break;
		case 's': opt.shell = optarg; break;
		case 'i': opt.iterations = number("--iterations", optarg, 1, PWHASH_ITERATIONS_MAX); break;
		case 'S': parse_salt(optarg); break;
		case 'w': opt.shadow = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf(PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\n"); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": %s\n", optind < argc ? "only one NAME, please" : "NAME is missing");
		usage(stderr);
		exit(2);
	}
	opt.name = argv[optind];
	if (!opt.gid_set)
		opt.gid = opt.uid;
}

/* Checks the fields that go into the line: no ':' or newline may break it. */
static void
check_fields(void)
{
	if (opt.name[0] == '\0' || strlen(opt.name) > 31 ||
	    strspn(opt.name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
	    strlen(opt.name))
		die(2, opt.name, "a name is 1 to 31 letters, digits, '_', '.' or '-'");
	if (opt.home && (opt.home[0] != '/' || strpbrk(opt.home, ":\n")))
		die(2, "--home", "needs an absolute path without ':'");
	if (opt.shell[0] != '/' || strpbrk(opt.shell, ":\n"))
		die(2, "--shell", "needs an absolute path without ':'");
}

static void
random_salt(void)
{
	FILE *f = fopen("/dev/urandom", "rb");

	if (f == NULL || fread(opt.salt, 1, PWHASH_SALT_SIZE, f) != PWHASH_SALT_SIZE)
		die(1, "/dev/urandom", strerror(errno ? errno : EIO));
	fclose(f);
	opt.saltlen = PWHASH_SALT_SIZE;
}

/*
 * Derives the salt from SOURCE_DATE_EPOCH (reproducible-builds.org), the name and the uid:
 * the first bytes of SHA-256 over a label and those. Two builds of one commit then hash a
 * password alike, and anyone who has the commit can precompute guesses against its image.
 * Returns 0, or -1 when SOURCE_DATE_EPOCH is unset or empty.
 */
static int
derived_salt(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256 ctx;
	char uid[32];

	if (epoch == NULL || *epoch == '\0')
		return -1;
	if (strspn(epoch, "0123456789") != strlen(epoch))
		die(2, "SOURCE_DATE_EPOCH", "not a number of seconds since 1970");
	snprintf(uid, sizeof(uid), "%lu", opt.uid);
	sha256_init(&ctx);
	/* Each part with its NUL, so that no two different lists run together alike. */
	sha256_update(&ctx, "keel mkpasswd salt", sizeof("keel mkpasswd salt"));
	sha256_update(&ctx, epoch, strlen(epoch) + 1);
	sha256_update(&ctx, opt.name, strlen(opt.name) + 1);
	sha256_update(&ctx, uid, strlen(uid) + 1);
	sha256_final(&ctx, digest);
	memcpy(opt.salt, digest, PWHASH_SALT_SIZE);
	opt.saltlen = PWHASH_SALT_SIZE;
	return 0;
}

/* Reads the password: the first line of standard input, without its newline. */
static void
read_password(char *buf, size_t size)
{
	size_t len;

	if (fgets(buf, (int)size, stdin) == NULL)
		die(1, "standard input", "no password line");
	len = strcspn(buf, "\r\n");
	if (buf[len] == '\0' && len == size - 1)
		die(1, "the password", "longer than 128 bytes");
	buf[len] = '\0';
	if (len == 0)
		die(1, "the password", "empty");
}

int
main(int argc, char **argv)
{
	char password[PWHASH_PASSWORD_MAX + 2], hash[PWHASH_STRING_MAX], home[PATH_MAX];

	parse_options(argc, argv);
	check_fields();
	if (opt.home == NULL) {
		if (opt.uid == 0)
			snprintf(home, sizeof(home), "/root");
		else
			snprintf(home, sizeof(home), "/home/%s", opt.name);
		opt.home = home;
	}
	if (opt.saltlen == 0 && derived_salt() == -1)
		random_salt();
	read_password(password, sizeof(password));
	if (pwhash_format(hash, sizeof(hash), opt.salt, opt.saltlen, (unsigned)opt.iterations,
			  password) < 0)
		die(1, "the password", "cannot be hashed");
	memset(password, 0, sizeof(password));
	if (opt.shadow) {
		FILE *f = fopen(opt.shadow, "a");

		if (f == NULL || fprintf(f, "%s:%s\n", opt.name, hash) < 0 || fclose(f) != 0)
			die(1, opt.shadow, strerror(errno));
	}
	printf("%s:%s:%lu:%lu:%s:%s\n", opt.name, opt.shadow ? "x" : hash, opt.uid, opt.gid,
	       opt.home, opt.shell);
	return ferror(stdout) || fflush(stdout) != 0 ? 1 : 0;
}
