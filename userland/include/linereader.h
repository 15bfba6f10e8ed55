/*
 * Reading text a line at a time from a file descriptor, lines of any length: the buffer
 * grows to hold the longest line, so nothing is ever cut. Reads are in chunks and short
 * reads (a tty gives one line per read, a pipe what it has) are simply read again.
 */
#ifndef KEEL_USER_LINEREADER_H
#define KEEL_USER_LINEREADER_H

#include <stddef.h>
#include <unistd.h>

#define LINEREADER_CHUNK	4096	/* bytes asked of each read, and the first buffer */

struct line_reader {
	int fd;
	char *buf;
	size_t cap;		/* bytes allocated at buf */
	size_t start, end;	/* the bytes read and not yet returned */
	int eof;		/* read has returned 0 */
};

/* Prepares r to read lines from fd; nothing is allocated until the first line. */
void lines_init(struct line_reader *r, int fd);

/*
 * Sets *line to the next line, which ends with its '\n' unless it is the last one and had
 * none, and returns its length (never 0); the line stays valid until the next call.
 * Returns 0 at the end of the input, or -1 with errno set when a read fails or there is
 * no memory for a longer line (ENOMEM).
 */
ssize_t lines_next(struct line_reader *r, char **line);

/* Frees r's buffer. */
void lines_free(struct line_reader *r);

/*
 * Reads everything left on fd into one buffer from malloc, which it stores in *data for
 * the caller to free (it may be NULL when there was nothing). Returns the number of
 * bytes, or -1 with errno set.
 */
ssize_t read_all(int fd, char **data);

#endif
