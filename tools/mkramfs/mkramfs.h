/*
 * mkramfs's private header: the options, the entries of the image being made and the
 * functions that its files share. main.c says what mkramfs is.
 */
#ifndef MKRAMFS_H
#define MKRAMFS_H

#include <sys/stat.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cpio_reader.h>

enum mode { M_NONE, M_CREATE, M_LIST, M_EXTRACT, M_ADD, M_VERIFY };

/* The command line, as main.c parses it. */
struct options {
	enum mode mode;
	const char *image;	/* the image written or read */
	const char *dir;	/* -C */
	const char **lists;	/* -F, in the order given */
	size_t nlists;
	const char *magic;	/* CPIO_MAGIC_CRC, CPIO_MAGIC_NEWC, or NULL for the default */
	uint32_t align;		/* of regular files' data; CPIO_ALIGN means none */
	bool owner_set;		/* --owner, or --add without --keep-owner (0:0) */
	bool keep_owner;	/* --keep-owner */
	bool preserve_perms;	/* --preserve-permissions */
	uint32_t uid, gid;
	bool epoch_set;		/* SOURCE_DATE_EPOCH */
	uint32_t epoch;
	unsigned given;		/* the options seen, as main.c's O_* bits */
};

extern struct options opt;

/* Where an entry's data come from. */
enum source { SRC_NONE, SRC_DISK, SRC_MEM };

/* One entry of the image to be written. */
struct node {
	char *name;		/* normalized: relative, no ".", "..", or empty components */
	uint32_t mode, uid, gid, mtime, rdevmajor, rdevminor;
	enum source src;
	char *path;		/* SRC_DISK: the file, relative to -C */
	const unsigned char *data;	/* SRC_MEM: the data, size bytes */
	size_t size;
	const char *origin;	/* what gave the entry, for messages */
	size_t seq;		/* the order entries were given in, for ties */
	bool old;		/* --add: the entry comes from the image */
};

/* The entries collected so far, in the order given until nodes_complete sorts them. */
struct nodelist {
	struct node *v;
	size_t n, cap;
};

extern struct nodelist nodes;

/* A whole image, read into memory. */
struct image {
	const char *path;
	unsigned char *data;
	size_t size;
};

/* main.c: the command line */
bool number_parse(const char *s, int base, unsigned long long max, uint32_t *v);

/* collect.c: the entries of the image to be written */
char *name_normalize(const char *path);
int strptr_cmp(const void *a, const void *b);
struct node *node_new(const char *origin);
uint32_t mtime_of(const struct stat *st);
uint32_t mtime_default(void);
void target_note(const char *path);
void target_check(const char *path, const struct stat *st);
void arg_add(int dirfd, const char *arg);
void nodes_from_image(const struct image *im, const struct cpio_entry *v, size_t n);
void nodes_complete(void);

/* listfile.c: -F */
void list_read(int dirfd, const char *path);

/* write.c: writing an image, -o and --add */
int cmd_create(int argc, char **argv);
int cmd_add(int argc, char **argv);

/* read.c: reading an image, --list and --verify */
void image_read(struct image *im, const char *path);
struct cpio_entry *image_entries(const struct image *im, size_t *count, bool *crc);
void hardlink_data(const struct cpio_entry *v, size_t n, size_t i,
    const unsigned char **data, size_t *size);
int cmd_list(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* extract.c: --extract */
int cmd_extract(int argc, char **argv);

#endif
