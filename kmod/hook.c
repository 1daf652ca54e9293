// SPDX-License-Identifier: GPL-2.0
/*
 * The hot path: an ftrace callback on entry to should_fail_alloc_page().
 *
 * Why ftrace and not a kprobe: a kprobe whose pre-handler changes the
 * return path must be kept from being jump-optimized (fail_function keeps a
 * dummy post-handler for that), and a kprobe costs most of an allocation's
 * budget.  An ftrace ops with FTRACE_OPS_FL_IPMODIFY is what livepatch
 * uses: to inject, the callback points the saved instruction pointer at
 * af_inject_stub(), which returns true in place of the real function; the
 * caller sees exactly what a failing should_fail_alloc_page() returns.
 *
 * The ops is registered only while at least one policy is enabled, so an
 * idle allocfail leaves the allocator's fentry call a NOP.
 *
 * Context: we ask ftrace to handle recursion (FTRACE_OPS_FL_RECURSION).
 * Then every path that reaches this callback, the ops' own trampoline (via
 * ftrace_ops_assist_func) and the shared list function alike, has added
 * exactly one preempt_disable_notrace(), which we subtract to see the
 * allocating caller's own context.  The callback never sleeps, never
 * allocates, and reads policies under RCU.
 */
#include <linux/ftrace.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <linux/hardirq.h>
#include "allocfail.h"

#ifdef CONFIG_PREEMPT_COUNT
#define AF_FTRACE_PREEMPT_OFFSET	1
#else
#define AF_FTRACE_PREEMPT_OFFSET	0
#endif

/* Stands in for should_fail_alloc_page(): same prototype, says "fail". */
static noinline notrace bool af_inject_stub(gfp_t gfp_mask, unsigned int order)
{
	return true;
}

static __always_inline enum allocfail_ctx af_context(void)
{
	if (in_nmi() || in_hardirq())
		return AF_CTX_HARDIRQ;
	if (in_serving_softirq())
		return AF_CTX_SOFTIRQ;
	if (preempt_count() != AF_FTRACE_PREEMPT_OFFSET || irqs_disabled())
		return AF_CTX_ATOMIC;
	return AF_CTX_TASK;
}

static __always_inline bool af_filter_matches(const struct allocfail_match *m,
					      gfp_t gfp, unsigned int order,
					      enum allocfail_ctx ctx)
{
	if (order >= AF_NR_ORDERS || !test_bit(order, m->orders))
		return false;
	if ((gfp & m->gfp_require) != m->gfp_require)
		return false;
	if (gfp & m->gfp_reject)
		return false;
	return m->contexts & BIT(ctx);
}

/*
 * Evaluate enabled policies in creation order; the first one that injects
 * wins and later ones are not evaluated for this allocation.
 */
static notrace bool af_evaluate(gfp_t gfp, unsigned int order,
				enum allocfail_ctx ctx)
{
	struct allocfail_active *act;
	bool inject = false;
	unsigned int i;

	rcu_read_lock();
	act = rcu_dereference(allocfail_active);
	for (i = 0; act && i < act->nr; i++) {
		struct allocfail_policy *p = act->policy[i];
		struct allocfail_match *m = rcu_dereference(p->match);

		this_cpu_inc(p->stats->evaluated);
		if (!af_filter_matches(m, gfp, order, ctx))
			continue;
		this_cpu_inc(p->stats->matched);
		if (!should_fail(&p->fault.attr, PAGE_SIZE << order))
			continue;
		this_cpu_inc(p->stats->injected);
		inject = true;
		break;
	}
	rcu_read_unlock();
	return inject;
}

static notrace void af_ftrace_handler(unsigned long ip, unsigned long parent_ip,
				      struct ftrace_ops *op,
				      struct ftrace_regs *fregs)
{
	enum allocfail_ctx ctx = af_context();
	gfp_t gfp = (__force gfp_t)af_fregs_arg(fregs, 0);
	unsigned int order = af_fregs_arg(fregs, 1);

	/* Never fail what the caller was promised cannot fail. */
	if (gfp & __GFP_NOFAIL)
		return;
	if (af_evaluate(gfp, order, ctx))
		af_fregs_set_ip(fregs, (unsigned long)af_inject_stub);
}

static struct ftrace_ops af_ops = {
	.func = af_ftrace_handler,
	.flags = AF_FTRACE_FLAGS | FTRACE_OPS_FL_RECURSION,
};

static bool af_armed;
static bool af_filter_set;

/* Called with allocfail_lock held. */
int allocfail_hook_arm(void)
{
	static const char fn[] = "should_fail_alloc_page";
	int ret;

	lockdep_assert_held(&allocfail_lock);
	if (af_armed)
		return 0;
	if (!af_filter_set) {
		ret = ftrace_set_filter(&af_ops, (unsigned char *)fn,
					sizeof(fn) - 1, 1);
		if (ret) {
			pr_err("allocfail: cannot trace %s: %d\n", fn, ret);
			return ret;
		}
		af_filter_set = true;
	}
	ret = register_ftrace_function(&af_ops);
	if (ret) {
		/* -EBUSY: another IPMODIFY user (fail_function, a livepatch). */
		pr_err("allocfail: cannot hook %s: %d\n", fn, ret);
		return ret;
	}
	af_armed = true;
	return 0;
}

/* Called with allocfail_lock held, or at module exit. */
void allocfail_hook_disarm(void)
{
	if (!af_armed)
		return;
	/* Returns after every CPU has left the callback. */
	unregister_ftrace_function(&af_ops);
	af_armed = false;
}

void allocfail_hook_exit(void)
{
	allocfail_hook_disarm();
	if (af_filter_set)
		ftrace_free_filter(&af_ops);
}
