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

/* Called with allocfail_lock held; sleeps. */
int allocfail_active_rebuild(void)
{
	struct allocfail_active *new = NULL, *old;
	struct allocfail_policy *p;
	unsigned int nr = 0;
	int ret;

	lockdep_assert_held(&allocfail_lock);
	list_for_each_entry(p, &allocfail_policies, node)
		nr += p->enabled;

	if (nr) {
		/*
		 * Small, and disabling or removing a policy must not fail:
		 * the caller may be on its way to freeing it.
		 */
		new = kzalloc(struct_size(new, policy, nr),
			      GFP_KERNEL | __GFP_NOFAIL);
		list_for_each_entry(p, &allocfail_policies, node)
			if (p->enabled)
				new->policy[new->nr++] = p;
		ret = allocfail_hook_arm();
		if (ret) {
			kfree(new);
			return ret;
		}
	}

	old = rcu_replace_pointer(allocfail_active, new,
				  lockdep_is_held(&allocfail_lock));
	if (!nr)
		allocfail_hook_disarm();
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
