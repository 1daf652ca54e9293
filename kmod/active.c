// SPDX-License-Identifier: GPL-2.0
/*
 * The set of enabled policies the hook walks.  Rebuilt as a new immutable
 * array whenever a policy is enabled, disabled or removed, and published
 * with RCU: the hook never walks a list that is being changed, and a
 * removed policy is freed only after a grace period (see policy.c).
 */
#include <linux/slab.h>
#include <linux/list.h>
#include "allocfail.h"

DEFINE_MUTEX(allocfail_lock);
LIST_HEAD(allocfail_policies);
struct allocfail_active __rcu *allocfail_active;

/* Allocations the hook has seen, for the policies' "evaluated". */
DEFINE_PER_CPU(u64, allocfail_seen);

u64 allocfail_seen_total(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(allocfail_seen, cpu));
	return sum;
}

/*
 * A slab policy's bit in every size class (fls() of a size) its ranges
 * reach, so that the hook passes over policies whose sizes exclude an
 * object without looking at them; the hook still checks the exact range.
 */
static void af_add_size_classes(struct allocfail_active *a, u64 bit,
				const struct allocfail_match *m)
{
	unsigned int i, b;

	if (!m->nr_sizes) {
		for (b = 0; b < AF_NR_SIZE_CLASSES; b++)
			a->slab_mask[b] |= bit;
		return;
	}
	for (i = 0; i < m->nr_sizes; i++)
		for (b = fls(m->sizes[i].lo); b <= fls(m->sizes[i].hi); b++)
			a->slab_mask[b] |= bit;
}

static void af_add_masks(struct allocfail_active *a, unsigned int i,
			 const struct allocfail_match *m)
{
	unsigned long need = (__force unsigned long)m->gfp_require;
	unsigned long forbid = (__force unsigned long)m->gfp_reject;
	u64 bit = BIT_ULL(i);
	unsigned int b;

	/* Orders are a page policy's filter, sizes a slab one's. */
	if (m->allocators & AF_ALLOC_PAGE)
		for_each_set_bit(b, m->orders, AF_NR_ORDERS)
			a->order_mask[b] |= bit;
	if (m->allocators & AF_ALLOC_SLAB)
		af_add_size_classes(a, bit, m);
	for_each_set_bit(b, &m->contexts, AF_NR_CTX)
		a->ctx_mask[b] |= bit;
	for_each_set_bit(b, &need, AF_GFP_BITS)
		a->need[b] |= bit;
	for_each_set_bit(b, &forbid, AF_GFP_BITS)
		a->forbid[b] |= bit;
	a->need_any |= need;
	a->forbid_any |= forbid;
}

/*
 * Called with allocfail_lock held, after any change to which policies are
 * enabled or to an enabled policy's filters; sleeps.  Fails only when
 * enabling (too many policies, or the hook cannot be armed).
 */
int allocfail_active_rebuild(void)
{
	struct allocfail_active *new = NULL, *old;
	struct allocfail_policy *p;
	unsigned int nr = 0, allocators = 0;
	int ret;

	lockdep_assert_held(&allocfail_lock);
	list_for_each_entry(p, &allocfail_policies, node)
		nr += p->enabled;
	if (nr > AF_MAX_ACTIVE) {
		pr_warn("allocfail: at most %d policies can be enabled at once\n",
			AF_MAX_ACTIVE);
		return -EBUSY;
	}

	if (nr) {
		/*
		 * Small, and disabling or removing a policy must not fail:
		 * the caller may be on its way to freeing it.
		 */
		new = kzalloc(struct_size(new, slot, nr),
			      GFP_KERNEL | __GFP_NOFAIL);
		list_for_each_entry(p, &allocfail_policies, node) {
			struct allocfail_match *m;

			if (!p->enabled)
				continue;
			m = rcu_dereference_protected(p->match,
					lockdep_is_held(&allocfail_lock));
			af_add_masks(new, new->nr, m);
			allocators |= m->allocators;
			new->slot[new->nr].policy = p;
			new->slot[new->nr++].stats = p->stats;
		}
		/* Only the hooks some enabled policy needs are armed. */
		ret = allocfail_hook_arm(allocators);
		if (ret) {
			kfree(new);
			return ret;
		}
	}

	old = rcu_replace_pointer(allocfail_active, new,
				  lockdep_is_held(&allocfail_lock));
	allocfail_hook_disarm(AF_ALLOC_ALL & ~allocators);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/*
 * The module's own allocations are never failed.  Tasks running allocfail
 * code that allocates (configfs writes, policy creation, module events)
 * mark themselves here; the hook skips their process-context allocations.
 * A fixed table, so marking never allocates; the count lets the hook skip
 * the table entirely in the common case.
 */
#define AF_SELF_SLOTS	16
static struct task_struct *af_self[AF_SELF_SLOTS];
atomic_t allocfail_self_nr = ATOMIC_INIT(0);

int allocfail_self_enter(void)
{
	int i;

	for (i = 0; i < AF_SELF_SLOTS; i++) {
		if (!cmpxchg(&af_self[i], NULL, current)) {
			atomic_inc(&allocfail_self_nr);
			return i;
		}
	}
	return -1;	/* more concurrent writers than slots: unmarked */
}

void allocfail_self_exit(int slot)
{
	if (slot < 0)
		return;
	WRITE_ONCE(af_self[slot], NULL);
	atomic_dec(&allocfail_self_nr);
}

bool allocfail_is_self(void)
{
	int i;

	for (i = 0; i < AF_SELF_SLOTS; i++)
		if (READ_ONCE(af_self[i]) == current)
			return true;
	return false;
}
