/* SPDX-License-Identifier: GPL-2.0 */
/*
 * allocfail: named policies that fail chosen page allocations.
 *
 * Data model.  A policy is a configfs directory; what the hot path reads of
 * it is an immutable struct allocfail_match, replaced as a whole (RCU) when
 * a filter is rewritten, so an allocation never sees a half-written filter.
 * Enabled policies are collected into an immutable struct allocfail_active,
 * also replaced as a whole, which the hook walks under rcu_read_lock().
 */
#ifndef _ALLOCFAIL_H
#define _ALLOCFAIL_H

#include <linux/configfs.h>
#include <linux/fault-inject.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include "compat.h"

#define AF_NR_ORDERS	(AF_MAX_ORDER + 1)

/* Execution contexts, as bits of allocfail_match.contexts. */
enum allocfail_ctx {
	AF_CTX_TASK,		/* preemptible process context */
	AF_CTX_ATOMIC,		/* process context, preemption or irqs off */
	AF_CTX_SOFTIRQ,
	AF_CTX_HARDIRQ,
	AF_NR_CTX,
};
#define AF_CTX_ALL	(BIT(AF_NR_CTX) - 1)

/* The part of a policy the hot path reads: never modified once published. */
struct allocfail_match {
	DECLARE_BITMAP(orders, AF_NR_ORDERS);
	gfp_t gfp_require;
	gfp_t gfp_reject;
	unsigned long contexts;
	struct rcu_head rcu;
};

struct allocfail_stats {
	u64 evaluated;
	u64 matched;
	u64 injected;
};

struct allocfail_policy {
	struct config_group group;
	/* Standard fault attributes; a nested configfs group "schedule". */
	struct af_fault_config fault;
	bool enabled;
	struct allocfail_match __rcu *match;
	struct allocfail_stats __percpu *stats;
	struct list_head node;		/* on allocfail_policies */
};

/* Snapshot of the enabled policies, in evaluation (creation) order. */
struct allocfail_active {
	struct rcu_head rcu;
	unsigned int nr;
	struct allocfail_policy *policy[];
};

/* policy.c */
int allocfail_configfs_init(void);
void allocfail_configfs_exit(void);

/* active.c */
int allocfail_active_rebuild(void);
extern struct mutex allocfail_lock;
extern struct list_head allocfail_policies;
extern struct allocfail_active __rcu *allocfail_active;

/* hook.c */
int allocfail_hook_arm(void);
void allocfail_hook_disarm(void);
void allocfail_hook_exit(void);

/* parse.c */
int allocfail_parse_gfp(const char *buf, gfp_t *out);
int allocfail_parse_orders(const char *buf, unsigned long *orders);
int allocfail_parse_contexts(const char *buf, unsigned long *out);
ssize_t allocfail_show_contexts(unsigned long contexts, char *page);
extern const char * const allocfail_ctx_names[AF_NR_CTX];

#endif /* _ALLOCFAIL_H */
