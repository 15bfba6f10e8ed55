/*
 * asm2flat: turns NASM programs into Keel's flat binaries, the exact initial memory image of
 * a program (its code, its data and its .bss as zero bytes), loaded at 0x400000 and entered
 * at its first byte. It assembles each .asm file with NASM (-f elf64) and links the objects
 * itself, with libelf, into the very bytes that `ld -N -Ttext=BASE` followed by
 * `objcopy -O binary` (with .bss given contents) would produce; it also flattens an ELF64
 * executable that something else has linked. The output appears whole or not at all: it is
 * written under a temporary name beside its final one and renamed into place at the end.
 *
 * This file is the driver: the command line, NASM, reading the inputs, and writing the
 * image that link.c or flatten.c makes of them.
 */
#define _GNU_SOURCE
#include "config.h"
#include "outfile.h"
#include "xalloc.h"
#include "asm2flat.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_BASE	0x400000	/* where Keel loads a flat binary (doc: DESIGN.md) */

extern char **environ;

struct options opt = { .base = DEFAULT_BASE };

struct input *inputs;
size_t ninputs;

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
