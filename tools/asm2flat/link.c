/*
 * asm2flat: links x86-64 ELF objects into a flat image, byte for byte as `ld -N
 * -Ttext=BASE` and `objcopy -O binary` would: the input sections go to .text, .rodata,
 * .data and .bss by the patterns of ld's default script, in its order; global symbols
 * resolve by ld's rules; the relocations that NASM emits are applied with ld's overflow
 * checks; gaps in code are NOP-filled as ld fills them. What asm2flat cannot place as ld
 * would, it refuses, naming the section or symbol, rather than make a different image.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "asm2flat.h"

#include <err.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BSS_END_ALIGN	8		/* ld's script ends .bss with ALIGN(. != 0 ? 8 : 1) */
#define END_ALIGN	8		/* ... and aligns dot to 8 again before _end */

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

/* The output sections as the layout fills them. */
static struct outsec {
	struct member *m;
	size_t n;
	bool present;			/* has an input section with bytes in it */
	bool code;			/* an input is executable: ld fills its gaps with NOPs */
	bool progbits;			/* an input has contents; else it is all zeros */
	uint64_t start, end;
} outs[OUT_COUNT];

/* The global symbol table: open addressing, a power-of-two number of slots. */
static struct gsym *gtab;
static size_t gcap;

/* Where dot was at the points ld's script defines its symbols (_etext, _edata, _end). */
static uint64_t dot_etext, dot_edata, dot_end;

/* Errors that let the link go on, so that one run reports all of them, as ld does. */
static unsigned nerrors;

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
unsigned char *
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
