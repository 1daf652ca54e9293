// SPDX-License-Identifier: GPL-2.0
/*
 * configfs interface: /sys/kernel/config/allocfail/<policy>/
 *
 * Every store validates into a private copy first and changes nothing on
 * error.  All writers serialize on allocfail_lock; the hook never takes it.
 */
#include <linux/configfs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include "allocfail.h"

static inline struct allocfail_policy *to_policy(struct config_item *item)
{
	return container_of(to_config_group(item), struct allocfail_policy,
			    group);
}

static struct allocfail_match *af_match(struct allocfail_policy *p)
{
	return rcu_dereference_protected(p->match,
					 lockdep_is_held(&allocfail_lock));
}

/* Show under the lock, so a filter is read as one consistent whole. */
#define AF_SHOW_LOCKED(expr)	({					\
	ssize_t __ret;							\
	mutex_lock(&allocfail_lock);					\
	__ret = (expr);							\
	mutex_unlock(&allocfail_lock);					\
	__ret;								\
})

/*
 * Replace the policy's filter with a copy changed by @edit.  The hook sees
 * either the old or the new filter, never a mix, so filters may be
 * rewritten while the policy is enabled.  Called with allocfail_lock held.
 */
void allocfail_match_update_locked(struct allocfail_policy *p,
				   void (*edit)(struct allocfail_match *m, void *arg),
				   void *arg)
{
	struct allocfail_match *old = af_match(p), *new;

	/* A small allocation; a filter update must not half-fail. */
	new = kmemdup(old, sizeof(*old), GFP_KERNEL | __GFP_NOFAIL);
	edit(new, arg);
	rcu_assign_pointer(p->match, new);
	kfree_rcu(old, rcu);
	/* The snapshot's masks derive from the filters: refresh them. */
	if (p->enabled)
		WARN_ON(allocfail_active_rebuild());
}

static void af_match_update(struct allocfail_policy *p,
			    void (*edit)(struct allocfail_match *m, void *arg),
			    void *arg)
{
	mutex_lock(&allocfail_lock);
	allocfail_match_update_locked(p, edit, arg);
	mutex_unlock(&allocfail_lock);
}

static int af_parse_flag(const char *page, const char *what, unsigned int *v)
{
	if (kstrtouint(page, 10, v) || *v > 1) {
		pr_warn("allocfail: %s takes 0 or 1\n", what);
		return -EINVAL;
	}
	return 0;
}

/* ---- enable and the safety rail ---- */

/* Called with allocfail_lock held. */
static int af_set_enabled(struct allocfail_policy *p, bool on)
{
	int ret;

	if (p->enabled == on)
		return 0;
	p->enabled = on;
	if (on) {
		atomic64_set(&p->nth_seen, 0);
		p->seen_base = allocfail_seen_total();
		if (p->timeout_ms) {
			WRITE_ONCE(p->deadline, jiffies +
				   msecs_to_jiffies(p->timeout_ms));
			WRITE_ONCE(p->has_deadline, true);
			/* Re-armed, not left as an earlier enable queued it. */
			mod_delayed_work(system_wq, &p->expire_work,
					 msecs_to_jiffies(p->timeout_ms));
		}
	} else {
		WRITE_ONCE(p->has_deadline, false);
		cancel_delayed_work(&p->expire_work);
	}
	ret = allocfail_active_rebuild();
	if (!ret && !on) {
		/*
		 * "evaluated" stops only once no hook still holds a snapshot
		 * with this policy: one that does may yet count a match, and
		 * its allocation must be in evaluated too.  The wait also
		 * keeps such a hook from numbering a later enable's matches.
		 */
		synchronize_rcu();
		p->seen_acc += allocfail_seen_total() - p->seen_base;
	}
	if (ret) {
		p->enabled = !on;
		WRITE_ONCE(p->has_deadline, false);
		/*
		 * A failed enable leaves no expiry queued: queued, a later
		 * enable would not re-arm it, and it would fire before that
		 * enable's deadline and then never again.
		 */
		if (on)
			cancel_delayed_work(&p->expire_work);
	}
	return ret;
}

static void af_expire(struct work_struct *work)
{
	struct allocfail_policy *p = container_of(to_delayed_work(work),
						  struct allocfail_policy,
						  expire_work);
	int slot = allocfail_self_enter();

	mutex_lock(&allocfail_lock);
	if (p->enabled && p->has_deadline &&
	    time_after_eq(jiffies, p->deadline)) {
		af_set_enabled(p, false);
		pr_info("allocfail: policy %s disabled: its %u ms time limit passed\n",
			af_policy_name(p), p->timeout_ms);
	}
	mutex_unlock(&allocfail_lock);
	allocfail_self_exit(slot);
}

static ssize_t af_enable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_policy(item)->enabled));
}

static ssize_t __af_enable_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	unsigned int on;
	int ret;

	ret = af_parse_flag(page, "enable", &on);
	if (ret)
		return ret;
	mutex_lock(&allocfail_lock);
	ret = af_set_enabled(p, on);
	mutex_unlock(&allocfail_lock);
	return ret ? ret : count;
}

static ssize_t af_timeout_ms_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(to_policy(item)->timeout_ms));
}

static ssize_t __af_timeout_ms_store(struct config_item *item, const char *page,
				   size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	unsigned int ms;
	int ret = 0;

	if (kstrtouint(page, 10, &ms) || ms > 24U * 3600 * 1000) {
		pr_warn("allocfail: timeout_ms takes 0 (none) to 86400000\n");
		return -EINVAL;
	}
	mutex_lock(&allocfail_lock);
	if (p->enabled) {
		pr_warn("allocfail: timeout_ms applies from enable: disable first\n");
		ret = -EBUSY;
	} else {
		p->timeout_ms = ms;
	}
	mutex_unlock(&allocfail_lock);
	return ret ? ret : count;
}

/* ---- filters ---- */

static ssize_t af_orders_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(sysfs_emit(page, "%*pbl\n", AF_NR_ORDERS,
					 af_match(p)->orders));
}

static void af_edit_orders(struct allocfail_match *m, void *arg)
{
	bitmap_copy(m->orders, arg, AF_NR_ORDERS);
}

static ssize_t __af_orders_store(struct config_item *item, const char *page,
			       size_t count)
{
	DECLARE_BITMAP(orders, AF_NR_ORDERS);
	int ret;

	ret = allocfail_parse_orders(page, orders);
	if (ret)
		return ret;
	af_match_update(to_policy(item), af_edit_orders, orders);
	return count;
}

static ssize_t af_show_gfp(gfp_t gfp, char *page)
{
	if (!gfp)
		return sysfs_emit(page, "none\n");
	return sysfs_emit(page, "%pGg\n", &gfp);
}

static void af_edit_gfp_require(struct allocfail_match *m, void *arg)
{
	m->gfp_require = *(gfp_t *)arg;
}

static void af_edit_gfp_reject(struct allocfail_match *m, void *arg)
{
	m->gfp_reject = *(gfp_t *)arg;
}

static ssize_t af_gfp_store(struct config_item *item, const char *page,
			    size_t count,
			    void (*edit)(struct allocfail_match *m, void *arg))
{
	gfp_t gfp;
	int ret;

	ret = allocfail_parse_gfp(page, &gfp);
	if (ret)
		return ret;
	af_match_update(to_policy(item), edit, &gfp);
	return count;
}

static ssize_t af_gfp_require_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(af_show_gfp(af_match(p)->gfp_require, page));
}

static ssize_t __af_gfp_require_store(struct config_item *item,
				      const char *page, size_t count)
{
	return af_gfp_store(item, page, count, af_edit_gfp_require);
}

static ssize_t af_gfp_reject_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(af_show_gfp(af_match(p)->gfp_reject, page));
}

static ssize_t __af_gfp_reject_store(struct config_item *item,
				     const char *page, size_t count)
{
	return af_gfp_store(item, page, count, af_edit_gfp_reject);
}

static ssize_t af_contexts_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(allocfail_show_contexts(af_match(p)->contexts,
						      page));
}

static void af_edit_contexts(struct allocfail_match *m, void *arg)
{
	m->contexts = *(unsigned long *)arg;
}

static ssize_t __af_contexts_store(struct config_item *item, const char *page,
				 size_t count)
{
	unsigned long ctx;
	int ret;

	ret = allocfail_parse_contexts(page, &ctx);
	if (ret)
		return ret;
	af_match_update(to_policy(item), af_edit_contexts, &ctx);
	return count;
}

/* pids and comms: "none", or the items joined by commas. */
static ssize_t af_show_task_filter(const struct allocfail_match *m, bool comms,
				   char *page)
{
	unsigned int i, n = comms ? m->nr_comms : m->nr_pids;
	ssize_t len = 0;

	if (!n)
		return sysfs_emit(page, "none\n");
	for (i = 0; i < n; i++) {
		len += sysfs_emit_at(page, len, i ? "," : "");
		if (comms)
			len += sysfs_emit_at(page, len, "%s", m->comms[i]);
		else
			len += sysfs_emit_at(page, len, "%d", m->pids[i]);
	}
	return len + sysfs_emit_at(page, len, "\n");
}

static ssize_t af_pids_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(af_show_task_filter(af_match(p), false, page));
}

static ssize_t af_comms_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(af_show_task_filter(af_match(p), true, page));
}

static void af_edit_pids(struct allocfail_match *m, void *arg)
{
	struct allocfail_match *src = arg;

	m->nr_pids = src->nr_pids;
	memcpy(m->pids, src->pids, sizeof(m->pids));
}

static void af_edit_comms(struct allocfail_match *m, void *arg)
{
	struct allocfail_match *src = arg;

	m->nr_comms = src->nr_comms;
	memcpy(m->comms, src->comms, sizeof(m->comms));
}

/* Parse into a scratch filter, then copy the parsed part into the policy. */
static ssize_t af_store_parsed(struct config_item *item, const char *page,
			       size_t count,
			       int (*parse)(const char *buf,
					    struct allocfail_match *m),
			       void (*edit)(struct allocfail_match *m, void *arg))
{
	struct allocfail_match *tmp;
	int ret;

	tmp = kzalloc(sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	ret = parse(page, tmp);
	if (!ret)
		af_match_update(to_policy(item), edit, tmp);
	kfree(tmp);
	return ret ? ret : count;
}

static ssize_t __af_pids_store(struct config_item *item, const char *page,
			       size_t count)
{
	return af_store_parsed(item, page, count, allocfail_parse_pids,
			       af_edit_pids);
}

static ssize_t __af_comms_store(struct config_item *item, const char *page,
				size_t count)
{
	return af_store_parsed(item, page, count, allocfail_parse_comms,
			       af_edit_comms);
}

/* ---- allocator and slab object sizes ---- */

static ssize_t af_allocator_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(allocfail_show_allocators(af_match(p)->allocators,
							page));
}

static void af_edit_allocators(struct allocfail_match *m, void *arg)
{
	m->allocators = *(unsigned int *)arg;
}

/*
 * Which hooks are armed follows the enabled policies' allocators, and
 * arming can fail (no CONFIG_FAILSLAB, another IPMODIFY user): changed
 * only while disabled, so that the failure is enable's, reported there.
 */
static ssize_t __af_allocator_store(struct config_item *item, const char *page,
				    size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	unsigned int allocators;
	int ret;

	ret = allocfail_parse_allocators(page, &allocators);
	if (ret)
		return ret;
	mutex_lock(&allocfail_lock);
	if (p->enabled) {
		pr_warn("allocfail: %s: disable the policy before changing its allocator\n",
			af_policy_name(p));
		ret = -EBUSY;
	} else {
		allocfail_match_update_locked(p, af_edit_allocators,
					      &allocators);
	}
	mutex_unlock(&allocfail_lock);
	return ret ? ret : count;
}

static ssize_t af_sizes_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(allocfail_show_sizes(af_match(p), page));
}

static void af_edit_sizes(struct allocfail_match *m, void *arg)
{
	const struct allocfail_match *src = arg;

	m->nr_sizes = src->nr_sizes;
	memcpy(m->sizes, src->sizes, sizeof(m->sizes));
}

static ssize_t __af_sizes_store(struct config_item *item, const char *page,
				size_t count)
{
	return af_store_parsed(item, page, count, allocfail_parse_sizes,
			       af_edit_sizes);
}

/*
 * Parse @src (names of functions and modules) into @tmp with @parse and
 * publish it with @edit, keeping the text in @dst (@len) while @on says
 * the filter is in force.  Under the lock from parse to publication: a
 * module coming while the names resolve waits in the notifier, then
 * resolves the new text, so "[mod]" cannot be published unresolved.
 */
static int af_store_resolved(struct allocfail_policy *p, char *src,
			     struct allocfail_match *tmp,
			     int (*parse)(const char *, struct allocfail_match *),
			     void (*edit)(struct allocfail_match *, void *),
			     bool (*on)(const struct allocfail_match *),
			     char *dst, size_t len)
{
	int ret;

	mutex_lock(&allocfail_lock);
	ret = parse(src, tmp);
	if (!ret) {
		allocfail_match_update_locked(p, edit, tmp);
		if (on(tmp))
			strscpy(dst, strim(src), len);
		else
			dst[0] = '\0';
	}
	mutex_unlock(&allocfail_lock);
	return ret;
}

static bool af_callers_on(const struct allocfail_match *m)
{
	return m->callers;
}

static ssize_t af_callers_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(sysfs_emit(page, "%s\n", p->callers_src[0] ?
					 p->callers_src : "none"));
}

static ssize_t __af_callers_store(struct config_item *item, const char *page,
				size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	struct allocfail_match *tmp;
	char *src;
	int ret;

	if (strnlen(page, AF_CALLERS_LEN) >= AF_CALLERS_LEN) {
		pr_warn("allocfail: callers longer than %d characters\n",
			AF_CALLERS_LEN - 1);
		return -EINVAL;
	}
	tmp = kzalloc(sizeof(*tmp), GFP_KERNEL);
	src = kstrdup(page, GFP_KERNEL);
	if (!tmp || !src) {
		ret = -ENOMEM;
		goto out;
	}
	ret = af_store_resolved(p, src, tmp, allocfail_callers_parse,
				allocfail_edit_callers, af_callers_on,
				p->callers_src, AF_CALLERS_LEN);
out:
	kfree(src);
	kfree(tmp);
	return ret ? ret : count;
}

/*
 * How many text ranges "callers" resolves to now: one per function, and
 * per loaded module its core text, plus its init text while its init runs.
 * A module named in brackets that is not loaded counts 0.
 */
static ssize_t af_callers_ranges_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(sysfs_emit(page, "%u\n",
					 af_match(p)->nr_ranges));
}

static ssize_t af_site_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(sysfs_emit(page, "%s\n", p->site_src[0] ?
					 p->site_src : "none"));
}

static int af_site_parse(const char *buf, struct allocfail_match *m)
{
	return allocfail_site_fill(buf, m, true, NULL);
}

static bool af_site_on(const struct allocfail_match *m)
{
	return m->site_on;
}

static ssize_t __af_site_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	struct allocfail_match *tmp;
	char src[AF_SITE_NAME_LEN];
	int ret;

	if (strscpy(src, page, sizeof(src)) < 0) {
		pr_warn("allocfail: site longer than %zu characters\n",
			sizeof(src) - 1);
		return -EINVAL;
	}
	tmp = kzalloc(sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	ret = af_store_resolved(p, src, tmp, af_site_parse, allocfail_edit_site,
				af_site_on, p->site_src, sizeof(p->site_src));
	kfree(tmp);
	return ret ? ret : count;
}

static ssize_t af_callers_depth_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(sysfs_emit(page, "%u\n",
					 af_match(p)->callers_depth));
}

static void af_edit_depth(struct allocfail_match *m, void *arg)
{
	m->callers_depth = *(unsigned int *)arg;
}

static ssize_t __af_callers_depth_store(struct config_item *item,
				      const char *page, size_t count)
{
	unsigned int depth;

	if (kstrtouint(page, 10, &depth) || !depth || depth > AF_MAX_DEPTH) {
		pr_warn("allocfail: callers_depth takes 1 to %d\n",
			AF_MAX_DEPTH);
		return -EINVAL;
	}
	af_match_update(to_policy(item), af_edit_depth, &depth);
	return count;
}

static ssize_t af_nth_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(sysfs_emit(page, "%llu\n", af_match(p)->nth));
}

static void af_edit_nth(struct allocfail_match *m, void *arg)
{
	m->nth = *(u64 *)arg;
	m->nth_hold = false;
}

static void af_edit_nth_hold(struct allocfail_match *m, void *arg)
{
	m->nth_hold = true;
}

static ssize_t __af_nth_store(struct config_item *item, const char *page,
			    size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	u64 nth;

	if (kstrtou64(page, 10, &nth)) {
		pr_warn("allocfail: nth takes 0 (off) or a positive count\n");
		return -EINVAL;
	}
	mutex_lock(&allocfail_lock);
	if (nth) {
		/*
		 * One failure per write: the count restarts while no hook
		 * numbers matches, neither against the old nth (held until
		 * none holds it) nor against the new one (published after).
		 * Restarted after publishing, a count near the new nth could
		 * reach it before the restart and again after; restarted
		 * while hooks still number against the old nth, one of them
		 * could take the new nth's number and fail nothing.
		 */
		allocfail_match_update_locked(p, af_edit_nth_hold, NULL);
		synchronize_rcu();
	}
	atomic64_set(&p->nth_seen, 0);
	allocfail_match_update_locked(p, af_edit_nth, &nth);
	mutex_unlock(&allocfail_lock);
	return count;
}

static ssize_t af_sites_of_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(sysfs_emit(page, "%s\n",
					 af_match(p)->sites_matched ?
					 "matched" : "injected"));
}

static void af_edit_sites_of(struct allocfail_match *m, void *arg)
{
	m->sites_matched = *(bool *)arg;
}

/*
 * "sites" lists where failures were injected, or with "matched" every
 * allocation the filters selected: a dry run (probability 0) then maps
 * the sites a workload reaches, each with the ordinal of its first match.
 */
static ssize_t __af_sites_of_store(struct config_item *item, const char *page,
				   size_t count)
{
	bool matched;

	if (sysfs_streq(page, "matched")) {
		matched = true;
	} else if (sysfs_streq(page, "injected")) {
		matched = false;
	} else {
		pr_warn("allocfail: sites_of takes injected or matched\n");
		return -EINVAL;
	}
	af_match_update(to_policy(item), af_edit_sites_of, &matched);
	return count;
}

/* ---- statistics and sites ---- */

/*
 * The counters and "evaluated", under allocfail_lock (stats_reset swaps
 * the counters).  Read in the reverse of the order in which the hook
 * counts (an allocation, then its match, then its failure, each ordered
 * after the one before), so that every read holds
 * injected <= matched <= evaluated, per order and for slab too.
 */
static u64 af_stats_sum(struct allocfail_policy *p, struct allocfail_stats *s)
{
	u64 evaluated;
	int cpu, o;

	lockdep_assert_held(&allocfail_lock);
	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		struct allocfail_stats *c = per_cpu_ptr(p->stats, cpu);

		s->injected += READ_ONCE(c->injected);
		for (o = 0; o < AF_NR_ORDERS; o++)
			s->order_injected[o] += READ_ONCE(c->order_injected[o]);
		s->slab_injected += READ_ONCE(c->slab_injected);
	}
	smp_rmb();
	for_each_possible_cpu(cpu) {
		struct allocfail_stats *c = per_cpu_ptr(p->stats, cpu);

		s->matched += READ_ONCE(c->matched);
		for (o = 0; o < AF_NR_ORDERS; o++)
			s->order_matched[o] += READ_ONCE(c->order_matched[o]);
		s->slab_matched += READ_ONCE(c->slab_matched);
	}
	smp_rmb();
	/* Allocations seen while this policy was enabled (one shared count). */
	evaluated = p->seen_acc;
	if (p->enabled)
		evaluated += allocfail_seen_total() - p->seen_base;
	return evaluated;
}

static u64 af_stats_read(struct allocfail_policy *p, struct allocfail_stats *s)
{
	u64 evaluated;

	mutex_lock(&allocfail_lock);
	evaluated = af_stats_sum(p, s);
	mutex_unlock(&allocfail_lock);
	return evaluated;
}

#define AF_STAT_ATTR(field)						\
static ssize_t af_##field##_show(struct config_item *item, char *page)	\
{									\
	struct allocfail_stats s;					\
									\
	af_stats_read(to_policy(item), &s);				\
	return sysfs_emit(page, "%llu\n", s.field);			\
}									\
CONFIGFS_ATTR_RO(af_, field)

AF_STAT_ATTR(matched);
AF_STAT_ATTR(injected);

static ssize_t af_evaluated_show(struct config_item *item, char *page)
{
	struct allocfail_stats s;

	return sysfs_emit(page, "%llu\n", af_stats_read(to_policy(item), &s));
}
CONFIGFS_ATTR_RO(af_, evaluated);

static ssize_t af_stats_show(struct config_item *item, char *page)
{
	struct allocfail_stats stats, *s = &stats;
	ssize_t len;
	u64 evaluated;
	int o;

	evaluated = af_stats_read(to_policy(item), s);
	len = sysfs_emit(page, "evaluated %llu\nmatched %llu\ninjected %llu\norder matched injected\n",
			 evaluated, s->matched, s->injected);
	for (o = 0; o < AF_NR_ORDERS; o++)
		len += sysfs_emit_at(page, len, "%d %llu %llu\n", o,
				     s->order_matched[o], s->order_injected[o]);
	len += sysfs_emit_at(page, len, "slab %llu %llu\n", s->slab_matched,
			     s->slab_injected);
	return len;
}

static ssize_t __af_stats_reset_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	struct allocfail_stats __percpu *old, *fresh;
	unsigned long flags;
	unsigned int one;

	if (kstrtouint(page, 10, &one) || one != 1) {
		pr_warn("allocfail: write 1 to stats_reset\n");
		return -EINVAL;
	}
	fresh = alloc_percpu(struct allocfail_stats);
	if (!fresh)
		return -ENOMEM;
	mutex_lock(&allocfail_lock);
	/*
	 * Counting restarts in fresh counters, published with a new
	 * snapshot: zeroing the live ones races the hooks' increments (a
	 * match zeroed, its failure counted after: injected > matched).
	 * The base of "evaluated" is taken before the snapshot is published,
	 * so every allocation counted in the fresh counters is evaluated.
	 */
	p->seen_acc = 0;
	p->seen_base = allocfail_seen_total();
	old = p->stats;
	p->stats = fresh;
	if (p->enabled)
		WARN_ON(allocfail_active_rebuild());
	mutex_unlock(&allocfail_lock);
	raw_spin_lock_irqsave(&p->sites_lock, flags);
	p->nr_sites = 0;
	p->sites_dropped = 0;
	raw_spin_unlock_irqrestore(&p->sites_lock, flags);
	/* Hooks still counting into the old counters finish first. */
	synchronize_rcu();
	free_percpu(old);
	return count;
}

/* One line of "sites" at most. */
#define AF_SITE_LINE_LEN	512
/* All of them and the closing line: what configfs may buffer for a read. */
#define AF_SITES_MAX_BYTES	((AF_MAX_SITES + 1) * AF_SITE_LINE_LEN)

/* Site @s as a line of "sites", in @line; returns its length. */
static int af_site_line(char *line, const struct af_site *s)
{
	/* a slab site says its object size, a page site its order */
	int w = scnprintf(line, AF_SITE_LINE_LEN,
			  "%s %s=%u gfp=%pGg context=%s count=%llu",
			  s->name, s->size ? "size" : "order",
			  s->size ?: s->order, &s->gfp,
			  allocfail_ctx_names[s->ctx], s->count);

	/* Known when matches were numbered (nth, sites_of). */
	if (s->first)
		w += scnprintf(line + w, AF_SITE_LINE_LEN - w,
			       " first=%llu", s->first);
	w += scnprintf(line + w, AF_SITE_LINE_LEN - w, "\n");
	return w;
}

/*
 * "sites" is a binary attribute: AF_MAX_SITES lines outgrow the page a
 * text attribute gets (24 did, with long names).  configfs calls this
 * twice, first without a buffer for the length, then with a buffer of
 * that length, which the reader gets whole: a site recorded between the
 * two calls (only while the policy is enabled) is left out, and the room
 * a shorter second listing leaves is blank lines.
 */
static ssize_t af_sites_read(struct config_item *item, void *buf, size_t max)
{
	struct allocfail_policy *p = to_policy(item);
	struct af_site *copy;
	unsigned long flags;
	unsigned int i, n;
	size_t len = 0;
	u64 dropped;
	char *line;
	int slot;

	slot = allocfail_self_enter();
	copy = kvmalloc_array(AF_MAX_SITES, sizeof(*copy), GFP_KERNEL);
	line = kmalloc(AF_SITE_LINE_LEN, GFP_KERNEL);
	allocfail_self_exit(slot);
	if (!copy || !line) {
		kvfree(copy);
		kfree(line);
		return -ENOMEM;
	}
	raw_spin_lock_irqsave(&p->sites_lock, flags);
	n = p->nr_sites;
	dropped = p->sites_dropped;
	memcpy(copy, p->sites, n * sizeof(*copy));
	raw_spin_unlock_irqrestore(&p->sites_lock, flags);

	for (i = 0; i <= n; i++) {
		int w;

		if (i < n)
			w = af_site_line(line, &copy[i]);
		else if (dropped)
			w = scnprintf(line, AF_SITE_LINE_LEN,
				      "# %llu more at sites beyond the first %d\n",
				      dropped, AF_MAX_SITES);
		else
			break;
		if (buf) {
			if (len + w > max)
				break;
			memcpy(buf + len, line, w);
		}
		len += w;
	}
	if (buf && len < max) {
		memset(buf + len, '\n', max - len);
		len = max;
	}
	kfree(line);
	kvfree(copy);
	return len;
}

/*
 * Every store refuses a value with a NUL byte in it: the parsers would
 * stop there and accept a prefix of what was written.  It runs marked as
 * allocfail's own task, so that what it allocates (parsing, a new filter,
 * ftrace and kprobe set-up) is never failed by a policy, including the one
 * being written.
 */
#define AF_STORE_ATTR(_name, _decl)					\
static ssize_t af_##_name##_store(struct config_item *item,		\
				  const char *page, size_t count)	\
{									\
	ssize_t ret;							\
	int slot;							\
									\
	if (memchr(page, '\0', count)) {				\
		pr_warn("allocfail: %s: value has a NUL byte\n", #_name);	\
		return -EINVAL;						\
	}								\
	slot = allocfail_self_enter();					\
	ret = __af_##_name##_store(item, page, count);			\
	allocfail_self_exit(slot);					\
	return ret;							\
}									\
_decl(af_, _name)

AF_STORE_ATTR(enable, CONFIGFS_ATTR);
AF_STORE_ATTR(timeout_ms, CONFIGFS_ATTR);
AF_STORE_ATTR(allocator, CONFIGFS_ATTR);
AF_STORE_ATTR(orders, CONFIGFS_ATTR);
AF_STORE_ATTR(sizes, CONFIGFS_ATTR);
AF_STORE_ATTR(gfp_require, CONFIGFS_ATTR);
AF_STORE_ATTR(gfp_reject, CONFIGFS_ATTR);
AF_STORE_ATTR(contexts, CONFIGFS_ATTR);
AF_STORE_ATTR(pids, CONFIGFS_ATTR);
AF_STORE_ATTR(comms, CONFIGFS_ATTR);
AF_STORE_ATTR(callers, CONFIGFS_ATTR);
AF_STORE_ATTR(callers_depth, CONFIGFS_ATTR);
AF_STORE_ATTR(site, CONFIGFS_ATTR);
AF_STORE_ATTR(nth, CONFIGFS_ATTR);
AF_STORE_ATTR(sites_of, CONFIGFS_ATTR);
AF_STORE_ATTR(stats_reset, CONFIGFS_ATTR_WO);
CONFIGFS_ATTR_RO(af_, stats);
CONFIGFS_BIN_ATTR_RO(af_, sites, NULL, AF_SITES_MAX_BYTES);
CONFIGFS_ATTR_RO(af_, callers_ranges);

static struct configfs_attribute *af_policy_attrs[] = {
	&af_attr_enable,
	&af_attr_timeout_ms,
	&af_attr_allocator,
	&af_attr_orders,
	&af_attr_sizes,
	&af_attr_gfp_require,
	&af_attr_gfp_reject,
	&af_attr_contexts,
	&af_attr_pids,
	&af_attr_comms,
	&af_attr_callers,
	&af_attr_callers_depth,
	&af_attr_callers_ranges,
	&af_attr_site,
	&af_attr_nth,
	&af_attr_sites_of,
	&af_attr_evaluated,
	&af_attr_matched,
	&af_attr_injected,
	&af_attr_stats,
	&af_attr_stats_reset,
	NULL,
};

static struct configfs_bin_attribute *af_policy_bin_attrs[] = {
	&af_attr_sites,
	NULL,
};

static void af_policy_release(struct config_item *item)
{
	struct allocfail_policy *p = to_policy(item);

	/* drop_item unpublished it; wait out hooks still walking it. */
	synchronize_rcu();
	free_percpu(p->stats);
	kfree(rcu_access_pointer(p->match));
	kvfree(p->sites);
	kfree(p);
}

static struct configfs_item_operations af_policy_item_ops = {
	.release	= af_policy_release,
};

static const struct config_item_type af_policy_type = {
	.ct_item_ops	= &af_policy_item_ops,
	.ct_attrs	= af_policy_attrs,
	.ct_bin_attrs	= af_policy_bin_attrs,
	.ct_owner	= THIS_MODULE,
};

/*
 * The schedule's defaults differ from FAULT_ATTR_INITIALIZER on purpose:
 * a policy's filters say what to fail, so by default every matching
 * allocation fails (probability 100, times -1) and quietly (verbose 0).
 */
static void af_fault_attr_init(struct fault_attr *attr)
{
	*attr = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	attr->probability = 100;
	atomic_set(&attr->times, -1);
	attr->verbose = 0;
	/* A dynamically allocated lock needs its own lockdep class. */
	ratelimit_state_init(&attr->ratelimit_state, 0, DEFAULT_RATELIMIT_BURST);
}

static struct config_group *af_make_group(struct config_group *group,
					  const char *name)
{
	struct allocfail_policy *p;
	struct allocfail_match *m;
	int slot = allocfail_self_enter();

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (p && m) {
		p->stats = alloc_percpu(struct allocfail_stats);
		p->sites = kvcalloc(AF_MAX_SITES, sizeof(*p->sites),
				    GFP_KERNEL);
	}
	allocfail_self_exit(slot);
	if (!p || !m)
		goto nomem;
	if (!p->stats || !p->sites)
		goto nomem;

	m->allocators = AF_ALLOC_PAGE;
	bitmap_fill(m->orders, AF_NR_ORDERS);
	m->contexts = AF_CTX_ALL;
	m->callers_depth = AF_DEFAULT_DEPTH;
	RCU_INIT_POINTER(p->match, m);
	raw_spin_lock_init(&p->sites_lock);
	INIT_DELAYED_WORK(&p->expire_work, af_expire);

	config_group_init_type_name(&p->group, name, &af_policy_type);
	af_fault_attr_init(&p->fault.attr);
	af_fault_config_init(&p->fault, "schedule");
	configfs_add_default_group(&p->fault.group, &p->group);

	mutex_lock(&allocfail_lock);
	list_add_tail(&p->node, &allocfail_policies);
	mutex_unlock(&allocfail_lock);
	return &p->group;

nomem:
	if (p) {
		free_percpu(p->stats);
		kvfree(p->sites);
	}
	kfree(m);
	kfree(p);
	return ERR_PTR(-ENOMEM);
}

static void af_drop_item(struct config_group *group, struct config_item *item)
{
	struct allocfail_policy *p = to_policy(item);

	mutex_lock(&allocfail_lock);
	list_del(&p->node);
	/* Shrinking the active set cannot fail. */
	WARN_ON(af_set_enabled(p, false));
	mutex_unlock(&allocfail_lock);
	cancel_delayed_work_sync(&p->expire_work);
	config_item_put(&p->fault.group.cg_item);
	config_item_put(item);
}

static ssize_t af_features_show(struct config_item *item, char *page)
{
	int i;
	ssize_t len = 0;

	for (i = 0; af_policy_attrs[i]; i++)
		len += sysfs_emit_at(page, len, "%s,", af_policy_attrs[i]->ca_name);
	return len + sysfs_emit_at(page, len, "schedule\n");
}

CONFIGFS_ATTR_RO(af_, features);

static struct configfs_attribute *af_subsys_attrs[] = {
	&af_attr_features,
	NULL,
};

static struct configfs_group_operations af_group_ops = {
	.make_group	= af_make_group,
	.drop_item	= af_drop_item,
};

static const struct config_item_type af_subsys_type = {
	.ct_group_ops	= &af_group_ops,
	.ct_attrs	= af_subsys_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem af_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "allocfail",
			.ci_type = &af_subsys_type,
		},
	},
};

int allocfail_configfs_init(void)
{
	config_group_init(&af_subsys.su_group);
	mutex_init(&af_subsys.su_mutex);
	return configfs_register_subsystem(&af_subsys);
}

void allocfail_configfs_exit(void)
{
	configfs_unregister_subsystem(&af_subsys);
}
