/*
 * C11's streams (stdio.h): a FILE is a descriptor with a buffer that holds either bytes
 * read ahead or bytes not yet written, never both. All open streams are on one list so
 * that exit() and fflush(NULL) reach them, and so that the system call wrappers can flush
 * pending output before a read, write, fork or spawn (stdio_flush_hook, syscall.h).
 * Writes go through raw_write, which calls the kernel directly, never the hooked write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keel/format.h>

#include "syscall.h"

enum {
	F_READ = 1 << 0,	/* opened for reading */
	F_WRITE = 1 << 1,	/* opened for writing */
	F_EOF = 1 << 2,		/* the end-of-file indicator */
	F_ERR = 1 << 3,		/* the error indicator */
	F_SETUP = 1 << 4,	/* mode and buffer chosen */
	F_OWNBUF = 1 << 5,	/* buf was malloc'ed here */
	F_OWNFILE = 1 << 6,	/* the FILE was malloc'ed here */
};

struct keel_file {
	int fd;
	int flags;
	int mode;		/* _IOFBF, _IOLBF or _IONBF */
	unsigned char *buf;
	size_t size;
	size_t rpos, rend;	/* reading: buf[rpos..rend) not yet returned */
	size_t wend;		/* writing: buf[0..wend) not yet written */
	int ungot;		/* a byte ungetc pushed back, or EOF */
	struct keel_file *next;
};

/* stdin and stdout get static buffers, so that printing never needs malloc. */
static unsigned char stdin_buf[BUFSIZ], stdout_buf[BUFSIZ];
static struct keel_file std_files[3] = {
	{ .fd = STDIN_FILENO, .flags = F_READ, .buf = stdin_buf, .size = BUFSIZ, .ungot = EOF,
	  .next = &std_files[1] },
	{ .fd = STDOUT_FILENO, .flags = F_WRITE, .buf = stdout_buf, .size = BUFSIZ,
	  .ungot = EOF, .next = &std_files[2] },
	{ .fd = STDERR_FILENO, .flags = F_WRITE, .ungot = EOF },
};
FILE *const stdin = &std_files[0];
FILE *const stdout = &std_files[1];
FILE *const stderr = &std_files[2];
static FILE *all_files = &std_files[0];

/* Writes all of buf[0..n) with the kernel's write; returns 0 or -1 with errno set. */
static int
raw_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		long r = syscall3(SYS_write, fd, (long)p, (long)n);

		if (r == -EINTR)
			continue;
		if (r <= 0) {
			errno = r < 0 ? (int)-r : EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Chooses the mode at first use: line buffering on a terminal, none for stderr. */
static void
setup(FILE *f)
{
	if (f->flags & F_SETUP)
		return;
	f->flags |= F_SETUP;
	if (f == stderr)
		f->mode = _IONBF;
	else if (isatty(f->fd))
		f->mode = _IOLBF;
	else
		f->mode = _IOFBF;
	if (f->mode != _IONBF && f->buf == NULL) {
		f->buf = malloc(BUFSIZ);
		if (f->buf != NULL) {
			f->size = BUFSIZ;
			f->flags |= F_OWNBUF;
		} else {
			f->mode = _IONBF;
		}
	}
}

/* Writes out pending output. Returns 0, or EOF with the error indicator set. */
static int
flush_out(FILE *f)
{
	size_t n = f->wend;

	f->wend = 0;
	if (n > 0 && raw_write(f->fd, f->buf, n) < 0) {
		f->flags |= F_ERR;
		return EOF;
	}
	return 0;
}

/*
 * Drops read-ahead, moving the descriptor back over it so that its offset is the
 * stream's (pipes and terminals cannot move: their read-ahead is lost, as in C libraries).
 */
static void
drop_input(FILE *f)
{
	long ahead = (long)(f->rend - f->rpos) + (f->ungot != EOF);

	if (ahead > 0)
		syscall3(SYS_lseek, f->fd, -ahead, SEEK_CUR);
	f->rpos = f->rend = 0;
	f->ungot = EOF;
}

int
fflush(FILE *f)
{
	int status = 0;

	if (f == NULL) {
		for (f = all_files; f != NULL; f = f->next)
			if (f->wend > 0 && flush_out(f) == EOF)
				status = EOF;
		return status;
	}
	if (f->wend > 0)
		return flush_out(f);
	if (f->rend > f->rpos || f->ungot != EOF)
		drop_input(f);
	return 0;
}

/* The system call wrappers call this before they read, write, fork or spawn. */
static void
flush_pending(void)
{
	fflush(NULL);
}

/* Appends buf[0..n) to f's output. Returns 0, or EOF after a write error. */
static int
put_bytes(FILE *f, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (!(f->flags & F_WRITE)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return EOF;
	}
	setup(f);
	if (f->rend > f->rpos || f->ungot != EOF)
		drop_input(f);
	stdio_flush_hook = flush_pending;
	if (f->mode == _IONBF || n >= f->size) {	/* too big to gather: straight out */
		/*
		 * What other streams hold was printed before: flushing it first keeps
		 * a message on stderr after the partial line on stdout it follows.
		 */
		if (f->mode == _IONBF)
			fflush(NULL);
		if (flush_out(f) == EOF || raw_write(f->fd, p, n) < 0) {
			f->flags |= F_ERR;
			return EOF;
		}
		return 0;
	}
	while (n > 0) {
		size_t room = f->size - f->wend, k = n < room ? n : room;

		memcpy(f->buf + f->wend, p, k);
		f->wend += k;
		p += k;
		n -= k;
		if (f->wend == f->size && flush_out(f) == EOF)
			return EOF;
	}
	if (f->mode == _IOLBF && memchr(buf, '\n', (size_t)(p - (const unsigned char *)buf)))
		return flush_out(f);
	return 0;
}

/*
 * Refills f's buffer. Returns the bytes now available, 0 at the end of the input, or -1
 * after a read error; sets the indicators. Reading a line-buffered or unbuffered stream
 * first flushes the line-buffered output streams, as C11 7.21.3 suggests, so a prompt
 * appears before its answer is read.
 */
static long
fill(FILE *f)
{
	long r;

	setup(f);
	if (f->wend > 0 && flush_out(f) == EOF)
		return -1;
	if (f->mode != _IOFBF)
		for (FILE *g = all_files; g != NULL; g = g->next)
			if (g->mode == _IOLBF && g->wend > 0)
				flush_out(g);
	do
		r = syscall3(SYS_read, f->fd, (long)f->buf,
			     f->mode == _IONBF || f->buf == NULL ? 1 : (long)f->size);
	while (r == -EINTR);
	f->rpos = 0;
	f->rend = r > 0 ? (size_t)r : 0;
	if (r == 0)
		f->flags |= F_EOF;
	if (r < 0) {
		errno = (int)-r;
		f->flags |= F_ERR;
		return -1;
	}
	return r;
}

int
fgetc(FILE *f)
{
	if (!(f->flags & F_READ)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return EOF;
	}
	if (f->ungot != EOF) {
		int c = f->ungot;

		f->ungot = EOF;
		return c;
	}
	if (f->rpos == f->rend) {
		/* An unbuffered stream reads into a byte of its own. */
		if (f->buf == NULL && (setup(f), f->buf == NULL)) {
			unsigned char b;
			long r;

			do
				r = syscall3(SYS_read, f->fd, (long)&b, 1);
			while (r == -EINTR);
			if (r <= 0) {
				f->flags |= r == 0 ? F_EOF : F_ERR;
				return EOF;
			}
			return b;
		}
		if (fill(f) <= 0)
			return EOF;
	}
	return f->buf[f->rpos++];
}

int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int
ungetc(int c, FILE *f)
{
	if (c == EOF || f->ungot != EOF)
		return EOF;
	f->ungot = (unsigned char)c;
	f->flags &= ~F_EOF;
	return (unsigned char)c;
}

char *
fgets(char *s, int size, FILE *f)
{
	int i = 0, c = 0;

	if (size <= 0)
		return NULL;
	while (i < size - 1 && (c = fgetc(f)) != EOF) {
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	if (i == 0 || (c == EOF && ferror(f)))
		return NULL;
	s[i] = '\0';
	return s;
}

long
getdelim(char **line, size_t *cap, int delim, FILE *f)
{
	size_t n = 0;
	int c;

	if (line == NULL || cap == NULL) {
		errno = EINVAL;
		return -1;
	}
	while ((c = fgetc(f)) != EOF) {
		if (n + 2 > *cap || *line == NULL) {
			size_t bigger = *cap < 64 ? 128 : *cap * 2;
			char *p = realloc(*line, bigger);

			if (p == NULL) {
				f->flags |= F_ERR;
				return -1;
			}
			*line = p;
			*cap = bigger;
		}
		(*line)[n++] = (char)c;
		if (c == delim)
			break;
	}
	if (n == 0)
		return -1;
	(*line)[n] = '\0';
	return (long)n;
}

long getline(char **line, size_t *cap, FILE *f) { return getdelim(line, cap, '\n', f); }

size_t
fread(void *p, size_t size, size_t n, FILE *f)
{
	unsigned char *out = p;
	size_t want, got = 0;

	if (size == 0 || n == 0)
		return 0;
	want = size * n;
	while (got < want) {
		int c;

		if (f->rpos < f->rend && f->ungot == EOF) {	/* whole runs from the buffer */
			size_t k = f->rend - f->rpos;

			if (k > want - got)
				k = want - got;
			memcpy(out + got, f->buf + f->rpos, k);
			f->rpos += k;
			got += k;
			continue;
		}
		if ((c = fgetc(f)) == EOF)
			break;
		out[got++] = (unsigned char)c;
	}
	return got / size;
}

size_t
fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	if (size == 0 || n == 0)
		return 0;
	return put_bytes(f, p, size * n) == EOF ? 0 : n;
}

int
fputc(int c, FILE *f)
{
	unsigned char b = (unsigned char)c;

	return put_bytes(f, &b, 1) == EOF ? EOF : b;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int
fputs(const char *s, FILE *f)
{
	return put_bytes(f, s, strlen(s)) == EOF ? EOF : 0;
}

int
puts(const char *s)
{
	if (fputs(s, stdout) == EOF)
		return EOF;
	return fputc('\n', stdout) == EOF ? EOF : 0;
}

/*
 * Formatting: into the stream's buffer, or, for an unbuffered stream, into a chunk on
 * the stack that is written when full and at the end, so that one fprintf(stderr, ...)
 * is usually one write, as messages should be.
 */
#define STDIO_CHUNK	256

/* The chunk's way out: a stream (vfprintf) or, around every stream, a descriptor (vdprintf). */
struct fmt_out {
	FILE *f;		/* NULL: straight to fd */
	int fd;
	int failed;
	size_t used;
	char chunk[STDIO_CHUNK];
};

static void
chunk_flush(struct fmt_out *o)
{
	if (o->used == 0)
		return;
	if (o->f ? put_bytes(o->f, o->chunk, o->used) == EOF
		 : raw_write(o->fd, o->chunk, o->used) < 0)
		o->failed = 1;
	o->used = 0;
}

static void
fmt_put(void *ctx, const char *s, size_t n)
{
	struct fmt_out *o = ctx;

	while (n > 0) {
		size_t room = sizeof(o->chunk) - o->used, k = n < room ? n : room;

		memcpy(o->chunk + o->used, s, k);
		o->used += k;
		s += k;
		n -= k;
		if (o->used == sizeof(o->chunk))
			chunk_flush(o);
	}
}

int
vfprintf(FILE *f, const char *fmt, va_list ap)
{
	struct fmt_out o = { .f = f };
	int n = format(fmt_put, &o, fmt, ap);

	chunk_flush(&o);
	return o.failed ? -1 : n;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int
vdprintf(int fd, const char *fmt, va_list ap)
{
	struct fmt_out o = { .fd = fd };
	int n;

	fflush(NULL);	/* what the streams hold was printed first */
	n = format(fmt_put, &o, fmt, ap);
	chunk_flush(&o);
	return o.failed ? -1 : n;
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return format_buffer(buf, size, fmt, ap);
}

int
vsprintf(char *buf, const char *fmt, va_list ap)
{
	return format_buffer(buf, (size_t)-1 / 2, fmt, ap);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int
fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int
dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buffer(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int
sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

/* The open(2) flags of an fopen mode, or -1 when it is none. */
static int
mode_flags(const char *mode)
{
	int plus = strchr(mode, '+') != NULL;

	switch (mode[0]) {
	case 'r':
		return plus ? O_RDWR : O_RDONLY;
	case 'w':
		return (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
	case 'a':
		return (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
	default:
		return -1;
	}
}

FILE *
fdopen(int fd, const char *mode)
{
	int oflags = mode_flags(mode);
	FILE *f;

	if (oflags < 0) {
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->fd = fd;
	f->ungot = EOF;
	f->flags = F_OWNFILE;
	if ((oflags & 3) != O_WRONLY)
		f->flags |= F_READ;
	if ((oflags & 3) != O_RDONLY)
		f->flags |= F_WRITE;
	f->next = all_files;
	all_files = f;
	return f;
}

FILE *
fopen(const char *path, const char *mode)
{
	int oflags = mode_flags(mode), fd;
	FILE *f;

	if (oflags < 0) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, oflags | O_CLOEXEC, 0666 & ~022);	/* Keel has no umask: 022's */
	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (f == NULL)
		close(fd);
	return f;
}

int
fclose(FILE *f)
{
	int status = fflush(f);

	if (close(f->fd) < 0)
		status = EOF;
	for (FILE **p = &all_files; *p != NULL; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	if (f->flags & F_OWNBUF)
		free(f->buf);
	if (f->flags & F_OWNFILE)
		free(f);
	else
		f->flags &= ~(F_READ | F_WRITE);	/* a standard stream stays, closed */
	return status;
}

int fileno(FILE *f) { return f->fd; }

int
setvbuf(FILE *f, char *buf, int mode, size_t size)
{
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
		return -1;
	if (f->wend > 0 || f->rend > 0)	/* C11: only before any other operation */
		return -1;
	if (f->flags & F_OWNBUF)
		free(f->buf);
	f->flags = (f->flags & ~F_OWNBUF) | F_SETUP;
	f->mode = mode;
	f->buf = NULL;
	f->size = 0;
	if (mode == _IONBF)
		return 0;
	if (buf != NULL && size > 0) {
		f->buf = (unsigned char *)buf;
		f->size = size;
		return 0;
	}
	f->size = size > 0 ? size : BUFSIZ;
	f->buf = malloc(f->size);
	if (f->buf == NULL) {
		f->mode = _IONBF;
		f->size = 0;
		return -1;
	}
	f->flags |= F_OWNBUF;
	return 0;
}

void setbuf(FILE *f, char *buf) { setvbuf(f, buf, buf != NULL ? _IOFBF : _IONBF, BUFSIZ); }

int
fseek(FILE *f, long off, int whence)
{
	long r;

	if (f->wend > 0 && flush_out(f) == EOF)
		return -1;
	if (whence == SEEK_CUR)	/* from where the reader is, not the descriptor */
		off -= (long)(f->rend - f->rpos) + (f->ungot != EOF);
	f->rpos = f->rend = 0;
	f->ungot = EOF;
	r = syscall3(SYS_lseek, f->fd, off, whence);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	f->flags &= ~F_EOF;
	return 0;
}

long
ftell(FILE *f)
{
	long r = syscall3(SYS_lseek, f->fd, 0, SEEK_CUR);

	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r - (long)(f->rend - f->rpos) - (f->ungot != EOF) + (long)f->wend;
}

void rewind(FILE *f) { fseek(f, 0, SEEK_SET); clearerr(f); }
int fgetpos(FILE *f, fpos_t *pos) { return (*pos = ftell(f)) < 0 ? -1 : 0; }
int fsetpos(FILE *f, const fpos_t *pos) { return fseek(f, *pos, SEEK_SET); }
int feof(FILE *f) { return (f->flags & F_EOF) != 0; }
int ferror(FILE *f) { return (f->flags & F_ERR) != 0; }
void clearerr(FILE *f) { f->flags &= ~(F_EOF | F_ERR); }

int
remove(const char *path)
{
	struct keel_stat st;

	if (stat(path, &st) == 0 && KEEL_S_ISDIR(st.mode))
		return rmdir(path);
	return unlink(path);
}
