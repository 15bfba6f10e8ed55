/*
 * grep: prints the lines of files (or standard input) that match a pattern, as GNU grep
 * does. Patterns are POSIX basic regular expressions without groups and intervals:
 * literal bytes, ".", "[...]" (ranges, "^" for negation, "[:alpha:]"-style classes),
 * "*" and GNU's "\+" and "\?" after any of those, "^" at the start, "$" at the end and
 * "\" to quote; -F takes patterns as fixed strings. Several patterns (-e, or lines of one)
 * match where any of them does. Exit status: 0 if a line was selected, 1 if none, 2 on
 * an error (but 0 with -q once a line was selected).
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linereader.h>
#include <outbuf.h>

#define MAX_PATTERNS	32

/* One element of a compiled pattern: the bytes it matches, repeated min to max times. */
struct token {
	unsigned char set[256 / 8];	/* a bit for each byte it matches */
	int min, max;			/* max < 0: no limit */
};

struct pattern {
	const char *text;		/* as given, for -F */
	size_t len;
	struct token *tokens;
	int ntokens;
	bool anchor_start, anchor_end;
};

static struct {
	bool count, ignore_case, number, invert, quiet, list, no_messages, fixed, line_x;
	int names;			/* -1: -h, 1: -H, 0: as the number of files says */
	struct pattern patterns[MAX_PATTERNS];
	int npatterns;
	bool error, selected_any;
	struct outbuf out;
} grep = { .out = { .fd = STDOUT_FILENO } };

static void set_add(unsigned char *set, int c) { set[c / 8] |= (unsigned char)(1 << (c % 8)); }
static bool set_has(const unsigned char *set, int c) { return set[c / 8] & (1 << (c % 8)); }

/* Adds c to the set, in both cases with -i. */
static void
set_add_icase(unsigned char *set, int c)
{
	set_add(set, c);
	if (grep.ignore_case) {
		set_add(set, tolower(c));
		set_add(set, toupper(c));
	}
}

static const struct {
	const char *name;
	int (*is)(int);
} classes[] = {
	{ "alpha", isalpha }, { "digit", isdigit }, { "alnum", isalnum }, { "upper", isupper },
	{ "lower", islower }, { "space", isspace }, { "xdigit", isxdigit }, { "print", isprint },
	{ "cntrl", iscntrl },
};

__attribute__((noreturn)) static void
bad_pattern(const char *why)
{
	out_flush(&grep.out);
	errx(2, "%s", why);
}

/* Reads a bracket expression after its "[" at p into set. Returns the byte after "]". */
static const char *
compile_bracket(const char *p, unsigned char *set)
{
	unsigned char bits[256 / 8] = { 0 };
	bool negate = *p == '^';
	const char *start;

	if (negate)
		p++;
	start = p;
	for (; *p != ']' || p == start; p++) {
		int lo = (unsigned char)*p, hi;

		if (*p == '\0')
			bad_pattern("Unmatched [, [^, [:, [., or [=");
		if (p[0] == '[' && p[1] == ':') {
			const char *end = p + 2;
			size_t i, n;

			while (*end != '\0' && !(end[0] == ':' && end[1] == ']'))
				end++;
			if (*end == '\0')
				end = NULL;
			n = end != NULL ? (size_t)(end - (p + 2)) : 0;

			for (i = 0; end != NULL && i < sizeof(classes) / sizeof(classes[0]); i++)
				if (strlen(classes[i].name) == n && strncmp(classes[i].name, p + 2, n) == 0)
					break;
			if (end == NULL || i == sizeof(classes) / sizeof(classes[0]))
				bad_pattern("invalid character class");
			for (int c = 0; c < 256; c++)
				if (c < 128 && classes[i].is(c))
					set_add_icase(bits, c);
			p = end + 1;
			continue;
		}
		hi = lo;
		if (p[1] == '-' && p[2] != ']' && p[2] != '\0') {
			hi = (unsigned char)p[2];
			if (hi < lo)
				bad_pattern("Invalid range end");
			p += 2;
		}
		for (int c = lo; c <= hi; c++)
			set_add_icase(bits, c);
	}
	for (size_t i = 0; i < sizeof(bits); i++)
		set[i] = negate ? (unsigned char)~bits[i] : bits[i];
	if (negate)	/* a line's newline is never part of it */
		set['\n' / 8] &= (unsigned char)~(1 << ('\n' % 8));
	return p + 1;
}

/* Compiles the basic regular expression text (len bytes) into pat. */
static void
compile(struct pattern *pat, const char *text, size_t len)
{
	char *s = malloc(len + 1);
	const char *p;

	pat->tokens = malloc((len + 1) * sizeof(struct token));
	if (s == NULL || pat->tokens == NULL)
		errx(2, "out of memory");
	memcpy(s, text, len);
	s[len] = '\0';
	pat->text = text;
	pat->len = len;
	p = s;
	if (*p == '^') {
		pat->anchor_start = true;
		p++;
	}
	while (*p != '\0') {
		struct token *t;

		if (p[0] == '$' && p[1] == '\0') {
			pat->anchor_end = true;
			break;
		}
		/* A repetition after a token; at the start, "*" is an ordinary byte. */
		if (pat->ntokens > 0 && (*p == '*' || (p[0] == '\\' && (p[1] == '+' || p[1] == '?')))) {
			t = &pat->tokens[pat->ntokens - 1];
			if (*p == '*')
				t->min = 0, t->max = -1, p++;
			else if (p[1] == '+')
				t->max = -1, p += 2;
			else
				t->min = 0, t->max = t->max < 0 ? -1 : 1, p += 2;
			continue;
		}
		t = &pat->tokens[pat->ntokens++];
		memset(t, 0, sizeof(*t));
		t->min = t->max = 1;
		if (*p == '.') {
			memset(t->set, 0xff, sizeof(t->set));
			t->set['\n' / 8] &= (unsigned char)~(1 << ('\n' % 8));
			p++;
		} else if (*p == '[') {
			p = compile_bracket(p + 1, t->set);
		} else if (*p == '\\') {
			if (p[1] == '\0')
				bad_pattern("Trailing backslash");
			if (strchr("(){}|<>bBwWsS123456789", p[1]) != NULL)
				bad_pattern("this grep has no groups, intervals, alternation or "
					    "backreferences");
			set_add_icase(t->set, (unsigned char)p[1]);
			p += 2;
		} else {
			set_add_icase(t->set, (unsigned char)*p++);
		}
	}
	free(s);
}

/* Whether tokens t[0..n) match s up to end exactly (anchored) or as a prefix. */
static bool
match_here(const struct token *t, int n, const char *s, const char *end, bool anchored)
{
	int k = 0;

	if (n == 0)
		return !anchored || s == end;
	while ((t->max < 0 || k < t->max) && s + k < end && set_has(t->set, (unsigned char)s[k]))
		k++;
	for (; k >= t->min; k--)	/* greedy: the longest run first */
		if (match_here(t + 1, n - 1, s + k, end, anchored))
			return true;
	return false;
}

static bool
fixed_equal(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i] && (!grep.ignore_case ||
		    tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])))
			return false;
	return true;
}

static bool
pattern_matches(const struct pattern *pat, const char *line, size_t len)
{
	if (grep.fixed) {
		if (grep.line_x)
			return len == pat->len && fixed_equal(line, pat->text, len);
		for (size_t i = 0; i + pat->len <= len; i++)
			if (fixed_equal(line + i, pat->text, pat->len))
				return true;
		return false;
	}
	for (size_t i = 0; i <= len; i++) {
		if (match_here(pat->tokens, pat->ntokens, line + i, line + len,
			       pat->anchor_end || grep.line_x))
			return true;
		if (pat->anchor_start || grep.line_x)
			break;
	}
	return false;
}

static bool
line_selected(const char *line, size_t len)
{
	bool hit = false;

	for (int i = 0; i < grep.npatterns && !hit; i++)
		hit = pattern_matches(&grep.patterns[i], line, len);
	return hit != grep.invert;
}

/* Greps one input; name is NULL when names are not shown. Returns 0, or -1 on an error. */
static int
grep_fd(int fd, const char *label, const char *name)
{
	struct line_reader r;
	unsigned long lineno = 0, selected = 0;
	char *line;
	ssize_t n;

	lines_init(&r, fd);
	while ((n = lines_next(&r, &line)) > 0) {
		size_t len = (size_t)n - (line[n - 1] == '\n');

		lineno++;
		if (!line_selected(line, len))
			continue;
		selected++;
		grep.selected_any = true;
		if (grep.quiet || grep.list)
			break;
		if (grep.count)
			continue;
		if (name != NULL)
			out_printf(&grep.out, "%s:", name);
		if (grep.number)
			out_printf(&grep.out, "%lu:", lineno);
		out_write(&grep.out, line, len);
		out_write(&grep.out, "\n", 1);
	}
	if (n < 0 && !grep.no_messages) {
		out_flush(&grep.out);
		warn("%s", label);
	}
	lines_free(&r);
	if (grep.count && !grep.quiet && !grep.list)
		out_printf(&grep.out, "%s%s%lu\n", name != NULL ? name : "", name != NULL ? ":" : "",
			   selected);
	if (grep.list && selected > 0)
		out_printf(&grep.out, "%s\n", label);
	return n < 0 ? -1 : 0;
}

static void
grep_file(const char *file, bool show_name)
{
	bool std = strcmp(file, "-") == 0;
	const char *label = std ? "(standard input)" : file;
	int fd = std ? STDIN_FILENO : open(file, O_RDONLY);

	if (fd < 0) {
		if (!grep.no_messages) {
			out_flush(&grep.out);
			warn("%s", file);
		}
		grep.error = true;
		return;
	}
	if (grep_fd(fd, label, show_name ? label : NULL) < 0)
		grep.error = true;
	if (!std)
		close(fd);
}

/* Adds each line of text as a pattern. */
static void
add_patterns(const char *text)
{
	for (;;) {
		const char *nl = strchr(text, '\n');
		size_t len = nl != NULL ? (size_t)(nl - text) : strlen(text);

		if (grep.npatterns == MAX_PATTERNS)
			errx(2, "more than %d patterns", MAX_PATTERNS);
		grep.patterns[grep.npatterns++] = (struct pattern){ .text = text, .len = len };
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

int
main(int argc, char **argv)
{
	int c, nfiles;
	bool have_e = false;

	while ((c = getopt(argc, argv, "ce:FHhilnqsvx")) != -1) {
		switch (c) {
		case 'c': grep.count = true; break;
		case 'e': add_patterns(optarg); have_e = true; break;
		case 'F': grep.fixed = true; break;
		case 'H': grep.names = 1; break;
		case 'h': grep.names = -1; break;
		case 'i': grep.ignore_case = true; break;
		case 'l': grep.list = true; break;
		case 'n': grep.number = true; break;
		case 'q': grep.quiet = true; break;
		case 's': grep.no_messages = true; break;
		case 'v': grep.invert = true; break;
		case 'x': grep.line_x = true; break;
		default:
			fprintf(stderr, "usage: grep [-cFHhilnqsvx] [-e PATTERN]... PATTERN [FILE]...\n");
			return 2;
		}
	}
	if (!have_e) {
		if (optind == argc) {
			fprintf(stderr, "usage: grep [-cFHhilnqsvx] [-e PATTERN]... PATTERN [FILE]...\n");
			return 2;
		}
		add_patterns(argv[optind++]);
	}
	if (!grep.fixed)
		for (int i = 0; i < grep.npatterns; i++)
			compile(&grep.patterns[i], grep.patterns[i].text, grep.patterns[i].len);
	nfiles = argc - optind;
	if (nfiles == 0)
		grep_file("-", grep.names > 0);
	for (int i = optind; i < argc && !(grep.quiet && grep.selected_any); i++)
		grep_file(argv[i], grep.names > 0 || (grep.names == 0 && nfiles > 1));
	out_flush(&grep.out);
	if (grep.quiet && grep.selected_any)
		return 0;
	return grep.error ? 2 : grep.selected_any ? 0 : 1;
}
