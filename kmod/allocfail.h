/* SPDX-License-Identifier: GPL-2.0 */
/*
 * allocfail: named policies that fail chosen page allocations and slab
 * objects.
 *
 * Data model.  A policy is a configfs directory.  What the hot path reads
 * of it is an immutable struct allocfail_match, replaced as a whole (RCU)
 * when any filter is rewritten, so an allocation never sees a half-written
 * filter.  Enabled policies are collected into an immutable struct
 * allocfail_active, also replaced as a whole, which the hook walks under
 * RCU.  Counters are per CPU; the sites table is the only state the hook
 * writes under a lock (a raw spinlock, and only when it injects).
 */
#ifndef _ALLOCFAIL_H
#define _ALLOCFAIL_H

#include <linux/configfs.h>
#include <linux/fault-inject.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "compat.h"

#define AF_NR_ORDERS		(AF_MAX_ORDER + 1)
#define AF_MAX_CALLERS		16	/* names in "callers" */
#define AF_MAX_RANGES		(2 * AF_MAX_CALLERS)
#define AF_MAX_DEPTH		32	/* as lib/fault-inject.c */
#define AF_DEFAULT_DEPTH	32
#define AF_MAX_PIDS		16
#define AF_MAX_COMMS		8
#define AF_MAX_ACTIVE		64	/* enabled at once: one bit each in a u64 */
#define AF_GFP_BITS		__GFP_BITS_SHIFT
#define AF_MAX_SITES		128	/* sites a policy records, "sites" lists */
#define AF_SITE_NAME_LEN	96	/* "func+0x1a/0x200 [module]" */
#define AF_CALLERS_LEN		512	/* "callers" as written */
#define AF_MAX_INSTR		16	/* debug instrumentation functions */
#define AF_MAX_SIZES		8	/* object size ranges in "sizes" */
#define AF_NR_SIZE_CLASSES	33	/* fls() of an unsigned int size */
#define AF_MAX_OBJ_SIZE		(1U << 24)

/* Which allocator a policy fails: bits of allocfail_match.allocators. */
#define AF_ALLOC_PAGE		BIT(0)	/* should_fail_alloc_page(): pages */
#define AF_ALLOC_SLAB		BIT(1)	/* should_failslab(): slab objects */
#define AF_ALLOC_ALL		(AF_ALLOC_PAGE | AF_ALLOC_SLAB)

/* Execution contexts, as bits of allocfail_match.contexts. */
enum allocfail_ctx {
	AF_CTX_TASK,		/* preemptible process context */
	AF_CTX_ATOMIC,		/* process context, preemption or irqs off */
	AF_CTX_SOFTIRQ,
	AF_CTX_HARDIRQ,
	AF_NR_CTX,
};
#define AF_CTX_ALL	(BIT(AF_NR_CTX) - 1)

struct af_range {
	unsigned long start;
	unsigned long end;
};

/* Object sizes [lo, hi], bytes. */
struct af_size_range {
	unsigned int lo;
	unsigned int hi;
};

/* The part of a policy the hot path reads: never modified once published. */
struct allocfail_match {
	unsigned int allocators;	/* AF_ALLOC_*: which hooks see it */
	DECLARE_BITMAP(orders, AF_NR_ORDERS);
	/* slab object sizes; none: every size */
	unsigned int nr_sizes;
	struct af_size_range sizes[AF_MAX_SIZES];
	gfp_t gfp_require;
	gfp_t gfp_reject;
	unsigned long contexts;
	unsigned int nr_pids;
	unsigned int nr_comms;
	pid_t pids[AF_MAX_PIDS];
	char comms[AF_MAX_COMMS][TASK_COMM_LEN];
	/* callers: set when the filter is on, even if nothing resolved yet */
	bool callers;
	unsigned int callers_depth;
	unsigned int nr_ranges;
	struct af_range ranges[AF_MAX_RANGES];
	u64 nth;			/* fail only the nth match; 0: off */
	/* an nth write is restarting the count: match, but neither number nor fail */
	bool nth_hold;
	/* sites_of=matched: record every match's site, not only failures */
	bool sites_matched;
	/* site: only allocations whose caller is site (0: not resolved yet) */
	bool site_on;
	unsigned long site;
	struct rcu_head rcu;
};

struct allocfail_stats {
	u64 matched;
	u64 injected;
	u64 order_matched[AF_NR_ORDERS];
	u64 order_injected[AF_NR_ORDERS];
	u64 slab_matched;
	u64 slab_injected;
};

struct af_site {
	unsigned long caller;
	gfp_t gfp;
	unsigned int order;
	unsigned int size;		/* slab object size; 0: a page allocation */
	unsigned int ctx;
	u64 count;
	/* ordinal of the first match at this site (nth counting); 0: not counted */
	u64 first;
	/* "%pS" of caller when first seen: it outlives the caller's module */
	char name[AF_SITE_NAME_LEN];
};

struct allocfail_policy {
	struct config_group group;
	/* Standard fault attributes; a nested configfs group "schedule". */
	struct af_fault_config fault;
	bool enabled;			/* under allocfail_lock */
	struct allocfail_match __rcu *match;
	/* under allocfail_lock; the hook uses its snapshot's copy */
	struct allocfail_stats __percpu *stats;
	struct list_head node;		/* on allocfail_policies */
	atomic64_t nth_seen;		/* matches since enabled, for nth and sites_of */
	/* "evaluated": allocations the hook saw while this was enabled */
	u64 seen_base;
	u64 seen_acc;
	/* safety rail: disable after timeout_ms; 0 means never */
	unsigned int timeout_ms;
	unsigned long deadline;		/* jiffies; hook reads it */
	bool has_deadline;
	struct delayed_work expire_work;
	/* "callers" as written, re-resolved when a named module loads */
	char callers_src[AF_CALLERS_LEN];
	/* "site" as written, re-resolved when its module loads */
	char site_src[AF_SITE_NAME_LEN];
	raw_spinlock_t sites_lock;
	unsigned int nr_sites;
	u64 sites_dropped;
	/* AF_MAX_SITES of them, allocated apart: 18 KiB */
	struct af_site *sites;
};

/*
 * Snapshot of the enabled policies, in evaluation (creation) order, with
 * masks precomputed from their filters (bit i: policy[i]) so that the hook
 * finds the candidates for an allocation without looking at the policies
 * its order, object size, context or GFP flags exclude.
 */
struct allocfail_active {
	struct rcu_head rcu;
	unsigned int nr;
	/* slab policies whose sizes reach size class fls(object size) */
	u64 slab_mask[AF_NR_SIZE_CLASSES];
	u64 order_mask[AF_NR_ORDERS];	/* policies accepting this order */
	u64 ctx_mask[AF_NR_CTX];	/* ... this context */
	unsigned long need_any;		/* GFP bits some policy requires */
	unsigned long forbid_any;	/* GFP bits some policy rejects */
	u64 need[AF_GFP_BITS];		/* policies requiring bit b */
	u64 forbid[AF_GFP_BITS];	/* policies rejecting bit b */
	struct af_active_slot {
		struct allocfail_policy *policy;
		/*
		 * The policy's counters as of this snapshot: stats_reset
		 * publishes fresh ones with a new snapshot, so that every
		 * evaluation counts into one set, after the reset's
		 * "evaluated" base or before it, never half and half.
		 */
		struct allocfail_stats __percpu *stats;
	} slot[];
};

static inline const char *af_policy_name(struct allocfail_policy *p)
{
	return config_item_name(&p->group.cg_item);
}

/* policy.c */
int allocfail_configfs_init(void);
void allocfail_configfs_exit(void);

/* policy.c, for callers.c */
void allocfail_match_update_locked(struct allocfail_policy *p,
				   void (*edit)(struct allocfail_match *m, void *arg),
				   void *arg);

/* callers.c */
int allocfail_callers_parse(const char *buf, struct allocfail_match *m);
void allocfail_edit_callers(struct allocfail_match *m, void *arg);
int allocfail_callers_init(void);
/* debugging instrumentation (kmemleak, stack depot): never a caller's */
extern struct af_range allocfail_instr[AF_MAX_INSTR];
extern unsigned int allocfail_nr_instr;
extern bool allocfail_slab_instr;
void allocfail_callers_exit(void);

/* site.c */
int allocfail_site_fill(const char *buf, struct allocfail_match *m,
			bool strict, const struct module *going);
void allocfail_edit_site(struct allocfail_match *m, void *arg);
bool allocfail_site_in_module(const char *src);

/* active.c */
int allocfail_active_rebuild(void);
extern struct mutex allocfail_lock;
extern struct list_head allocfail_policies;
extern struct allocfail_active __rcu *allocfail_active;
u64 allocfail_seen_total(void);
DECLARE_PER_CPU(u64, allocfail_seen);

/* active.c: marking the module's own allocating tasks */
extern atomic_t allocfail_self_nr;
int allocfail_self_enter(void);
void allocfail_self_exit(int slot);
bool allocfail_is_self(void);

/* hook.c */
int allocfail_hook_arm(unsigned int allocators);
void allocfail_hook_disarm(unsigned int allocators);
void allocfail_hook_exit(void);

/* parse.c */
int allocfail_parse_gfp(const char *buf, gfp_t *out);
int allocfail_parse_orders(const char *buf, unsigned long *orders);
int allocfail_parse_contexts(const char *buf, unsigned long *out);
int allocfail_parse_pids(const char *buf, struct allocfail_match *m);
int allocfail_parse_comms(const char *buf, struct allocfail_match *m);
int allocfail_parse_allocators(const char *buf, unsigned int *out);
ssize_t allocfail_show_allocators(unsigned int allocators, char *page);
int allocfail_parse_sizes(const char *buf, struct allocfail_match *m);
ssize_t allocfail_show_sizes(const struct allocfail_match *m, char *page);
ssize_t allocfail_show_contexts(unsigned long contexts, char *page);
extern const char * const allocfail_ctx_names[AF_NR_CTX];

/* symbols.c */
int allocfail_resolve_func(const char *name, struct af_range *r);
int allocfail_resolve_module(const char *name, struct af_range *r,
			     const struct module *skip);
int allocfail_resolve_module_func(const char *name, const char *func,
				  struct af_range *r, const struct module *skip);
unsigned long allocfail_find_caller(const unsigned long *entries,
				    unsigned int nr);

#endif /* _ALLOCFAIL_H */
