// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: performs page allocations of a chosen order, or slab
 * objects of a chosen size, with chosen GFP flags in a chosen execution
 * context, and reports what the allocator returned,
 * so tests assert on what a caller really saw.
 *
 *   echo "<context> <order> <gfp> <count>" > /sys/kernel/debug/allocfail_helper/run
 *   cat /sys/kernel/debug/allocfail_helper/run
 *   attempts=<n> ok=<n> failed=<n>
 *
 * order: a page order; "kN" for kmalloc(N) instead (N <= 8192, a slab
 * object of kmalloc-N's size); "cache" for an object of the helper's own
 * cache, HELPER_CACHE_SIZE bytes, SLAB_TYPESAFE_BY_RCU: with KASAN
 * (SLUB_RCU_DEBUG) each free allocates a record inside kmem_cache_free()
 * that delays it by a grace period, the allocator's own allocation,
 * which a policy on the helper's callers must not match.
 * context: task, atomic (spinlock held, irqs off), spinlock (spinlock
 * held, irqs on: atomic only through preempt_count()), softirq (timer),
 * hardirq (hard irq_work).  gfp: GFP_ATOMIC, GFP_NOWAIT, GFP_KERNEL, or a
 * number; NOFAIL is GFP_KERNEL|__GFP_NOFAIL, LONG a mask of many flags.
 * __GFP_NOWARN is always added: failures here are expected and their
 * warnings would only bury the console.
 * Context "kvmalloc2" (process context): kvmalloc(PAGE_SIZE << order)
 * from two call sites per count, both counted: "sites" must name each
 * caller, not the wrapper they share.
 * Context "vmalloc" (process context): __vmalloc(PAGE_SIZE << order): the
 * slab objects vmalloc allocates for its own bookkeeping come with
 * kmemleak's scan area of each, which is not the caller's.
 * Context "sites24" (process context): the allocation from 24 call sites
 * with long names per count: "sites" must list them whole, over pages.
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "allocfail_test_compat.h"

#define HELPER_MAX_COUNT	100000
#define HELPER_CACHE_SIZE	200	/* no kmalloc cache has this size */
#define HELPER_MAX_KMALLOC	8192	/* the largest kmalloc that is a slab object */

struct helper_run {
	gfp_t gfp;
	unsigned int order;
	unsigned int kmalloc_size;	/* kmalloc() this many bytes; 0: not */
	bool cache;			/* kmem_cache_alloc() from helper_cache */
	unsigned int count;
	unsigned int ok;
	unsigned int failed;
	struct completion done;
};

static DEFINE_MUTEX(helper_lock);	/* one run at a time */
static DEFINE_SPINLOCK(helper_spin);
/*
 * Whether a spinlock shows in preempt_count(): the tests' own oracle for
 * what allocfail may promise about the task and atomic contexts.
 */
static bool helper_preempt_count = IS_ENABLED(CONFIG_PREEMPT_COUNT);
static struct helper_run run;
static struct dentry *helper_dir;
static struct kmem_cache *helper_cache;

void helper_alloc_loop(struct helper_run *r);

/*
 * Not static: tests name it in a policy's callers, and a static function
 * may be cloned under another name (helper_alloc_loop.constprop.0).
 */
noinline void helper_alloc_loop(struct helper_run *r)
{
	unsigned int i;

	gfp_t gfp = r->gfp | __GFP_NOWARN;

	for (i = 0; i < r->count; i++) {
		bool ok;

		if (r->kmalloc_size) {
			void *p = kmalloc(r->kmalloc_size, gfp);

			ok = p;
			kfree(p);
		} else if (r->cache) {
			void *p = kmem_cache_alloc(helper_cache, gfp);

			ok = p;
			if (p)
				kmem_cache_free(helper_cache, p);
		} else {
			struct page *page = alloc_pages(gfp, r->order);

			ok = page;
			if (page)
				__free_pages(page, r->order);
		}
		if (ok)
			r->ok++;
		else
			r->failed++;
	}
}

static void helper_irq_work_fn(struct irq_work *work)
{
	helper_alloc_loop(&run);
	complete(&run.done);
}

static struct irq_work helper_irq_work = IRQ_WORK_INIT_HARD(helper_irq_work_fn);

static void helper_timer_fn(struct timer_list *t)
{
	helper_alloc_loop(&run);
	complete(&run.done);
}

static DEFINE_TIMER(helper_timer, helper_timer_fn);

static int helper_parse_gfp(const char *s, gfp_t *gfp)
{
	unsigned long v;

	if (!strcmp(s, "GFP_ATOMIC"))
		*gfp = GFP_ATOMIC;
	else if (!strcmp(s, "GFP_NOWAIT"))
		*gfp = GFP_NOWAIT;
	else if (!strcmp(s, "GFP_KERNEL"))
		*gfp = GFP_KERNEL;
	else if (!strcmp(s, "NOFAIL"))
		*gfp = GFP_KERNEL | __GFP_NOFAIL;
	/* many flags, so that "sites" prints a long mask */
	else if (!strcmp(s, "LONG"))
		*gfp = GFP_KERNEL_ACCOUNT | __GFP_RECLAIMABLE | __GFP_ZERO |
		       __GFP_NORETRY | __GFP_COMP | __GFP_NOMEMALLOC |
		       __GFP_HARDWALL;
	else if (!kstrtoul(s, 0, &v))
		*gfp = (__force gfp_t)v;
	else
		return -EINVAL;
	return 0;
}

/* A page order, "kN" (kmalloc(N)) or "cache" (helper_cache). */
static int helper_parse_what(const char *s, struct helper_run *r)
{
	if (!strcmp(s, "cache")) {
		r->cache = true;
		return 0;
	}
	if (s[0] == 'k') {
		if (!kstrtouint(s + 1, 10, &r->kmalloc_size) &&
		    r->kmalloc_size && r->kmalloc_size <= HELPER_MAX_KMALLOC)
			return 0;
	} else if (!kstrtouint(s, 10, &r->order) && r->order <= MAX_PAGE_ORDER) {
		return 0;
	}
	pr_warn("allocfail_helper: '%s' is not an order, kN (N <= %d) or cache\n",
		s, HELPER_MAX_KMALLOC);
	return -EINVAL;
}

static int helper_do_run(const char *ctx)
{
	unsigned long flags;

	if (strcmp(ctx, "task") && gfpflags_allow_blocking(run.gfp)) {
		pr_warn("allocfail_helper: %s context cannot use a sleeping GFP mask\n",
			ctx);
		return -EINVAL;
	}
	if (!strcmp(ctx, "task")) {
		helper_alloc_loop(&run);
	} else if (!strcmp(ctx, "atomic")) {
		spin_lock_irqsave(&helper_spin, flags);
		helper_alloc_loop(&run);
		spin_unlock_irqrestore(&helper_spin, flags);
	} else if (!strcmp(ctx, "spinlock")) {
		spin_lock(&helper_spin);
		helper_alloc_loop(&run);
		spin_unlock(&helper_spin);
	} else if (!strcmp(ctx, "softirq")) {
		mod_timer(&helper_timer, jiffies);
		wait_for_completion(&run.done);
	} else if (!strcmp(ctx, "hardirq")) {
		irq_work_queue(&helper_irq_work);
		wait_for_completion(&run.done);
		irq_work_sync(&helper_irq_work);
	} else {
		pr_warn("allocfail_helper: unknown context '%s'\n", ctx);
		return -EINVAL;
	}
	return 0;
}

/*
 * Two callers of one allocator wrapper.  The barrier keeps each call from
 * becoming a tail call, so the return address is in each function.
 */
void *helper_kvmalloc_a(size_t size, gfp_t gfp);
void *helper_kvmalloc_b(size_t size, gfp_t gfp);

noinline void *helper_kvmalloc_a(size_t size, gfp_t gfp)
{
	void *p = kvmalloc(size, gfp);

	barrier();
	return p;
}

noinline void *helper_kvmalloc_b(size_t size, gfp_t gfp)
{
	void *p = kvmalloc(size, gfp);

	barrier();
	return p;
}

static void helper_count(struct helper_run *r, void *p)
{
	if (p)
		r->ok++;
	else
		r->failed++;
	kvfree(p);
}

static void helper_kvmalloc_pair(struct helper_run *r)
{
	size_t size = PAGE_SIZE << r->order;
	unsigned int i;

	for (i = 0; i < r->count; i++) {
		helper_count(r, helper_kvmalloc_a(size, r->gfp | __GFP_NOWARN));
		helper_count(r, helper_kvmalloc_b(size, r->gfp | __GFP_NOWARN));
	}
}

static void helper_vmalloc(struct helper_run *r)
{
	unsigned int i;

	for (i = 0; i < r->count; i++)
		helper_count(r, __vmalloc(PAGE_SIZE << r->order,
					  r->gfp | __GFP_NOWARN));
}

/*
 * 24 call sites with long names: with a long GFP mask their "sites" lines
 * outgrow one page.
 */
#define HELPER_SITE(n)							\
void helper_site_with_a_long_name_to_fill_the_sites_page_##n(struct helper_run *r); \
noinline void helper_site_with_a_long_name_to_fill_the_sites_page_##n(struct helper_run *r) \
{									\
	struct page *page = alloc_pages(r->gfp | __GFP_NOWARN, r->order); \
									\
	helper_count_page(r, page);					\
}

static void helper_count_page(struct helper_run *r, struct page *page)
{
	if (page) {
		__free_pages(page, r->order);
		r->ok++;
	} else {
		r->failed++;
	}
}

HELPER_SITE(00) HELPER_SITE(01) HELPER_SITE(02) HELPER_SITE(03)
HELPER_SITE(04) HELPER_SITE(05) HELPER_SITE(06) HELPER_SITE(07)
HELPER_SITE(08) HELPER_SITE(09) HELPER_SITE(10) HELPER_SITE(11)
HELPER_SITE(12) HELPER_SITE(13) HELPER_SITE(14) HELPER_SITE(15)
HELPER_SITE(16) HELPER_SITE(17) HELPER_SITE(18) HELPER_SITE(19)
HELPER_SITE(20) HELPER_SITE(21) HELPER_SITE(22) HELPER_SITE(23)

#define HELPER_SITE_FN(n) helper_site_with_a_long_name_to_fill_the_sites_page_##n
static void (* const helper_sites[])(struct helper_run *r) = {
	HELPER_SITE_FN(00), HELPER_SITE_FN(01), HELPER_SITE_FN(02),
	HELPER_SITE_FN(03), HELPER_SITE_FN(04), HELPER_SITE_FN(05),
	HELPER_SITE_FN(06), HELPER_SITE_FN(07), HELPER_SITE_FN(08),
	HELPER_SITE_FN(09), HELPER_SITE_FN(10), HELPER_SITE_FN(11),
	HELPER_SITE_FN(12), HELPER_SITE_FN(13), HELPER_SITE_FN(14),
	HELPER_SITE_FN(15), HELPER_SITE_FN(16), HELPER_SITE_FN(17),
	HELPER_SITE_FN(18), HELPER_SITE_FN(19), HELPER_SITE_FN(20),
	HELPER_SITE_FN(21), HELPER_SITE_FN(22), HELPER_SITE_FN(23),
};

static void helper_sites24(struct helper_run *r)
{
	unsigned int i, j;

	for (i = 0; i < r->count; i++)
		for (j = 0; j < ARRAY_SIZE(helper_sites); j++)
			helper_sites[j](r);
}

static ssize_t helper_run_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[96], ctx[16], what[16], gfp[32];
	unsigned int count;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %15s %31s %u", ctx, what, gfp, &count) != 4 ||
	    !count || count > HELPER_MAX_COUNT) {
		pr_warn("allocfail_helper: usage: <context> <order|kN|cache> <gfp> <count>\n");
		return -EINVAL;
	}

	mutex_lock(&helper_lock);
	memset(&run, 0, sizeof(run));
	init_completion(&run.done);
	run.count = count;
	ret = helper_parse_what(what, &run);
	if (ret)
		goto out;
	ret = helper_parse_gfp(gfp, &run.gfp);
	if (ret)
		pr_warn("allocfail_helper: unknown gfp '%s'\n", gfp);
	else if (!strcmp(ctx, "kvmalloc2"))
		helper_kvmalloc_pair(&run);
	else if (!strcmp(ctx, "sites24"))
		helper_sites24(&run);
	else if (!strcmp(ctx, "vmalloc"))
		helper_vmalloc(&run);
	else
		ret = helper_do_run(ctx);
out:
	mutex_unlock(&helper_lock);
	return ret ? ret : len;
}

static int helper_run_show(struct seq_file *m, void *v)
{
	mutex_lock(&helper_lock);
	seq_printf(m, "attempts=%u ok=%u failed=%u\n", run.ok + run.failed,
		   run.ok, run.failed);
	mutex_unlock(&helper_lock);
	return 0;
}

static int helper_run_open(struct inode *inode, struct file *file)
{
	return single_open(file, helper_run_show, NULL);
}

static const struct file_operations helper_run_fops = {
	.owner		= THIS_MODULE,
	.open		= helper_run_open,
	.read		= seq_read,
	.write		= helper_run_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/*
 * A constructor keeps the cache from being merged with another (as does
 * SLAB_TYPESAFE_BY_RCU).
 */
static void helper_cache_ctor(void *obj)
{
}

static int __init helper_init(void)
{
	helper_cache = kmem_cache_create("allocfail_helper", HELPER_CACHE_SIZE,
					 0, SLAB_TYPESAFE_BY_RCU,
					 helper_cache_ctor);
	if (!helper_cache)
		return -ENOMEM;
	helper_dir = debugfs_create_dir("allocfail_helper", NULL);
	debugfs_create_file("run", 0600, helper_dir, NULL, &helper_run_fops);
	debugfs_create_bool("preempt_count", 0400, helper_dir,
			    &helper_preempt_count);
	return 0;
}

static void __exit helper_exit(void)
{
	debugfs_remove_recursive(helper_dir);
	del_timer_sync(&helper_timer);
	irq_work_sync(&helper_irq_work);
	kmem_cache_destroy(helper_cache);
}

module_init(helper_init);
module_exit(helper_exit);
MODULE_DESCRIPTION("allocfail test helper: allocations on request, in a chosen context");
MODULE_LICENSE("GPL");
