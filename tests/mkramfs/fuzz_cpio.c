/*
 * The libFuzzer target of the ramfs image reader (kernel/lib/cpio.c): it walks whatever
 * bytes the fuzzer makes up, as the kernel would walk its ramfs module, touches every
 * byte of every entry it is given, and aborts if the reader's promises are broken. The
 * sanitizers catch any read outside the input. tests/mkramfs/fuzz.test runs it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <cpio_reader.h>
#include <keel/errno.h>

/* Checks that [p, p + n) lies within the input. */
static void
within(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	if (p < data || p > data + size || n > (size_t)(data + size - p))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_reader r;
	struct cpio_entry e;
	volatile uint32_t sink = 0;
	size_t n = 0;
	int rc;

	cpio_reader_init(&r, data, size);
	while ((rc = cpio_next(&r, &e)) > 0) {
		within((const uint8_t *)e.name, e.namesize, data, size);
		within(e.data, e.filesize, data, size);
		if (e.index != n++ || e.namelen == 0 || strlen(e.name) != e.namelen)
			abort();
		sink += cpio_checksum(e.data, e.filesize);
	}
	if (rc < 0 && (rc != -EINVAL || r.err.code == CPIO_OK || r.err.index != n ||
	    strnlen(r.err.msg, sizeof(r.err.msg)) == 0 ||
	    strnlen(r.err.msg, sizeof(r.err.msg)) == sizeof(r.err.msg)))
		abort();
	if (rc == 0 && r.end_offset > size)
		abort();
	if (cpio_next(&r, &e) != rc)
		abort();
	(void)sink;
	return 0;
}
