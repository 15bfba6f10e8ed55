/*
 * Password hashes (kernel/lib/pwhash.c) and /etc/passwd parsing (kernel/lib/passwd.c)
 * on the host: malformed hashes and lines first, then the scheme itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../unit/tap.h"
#include <keel/passwd.h>
#include <keel/pwhash.h>

static const uint8_t salt[4] = { 0xde, 0xad, 0xbe, 0xef };

/* A well-formed hash of "secret" with 3 iterations, made once. */
static char good[PWHASH_STRING_MAX];

static void
test_bad_hashes(void)
{
	static const char *const bad[] = {
		"",
		"secret",
		"*",
		"$sha256$",
		"$sha256$3$deadbeef",
		"$sha1$3$deadbeef$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$0$deadbeef$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$03$deadbeef$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$-3$deadbeef$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$9999999$deadbeef$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$3$$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$3$dea$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$3$deadbeeg$0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$3$deadbeef$00000000000000000000000000000000000000000000000000000000000000",
		"$sha256$3$deadbeef$000000000000000000000000000000000000000000000000000000000000000000",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!pwhash_check(bad[i], "secret"), "malformed hash \"%s\" matches nothing", bad[i]);
}

static void
test_format(void)
{
	uint8_t big[PWHASH_SALT_MAX + 1] = { 0 };
	char tiny[16];

	is_int(pwhash_format(good, sizeof(good), salt, 4, 0, "secret"), -1, "0 iterations are refused");
	is_int(pwhash_format(good, sizeof(good), salt, 0, 3, "secret"), -1, "an empty salt is refused");
	is_int(pwhash_format(good, sizeof(good), big, sizeof(big), 3, "secret"), -1,
	       "a salt over %d bytes is refused", PWHASH_SALT_MAX);
	is_int(pwhash_format(tiny, sizeof(tiny), salt, 4, 3, "secret"), -1,
	       "a buffer too small is refused");
	is_int(pwhash_format(good, sizeof(good), salt, 4, 3, "secret"),
	       (int)strlen("$sha256$3$deadbeef$") + 64, "a hash is made");
	ok(strncmp(good, "$sha256$3$deadbeef$", 19) == 0, "it starts $sha256$ITERATIONS$SALT$");
	ok(strstr(good, "secret") == NULL, "it does not hold the password");
}

/* The scheme as doc/userland.md states it, computed here with sha256 directly. */
static void
test_scheme(void)
{
	uint8_t d[SHA256_DIGEST_SIZE], buf[64], want[SHA256_DIGEST_SIZE];
	char hexd[65];

	memcpy(buf, salt, 4);
	memcpy(buf + 4, "secret", 6);
	sha256(buf, 10, d);
	for (int i = 1; i < 3; i++) {
		memcpy(buf, d, 32);
		memcpy(buf + 32, salt, 4);
		memcpy(buf + 36, "secret", 6);
		sha256(buf, 42, d);
	}
	for (int i = 0; i < 32; i++)
		snprintf(hexd + 2 * i, 3, "%02x", d[i]);
	is_str(good + 19, hexd, "the digest is SHA-256(d || salt || password) iterated from "
	       "SHA-256(salt || password)");
	pwhash_digest(salt, 4, "secret", 3, want);
	ok(memcmp(want, d, 32) == 0, "pwhash_digest computes the same");
}

static void
test_check(void)
{
	char upper[PWHASH_STRING_MAX];

	ok(pwhash_check(good, "secret"), "the right password matches");
	ok(!pwhash_check(good, "Secret"), "a wrong password does not");
	ok(!pwhash_check(good, ""), "an empty password does not");
	ok(!pwhash_check(good, "secret "), "the password with a space more does not");
	strcpy(upper, good);
	for (char *p = upper + 19; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p -= 32;
	ok(pwhash_check(upper, "secret"), "uppercase hex digits are read too");
}

static void
test_bad_lines(void)
{
	static const char *const bad[] = {
		"",
		"root",
		"root:x:0:0:/root",				/* five fields */
		"root:x:0:0:/root:/bin/sh:extra",		/* seven */
		":x:0:0:/root:/bin/sh",				/* empty name */
		"ro ot:x:0:0:/root:/bin/sh",			/* a blank in the name */
		"root:x:zero:0:/root:/bin/sh",
		"root:x:0:-1:/root:/bin/sh",
		"root:x::0:/root:/bin/sh",
		"root:x:1234567890:0:/root:/bin/sh",		/* too many digits */
		"root:x:0:0:root:/bin/sh",			/* relative home */
		"root:x:0:0:/root:sh",				/* relative shell */
		"averyveryveryverylongusernamethatgoesonandon:x:0:0:/:/bin/sh",
	};
	struct passwd_entry e;
	char line[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s", bad[i]);
		is_int(passwd_parse(line, &e), -1, "malformed line \"%s\" is refused", bad[i]);
	}
}

static void
test_lines(void)
{
	char text[] =
		"# users\n"
		"\n"
		"broken line\n"
		"root:$sha256$1$00$ff:0:0:/root:/bin/sh\r\n"
		"guest:HASH:1000:100:/home/guest:/bin/sh\n"
		"last:*:7:7:/:/bin/sh";
	char copy[sizeof(text)];
	struct passwd_entry e, v[8];

	memcpy(copy, text, sizeof(text));
	ok(passwd_find_name(copy, "guest", &e) == 0, "guest is found past a comment, a blank "
	   "line and a broken line");
	is_str(e.hash, "HASH", "... with the hash");
	is_int(e.uid, 1000, "... the uid");
	is_int(e.gid, 100, "... the gid");
	is_str(e.home, "/home/guest", "... the home");
	is_str(e.shell, "/bin/sh", "... and the shell");
	memcpy(copy, text, sizeof(text));
	ok(passwd_find_uid(copy, 0, &e) == 0 && strcmp(e.name, "root") == 0, "uid 0 is root");
	is_str(e.shell, "/bin/sh", "a CR before the newline is not part of the shell");
	memcpy(copy, text, sizeof(text));
	ok(passwd_find_name(copy, "last", &e) == 0, "a last line without a newline counts");
	memcpy(copy, text, sizeof(text));
	ok(passwd_find_name(copy, "nobody", &e) == -1, "an unknown name is not found");
	memcpy(copy, text, sizeof(text));
	ok(passwd_find_name(copy, "gues", &e) == -1, "a prefix of a name is not that name");
	memcpy(copy, text, sizeof(text));
	is_int(passwd_all(copy, v, 8), 3, "passwd_all finds the three good lines");
	memcpy(copy, text, sizeof(text));
	is_int(passwd_all(copy, v, 2), 2, "... and stops at its limit");
}

/* /etc/shadow: "name:hash", further fields ignored, malformed lines skipped. */
static void
test_shadow(void)
{
	static const char text[] = "# shadow\nbad name:H0\nroot:HR:19000:0:99999:7:::\r\n"
				   "noHash\nguest:HG\nlast:HL";
	char copy[sizeof(text)];
	const char *hash = NULL;

	memcpy(copy, text, sizeof(text));
	ok(shadow_find(copy, "root", &hash) == 0, "root's shadow line is found past a comment");
	is_str(hash, "HR", "... its hash without Linux's aging fields");
	memcpy(copy, text, sizeof(text));
	ok(shadow_find(copy, "guest", &hash) == 0 && strcmp(hash, "HG") == 0,
	   "guest is found past a line without a hash");
	memcpy(copy, text, sizeof(text));
	ok(shadow_find(copy, "last", &hash) == 0 && strcmp(hash, "HL") == 0,
	   "a last line without a newline counts");
	memcpy(copy, text, sizeof(text));
	ok(shadow_find(copy, "noHash", &hash) == -1, "a line without a ':' names nobody");
	memcpy(copy, text, sizeof(text));
	ok(shadow_find(copy, "bad name", &hash) == -1, "a malformed name is not found");
	memcpy(copy, text, sizeof(text));
	ok(shadow_find(copy, "gues", &hash) == -1, "a prefix of a name is not that name");
}

int
main(void)
{
	test_shadow();
	test_bad_hashes();
	test_format();
	test_scheme();
	test_check();
	test_bad_lines();
	test_lines();
	return done_testing();
}
