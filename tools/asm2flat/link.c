/*
 * asm2flat: turns NASM programs into Keel's flat binaries, the exact initial memory image of
 * a program (its code, its data and its .bss as zero bytes), loaded at 0x400000 and entered
 * at its first byte. It assembles each .asm file with NASM (-f elf64) and links the objects
 * itself, with libelf, into the very bytes that `ld -N -Ttext=BASE` followed by
 * `objcopy -O binary` (with .bss given contents) would produce; it also flattens an ELF64
 * executable that something else has linked. The output appears whole or not at all: it is
 * written under a temporary name beside its final one and renamed into place at the end.
 */
#define _GNU_SOURCE
#include "config.h"
#include "outfile.h"
#include "xalloc.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#define DEFAULT_BASE	0x400000	/* where Keel loads a flat binary (doc: DESIGN.md) */
#define IMAGE_MAX	(1ULL << 30)	/* a bigger image is surely a mistake, not a program */
#define BSS_END_ALIGN	8		/* ld's script ends .bss with ALIGN(. != 0 ? 8 : 1) */
#define END_ALIGN	8		/* ... and aligns dot to 8 again before _end */

extern char **environ;

/*
 * The output sections, in the order of ld's default script for -N (`ld -N --verbose`).
 * Each lists the input-section patterns of its statements in order: an input section
 * belongs to the first statement with a matching pattern, and each statement takes its
 * sections in command-line order, except that SORT() sorts by name. Input sections named
 * like none of these cannot be placed as ld would without emulating its orphan rules, so
 * an allocated one is refused. So are .gnu.linkonce.* sections, whose patterns the script
 * also has: ld keeps only the first section of each such name, which asm2flat does not.
 */
enum { OUT_TEXT, OUT_RODATA, OUT_DATA, OUT_BSS, OUT_COUNT, OUT_NONE = -1 };
#define STMT_MAX 6

static const struct outdesc {
	const char *name;
	struct {
		const char *patterns;	/* fnmatch patterns, separated by blanks */
		bool sorted;		/* SORT(...): by name rather than by file */
	} stmt[STMT_MAX];
} outdescs[OUT_COUNT] = {
	[OUT_TEXT] = { ".text", {
		{ ".text.unlikely .text.*_unlikely .text.unlikely.*", false },
		{ ".text.exit .text.exit.*", false },
		{ ".text.startup .text.startup.*", false },
		{ ".text.hot .text.hot.*", false },
		{ ".text.sorted.*", true },
		{ ".text .stub .text.*", false } } },
	[OUT_RODATA] = { ".rodata", { { ".rodata .rodata.*", false } } },
	[OUT_DATA] = { ".data", { { ".data .data.*", false } } },
	[OUT_BSS] = { ".bss", { { ".bss .bss.*", false } } },
};

/* ld's script puts these in .data.rel.ro, an output section of its own before .data. */
static const char relro_patterns[] = ".data.rel.ro .data.rel.ro.*";

/* One section of an input object and where the layout put it. */
struct isec {
	const char *name;
	GElf_Shdr sh;
	Elf_Scn *scn;
	int out;			/* OUT_* or OUT_NONE: not part of the image */
	int stmt;			/* which statement of the output section took it */
	uint64_t addr;
};

/* One input file, read whole. For an assembled .asm, name is the source and path the object. */
struct input {
	const char *name;
	const char *path;
	char *buf;
	size_t len;
	Elf *elf;
	GElf_Ehdr eh;
	size_t shnum;
	struct isec *sec;
	Elf_Data *symdata;		/* the symbol table, or NULL */
	size_t nsyms;
	size_t symstr;			/* its string table's section index */
};

/* A global symbol's definition: the first strong one, or else the first weak one. */
struct gsym {
	const char *name;
	struct input *in;
	GElf_Sym sym;
};

/* An input section's place in an output section; members are kept in layout order. */
struct member {
	struct input *in;
	struct isec *s;
	size_t seq;			/* its place in command-line order, for a stable sort */
};

static struct outsec {
	struct member *m;
	size_t n;
	bool present;			/* has an input section with bytes in it */
	bool code;			/* an input is executable: ld fills its gaps with NOPs */
	bool progbits;			/* an input has contents; else it is all zeros */
	uint64_t start, end;
} outs[OUT_COUNT];

static struct {
	const char *out;
	uint64_t base;
	bool base_given;
	const char **incdirs;
	size_t nincdirs;
	const char **defines;
	size_t ndefines;
} opt = { .base = DEFAULT_BASE };

static struct input *inputs;
static size_t ninputs;

/* The global symbol table: open addressing, a power-of-two number of slots. */
static struct gsym *gtab;
static size_t gcap;

/* Where dot was at the points ld's script defines its symbols (_etext, _edata, _end). */
static uint64_t dot_etext, dot_edata, dot_end;

/* Errors that let the link go on, so that one run reports all of them, as ld does. */
static unsigned nerrors;

/*
 * The assembled objects, which asm2flat must remove however it ends, kept where atexit()
 * and the signal handler both find them. Only unlink() and rmdir() run from the handler,
 * which are safe there; the paths are set before the files exist. The output's temporary
 * file is outfile's to remove.
 */
static struct {
	char *dir;			/* the directory of the assembled objects */
	char **objs;
	size_t nobjs;
} scratch;

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: asm2flat [-o OUT] [--base ADDR] [-I DIR] [-D NAME[=VALUE]] FILE.asm|FILE.o ...\n"
"       asm2flat [-o OUT] EXECUTABLE\n"
"Assemble NASM programs and link them into a Keel flat binary: the program's exact memory\n"
"image (.text, .rodata, .data, then .bss as zeros), entered at its first byte. The bytes\n"
"are those of `ld -N -Ttext=ADDR` and `objcopy -O binary`. A linked ELF64 executable,\n"
"given alone, is flattened as objcopy would.\n"
"\n"
"  -o, --output=OUT     write the image to OUT (default: the first FILE's name with .bin)\n"
"  -b, --base=ADDR      the address the image is loaded at (default 0x400000)\n"
"  -I, --include=DIR    passed to NASM: where %%include looks for files\n"
"  -D, --define=NAME[=VALUE]  passed to NASM: define a macro\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"NASM is the program named by the NASM environment variable, or else nasm on PATH.\n"
"Exit status: 0 on success, 1 on failure, 2 on a usage error.\n");
}

/* Removes whatever scratch holds; safe to call from a signal handler and more than once. */
static void
scratch_remove(void)
{
	size_t i;

	for (i = 0; i < scratch.nobjs; i++)
		unlink(scratch.objs[i]);
	if (scratch.dir != NULL)
		rmdir(scratch.dir);
}

static void
scratch_atexit(void)
{
	scratch_remove();
}

/* Cleans up from the signal handler, before outfile has asm2flat die of the signal. */
static void
scratch_signal(int signo)
{
	(void)signo;
	scratch_remove();
}

/* Reports an error at a place in an input section and lets the link go on. */
static void __attribute__((format(printf, 4, 5)))
error_at(const struct input *in, const struct isec *s, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: section %s, offset 0x%" PRIx64 ": ",
	    program_invocation_short_name, in->name, s->name, off);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	nerrors++;
}

/* Reports an error about a symbol, where it is defined, and lets the link go on. */
static void __attribute__((format(printf, 3, 4)))
error_sym(const struct input *in, const GElf_Sym *sym, const char *fmt, ...)
{
	va_list ap;

	if (sym->st_shndx != SHN_UNDEF && sym->st_shndx < in->shnum)
		fprintf(stderr, "%s: %s: section %s, offset 0x%" PRIx64 ": ",
		    program_invocation_short_name, in->name, in->sec[sym->st_shndx].name,
		    (uint64_t)sym->st_value);
	else
		fprintf(stderr, "%s: %s: ", program_invocation_short_name, in->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	nerrors++;
}

/* Returns ADDR as a number, accepting decimal or 0x-prefixed hexadecimal; exits 2 if bad. */
static uint64_t
base_parse(const char *s)
{
	unsigned long long v;
	const char *digits = s;
	int radix = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		radix = 16;
	}
	/* strtoull would also take blanks and a sign, which an address does not have. */
	if (radix == 16 ? !isxdigit((unsigned char)*digits) : !isdigit((unsigned char)*digits))
		errx(2, "--base is '%s': not a number (give it in decimal or as 0x...)", s);
	errno = 0;
	v = strtoull(digits, &end, radix);
	if (*end != '\0')
		errx(2, "--base is '%s': not a number (give it in decimal or as 0x...)", s);
	if (errno == ERANGE)
		errx(2, "--base is %s: more than 64 bits", s);
	return v;
}

/* Appends one string to a growing array of them. */
static void
list_add(const char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = s;
}

/* Fills opt and the list of inputs from the command line; usage errors exit 2 here. */
static void
args_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",	required_argument,	NULL, 'o' },
		{ "base",	required_argument,	NULL, 'b' },
		{ "include",	required_argument,	NULL, 'I' },
		{ "define",	required_argument,	NULL, 'D' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c, i;

	/* getopt's own messages would not say where to look for help; ours do, on one line. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:b:I:D:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (*optarg == '\0')
				errx(2, "--output is empty (see asm2flat --help)");
			opt.out = optarg;
			break;
		case 'b':
			opt.base = base_parse(optarg);
			opt.base_given = true;
			break;
		case 'I':
			list_add(&opt.incdirs, &opt.nincdirs, optarg);
			break;
		case 'D':
			if (*optarg == '\0' || *optarg == '=')
				errx(2, "--define is '%s': give NAME or NAME=VALUE", optarg);
			list_add(&opt.defines, &opt.ndefines, optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("asm2flat (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		case ':':
			errx(2, "option %s needs an argument (see asm2flat --help)",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				errx(2, "unknown option -%c (see asm2flat --help)", optopt);
			errx(2, "unknown option %s (see asm2flat --help)", argv[optind - 1]);
		}
	}
	if (optind == argc)
		errx(2, "no input files (see asm2flat --help)");
	ninputs = argc - optind;
	inputs = xcalloc(ninputs, sizeof(*inputs));
	for (i = optind; i < argc; i++) {
		if (*argv[i] == '\0')
			errx(2, "an input file name is empty (see asm2flat --help)");
		inputs[i - optind].name = inputs[i - optind].path = argv[i];
	}
}

/* Returns true if PATH names a NASM source, which asm2flat assembles rather than reads. */
static bool
is_asm(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot != NULL && (strcmp(dot, ".asm") == 0 || strcmp(dot, ".nasm") == 0);
}

/* Returns the default output name: the first input's base name with .bin for its suffix. */
static char *
default_output(const char *first)
{
	const char *base = strrchr(first, '/'), *dot;

	base = base != NULL ? base + 1 : first;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		dot = base + strlen(base);
	return xasprintf("%.*s.bin", (int)(dot - base), base);
}

/* Makes the directory where NASM writes its objects, removed at exit with all it holds. */
static void
scratch_dir_make(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	scratch.dir = xasprintf("%s/asm2flat.XXXXXX", tmp);
	if (mkdtemp(scratch.dir) == NULL) {
		int e = errno;

		free(scratch.dir);
		scratch.dir = NULL;
		errx(1, "cannot make a temporary directory in %s: %s", tmp, strerror(e));
	}
	scratch.objs = xcalloc(ninputs, sizeof(*scratch.objs));
}

/*
 * Assembles IN's source with NASM into an object in the scratch directory and points
 * IN->path at it. NASM's own messages go straight to stderr; if NASM cannot be run or
 * fails, asm2flat says so and exits 1.
 */
static void
nasm_run(struct input *in, size_t idx)
{
	const char *nasm = getenv("NASM");
	char **argv, *obj;
	size_t argc = 0, i;
	pid_t pid;
	int e, status;

	if (nasm == NULL || *nasm == '\0')
		nasm = "nasm";
	if (scratch.dir == NULL)
		scratch_dir_make();
	obj = xasprintf("%s/%zu.o", scratch.dir, idx);
	scratch.objs[scratch.nobjs++] = obj;

	argv = xcalloc(7 + opt.nincdirs + opt.ndefines, sizeof(*argv));
	argv[argc++] = (char *)nasm;
	argv[argc++] = "-felf64";
	/* Old NASMs paste the file name straight onto the directory: give it its slash. */
	for (i = 0; i < opt.nincdirs; i++) {
		size_t n = strlen(opt.incdirs[i]);

		argv[argc++] = xasprintf("-I%s%s", opt.incdirs[i],
		    n > 0 && opt.incdirs[i][n - 1] == '/' ? "" : "/");
	}
	for (i = 0; i < opt.ndefines; i++)
		argv[argc++] = xasprintf("-D%s", opt.defines[i]);
	argv[argc++] = "-o";
	argv[argc++] = obj;
	/* A file name beginning with '-' would be read as an option. */
	argv[argc++] = in->name[0] == '-' ? xasprintf("./%s", in->name) : (char *)in->name;
	argv[argc] = NULL;

	if ((e = posix_spawnp(&pid, nasm, NULL, NULL, argv, environ)) != 0)
		errx(1, "cannot run %s: %s (Debian package: nasm; or set NASM)", nasm,
		    strerror(e));
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waiting for %s", nasm);
	if (WIFSIGNALED(status))
		errx(1, "%s: %s was killed by signal %d", in->name, nasm, WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		errx(1, "%s: %s failed (exit status %d)", in->name, nasm, WEXITSTATUS(status));
	in->path = obj;
}

/* Reads IN's ELF file whole, or exits saying why it cannot. */
static void
input_read(struct input *in)
{
	size_t cap = 64 * 1024;
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(in->path, O_RDONLY)) == -1)
		err(1, "%s", in->name);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		errx(1, "%s: %s", in->name, strerror(EISDIR));
	in->buf = xmalloc(cap);
	for (;;) {
		if (in->len == cap)
			in->buf = xreallocarray(in->buf, cap *= 2, 1);
		n = read(fd, in->buf + in->len, cap - in->len);
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", in->name);
		}
		in->len += n;
	}
	close(fd);
}

/*
 * Checks that IN is an x86-64 ELF64 object file or executable and opens it with libelf.
 * Anything else ends the run: there is no point in linking around a file that is not one.
 */
static void
input_open(struct input *in)
{
	const unsigned char *id = (const unsigned char *)in->buf;
	const char *hint = is_asm(in->name) ? "" : " (NASM sources must be named *.asm)";

	if (in->len < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
		errx(1, "%s: not an ELF file%s", in->name, hint);
	if (id[EI_CLASS] == ELFCLASS32)
		errx(1, "%s: not an ELF64 file (it is a 32-bit ELF)", in->name);
	if (id[EI_CLASS] != ELFCLASS64)
		errx(1, "%s: not an ELF64 file (ELF class %d)", in->name, id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		errx(1, "%s: not a little-endian ELF file", in->name);
	if ((in->elf = elf_memory(in->buf, in->len)) == NULL ||
	    gelf_getehdr(in->elf, &in->eh) == NULL)
		errx(1, "%s: malformed ELF file: %s", in->name, elf_errmsg(-1));
	if (in->eh.e_machine != EM_X86_64)
		errx(1, "%s: not an x86-64 ELF file (machine %d)", in->name, in->eh.e_machine);
	if (in->eh.e_type != ET_REL && in->eh.e_type != ET_EXEC)
		errx(1, "%s: neither an object file nor an executable (ELF type %d)",
		    in->name, in->eh.e_type);
	if (elf_getshdrnum(in->elf, &in->shnum) != 0)
		errx(1, "%s: malformed ELF file: %s", in->name, elf_errmsg(-1));
}

/* Returns true if NAME matches one of the blank-separated fnmatch patterns in LIST. */
static bool
name_matches(const char *name, const char *list)
{
	char pat[64];
	size_t n;

	while (*list != '\0') {
		n = strcspn(list, " ");
		if (n < sizeof(pat)) {
			memcpy(pat, list, n);
			pat[n] = '\0';
			if (fnmatch(pat, name, 0) == 0)
				return true;
		}
		list += n;
		list += strspn(list, " ");
	}
	return false;
}

/* Sets S->out and S->stmt to the output statement that takes a section of this name. */
static void
section_classify(struct isec *s)
{
	int o, k;

	s->out = OUT_NONE;
	if (name_matches(s->name, relro_patterns))
		return;
	for (o = 0; o < OUT_COUNT; o++)
		for (k = 0; k < STMT_MAX && outdescs[o].stmt[k].patterns != NULL; k++)
			if (name_matches(s->name, outdescs[o].stmt[k].patterns)) {
				s->out = o;
				s->stmt = k;
				return;
			}
}

/*
 * Reads an object's section headers and symbol table and decides which output section each
 * of its sections goes to. An allocated section ld would put elsewhere (.init, .data.rel.ro,
 * .tdata, a section of the program's own naming...) is refused, since the image would not
 * be what ld makes; sections that are not allocated (.comment, DWARF) are left out, as
 * objcopy -O binary leaves them out.
 */
static void
object_scan(struct input *in)
{
	size_t shstrndx, i;

	if (elf_getshdrstrndx(in->elf, &shstrndx) != 0)
		errx(1, "%s: malformed ELF file: %s", in->name, elf_errmsg(-1));
	in->sec = xcalloc(in->shnum, sizeof(*in->sec));
	for (i = 0; i < in->shnum; i++) {
		struct isec *s = &in->sec[i];

		s->out = OUT_NONE;
		if ((s->scn = elf_getscn(in->elf, i)) == NULL || gelf_getshdr(s->scn, &s->sh) == NULL)
			errx(1, "%s: malformed ELF file: %s", in->name, elf_errmsg(-1));
		if ((s->name = elf_strptr(in->elf, shstrndx, s->sh.sh_name)) == NULL)
			s->name = "?";
		if (s->sh.sh_addralign == 0)
			s->sh.sh_addralign = 1;
		switch (s->sh.sh_type) {
		case SHT_NULL: case SHT_STRTAB: case SHT_RELA: case SHT_GROUP:
		case SHT_SYMTAB_SHNDX:
			continue;
		case SHT_SYMTAB:
			in->symdata = elf_getdata(s->scn, NULL);
			in->nsyms = s->sh.sh_entsize ? s->sh.sh_size / s->sh.sh_entsize : 0;
			in->symstr = s->sh.sh_link;
			continue;
		case SHT_REL:
			errx(1, "%s: section %s: REL relocations are not supported (x86-64 "
			    "objects use RELA)", in->name, s->name);
		}
		if (i == 0)
			continue;
		if ((s->sh.sh_addralign & (s->sh.sh_addralign - 1)) != 0)
			errx(1, "%s: section %s: alignment %" PRIu64 " is not a power of two",
			    in->name, s->name, (uint64_t)s->sh.sh_addralign);
		section_classify(s);
		if (s->out != OUT_NONE || !(s->sh.sh_flags & SHF_ALLOC) || s->sh.sh_size == 0)
			continue;
		if (strncmp(s->name, ".gnu.linkonce.", 14) == 0)
			error_at(in, s, 0, "ld keeps only the first .gnu.linkonce section of "
			    "a name, which asm2flat does not support (rename it)");
		else
			error_at(in, s, 0, "ld would not put this section in .text, .rodata, "
			    ".data or .bss; asm2flat does not place it (rename it, or link "
			    "with ld)");
	}
	if (in->symdata == NULL && in->nsyms > 0)
		errx(1, "%s: malformed ELF file: %s", in->name, elf_errmsg(-1));
}

/* Returns the name of SYM, a symbol of IN, or "" if it has none. */
static const char *
sym_name(const struct input *in, const GElf_Sym *sym)
{
	const char *s = elf_strptr(in->elf, in->symstr, sym->st_name);

	return s != NULL ? s : "";
}

/* Reads symbol I of IN, or exits if the symbol table is too short for it. */
static void
sym_get(const struct input *in, size_t i, GElf_Sym *sym)
{
	if (i >= in->nsyms || gelf_getsym(in->symdata, i, sym) == NULL)
		errx(1, "%s: malformed ELF file: symbol %zu does not exist", in->name, i);
}

static size_t
name_hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Returns the slot of the global symbol NAME: its definition, or the empty slot for it. */
static struct gsym *
gsym_slot(const char *name)
{
	size_t i = name_hash(name) & (gcap - 1);

	while (gtab[i].name != NULL && strcmp(gtab[i].name, name) != 0)
		i = (i + 1) & (gcap - 1);
	return &gtab[i];
}

/*
 * Enters IN's global definitions into the global table, in command-line order, with ld's
 * rules: a strong definition beats a weak one, the first of two weak ones wins, and two
 * strong ones are an error. Common symbols (NASM's `common`) are refused: ld places them
 * in an order of its hash table's choosing, which asm2flat does not reproduce.
 */
static void
object_define(struct input *in)
{
	GElf_Sym sym;
	size_t i;

	for (i = 1; i < in->nsyms; i++) {
		struct gsym *g;
		const char *name;

		sym_get(in, i, &sym);
		if (GELF_ST_BIND(sym.st_info) == STB_LOCAL || sym.st_shndx == SHN_UNDEF)
			continue;
		name = sym_name(in, &sym);
		if (sym.st_shndx == SHN_COMMON) {
			error_sym(in, &sym, "common symbol '%s' is not supported (ld places "
			    "common symbols in an order of its own; reserve it with resb in "
			    "section .bss)", name);
			continue;
		}
		if (sym.st_shndx >= in->shnum && sym.st_shndx != SHN_ABS) {
			error_sym(in, &sym, "symbol '%s' has an unsupported section index "
			    "0x%x", name, sym.st_shndx);
			continue;
		}
		g = gsym_slot(name);
		if (g->name == NULL) {
			*g = (struct gsym){ name, in, sym };
		} else if (GELF_ST_BIND(sym.st_info) == STB_WEAK) {
			continue;
		} else if (GELF_ST_BIND(g->sym.st_info) == STB_WEAK) {
			g->in = in;
			g->sym = sym;
		} else if (g->sym.st_shndx != SHN_ABS && g->sym.st_shndx < g->in->shnum) {
			error_sym(in, &sym, "duplicate symbol '%s' (first defined in %s, "
			    "section %s, offset 0x%" PRIx64 ")", name, g->in->name,
			    g->in->sec[g->sym.st_shndx].name, (uint64_t)g->sym.st_value);
		} else {
			error_sym(in, &sym, "duplicate symbol '%s' (first defined in %s)",
			    name, g->in->name);
		}
	}
}

/* Builds the global symbol table from all objects. */
static void
symbols_define(void)
{
	size_t i, n = 0;

	for (i = 0; i < ninputs; i++)
		n += inputs[i].nsyms;
	for (gcap = 16; gcap < 2 * n; gcap *= 2)
		;
	gtab = xcalloc(gcap, sizeof(*gtab));
	for (i = 0; i < ninputs; i++)
		object_define(&inputs[i]);
}

static int
member_cmp_name(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->s->name, y->s->name);

	if (c != 0)
		return c;
	/* Keep command-line order among equal names, as ld's stable sort does. */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Collects the members of output section O in ld's order: statement by statement. */
static void
outsec_collect(int o)
{
	struct outsec *os = &outs[o];
	size_t i, j, first;
	int k;

	for (k = 0; k < STMT_MAX && outdescs[o].stmt[k].patterns != NULL; k++) {
		first = os->n;
		for (i = 0; i < ninputs; i++) {
			struct input *in = &inputs[i];

			for (j = 1; j < in->shnum; j++) {
				struct isec *s = &in->sec[j];

				if (s->out != o || s->stmt != k)
					continue;
				os->m = xreallocarray(os->m, os->n + 1, sizeof(*os->m));
				os->m[os->n] = (struct member){ in, s, os->n };
				os->n++;
				if (s->sh.sh_size > 0)
					os->present = true;
				if (s->sh.sh_flags & SHF_EXECINSTR)
					os->code = true;
				if (s->sh.sh_type != SHT_NOBITS)
					os->progbits = true;
			}
		}
		if (outdescs[o].stmt[k].sorted)
			qsort(os->m + first, os->n - first, sizeof(*os->m), member_cmp_name);
	}
}

/* Returns V rounded up to ALIGN (a power of two), or exits if that leaves 64 bits. */
static uint64_t
align_up(uint64_t v, uint64_t align)
{
	uint64_t r;

	if (__builtin_add_overflow(v, align - 1, &r))
		errx(1, "the image does not fit below 2^64 with --base 0x%" PRIx64, opt.base);
	return r & ~(align - 1);
}

/*
 * Lays the output sections out as ld does with -N -Ttext=BASE: .text exactly at BASE, each
 * later output section at dot aligned to the largest alignment of its inputs, each input at
 * dot aligned to its own alignment (empty ones included), .bss padded to a multiple of 8.
 * An output section whose inputs are all empty is dropped and does not move dot, though
 * the labels in it get the addresses it would have had (ld's map shows them so).
 */
static void
layout(void)
{
	uint64_t dot = opt.base, pos, maxalign;
	size_t i;
	int o;

	for (o = 0; o < OUT_COUNT; o++) {
		struct outsec *os = &outs[o];

		outsec_collect(o);
		for (maxalign = 1, i = 0; i < os->n; i++)
			if (os->m[i].s->sh.sh_addralign > maxalign)
				maxalign = os->m[i].s->sh.sh_addralign;
		os->start = o == OUT_TEXT ? opt.base : align_up(dot, maxalign);
		for (pos = os->start, i = 0; i < os->n; i++) {
			struct isec *s = os->m[i].s;

			s->addr = pos = align_up(pos, s->sh.sh_addralign);
			if (__builtin_add_overflow(pos, s->sh.sh_size, &pos))
				errx(1, "the image does not fit below 2^64 with --base "
				    "0x%" PRIx64, opt.base);
		}
		if (o == OUT_BSS)
			pos = align_up(pos, BSS_END_ALIGN);
		os->end = pos;
		/* A dropped section's labels still get addresses, but dot stays put. */
		if (os->present)
			dot = pos;
		if (o == OUT_TEXT)
			dot_etext = dot;
		if (o == OUT_DATA)
			dot_edata = dot;
	}
	dot_end = align_up(dot, END_ALIGN);
	if (!outs[OUT_TEXT].present)
		errx(1, "no code: none of the inputs has anything in .text (a flat program "
		    "starts with its code)");
	if (dot - opt.base > IMAGE_MAX)
		errx(1, "the image would be %" PRIu64 " bytes, more than the %llu asm2flat "
		    "makes", dot - opt.base, IMAGE_MAX);
}

/*
 * Returns true and sets *val to the value of the symbols ld's default script defines
 * (when the program does not define them itself): the ends of the text, of the data, and
 * of the whole image.
 */
static bool
linker_symbol(const char *name, uint64_t *val)
{
	static const struct { const char *name; uint64_t *dot; } syms[] = {
		{ "_etext", &dot_etext }, { "etext", &dot_etext }, { "__etext", &dot_etext },
		{ "_edata", &dot_edata }, { "edata", &dot_edata }, { "__bss_start", &dot_edata },
		{ "_end", &dot_end }, { "end", &dot_end },
	};
	size_t i;

	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (strcmp(name, syms[i].name) == 0) {
			*val = *syms[i].dot;
			return true;
		}
	return false;
}

/* Returns the address of a symbol defined in a section of IN, or SHN_ABS's value. */
static uint64_t
defined_value(const struct input *in, const GElf_Sym *sym)
{
	if (sym->st_shndx == SHN_ABS)
		return sym->st_value;
	return in->sec[sym->st_shndx].addr + sym->st_value;
}

/*
 * Sets *val to the value of symbol SYMI of IN, as referred to from offset OFF of section S.
 * Returns false, having reported why, if the symbol has no value in the image.
 */
static bool
symbol_value(struct input *in, size_t symi, const struct isec *s, uint64_t off, uint64_t *val)
{
	const struct input *def = in;
	const struct gsym *g;
	const char *name;
	GElf_Sym sym;

	if (symi == 0) {
		*val = 0;	/* no symbol: the addend is the whole value */
		return true;
	}
	sym_get(in, symi, &sym);
	name = sym_name(in, &sym);
	if (GELF_ST_BIND(sym.st_info) != STB_LOCAL) {
		g = gsym_slot(name);
		if (g->name != NULL) {
			def = g->in;
			sym = g->sym;
		} else if (linker_symbol(name, val)) {
			return true;
		} else if (GELF_ST_BIND(sym.st_info) == STB_WEAK) {
			*val = 0;	/* an undefined weak symbol is 0, as in any static link */
			return true;
		} else {
			error_at(in, s, off, "undefined symbol '%s'", name);
			return false;
		}
	}
	if (sym.st_shndx == SHN_ABS) {
		*val = sym.st_value;
		return true;
	}
	if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= def->shnum) {
		error_at(in, s, off, "symbol %zu ('%s') is undefined or malformed", symi, name);
		return false;
	}
	if (def->sec[sym.st_shndx].out == OUT_NONE) {
		error_at(in, s, off, "symbol '%s' is in section %s of %s, which is not part "
		    "of the image", *name ? name : def->sec[sym.st_shndx].name,
		    def->sec[sym.st_shndx].name, def->name);
		return false;
	}
	*val = defined_value(def, &sym);
	return true;
}

static const char *
reloc_name(unsigned type)
{
	switch (type) {
	case R_X86_64_64:	return "R_X86_64_64";
	case R_X86_64_32:	return "R_X86_64_32";
	case R_X86_64_32S:	return "R_X86_64_32S";
	case R_X86_64_PC32:	return "R_X86_64_PC32";
	case R_X86_64_PLT32:	return "R_X86_64_PLT32";
	}
	return NULL;
}

static void
put_le(unsigned char *p, uint64_t v, unsigned size)
{
	unsigned i;

	for (i = 0; i < size; i++)
		p[i] = v >> (8 * i);
}

/*
 * Applies one relocation of section S of IN to the image IMG, which starts at the base.
 * The overflow rules are ld's (bfd's howto table for x86-64): R_X86_64_32 must fit in 32
 * unsigned bits, the others in 32 signed bits.
 */
static void
reloc_apply(struct input *in, const struct isec *s, const GElf_Rela *r, unsigned char *img)
{
	unsigned type = GELF_R_TYPE(r->r_info), size = type == R_X86_64_64 ? 8 : 4;
	uint64_t off = r->r_offset, sval, p, v;
	int64_t sv;

	if (type == R_X86_64_NONE)
		return;
	if (reloc_name(type) == NULL) {
		error_at(in, s, off, "unsupported relocation type %u (asm2flat applies "
		    "R_X86_64_64, 32, 32S, PC32 and PLT32)", type);
		return;
	}
	if (s->sh.sh_type == SHT_NOBITS || off > s->sh.sh_size || s->sh.sh_size - off < size) {
		error_at(in, s, off, "%s relocation lies outside the section's contents",
		    reloc_name(type));
		return;
	}
	if (!symbol_value(in, GELF_R_SYM(r->r_info), s, off, &sval))
		return;
	p = s->addr + off;
	v = sval + (uint64_t)r->r_addend;
	if (type == R_X86_64_PC32 || type == R_X86_64_PLT32)
		v -= p;
	sv = (int64_t)v;
	if ((type == R_X86_64_32 && v > UINT32_MAX) ||
	    (type != R_X86_64_32 && type != R_X86_64_64 && (sv < INT32_MIN || sv > INT32_MAX))) {
		GElf_Sym sym;

		sym_get(in, GELF_R_SYM(r->r_info), &sym);
		error_at(in, s, off, "%s relocation against '%s' overflows: 0x%" PRIx64
		    " does not fit in 32 %s bits", reloc_name(type),
		    *sym_name(in, &sym) ? sym_name(in, &sym) :
		    GELF_ST_TYPE(sym.st_info) == STT_SECTION && sym.st_shndx < in->shnum ?
		    in->sec[sym.st_shndx].name : "?",
		    v, type == R_X86_64_32 ? "unsigned" : "signed");
		return;
	}
	put_le(img + (p - opt.base), v, size);
}

/* Applies every relocation of IN whose section is part of the image. */
static void
object_relocate(struct input *in, unsigned char *img)
{
	GElf_Rela r;
	Elf_Data *d;
	size_t i, j, n;

	for (i = 1; i < in->shnum; i++) {
		const struct isec *rs = &in->sec[i];

		if (rs->sh.sh_type != SHT_RELA || rs->sh.sh_info >= in->shnum ||
		    in->sec[rs->sh.sh_info].out == OUT_NONE)
			continue;
		if (in->symdata == NULL)
			errx(1, "%s: section %s: relocations without a symbol table",
			    in->name, rs->name);
		if ((d = elf_getdata(rs->scn, NULL)) == NULL)
			errx(1, "%s: section %s: %s", in->name, rs->name, elf_errmsg(-1));
		n = rs->sh.sh_entsize ? rs->sh.sh_size / rs->sh.sh_entsize : 0;
		for (j = 0; j < n; j++) {
			if (gelf_getrela(d, j, &r) == NULL)
				errx(1, "%s: section %s: %s", in->name, rs->name, elf_errmsg(-1));
			reloc_apply(in, &in->sec[rs->sh.sh_info], &r, img);
		}
	}
}

/*
 * Fills N bytes at P as ld fills the gaps in a code section: with the longest x86 NOPs
 * first, ten bytes at most (binutils bfd/cpu-i386.c, bfd_i386_fill with long NOPs).
 */
static void
nop_fill(unsigned char *p, uint64_t n)
{
	static const unsigned char nops[10][10] = {
		{ 0x90 },
		{ 0x66, 0x90 },
		{ 0x0f, 0x1f, 0x00 },
		{ 0x0f, 0x1f, 0x40, 0x00 },
		{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};

	for (; n >= 10; n -= 10, p += 10)
		memcpy(p, nops[9], 10);
	if (n > 0)
		memcpy(p, nops[n - 1], n);
}

/* Copies the contents of output section O into the image, filling its gaps as ld does. */
static void
outsec_write(int o, unsigned char *img)
{
	const struct outsec *os = &outs[o];
	uint64_t dot = os->start;
	Elf_Data *d;
	size_t i;

	if (!os->present || !os->progbits)
		return;			/* zeros, which the image already is */
	for (i = 0; i < os->n; i++) {
		const struct member *m = &os->m[i];

		if (os->code && m->s->addr > dot)
			nop_fill(img + (dot - opt.base), m->s->addr - dot);
		dot = m->s->addr + m->s->sh.sh_size;
		if (m->s->sh.sh_type == SHT_NOBITS || m->s->sh.sh_size == 0)
			continue;
		if ((d = elf_getdata(m->s->scn, NULL)) == NULL || d->d_size != m->s->sh.sh_size)
			errx(1, "%s: section %s: cannot read its contents: %s", m->in->name,
			    m->s->name, elf_errmsg(-1));
		memcpy(img + (m->s->addr - opt.base), d->d_buf, d->d_size);
	}
}

/* A flat program is entered at its first byte, so a _start anywhere else is an error. */
static void
start_check(void)
{
	const struct gsym *g = gsym_slot("_start");
	uint64_t v;

	if (g->name == NULL)
		return;
	v = defined_value(g->in, &g->sym);
	if (g->sym.st_shndx != SHN_ABS && g->in->sec[g->sym.st_shndx].out == OUT_NONE)
		return;			/* reported if anything refers to it */
	if (v != opt.base)
		error_sym(g->in, &g->sym, "_start is at 0x%" PRIx64 ", not at the image's "
		    "first byte 0x%" PRIx64 " (a flat program is entered there)", v, opt.base);
}

/* Links the objects into an image of *SIZE bytes, or exits 1 after reporting every error. */
static unsigned char *
link_objects(size_t *size)
{
	unsigned char *img;
	size_t i;
	int o;

	for (i = 0; i < ninputs; i++)
		object_scan(&inputs[i]);
	symbols_define();
	if (nerrors > 0)
		exit(1);
	layout();
	/* The image ends with the last output section, not at _end, which is rounded up. */
	for (o = OUT_COUNT - 1; !outs[o].present; o--)
		;
	*size = outs[o].end - opt.base;
	img = xcalloc(*size, 1);
	for (o = 0; o < OUT_COUNT; o++)
		outsec_write(o, img);
	for (i = 0; i < ninputs; i++)
		object_relocate(&inputs[i], img);
	start_check();
	if (nerrors > 0)
		exit(1);
	return img;
}

/*
 * Returns the load address of a section of an executable, as BFD computes it: its place in
 * the PT_LOAD segment that holds it (p_paddr), or its own address if no segment does.
 */
static uint64_t
exec_lma(const struct input *in, const GElf_Shdr *sh)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(in->elf, &n) != 0)
		return sh->sh_addr;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(in->elf, i, &ph) != NULL && ph.p_type == PT_LOAD &&
		    sh->sh_addr >= ph.p_vaddr && sh->sh_addr - ph.p_vaddr < ph.p_memsz)
			return ph.p_paddr + (sh->sh_addr - ph.p_vaddr);
	return sh->sh_addr;
}

/* Returns true if a section of an executable belongs in its flat image. */
static bool
exec_section_in_image(const GElf_Shdr *sh)
{
	if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_size == 0)
		return false;
	/* .tbss takes no room in memory: each thread's copy is made elsewhere. */
	return sh->sh_type != SHT_NOBITS || !(sh->sh_flags & SHF_TLS);
}

/*
 * Flattens a linked executable as `objcopy -O binary` does, with its .bss given contents:
 * from the lowest load address of an allocated section to the end of the highest, gaps
 * and NOBITS sections as zeros. The entry point must be the image's first byte.
 */
static unsigned char *
flatten_exec(struct input *in, size_t *size)
{
	uint64_t low = UINT64_MAX, high = 0, low_vma = 0, lma;
	unsigned char *img;
	GElf_Shdr sh;
	Elf_Scn *scn = NULL;
	Elf_Data *d;

	while ((scn = elf_nextscn(in->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			errx(1, "%s: malformed ELF file: %s", in->name, elf_errmsg(-1));
		if (!exec_section_in_image(&sh))
			continue;
		lma = exec_lma(in, &sh);
		if (lma < low) {
			low = lma;
			low_vma = sh.sh_addr;
		}
		if (lma + sh.sh_size < lma)
			errx(1, "%s: malformed ELF file: a section ends beyond 2^64", in->name);
		if (lma + sh.sh_size > high)
			high = lma + sh.sh_size;
	}
	if (low == UINT64_MAX)
		errx(1, "%s: nothing to flatten: the executable has no allocated sections",
		    in->name);
	if (high - low > IMAGE_MAX)
		errx(1, "%s: the image would be %" PRIu64 " bytes, more than the %llu "
		    "asm2flat makes", in->name, high - low, IMAGE_MAX);
	if (in->eh.e_entry != low_vma)
		errx(1, "%s: the entry point 0x%" PRIx64 " is not the image's first byte "
		    "0x%" PRIx64 " (a flat program is entered there)", in->name,
		    (uint64_t)in->eh.e_entry, low_vma);
	if (opt.base_given && opt.base != low_vma)
		errx(1, "%s: the executable is linked at 0x%" PRIx64 ", not at --base "
		    "0x%" PRIx64, in->name, low_vma, opt.base);
	*size = high - low;
	img = xcalloc(*size, 1);
	while ((scn = elf_nextscn(in->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || !exec_section_in_image(&sh) ||
		    sh.sh_type == SHT_NOBITS)
			continue;
		if ((d = elf_rawdata(scn, NULL)) == NULL || d->d_size != sh.sh_size)
			errx(1, "%s: cannot read a section's contents: %s", in->name,
			    elf_errmsg(-1));
		memcpy(img + (exec_lma(in, &sh) - low), d->d_buf, d->d_size);
	}
	return img;
}

/* Writes the image to opt.out through a temporary file renamed into place. */
static void
output_write(const unsigned char *img, size_t size)
{
	struct outfile of;

	/* Executable by whoever may run it, as a linker's output is. */
	if (outfile_open(&of, opt.out, outfile_perm(0777), 0) == -1)
		err(1, "%s: cannot create", opt.out);
	if (outfile_write(&of, img, size) == -1)
		err(1, "%s: cannot write", opt.out);
	if (outfile_close(&of) == -1)
		err(1, "%s", opt.out);
	if (outfile_commit(&of) == -1)
		err(1, "%s: cannot rename %s into place", opt.out, of.tmp);
}

/* Refuses an output that is one of the inputs, which writing it would destroy. */
static void
output_check(void)
{
	struct stat so, si;
	size_t i;

	if (stat(opt.out, &so) == -1)
		return;
	for (i = 0; i < ninputs; i++)
		if (stat(inputs[i].name, &si) == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			errx(1, "%s: the output would overwrite the input %s", opt.out,
			    inputs[i].name);
}

int
main(int argc, char **argv)
{
	unsigned char *img;
	size_t size, i;

	args_parse(argc, argv);
	if (opt.out == NULL)
		opt.out = default_output(inputs[0].name);
	output_check();
	if (elf_version(EV_CURRENT) == EV_NONE)
		errx(1, "libelf is out of date: %s", elf_errmsg(-1));
	atexit(scratch_atexit);
	outfile_catch_signals(scratch_signal);

	for (i = 0; i < ninputs; i++) {
		if (is_asm(inputs[i].name))
			nasm_run(&inputs[i], i);
		input_read(&inputs[i]);
		input_open(&inputs[i]);
		if (inputs[i].eh.e_type == ET_EXEC && ninputs > 1)
			errx(1, "%s: an executable is flattened on its own, not linked with "
			    "other files", inputs[i].name);
	}
	if (inputs[0].eh.e_type == ET_EXEC)
		img = flatten_exec(&inputs[0], &size);
	else
		img = link_objects(&size);
	output_write(img, size);
	return 0;
}
