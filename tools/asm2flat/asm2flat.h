/*
 * asm2flat's private header: the options, the inputs, and the two ways of making an image
 * of them, linking (link.c) and flattening (flatten.c). main.c says what asm2flat is.
 */
#ifndef ASM2FLAT_H
#define ASM2FLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>
#include <libelf.h>

#define IMAGE_MAX	(1ULL << 30)	/* a bigger image is surely a mistake, not a program */

/* The command line, as main.c parses it. */
struct options {
	const char *out;
	uint64_t base;
	bool base_given;
	const char **incdirs;
	size_t nincdirs;
	const char **defines;
	size_t ndefines;
};

extern struct options opt;

/* One section of an input object and where the layout put it. */
struct isec {
	const char *name;
	GElf_Shdr sh;
	Elf_Scn *scn;
	int out;			/* link.c's OUT_*, or OUT_NONE: not part of the image */
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

/* The files named on the command line, in its order. */
extern struct input *inputs;
extern size_t ninputs;

/* link.c */
unsigned char *link_objects(size_t *size);

/* flatten.c */
unsigned char *flatten_exec(struct input *in, size_t *size);

#endif
