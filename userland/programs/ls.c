/*
 * ls: lists directories, in columns on a terminal and one name a line into a pipe or a
 * file (or with -1); on a terminal names with control characters are quoted as GNU ls
 * quotes them, or with -l one entry a line with type and permissions, links, owner,
 * group, size, modification time (UTC) and name. -a shows the names that start with a dot.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keel/passwd.h>

#define LS_WIDTH	80	/* the console's columns */
#define LS_USERS_MAX	64

static struct {
	int all, longform, one;
	bool terminal;			/* standard output is the terminal */
} opt;

static struct passwd_entry users[LS_USERS_MAX];
static int nusers;

struct entry {
	char name[KEEL_NAME_MAX + 1];
	uint32_t mode;
};

/* Writes the owner's name, or the uid when /etc/passwd has none. */
static const char *
user_name(unsigned uid, char *buf, size_t size)
{
	for (int i = 0; i < nusers; i++)
		if (users[i].uid == uid)
			return users[i].name;
	snprintf(buf, size, "%u", uid);
	return buf;
}

/* "drwxr-xr-x" for mode, with s and t for the set-id and sticky bits. */
static void
mode_string(uint32_t mode, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";

	s[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISCHR(mode) ? 'c' : S_ISBLK(mode) ? 'b' : '-';
	for (int i = 0; i < 9; i++)
		s[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	if (mode & 04000)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = '\0';
}

/* Writes "YYYY-MM-DD HH:MM" for t seconds since 1970 (UTC), by the civil-calendar rules. */
static void
time_string(uint64_t t, char *buf, size_t size)
{
	long days = (long)(t / 86400), secs = (long)(t % 86400);
	long z = days + 719468, era = z / 146097, doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
	long year = yoe + era * 400 + (month <= 2);

	snprintf(buf, size, "%04ld-%02ld-%02ld %02ld:%02ld", year, month, day, secs / 3600,
		 secs / 60 % 60);
}

#define SHOWN_MAX	(8 * KEEL_NAME_MAX + 8)	/* a name with every byte escaped */

/*
 * Writes name as ls shows it into out: as it is, unless it holds control characters and
 * the output is a terminal; then quoted as GNU ls's default "shell-escape" style does, so
 * that a newline in a name cannot fake a line: 'a'$'\n''b'. Returns out.
 */
static const char *
shown(const char *name, char *out)
{
	static const char names[] = "\a\b\t\n\v\f\r";
	static const char letters[] = "abtnvfr";
	size_t n = 0;
	bool control = false, quoted = false;

	for (const char *p = name; *p; p++)
		control |= (unsigned char)*p < 0x20 || *p == 0x7f;
	if (!control || !opt.terminal)
		return name;
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f) {
			const char *e = c ? strchr(names, c) : NULL;
			if (quoted)
				out[n++] = '\'', quoted = false;
			if (e)
				n += (size_t)snprintf(out + n, 8, "$'\\%c'", letters[e - names]);
			else
				n += (size_t)snprintf(out + n, 8, "$'\\%03o'", c);
			continue;
		}
		if (!quoted)
			out[n++] = '\'', quoted = true;
		if (c == '\'')
			n += (size_t)snprintf(out + n, 8, "'\\''");
		else
			out[n++] = (char)c;
	}
	if (quoted)
		out[n++] = '\'';
	out[n] = '\0';
	return out;
}

/* Prints one line of ls -l for path, shown as name. Returns 0 or -1. */
static int
print_long(const char *path, const char *name)
{
	struct keel_stat st;
	char mode[11], when[20], ubuf[12], gbuf[12], shownbuf[SHOWN_MAX];

	if (stat(path, &st) < 0) {
		warn("%s", path);
		return -1;
	}
	mode_string(st.mode, mode);
	time_string(st.mtime, when, sizeof(when));
	printf("%s %2u %-8s %-8s %8lu %s %s\n", mode, st.nlink, user_name(st.uid, ubuf, 12),
	       user_name(st.gid, gbuf, 12), (unsigned long)st.size, when, shown(name, shownbuf));
	return 0;
}

/* Prints the names in columns across the console, or one a line with -1. */
static void
print_columns(const struct entry *v, int n)
{
	char buf[SHOWN_MAX];
	size_t width = 1;
	int cols, rows;

	for (int i = 0; i < n; i++)
		if (strlen(shown(v[i].name, buf)) + 2 > width)
			width = strlen(shown(v[i].name, buf)) + 2;
	cols = opt.one || width >= LS_WIDTH ? 1 : (int)(LS_WIDTH / width);
	rows = (n + cols - 1) / cols;
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols && c * rows + r < n; c++) {
			int i = c * rows + r;
			int last = c == cols - 1 || (c + 1) * rows + r >= n;

			printf("%-*s", last ? 0 : (int)width, shown(v[i].name, buf));
		}
		printf("\n");
	}
}

/* Reads the directory's entries into *out (sorted by name). Returns the count, or -1. */
static int
read_dir(const char *path, struct entry **out)
{
	struct keel_dirent d;
	struct entry *v = NULL, *bigger;
	int fd = open(path, O_RDONLY | O_DIRECTORY), n = 0, cap = 0;

	if (fd < 0)
		return -1;
	while (readdir(fd, &d) > 0) {
		if (d.name[0] == '.' && !opt.all)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((bigger = realloc(v, (size_t)cap * sizeof(*v))) == NULL)
				err(1, "%s", path);
			v = bigger;
		}
		strlcpy(v[n].name, d.name, sizeof(v[n].name));
		v[n++].mode = d.mode;
	}
	close(fd);
	for (int i = 1; i < n; i++) {	/* insertion sort: the kernel's order is already close */
		struct entry e = v[i];
		int j = i;

		for (; j > 0 && strcmp(v[j - 1].name, e.name) > 0; j--)
			v[j] = v[j - 1];
		v[j] = e;
	}
	*out = v;
	return n;
}

static int
list_dir(const char *path)
{
	char child[KEEL_PATH_MAX + 1];
	struct entry *v;
	int n = read_dir(path, &v), status = 0;

	if (n < 0) {
		warn("%s", path);
		return -1;
	}
	if (!opt.longform)
		print_columns(v, n);
	for (int i = 0; opt.longform && i < n; i++) {
		snprintf(child, sizeof(child), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", v[i].name);
		if (print_long(child, v[i].name) < 0)
			status = -1;
	}
	free(v);
	return status;
}

static int
list(const char *path, int header)
{
	struct keel_stat st;
	struct entry e;

	if (stat(path, &st) < 0) {
		warn("%s", path);
		return -1;
	}
	if (!S_ISDIR(st.mode)) {
		if (opt.longform)
			return print_long(path, path);
		strlcpy(e.name, path, sizeof(e.name));
		print_columns(&e, 1);
		return 0;
	}
	if (header)
		printf("%s:\n", path);
	return list_dir(path);
}

int
main(int argc, char **argv)
{
	static char text[PASSWD_FILE_MAX];
	int status = 0, c;

	/* As GNU ls: columns for a terminal, one name a line into a pipe or a file. */
	opt.terminal = isatty(STDOUT_FILENO);
	if (!opt.terminal)
		opt.one = 1;
	while ((c = getopt(argc, argv, "al1")) != -1) {
		switch (c) {
		case 'a': opt.all = 1; break;
		case 'l': opt.longform = 1; break;
		case '1': opt.one = 1; break;
		default: errx(2, "usage: ls [-al1] [PATH...]");
		}
	}
	if (opt.longform && passwd_read(text, sizeof(text)) == 0)
		nusers = passwd_all(text, users, LS_USERS_MAX);
	if (optind == argc)
		return list(".", 0) < 0;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			printf("\n");
		if (list(argv[i], argc - optind > 1) < 0)
			status = 1;
	}
	return status;
}
