// SPDX-License-Identifier: GPL-2.0
/*
 * configfs interface: /sys/kernel/config/allocfail/<policy>/
 *
 * Every store validates into a private copy first and changes nothing on
 * error.  All writers serialize on allocfail_lock; the hook never takes it.
 */
#include <linux/configfs.h>
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

/* Show a filter under the lock, so it is read as one consistent whole. */
#define AF_SHOW_LOCKED(p, expr)	({				\
	ssize_t __ret;						\
	mutex_lock(&allocfail_lock);				\
	__ret = (expr);						\
	mutex_unlock(&allocfail_lock);				\
	__ret;							\
})

/*
 * Replace the policy's filter with a copy changed by @edit.  The hook sees
 * either the old or the new filter, never a mix, so filters may be
 * rewritten while the policy is enabled.
 */
static int af_match_update(struct allocfail_policy *p,
			   void (*edit)(struct allocfail_match *m, void *arg),
			   void *arg)
{
	struct allocfail_match *old, *new;

	mutex_lock(&allocfail_lock);
	old = af_match(p);
	new = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!new) {
		mutex_unlock(&allocfail_lock);
		return -ENOMEM;
	}
	edit(new, arg);
	rcu_assign_pointer(p->match, new);
	mutex_unlock(&allocfail_lock);
	kfree_rcu(old, rcu);
	return 0;
}

static ssize_t af_enable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_policy(item)->enabled));
}

static ssize_t af_enable_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	unsigned int on;
	int ret;

	if (kstrtouint(page, 10, &on) || on > 1) {
		pr_warn("allocfail: enable takes 0 or 1\n");
		return -EINVAL;
	}
	mutex_lock(&allocfail_lock);
	if (p->enabled != on) {
		p->enabled = on;
		ret = allocfail_active_rebuild();
		if (ret)
			p->enabled = !on;
	} else {
		ret = 0;
	}
	mutex_unlock(&allocfail_lock);
	return ret ? ret : count;
}

static ssize_t af_orders_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(p, sysfs_emit(page, "%*pbl\n", AF_NR_ORDERS,
					    af_match(p)->orders));
}

static void af_edit_orders(struct allocfail_match *m, void *arg)
{
	bitmap_copy(m->orders, arg, AF_NR_ORDERS);
}

static ssize_t af_orders_store(struct config_item *item, const char *page,
			       size_t count)
{
	DECLARE_BITMAP(orders, AF_NR_ORDERS);
	int ret;

	ret = allocfail_parse_orders(page, orders);
	if (!ret)
		ret = af_match_update(to_policy(item), af_edit_orders, orders);
	return ret ? ret : count;
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

static ssize_t af_gfp_require_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(p, af_show_gfp(af_match(p)->gfp_require, page));
}

static ssize_t af_gfp_require_store(struct config_item *item,
				    const char *page, size_t count)
{
	gfp_t gfp;
	int ret;

	ret = allocfail_parse_gfp(page, &gfp);
	if (!ret)
		ret = af_match_update(to_policy(item), af_edit_gfp_require,
				      &gfp);
	return ret ? ret : count;
}

static ssize_t af_gfp_reject_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(p, af_show_gfp(af_match(p)->gfp_reject, page));
}

static ssize_t af_gfp_reject_store(struct config_item *item,
				   const char *page, size_t count)
{
	gfp_t gfp;
	int ret;

	ret = allocfail_parse_gfp(page, &gfp);
	if (!ret)
		ret = af_match_update(to_policy(item), af_edit_gfp_reject, &gfp);
	return ret ? ret : count;
}

static ssize_t af_contexts_show(struct config_item *item, char *page)
{
	struct allocfail_policy *p = to_policy(item);

	return AF_SHOW_LOCKED(p, allocfail_show_contexts(af_match(p)->contexts,
							 page));
}

static void af_edit_contexts(struct allocfail_match *m, void *arg)
{
	m->contexts = *(unsigned long *)arg;
}

static ssize_t af_contexts_store(struct config_item *item, const char *page,
				 size_t count)
{
	unsigned long ctx;
	int ret;

	ret = allocfail_parse_contexts(page, &ctx);
	if (!ret)
		ret = af_match_update(to_policy(item), af_edit_contexts, &ctx);
	return ret ? ret : count;
}

static void af_stats_sum(struct allocfail_policy *p, struct allocfail_stats *s)
{
	int cpu;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		struct allocfail_stats *c = per_cpu_ptr(p->stats, cpu);

		s->evaluated += READ_ONCE(c->evaluated);
		s->matched += READ_ONCE(c->matched);
		s->injected += READ_ONCE(c->injected);
	}
}

#define AF_STAT_ATTR(field)						\
static ssize_t af_##field##_show(struct config_item *item, char *page)	\
{									\
	struct allocfail_stats s;					\
									\
	af_stats_sum(to_policy(item), &s);				\
	return sysfs_emit(page, "%llu\n", s.field);			\
}									\
CONFIGFS_ATTR_RO(af_, field)

AF_STAT_ATTR(evaluated);
AF_STAT_ATTR(matched);
AF_STAT_ATTR(injected);

static ssize_t af_stats_reset_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct allocfail_policy *p = to_policy(item);
	unsigned int reset;
	int cpu;

	if (kstrtouint(page, 10, &reset) || reset != 1) {
		pr_warn("allocfail: write 1 to stats_reset\n");
		return -EINVAL;
	}
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(p->stats, cpu), 0,
		       sizeof(struct allocfail_stats));
	return count;
}

CONFIGFS_ATTR(af_, enable);
CONFIGFS_ATTR(af_, orders);
CONFIGFS_ATTR(af_, gfp_require);
CONFIGFS_ATTR(af_, gfp_reject);
CONFIGFS_ATTR(af_, contexts);
CONFIGFS_ATTR_WO(af_, stats_reset);

static struct configfs_attribute *af_policy_attrs[] = {
	&af_attr_enable,
	&af_attr_orders,
	&af_attr_gfp_require,
	&af_attr_gfp_reject,
	&af_attr_contexts,
	&af_attr_evaluated,
	&af_attr_matched,
	&af_attr_injected,
	&af_attr_stats_reset,
	NULL,
};

static void af_policy_release(struct config_item *item)
{
	struct allocfail_policy *p = to_policy(item);

	/* drop_item unpublished it; wait out hooks still walking it. */
	synchronize_rcu();
	free_percpu(p->stats);
	kfree(rcu_access_pointer(p->match));
	kfree(p);
}

static struct configfs_item_operations af_policy_item_ops = {
	.release	= af_policy_release,
};

static const struct config_item_type af_policy_type = {
	.ct_item_ops	= &af_policy_item_ops,
	.ct_attrs	= af_policy_attrs,
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

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!p || !m)
		goto nomem;
	p->stats = alloc_percpu(struct allocfail_stats);
	if (!p->stats)
		goto nomem;

	bitmap_fill(m->orders, AF_NR_ORDERS);
	m->contexts = AF_CTX_ALL;
	RCU_INIT_POINTER(p->match, m);

	config_group_init_type_name(&p->group, name, &af_policy_type);
	af_fault_attr_init(&p->fault.attr);
	af_fault_config_init(&p->fault, "schedule");
	configfs_add_default_group(&p->fault.group, &p->group);

	mutex_lock(&allocfail_lock);
	list_add_tail(&p->node, &allocfail_policies);
	mutex_unlock(&allocfail_lock);
	return &p->group;

nomem:
	kfree(m);
	kfree(p);
	return ERR_PTR(-ENOMEM);
}

static void af_drop_item(struct config_group *group, struct config_item *item)
{
	struct allocfail_policy *p = to_policy(item);

	mutex_lock(&allocfail_lock);
	list_del(&p->node);
	if (p->enabled) {
		p->enabled = false;
		/* Shrinking the active set cannot fail. */
		WARN_ON(allocfail_active_rebuild());
	}
	mutex_unlock(&allocfail_lock);
	config_item_put(&p->fault.group.cg_item);
	config_item_put(item);
}

static ssize_t af_features_show(struct config_item *item, char *page)
{
	return sysfs_emit(page,
			  "enable,orders,gfp_require,gfp_reject,contexts,evaluated,matched,injected,stats_reset,schedule\n");
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
