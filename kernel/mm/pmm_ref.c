/*
 * Use counts of frames that several address spaces own at once: after fork, parent and
 * child map the same frames until one of them writes (copy-on-write, vm.c). A frame
 * without a count has one user, which is almost every frame, so the counts are kept
 * sparsely: one byte per frame, in leaf frames that each cover LEAF_FRAMES frames
 * (16 MiB of RAM) and exist only while one of those frames is shared. The directory of
 * leaves is made on the first share and covers the direct map.
 *
 * A byte holds the users beyond the first, so a zero is "not shared"; a leaf counts its
 * nonzero bytes and goes back to the allocator with the last of them. A frame can have
 * at most one user per address space, far fewer than 256.
 */
#include "arch.h"
#include "heap.h"
#include "lib.h"
#include "lock.h"
#include "pmm.h"
#include <keel/errno.h>

#define LEAF_FRAMES	FRAME_SIZE	/* a byte per frame */

struct ref_leaf {
	uint64_t pa;		/* the frame of counts, or 0 */
	uint64_t used;		/* its nonzero counts */
};

static struct {
	struct lock lock;	/* the directory, its leaves and their counts */
	struct ref_leaf *dir;
	size_t ndir;
} refs = { .lock = LOCK_INIT("pmm_ref") };

/* Makes the directory, once. Returns 0 or -ENOMEM. */
static int dir_create(void)
{
	size_t n = (direct_map_limit() / FRAME_SIZE + LEAF_FRAMES - 1) / LEAF_FRAMES;
	struct ref_leaf *dir;

	if (refs.dir)
		return 0;
	if (!(dir = kcalloc(n, sizeof(*dir))))
		return -ENOMEM;
	refs.dir = dir;
	refs.ndir = n;
	return 0;
}

/* The count byte of the frame at pa, or NULL when it has no leaf. Call with the lock held. */
static uint8_t *count_of(uint64_t pa, struct ref_leaf **leaf)
{
	uint64_t f = pa >> FRAME_SHIFT;

	if (!refs.dir || f / LEAF_FRAMES >= refs.ndir)
		return NULL;
	*leaf = &refs.dir[f / LEAF_FRAMES];
	if (!(*leaf)->pa)
		return NULL;
	return (uint8_t *)phys_to_virt((*leaf)->pa) + f % LEAF_FRAMES;
}

int pmm_ref(uint64_t pa)
{
	uint64_t f = pa >> FRAME_SHIFT, fresh = 0;
	struct ref_leaf *leaf;
	uint8_t *c;
	int r = 0;

	if (dir_create() != 0 || f / LEAF_FRAMES >= refs.ndir)
		return -ENOMEM;
	/* A leaf may be needed: take a frame outside the lock, give it back if not. */
	if (!refs.dir[f / LEAF_FRAMES].pa && !(fresh = pmm_alloc()))
		return -ENOMEM;
	lock_acquire(&refs.lock);
	leaf = &refs.dir[f / LEAF_FRAMES];
	if (!leaf->pa && fresh) {
		memset(phys_to_virt(fresh), 0, FRAME_SIZE);
		leaf->pa = fresh;
		fresh = 0;
	}
	c = (uint8_t *)phys_to_virt(leaf->pa) + f % LEAF_FRAMES;
	if (*c == UINT8_MAX)
		r = -ENOMEM;	/* cannot happen: a user per address space */
	else if ((*c)++ == 0)
		leaf->used++;
	lock_release(&refs.lock);
	if (fresh)
		pmm_free(fresh);
	return r;
}

void pmm_unref(uint64_t pa)
{
	struct ref_leaf *leaf;
	uint64_t empty = 0;
	uint8_t *c;

	lock_acquire(&refs.lock);
	if (!(c = count_of(pa, &leaf)) || *c == 0) {
		lock_release(&refs.lock);
		pmm_free(pa);		/* the last user */
		return;
	}
	if (--*c == 0 && --leaf->used == 0) {
		empty = leaf->pa;
		leaf->pa = 0;
	}
	lock_release(&refs.lock);
	if (empty)
		pmm_free(empty);
}

unsigned pmm_refs(uint64_t pa)
{
	struct ref_leaf *leaf;
	uint8_t *c;
	unsigned n;

	lock_acquire(&refs.lock);
	n = (c = count_of(pa, &leaf)) ? *c + 1u : 1u;
	lock_release(&refs.lock);
	return n;
}

uint64_t pmm_ref_leaves(void)
{
	uint64_t n = 0;

	lock_acquire(&refs.lock);
	for (size_t i = 0; i < refs.ndir; i++)
		n += refs.dir[i].pa != 0;
	lock_release(&refs.lock);
	return n;
}
