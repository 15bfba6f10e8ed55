/*
 * mkboot's private header: the options, what a run makes and must clean up, and the
 * functions its files share. main.c says what mkboot is.
 */
#ifndef MKBOOT_H
#define MKBOOT_H

#include <sys/types.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "outfile.h"

enum format { FMT_NONE, FMT_ISO, FMT_ESP };

/* The command line, as main.c parses it. */
struct options {
	enum format format;
	const char *out;
	const char *kernel;
	const char *ramfs;
	const char *cmdline;
	long timeout;
	int verbose;
};

extern struct options opt;

/* The helper programs, looked up on PATH before anything is built. */
enum tool { T_MKRESCUE, T_MKSTANDALONE, T_XORRISO, T_MFORMAT, T_MCOPY, T_COUNT };

/* Where tools_find found each helper, for the image builders to run. */
extern char *toolpath[T_COUNT];

/* The helpers each kind of image needs, ended by T_COUNT. */
extern const enum tool iso_tools[], esp_tools[];

/* A whole input file, read once, so that what is checked is exactly what is copied. */
struct blob {
	const char *path;
	unsigned char *data;
	size_t size;
};

/*
 * What mkboot has made and must remove unless it succeeds, kept where exit() (through
 * atexit) and the signal handler both find it. A signal only sets signo and stops the
 * running helper; the main flow notices at its next step and cleans up there, because
 * removing a directory tree is not something a signal handler can do safely.
 */
struct scratch {
	char *stage;			/* staging directory, removed with all it holds */
	struct outfile out;		/* the output, under its temporary name */
	pid_t child;			/* the helper running now, or 0 */
	volatile sig_atomic_t signo;	/* the signal that asks mkboot to stop */
};

extern struct scratch scratch;

/* check.c: the inputs */
void kernel_check(const struct blob *k);
void ramfs_check(const struct blob *r);

/* helpers.c: the programs mkboot runs */
void tools_find(const enum tool *list);
void grub_platform_check(const char *platform, const char *what, const char *package);
char *grub_partmaps(void);
void run(char *const argv[]);

/* scratch.c: the temporary output, the staging directory, and the signals */
void signals_catch(void);
void signal_check(void);
void scratch_clean(void);
void out_begin(const char *out);
void out_commit(const char *out);
void stage_begin(void);
char *stage_path(const char *rel);
void stage_mkdir(const char *rel);
void stage_write(const char *rel, const void *data, size_t len);

/* repro.c: the same bytes from the same inputs when SOURCE_DATE_EPOCH is set */
long long repro_epoch(void);
void repro_iso_env(long long epoch);
int repro_tar_dates(const char *path, long long epoch);
uint32_t repro_serial(const struct blob *kernel, const struct blob *ramfs, long long epoch);

/* image.c: the image builders */
void iso_build(const struct blob *kernel, const struct blob *ramfs);
void esp_build(const struct blob *kernel, const struct blob *ramfs);

/* disk.c: mkboot --disk, a GPT disk image with one FAT32 partition */
int disk_requested(int argc, char **argv);
int disk_main(int argc, char **argv);

#endif
