// SPDX-License-Identifier: GPL-2.0
/*
 * The hot path: ftrace callbacks on entry to should_fail_alloc_page() (page
 * allocations) and should_failslab() (slab objects: kmalloc,
 * kmem_cache_alloc), both ALLOW_ERROR_INJECTION functions.
 *
 * Why ftrace and not a kprobe: a kprobe whose pre-handler changes the
 * return path must be kept from being jump-optimized (fail_function keeps a
 * dummy post-handler for that), and a kprobe costs a large part of an
 * allocation.  An ftrace ops with FTRACE_OPS_FL_IPMODIFY is what livepatch
 * uses: to inject, the callback points the saved instruction pointer at
 * af_inject_stub() (af_slab_stub()), which returns true (-ENOMEM) in place
 * of the real function; the caller sees exactly what a failing
 * should_fail_alloc_page() (should_failslab()) returns, and
 * every call we do not fail runs the kernel's own code (fail_page_alloc
 * keeps working).
 *
 * Each ops is registered only while an enabled policy needs it (its
 * "allocator"), so an idle allocfail leaves both fentry calls NOPs, and a
 * page-only policy costs the slab allocator nothing, and vice versa.
 *
 * Context: we ask ftrace to handle recursion (FTRACE_OPS_FL_RECURSION).
 * Then every path that reaches this callback, the ops' own trampoline (via
 * ftrace_ops_assist_func) and the shared list function alike, has added
 * exactly one preempt_disable_notrace(), which we discount to see the
 * allocating caller's own context.
 *
 * The callback never sleeps, never allocates, reads policies under RCU,
 * counts per CPU, and takes a raw spinlock only to record an injected site.
 */
#include <linux/ftrace.h>
#include <linux/hardirq.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/stacktrace.h>
#include "allocfail.h"

#define CREATE_TRACE_POINTS
#include "allocfail_trace.h"

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

/* Stands in for should_failslab(): the slab allocator returns NULL. */
static noinline notrace int af_slab_stub(struct kmem_cache *s, gfp_t gfp)
{
	return -ENOMEM;
}

/*
 * Without CONFIG_PREEMPT_COUNT a spinlock held with interrupts on leaves
 * preempt_count() at 0 and is classed "task" here: contexts refuses to
 * tell task from atomic on such kernels (allocfail_parse_contexts()).
 */
static __always_inline enum allocfail_ctx af_context(void)
{
	if (in_hardirq())
		return AF_CTX_HARDIRQ;
	if (in_serving_softirq())
		return AF_CTX_SOFTIRQ;
	if (preempt_count() != AF_FTRACE_PREEMPT_OFFSET || irqs_disabled())
		return AF_CTX_ATOMIC;
	return AF_CTX_TASK;
}

/* One allocation being evaluated; the stack is walked at most once. */
struct af_call {
	gfp_t gfp;
	unsigned int order;
	unsigned int size;		/* slab object size; 0: a page allocation */
	enum allocfail_ctx ctx;
	unsigned int nr_entries;
	bool walked;
	unsigned long caller;		/* af_caller(): found at most once; 0: not yet */
	unsigned long entries[AF_MAX_DEPTH];
};

/*
 * The allocation's call stack, without the innermost frames, which are
 * this module's own hook: "callers" must not match the hook itself.
 */
static void af_walk(struct af_call *c)
{
	unsigned int n, skip = 0;

	if (c->walked)
		return;
	n = stack_trace_save(c->entries, AF_MAX_DEPTH, 0);
	while (skip < n && within_module(c->entries[skip], THIS_MODULE))
		skip++;
	memmove(c->entries, c->entries + skip, (n - skip) * sizeof(c->entries[0]));
	c->nr_entries = n - skip;
	c->walked = true;
}

static bool af_size_match(const struct allocfail_match *m, unsigned int size)
{
	unsigned int i;

	if (!m->nr_sizes)
		return true;
	for (i = 0; i < m->nr_sizes; i++)
		if (size >= m->sizes[i].lo && size <= m->sizes[i].hi)
			return true;
	return false;
}

static __always_inline bool af_cheap_match(const struct allocfail_match *m,
					   const struct af_call *c)
{
	if (c->size) {
		if (!(m->allocators & AF_ALLOC_SLAB) || !af_size_match(m, c->size))
			return false;
	} else if (!(m->allocators & AF_ALLOC_PAGE) ||
		   c->order >= AF_NR_ORDERS || !test_bit(c->order, m->orders)) {
		return false;
	}
	if ((c->gfp & m->gfp_require) != m->gfp_require)
		return false;
	if (c->gfp & m->gfp_reject)
		return false;
	return m->contexts & BIT(c->ctx);
}

/* pid and comm filters see current only in process context. */
static bool af_task_match(const struct allocfail_match *m)
{
	unsigned int i;
	bool ok;

	if (!m->nr_pids && !m->nr_comms)
		return true;
	if (!in_task())
		return false;
	if (m->nr_pids) {
		for (ok = false, i = 0; i < m->nr_pids && !ok; i++)
			ok = m->pids[i] == current->pid;
		if (!ok)
			return false;
	}
	if (m->nr_comms) {
		for (ok = false, i = 0; i < m->nr_comms && !ok; i++)
			ok = !strncmp(m->comms[i], current->comm,
				      TASK_COMM_LEN);
		if (!ok)
			return false;
	}
	return true;
}

static bool af_in_ranges(unsigned long addr, const struct af_range *r,
			 unsigned int n)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		if (addr >= r[j].start && addr < r[j].end)
			return true;
	return false;
}

/*
 * Does the call stack, to the policy's depth, pass through a caller, and
 * not first through debugging instrumentation allocating on its behalf?
 */
static bool af_callers_match(const struct allocfail_match *m,
			     struct af_call *c)
{
	unsigned int i, depth;

	if (!m->callers)
		return true;
	af_walk(c);
	depth = min(c->nr_entries, m->callers_depth);
	for (i = 0; i < depth; i++) {
		if (af_in_ranges(c->entries[i], allocfail_instr,
				 allocfail_nr_instr))
			return false;
		if (af_in_ranges(c->entries[i], m->ranges, m->nr_ranges))
			return true;
	}
	return false;
}

/*
 * Every slab allocation makes kmemleak allocate its own record of the new
 * object (and KASAN its stack depot entry), from inside the allocation.
 * Failing one would disable kmemleak, and counting them would shift "nth"
 * from run to run: a slab policy never matches them.  (A "callers" policy
 * already stops at them; the walk costs only while that debugging is on.)
 */
static bool af_instrumentation(const struct allocfail_match *m,
			       struct af_call *c)
{
	unsigned int i;

	if (!c->size || m->callers || !allocfail_slab_instr)
		return false;
	af_walk(c);
	for (i = 0; i < c->nr_entries; i++)
		if (af_in_ranges(c->entries[i], allocfail_instr,
				 allocfail_nr_instr))
			return true;
	return false;
}

/* The allocating caller, as "sites" names it; found once per allocation. */
static unsigned long af_caller(struct af_call *c)
{
	if (!c->caller) {
		af_walk(c);
		c->caller = allocfail_find_caller(c->entries, c->nr_entries);
	}
	return c->caller;
}

/* A site filter (site.c) admits only allocations by that caller. */
static bool af_site_match(const struct allocfail_match *m,
			  struct af_call *c)
{
	return !m->site_on || (m->site && af_caller(c) == m->site);
}

/* The site of this allocation, if recorded; called with sites_lock held. */
static struct af_site *af_find_site(struct allocfail_policy *p,
				    const struct af_call *c,
				    unsigned long caller)
{
	unsigned int i;

	for (i = 0; i < p->nr_sites; i++) {
		struct af_site *s = &p->sites[i];

		if (s->caller == caller && s->order == c->order &&
		    s->size == c->size &&
		    s->gfp == c->gfp && s->ctx == c->ctx)
			return s;
	}
	return NULL;
}

/* Called with sites_lock held. */
static void af_count_site(struct af_site *s, u64 ordinal)
{
	s->count++;
	/* Matches on other CPUs may be recorded out of order. */
	if (ordinal && (!s->first || ordinal < s->first))
		s->first = ordinal;
}

/*
 * Count this allocation at its site.  @ordinal is its place among the
 * policy's matches (0 when they are not being counted): a site keeps the
 * first, which a campaign replays with nth to fail that site alone.
 *
 * A new site is named here, while the caller's module is surely loaded:
 * read after a failed probe unloaded it, "%pS" would give a bare address.
 * Naming (kallsyms, as printk does from any context) runs outside the
 * lock, once per site.
 */
static unsigned long af_record_site(struct allocfail_policy *p,
				    struct af_call *c, u64 ordinal)
{
	char name[AF_SITE_NAME_LEN];
	unsigned long flags, caller;
	struct af_site *s;

	caller = af_caller(c);

	raw_spin_lock_irqsave(&p->sites_lock, flags);
	s = af_find_site(p, c, caller);
	if (s)
		af_count_site(s, ordinal);
	raw_spin_unlock_irqrestore(&p->sites_lock, flags);
	if (s)
		return caller;

	snprintf(name, sizeof(name), "%pS", (void *)caller);
	raw_spin_lock_irqsave(&p->sites_lock, flags);
	/* Another CPU may have recorded it meanwhile. */
	s = af_find_site(p, c, caller);
	if (s) {
		af_count_site(s, ordinal);
	} else if (p->nr_sites < AF_MAX_SITES) {
		s = &p->sites[p->nr_sites++];
		*s = (struct af_site) {
			.caller = caller, .gfp = c->gfp, .order = c->order,
			.size = c->size,
			.ctx = c->ctx, .count = 1, .first = ordinal,
		};
		strscpy(s->name, name, sizeof(s->name));
	} else {
		p->sites_dropped++;
	}
	raw_spin_unlock_irqrestore(&p->sites_lock, flags);
	return caller;
}

static void af_injected(struct allocfail_policy *p,
			struct allocfail_stats __percpu *stats,
			struct af_call *c, u64 ordinal)
{
	unsigned long caller = af_record_site(p, c, ordinal);

	/* Readers sum injected before matched: keep matched visible first. */
	smp_wmb();
	this_cpu_inc(stats->injected);
	if (c->size)
		this_cpu_inc(stats->slab_injected);
	else
		this_cpu_inc(stats->order_injected[c->order]);
	trace_inject(af_policy_name(p), c->gfp, c->size, c->order, c->ctx,
		     caller);
}

/*
 * The enabled policies whose order (or object size class), context and
 * GFP filters admit this allocation, from the masks precomputed in the
 * snapshot: the cost does not grow with the number of policies these
 * filters exclude.
 */
static __always_inline u64 af_candidates(const struct allocfail_active *a,
					 const struct af_call *c)
{
	unsigned long gfp = (__force unsigned long)c->gfp, bits;
	u64 cand;
	unsigned int b;

	if (c->size)
		cand = a->slab_mask[fls(c->size)];
	else if (c->order < AF_NR_ORDERS)
		cand = a->order_mask[c->order];
	else
		return 0;
	cand &= a->ctx_mask[c->ctx];
	if (!cand)
		return 0;
	bits = a->need_any & ~gfp;
	for_each_set_bit(b, &bits, AF_GFP_BITS)
		cand &= ~a->need[b];
	bits = a->forbid_any & gfp;
	for_each_set_bit(b, &bits, AF_GFP_BITS)
		cand &= ~a->forbid[b];
	return cand;
}

/*
 * Evaluate the candidate policies in creation order; the first one that
 * injects wins and later ones do not see this allocation.  The masks are a
 * prefilter: each candidate's own filter, published with it, decides.
 */
static notrace bool af_evaluate(struct af_call *c)
{
	struct allocfail_active *act;
	bool inject = false;
	u64 ordinal;
	u64 cand;

	/*
	 * ftrace calls us with preemption disabled (FTRACE_OPS_FL_RECURSION),
	 * which is an RCU read-side critical section: writers free snapshots
	 * and filters with kfree_rcu() and policies after synchronize_rcu().
	 * The raw accessors spare lockdep's rcu_read_lock() bookkeeping, which
	 * under PROVE_LOCKING cost more than the rest of the hook.
	 */
	act = rcu_dereference_raw(allocfail_active);
	if (!act)
		goto out;
	/*
	 * Counted after the snapshot is loaded (the test above orders it):
	 * stats_reset takes its "evaluated" base before it publishes the
	 * snapshot that carries the fresh counters.
	 */
	this_cpu_inc(allocfail_seen);
	cand = af_candidates(act, c);
	while (cand && !inject) {
		struct af_active_slot *s = &act->slot[__ffs64(cand)];
		struct allocfail_policy *p = s->policy;
		struct allocfail_match *m = rcu_dereference_raw(p->match);

		cand &= cand - 1;
		if (!af_cheap_match(m, c))
			continue;
		if (READ_ONCE(p->has_deadline) &&
		    time_after_eq(jiffies, READ_ONCE(p->deadline)))
			continue;
		if (!af_task_match(m) || !af_callers_match(m, c) ||
		    !af_site_match(m, c) || af_instrumentation(m, c))
			continue;
		/* Readers sum matched before evaluated: count after "seen". */
		smp_wmb();
		this_cpu_inc(s->stats->matched);
		if (c->size)
			this_cpu_inc(s->stats->slab_matched);
		else
			this_cpu_inc(s->stats->order_matched[c->order]);
		/* An nth write is restarting the count: no number, no failure. */
		if (unlikely(m->nth_hold))
			continue;
		/* Matches are numbered only when something needs the number. */
		ordinal = 0;
		if (m->nth || m->sites_matched)
			ordinal = atomic64_inc_return(&p->nth_seen);
		if (m->nth)
			inject = ordinal == m->nth;
		else
			inject = should_fail(&p->fault.attr, c->size ?:
					     PAGE_SIZE << c->order);
		if (inject)
			af_injected(p, s->stats, c, ordinal);
		else if (m->sites_matched)
			af_record_site(p, c, ordinal);
	}
out:
	return inject;
}

/*
 * What both hooks skip, and the common part of the call; false when this
 * allocation is not ours to look at.
 */
static __always_inline bool af_call_init(struct af_call *c, gfp_t gfp)
{
	/* No allocation is ours to fail in NMI. */
	if (in_nmi())
		return false;
	/* Our own allocations (writes to policies) are never failed. */
	if (unlikely(atomic_read(&allocfail_self_nr)) && in_task() &&
	    allocfail_is_self())
		return false;
	/* Never fail what the caller was promised cannot fail. */
	if (gfp & __GFP_NOFAIL)
		return false;
	c->gfp = gfp;
	c->ctx = af_context();
	c->walked = false;
	c->nr_entries = 0;
	c->caller = 0;
	return true;
}

/* should_fail_alloc_page(gfp_t gfp_mask, unsigned int order) */
static notrace void af_page_handler(unsigned long ip, unsigned long parent_ip,
				    struct ftrace_ops *op,
				    struct ftrace_regs *fregs)
{
	struct af_call c;

	if (!af_call_init(&c, (__force gfp_t)af_fregs_arg(fregs, 0)))
		return;
	c.order = af_fregs_arg(fregs, 1);
	c.size = 0;
	if (af_evaluate(&c))
		af_fregs_set_ip(fregs, (unsigned long)af_inject_stub);
}

/* should_failslab(struct kmem_cache *s, gfp_t gfpflags) */
static notrace void af_slab_handler(unsigned long ip, unsigned long parent_ip,
				    struct ftrace_ops *op,
				    struct ftrace_regs *fregs)
{
	struct kmem_cache *s = (struct kmem_cache *)af_fregs_arg(fregs, 0);
	struct af_call c;

	if (!af_call_init(&c, (__force gfp_t)af_fregs_arg(fregs, 1)))
		return;
	c.order = 0;
	/* Never 0: a cache's objects have a size. */
	c.size = max(kmem_cache_size(s), 1U);
	if (af_evaluate(&c))
		af_fregs_set_ip(fregs, (unsigned long)af_slab_stub);
}

/* One ftrace ops per hooked function, registered only while needed. */
struct af_hook {
	struct ftrace_ops ops;
	const char *fn;
	unsigned int allocator;		/* AF_ALLOC_* */
	bool armed;
	bool filter_set;
};

static struct af_hook af_hooks[] = {
	{
		.ops = {
			.func = af_page_handler,
			.flags = AF_FTRACE_FLAGS | FTRACE_OPS_FL_RECURSION,
		},
		.fn = "should_fail_alloc_page",
		.allocator = AF_ALLOC_PAGE,
	},
	{
		.ops = {
			.func = af_slab_handler,
			.flags = AF_FTRACE_FLAGS | FTRACE_OPS_FL_RECURSION,
		},
		.fn = "should_failslab",
		.allocator = AF_ALLOC_SLAB,
	},
};

static int af_hook_arm_one(struct af_hook *h)
{
	int ret;

	if (h->armed)
		return 0;
	if (!h->filter_set) {
		ret = ftrace_set_filter(&h->ops, (unsigned char *)h->fn,
					strlen(h->fn), 1);
		if (ret) {
			/* 6.12 without CONFIG_FAILSLAB has no should_failslab() */
			pr_err("allocfail: cannot trace %s: %d\n", h->fn, ret);
			return ret;
		}
		h->filter_set = true;
	}
	ret = register_ftrace_function(&h->ops);
	if (ret) {
		/* -EBUSY: another IPMODIFY user (fail_function, a livepatch). */
		pr_err("allocfail: cannot hook %s: %d\n", h->fn, ret);
		return ret;
	}
	h->armed = true;
	return 0;
}

/*
 * Arm the hooks of @allocators (AF_ALLOC_*).  On failure the hooks this
 * call armed are disarmed again.  Called with allocfail_lock held.
 */
int allocfail_hook_arm(unsigned int allocators)
{
	unsigned int i, armed = 0;
	int ret;

	lockdep_assert_held(&allocfail_lock);
	for (i = 0; i < ARRAY_SIZE(af_hooks); i++) {
		struct af_hook *h = &af_hooks[i];

		if (!(allocators & h->allocator) || h->armed)
			continue;
		ret = af_hook_arm_one(h);
		if (ret) {
			allocfail_hook_disarm(armed);
			return ret;
		}
		armed |= h->allocator;
	}
	return 0;
}

/* Called with allocfail_lock held. */
void allocfail_hook_disarm(unsigned int allocators)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(af_hooks); i++) {
		struct af_hook *h = &af_hooks[i];

		if (!(allocators & h->allocator) || !h->armed)
			continue;
		/* Returns after every CPU has left the callback. */
		unregister_ftrace_function(&h->ops);
		h->armed = false;
	}
}

/* Module exit: no policy is left, so the hooks are already disarmed. */
void allocfail_hook_exit(void)
{
	unsigned int i;

	mutex_lock(&allocfail_lock);
	allocfail_hook_disarm(AF_ALLOC_ALL);
	mutex_unlock(&allocfail_lock);
	for (i = 0; i < ARRAY_SIZE(af_hooks); i++)
		if (af_hooks[i].filter_set)
			ftrace_free_filter(&af_hooks[i].ops);
}
