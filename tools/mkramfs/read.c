/*
 * mkramfs: reads images, with the kernel's own reader (kernel/lib/cpio.c), and the modes
 * that only read one: --list, which shows the entries like ls -l, and --verify, which
 * checks the structure and the 070702 checksums.
 */
#define _GNU_SOURCE
#include "config.h"
#include "xalloc.h"
#include "mkramfs.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Reads a whole image into memory ("-" is standard input), or exits saying why not. A
 * regular file is mapped rather than copied, which halves the time --list takes on a
 * large image.
 */
void
image_read(struct image *im, const char *path)
{
	size_t cap = 1024 * 1024;
	struct stat st;
	ssize_t n;
	void *map;
	int fd;

	im->path = path;
	im->size = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s", path);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= SIZE_MAX &&
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
		im->data = map;
		im->size = (size_t)st.st_size;
		goto done;
	}
	im->data = xrealloc(NULL, cap);
	for (;;) {
		if (im->size == cap)
			im->data = xrealloc(im->data, cap *= 2);
		if ((n = read(fd, im->data + im->size, cap - im->size)) == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "%s", path);
		}
		im->size += (size_t)n;
	}
done:
	if (fd != STDIN_FILENO)
		close(fd);
}

/*
 * Reads every entry of an image into a new array (*count of them). Exits with the
 * reader's description of the damage when the image is damaged.
 */
struct cpio_entry *
image_entries(const struct image *im, size_t *count, bool *crc)
{
	struct cpio_reader r;
	struct cpio_entry *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	cpio_reader_init(&r, im->data, im->size);
	for (;;) {
		if (n == cap)
			v = xrealloc(v, (cap = cap ? 2 * cap : 256) * sizeof(*v));
		if ((rc = cpio_next(&r, &v[n])) <= 0)
			break;
		n++;
	}
	if (rc < 0)
		errx(1, "%s: %s", im->path, r.err.msg);
	*count = n;
	if (crc != NULL)
		*crc = n > 0 ? v[0].crc : true;
	return v;
}

/*
 * Finds the data of a hard-linked file. GNU cpio writes a file with several names as
 * several entries that share an inode number, with the data in the last one only.
 */
void
hardlink_data(const struct cpio_entry *v, size_t n, size_t i, const unsigned char **data,
    size_t *size)
{
	const struct cpio_entry *e = &v[i];
	size_t j;

	*data = e->data;
	*size = e->filesize;
	if (e->filesize != 0 || e->nlink < 2 || e->ino == 0 ||
	    (e->mode & CPIO_MODE_TYPE) != CPIO_MODE_FILE)
		return;
	for (j = i + 1; j < n; j++) {
		if (v[j].ino == e->ino && v[j].devmajor == e->devmajor &&
		    v[j].devminor == e->devminor && v[j].filesize > 0 &&
		    (v[j].mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE) {
			*data = v[j].data;
			*size = v[j].filesize;
			return;
		}
	}
}

/* Writes a name for a listing: control characters and backslashes as octal escapes. */
static void
name_print(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			printf("\\%03o", p[i]);
		else
			putchar(p[i]);
	}
}

/* Returns the ls -l letters of a mode: the type, then rwx three times. */
static const char *
mode_string(uint32_t mode, char s[11])
{
	static const struct { uint32_t type; char c; } types[] = {
		{ CPIO_MODE_FILE, '-' }, { CPIO_MODE_DIR, 'd' }, { CPIO_MODE_SYMLINK, 'l' },
		{ 0020000, 'c' }, { 0060000, 'b' }, { 0010000, 'p' }, { 0140000, 's' },
	};
	static const char rwx[] = "rwxrwxrwx";
	size_t i;

	s[0] = '?';
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((mode & CPIO_MODE_TYPE) == types[i].type)
			s[0] = types[i].c;
	for (i = 0; i < 9; i++)
		s[i + 1] = mode & (0400 >> i) ? rwx[i] : '-';
	if (mode & 04000)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = '\0';
	return s;
}

static void
entry_list(const struct cpio_entry *e)
{
	char mode[11], date[32];
	time_t t = e->mtime;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", &tm);
	printf("%s %3u %5u %5u %10u %s ", mode_string(e->mode, mode), e->nlink, e->uid,
	    e->gid, e->filesize, date);
	name_print(e->name, e->namelen);
	if ((e->mode & CPIO_MODE_TYPE) == CPIO_MODE_SYMLINK) {
		fputs(" -> ", stdout);
		name_print((const char *)e->data, e->filesize);
	}
	putchar('\n');
}

/* --list: every entry up to the first damage, which is reported after them. */
int
cmd_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct cpio_reader r;
	struct cpio_entry e;
	struct image im;
	int rc;

	image_read(&im, opt.image);
	cpio_reader_init(&r, im.data, im.size);
	while ((rc = cpio_next(&r, &e)) > 0)
		entry_list(&e);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "standard output");
	if (rc < 0) {
		warnx("%s: %s", im.path, r.err.msg);
		return 1;
	}
	return 0;
}

/* --verify: the reader's verdict, and nothing but zeros after the trailer. */
int
cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct cpio_reader r;
	struct cpio_entry e;
	struct image im;
	size_t n = 0, checked = 0, i;
	int rc;

	image_read(&im, opt.image);
	cpio_reader_init(&r, im.data, im.size);
	while ((rc = cpio_next(&r, &e)) > 0) {
		n++;
		checked += e.crc;
	}
	if (rc < 0) {
		warnx("%s: %s", im.path, r.err.msg);
		return 1;
	}
	for (i = r.end_offset; i < im.size; i++) {
		if (im.data[i] != 0) {
			warnx("%s: offset %#zx: data after the " CPIO_TRAILER " entry (which "
			    "ends at offset %#zx)", im.path, i, r.end_offset);
			return 1;
		}
	}
	printf("%s: sound: %zu entries, %zu with verified checksums\n", im.path, n, checked);
	return 0;
}
