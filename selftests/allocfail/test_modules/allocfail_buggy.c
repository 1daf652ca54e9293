// SPDX-License-Identifier: GPL-2.0
/*
 * Test target for campaigns: a toy driver whose probe allocates a ring
 * descriptor and its buffers, with an error path that is wrong on purpose.
 * A campaign must report its bugs as findings, and nothing for the clean
 * variant.
 *
 *   insmod allocfail_buggy.ko bug=none	the correct error path
 *   insmod allocfail_buggy.ko bug=leak	forgets to free the descriptor
 *   insmod allocfail_buggy.ko bug=uaf	frees the descriptor, then reads it
 *
 * Every allocation goes to the page allocator, so a probe makes exactly
 * 1 + BUGGY_NR_BUFS allocations the same way each time: the descriptor is
 * larger than the largest kmalloc cache (kmalloc_large(), still tracked by
 * kmemleak), the buffers are order-1 pages.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define BUGGY_NR_BUFS	2

struct buggy_ring {
	struct page *bufs[BUGGY_NR_BUFS];
	/* Padding that sends the descriptor past the kmalloc caches. */
	u8 pad[3 * PAGE_SIZE];
};

static char *bug = "none";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "error path: none, leak or uaf");

static struct buggy_ring *ring;

static void buggy_free_bufs(struct buggy_ring *r)
{
	int i;

	for (i = 0; i < BUGGY_NR_BUFS; i++)
		if (r->bufs[i])
			__free_pages(r->bufs[i], 1);
}

static int __init buggy_init(void)
{
	struct buggy_ring *r;
	int i;

	if (strcmp(bug, "none") && strcmp(bug, "leak") && strcmp(bug, "uaf")) {
		pr_warn("allocfail_buggy: bug must be none, leak or uaf\n");
		return -EINVAL;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	for (i = 0; i < BUGGY_NR_BUFS; i++) {
		r->bufs[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);
		if (!r->bufs[i])
			goto fail;
	}
	ring = r;
	return 0;

fail:
	if (!strcmp(bug, "leak")) {
		buggy_free_bufs(r);		/* and r is never freed */
	} else if (!strcmp(bug, "uaf")) {
		kfree(r);
		buggy_free_bufs(r);		/* reads r after the free */
	} else {
		buggy_free_bufs(r);
		kfree(r);
	}
	return -ENOMEM;
}

static void __exit buggy_exit(void)
{
	buggy_free_bufs(ring);
	kfree(ring);
}

module_init(buggy_init);
module_exit(buggy_exit);
MODULE_DESCRIPTION("allocfail campaign target with deliberately broken error paths");
MODULE_LICENSE("GPL");
