/*
 * Open files (file.h): reference-counted, shared by the descriptors that dup2 and spawn
 * make. A ramfs file holds its node, so an unlinked file lives until its last close.
 */
#include "file.h"
#include "heap.h"
#include "net.h"
#include "ramfs.h"

static struct {
	unsigned open;			/* files in existence, against FILE_MAX */
} files;

struct file *file_new(enum file_kind kind, int flags, struct ramfs_node *node)
{
	struct file *f;

	if (files.open >= FILE_MAX || !(f = kzalloc(sizeof(*f))))
		return NULL;
	files.open++;
	f->kind = kind;
	f->refs = 1;
	f->flags = flags;
	f->node = node;
	if (node)
		ramfs_get(node);
	return f;
}

struct file *file_dup(struct file *f)
{
	f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (!f || --f->refs > 0)
		return;
	if (f->node)
		ramfs_put(f->node);
	if (f->kind == FILE_SOCKET)
		socket_release(f->sock);
	files.open--;
	kfree(f);
}
