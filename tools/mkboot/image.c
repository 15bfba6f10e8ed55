/*
 * mkboot: builds the two kinds of image from checked inputs: the grub.cfg that boots the
 * kernel through Multiboot2 with COM1 as the console, then a hybrid BIOS+UEFI ISO by
 * grub-mkrescue, or a FAT EFI System Partition by grub-mkstandalone and mtools. Both
 * write into the temporary output that scratch.c holds.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkboot.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Where both kinds of image keep the kernel and the ramfs; grub.cfg names them. */
#define IMG_KERNEL	"boot/keel.elf"
#define IMG_RAMFS	"boot/ramfs.img"

/*
 * The GRUB modules an image carries besides those GRUB's tools put in its core: what
 * grub.cfg's commands need, and all_video, so that a kernel asking for a framebuffer gets
 * one under UEFI too (without a video driver, UEFI GRUB, which has no text mode, reports
 * "no suitable video mode found" on every boot). With only these, an ISO is about 4.5 MB
 * instead of 20.
 */
#define GRUB_MODULES	"normal multiboot2 serial terminal boot all_video"
/* The ESP's GRUB must also find the disk it came from, whether partitioned or not. */
#define GRUB_ESP_MODULES GRUB_MODULES " search test fat part_gpt part_msdos"

#define ESP_ALIGN	(1024 * 1024)	/* ESP sizes are whole MiB ... */
#define ESP_HEADS	64		/* ... which is whole cylinders of this geometry */
#define ESP_SECTORS	32
#define SECTOR_SIZE	512

#define STR_(x)		#x
#define STR(x)		STR_(x)

/*
 * Writes grub.cfg to rel in the staging directory. For the ESP, uuid is the FAT volume
 * serial the configuration looks for to find its own disk; for the ISO it is NULL, since
 * grub-mkrescue's core image already sets root to the ISO.
 */
static void
cfg_write(const char *rel, int have_ramfs, const char *uuid)
{
	const char *w = opt.cmdline != NULL ? opt.cmdline : "";
	char *text;
	size_t len, n;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		err(1, NULL);
	fprintf(f, "# Written by mkboot (%s) %s.\n", PACKAGE_NAME, PACKAGE_VERSION);
	if (uuid != NULL) {
		/* Loaded now, else probing each disk goes through GRUB's list of every
		   file system module, complaining of each one that is not there. */
		fprintf(f, "insmod part_gpt\ninsmod part_msdos\ninsmod fat\n");
		fprintf(f, "# Boot from this ESP, found by its volume serial; failing that, "
		    "from any disk with the kernel.\n");
		fprintf(f, "search --no-floppy --fs-uuid --set=root %s\n", uuid);
		fprintf(f, "if [ \"$root\" = memdisk ]; then\n");
		fprintf(f, "\tsearch --no-floppy --file --set=root /%s\nfi\n", IMG_KERNEL);
	}
	fprintf(f, "set timeout=%ld\nset default=0\n", opt.timeout);
	fprintf(f, "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1\n");
	fprintf(f, "terminal_input serial console\nterminal_output serial console\n");
	fprintf(f, "insmod all_video\n");
	fprintf(f, "menuentry \"Keel\" {\n\tmultiboot2 /%s", IMG_KERNEL);
	/* One single-quoted word per kernel word: see cmdline_check. */
	for (;;) {
		w += strspn(w, " \t");
		if (*w == '\0')
			break;
		n = strcspn(w, " \t");
		fprintf(f, " '%.*s'", (int)n, w);
		w += n;
	}
	fprintf(f, "\n");
	if (have_ramfs)
		fprintf(f, "\tmodule2 /%s ramfs\n", IMG_RAMFS);
	fprintf(f, "\tboot\n}\n");
	if (fclose(f) != 0)
		err(1, NULL);
	stage_write(rel, text, len);
	free(text);
}

/* Builds the hybrid ISO: the files in a tree, then grub-mkrescue over it. */
void
iso_build(const struct blob *kernel, const struct blob *ramfs)
{
	long long epoch = repro_epoch();
	char *tree = stage_path("iso");
	char *xorriso = xasprintf("--xorriso=%s", toolpath[T_XORRISO]);
	char *partmaps = grub_partmaps();
	char *modules = xasprintf("--install-modules=%s%s", GRUB_MODULES, partmaps);
	char *dates = xasprintf("=%lld", epoch);
	char *argv[] = {
		toolpath[T_MKRESCUE], xorriso, "-o", scratch.out.tmp,
		modules, "--fonts=", "--locales=", "--themes=",
		tree,
		/* xorriso's own options, which grub-mkrescue passes on (see repro.c) */
		epoch >= 0 ? "--set_all_file_dates" : NULL, dates, NULL
	};

	stage_mkdir("iso");
	stage_mkdir("iso/boot");
	stage_mkdir("iso/boot/grub");
	stage_write("iso/" IMG_KERNEL, kernel->data, kernel->size);
	if (ramfs->data != NULL)
		stage_write("iso/" IMG_RAMFS, ramfs->data, ramfs->size);
	cfg_write("iso/boot/grub/grub.cfg", ramfs->data != NULL, NULL);
	if (epoch >= 0)
		repro_iso_env(epoch);
	run(argv);
	free(dates);
	free(modules);
	free(partmaps);
	free(xorriso);
	free(tree);
}

/* Returns a volume serial for the ESP, for its grub.cfg to know it by. */
static uint32_t
esp_serial(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	return v;
}

/*
 * Returns the size of an ESP for files of the given total size: room for each file's last
 * cluster, the FATs and directories (an eighth more is plenty for FAT12 and FAT16), in
 * whole MiB so that the image is whole cylinders of the geometry given to mformat.
 */
static off_t
esp_size(off_t files)
{
	off_t need = files + files / 8 + 256 * 1024;

	return (need + ESP_ALIGN - 1) / ESP_ALIGN * ESP_ALIGN;
}

/*
 * Builds the ESP image: a standalone GRUB (its modules and grub.cfg in a memdisk inside
 * BOOTX64.EFI), then a FAT file system made straight into the output by mtools, no root
 * or loop device needed. It is a bare file system with no partition table, which is what
 * an ESP image is; OVMF boots it as a whole disk too.
 */
void
esp_build(const struct blob *kernel, const struct blob *ramfs)
{
	char *efi = stage_path("esp/EFI/BOOT/BOOTX64.EFI");
	char *cfg = stage_path("grub.cfg");
	char *graft = xasprintf("boot/grub/grub.cfg=%s", cfg);
	char *dir_efi = stage_path("esp/EFI"), *dir_boot = stage_path("esp/boot");
	long long epoch = repro_epoch();
	uint32_t serial = epoch >= 0 ? repro_serial(kernel, ramfs, epoch) : esp_serial();
	char uuid[16], hex[16], sectors[32];
	struct stat st;
	off_t size;
	char *mkstandalone[] = {
		toolpath[T_MKSTANDALONE], "-O", "x86_64-efi", "-o", efi,
		"--install-modules=" GRUB_ESP_MODULES, "--fonts=", "--locales=",
		"--themes=", graft, NULL
	};
	char *mformat[] = {
		toolpath[T_MFORMAT], "-i", scratch.out.tmp, "-T", sectors,
		"-h", STR(ESP_HEADS), "-s", STR(ESP_SECTORS), "-N", hex,
		"-v", "KEEL", "::", NULL
	};
	char *mcopy[] = {
		toolpath[T_MCOPY], "-i", scratch.out.tmp, "-s", "-Q", dir_efi, dir_boot, "::/",
		NULL
	};

	/* GRUB shows a FAT serial as two groups of four lowercase hex digits. */
	snprintf(uuid, sizeof(uuid), "%04x-%04x", serial >> 16, serial & 0xffff);
	snprintf(hex, sizeof(hex), "%08x", serial);
	cfg_write("grub.cfg", ramfs->data != NULL, uuid);
	stage_mkdir("esp");
	stage_mkdir("esp/EFI");
	stage_mkdir("esp/EFI/BOOT");
	stage_mkdir("esp/boot");
	stage_write("esp/" IMG_KERNEL, kernel->data, kernel->size);
	if (ramfs->data != NULL)
		stage_write("esp/" IMG_RAMFS, ramfs->data, ramfs->size);
	run(mkstandalone);
	if (epoch >= 0 && repro_tar_dates(efi, epoch) == 0)
		errx(1, "%s: no memdisk found to date (GRUB's format changed?)", efi);
	if (stat(efi, &st) == -1)
		err(1, "%s", efi);
	size = esp_size(st.st_size + (off_t)kernel->size + (off_t)ramfs->size);
	snprintf(sectors, sizeof(sectors), "%lld", (long long)(size / SECTOR_SIZE));
	if (ftruncate(scratch.out.fd, size) == -1)
		err(1, "%s", scratch.out.tmp);
	run(mformat);
	run(mcopy);
	free(dir_boot);
	free(dir_efi);
	free(graft);
	free(cfg);
	free(efi);
}
