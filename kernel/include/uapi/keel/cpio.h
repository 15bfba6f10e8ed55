/*
 * The ramfs image format: a cpio archive in the "newc" format (magic 070701) or its
 * checksummed variant (070702), as Linux's initramfs and GNU cpio know them. Written down
 * once here for the kernel, mkramfs and mkboot.
 *
 * Every header field is 8 ASCII hexadecimal digits. The name (namesize bytes, counting its
 * NUL) follows the 110-byte header and is padded so that the data starts on a 4-byte
 * boundary; the data is padded likewise. The archive ends with an entry named TRAILER!!!.
 */
#ifndef KEEL_UAPI_CPIO_H
#define KEEL_UAPI_CPIO_H

#define CPIO_MAGIC_LEN      6
#define CPIO_MAGIC_NEWC     "070701"
#define CPIO_MAGIC_CRC      "070702"	/* check field: 32-bit sum of the data bytes */
#define CPIO_HEADER_SIZE    110
#define CPIO_ALIGN          4
#define CPIO_TRAILER        "TRAILER!!!"

/*
 * The file types and permission bits of the mode field, as POSIX's <sys/stat.h> numbers
 * them, for code that has no <sys/stat.h>. The ramfs keeps regular files, directories and
 * symlinks; other types may appear in images that other tools wrote.
 */
#define CPIO_MODE_TYPE      0170000
#define CPIO_MODE_FILE      0100000
#define CPIO_MODE_DIR       0040000
#define CPIO_MODE_SYMLINK   0120000
#define CPIO_MODE_PERM      07777

#ifndef __ASSEMBLER__

/* Field order of a newc header; each is CPIO_FIELD_LEN hex digits after the magic. */
#define CPIO_FIELD_LEN      8
enum cpio_field {
	CPIO_INO, CPIO_MODE, CPIO_UID, CPIO_GID, CPIO_NLINK, CPIO_MTIME, CPIO_FILESIZE,
	CPIO_DEVMAJOR, CPIO_DEVMINOR, CPIO_RDEVMAJOR, CPIO_RDEVMINOR, CPIO_NAMESIZE, CPIO_CHECK,
	CPIO_NFIELDS
};

/* Where field f starts in a header; the last one ends exactly at CPIO_HEADER_SIZE. */
#define CPIO_FIELD_OFFSET(f) (CPIO_MAGIC_LEN + (f) * CPIO_FIELD_LEN)

#endif /* !__ASSEMBLER__ */
#endif
