// SPDX-License-Identifier: GPL-2.0
/*
 * The standard fault attributes as a configfs group, for kernels before
 * 6.2, which have no fault_config_init().  Same names, same meaning, same
 * syntax as lib/fault-inject.c; only built where compat.h asks for it.
 */
#include <linux/configfs.h>
#include <linux/fault-inject.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include "compat.h"

#ifdef AF_FAULT_CONFIG_COMPAT

static struct af_fault_config *to_af_fault_config(struct config_item *item)
{
	return container_of(to_config_group(item), struct af_fault_config,
			    group);
}

#define AF_FAULT_ATTR(_name, _attr_name, _member, _type, _fmt, _parse)	\
static ssize_t af_fault_##_name##_show(struct config_item *item,		\
				       char *page)			\
{									\
	return sysfs_emit(page, _fmt "\n",				\
			  to_af_fault_config(item)->attr._member);	\
}									\
static ssize_t af_fault_##_name##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	_type tmp;							\
	int ret = _parse(page, 0, &tmp);				\
									\
	if (ret)							\
		return ret;						\
	to_af_fault_config(item)->attr._member = tmp;			\
	return count;							\
}									\
static struct configfs_attribute af_fault_attr_##_name = {		\
	.ca_name	= _attr_name,					\
	.ca_mode	= 0644,						\
	.ca_owner	= THIS_MODULE,					\
	.show		= af_fault_##_name##_show,			\
	.store		= af_fault_##_name##_store,			\
}

#define AF_FAULT_ATOMIC_ATTR(_name)					\
static ssize_t af_fault_##_name##_show(struct config_item *item,		\
				       char *page)			\
{									\
	return sysfs_emit(page, "%d\n",					\
		atomic_read(&to_af_fault_config(item)->attr._name));	\
}									\
static ssize_t af_fault_##_name##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	int tmp, ret = kstrtoint(page, 0, &tmp);			\
									\
	if (ret)							\
		return ret;						\
	atomic_set(&to_af_fault_config(item)->attr._name, tmp);		\
	return count;							\
}									\
CONFIGFS_ATTR(af_fault_, _name)

static int af_kstrtobool(const char *s, unsigned int base, bool *res)
{
	return kstrtobool(s, res);
}

AF_FAULT_ATTR(probability, "probability", probability, unsigned long, "%lu",
	      kstrtoul);
AF_FAULT_ATTR(interval, "interval", interval, unsigned long, "%lu", kstrtoul);
AF_FAULT_ATOMIC_ATTR(times);
AF_FAULT_ATOMIC_ATTR(space);
AF_FAULT_ATTR(verbose, "verbose", verbose, unsigned long, "%lu", kstrtoul);
AF_FAULT_ATTR(rl_interval, "verbose_ratelimit_interval_ms",
	      ratelimit_state.interval, unsigned int, "%u", kstrtouint);
AF_FAULT_ATTR(rl_burst, "verbose_ratelimit_burst", ratelimit_state.burst,
	      unsigned int, "%u", kstrtouint);
AF_FAULT_ATTR(task_filter, "task-filter", task_filter, bool, "%d",
	      af_kstrtobool);
#ifdef CONFIG_FAULT_INJECTION_STACKTRACE_FILTER
/*
 * lib/fault-inject.c saves the stack into an array of this many entries
 * and trusts the writer to clamp, as its debugfs and (from 6.2) configfs
 * setters do: a larger depth overflows the stack of every match.
 */
#define AF_MAX_STACK_TRACE_DEPTH	32

static int af_kstrtoul_depth(const char *s, unsigned int base,
			     unsigned long *res)
{
	int ret = kstrtoul(s, base, res);

	if (!ret)
		*res = min_t(unsigned long, *res, AF_MAX_STACK_TRACE_DEPTH);
	return ret;
}

AF_FAULT_ATTR(stacktrace_depth, "stacktrace-depth", stacktrace_depth,
	      unsigned long, "%lu", af_kstrtoul_depth);
AF_FAULT_ATTR(require_start, "require-start", require_start, unsigned long,
	      "0x%016lx", kstrtoul);
AF_FAULT_ATTR(require_end, "require-end", require_end, unsigned long,
	      "0x%016lx", kstrtoul);
AF_FAULT_ATTR(reject_start, "reject-start", reject_start, unsigned long,
	      "0x%016lx", kstrtoul);
AF_FAULT_ATTR(reject_end, "reject-end", reject_end, unsigned long,
	      "0x%016lx", kstrtoul);
#endif

static struct configfs_attribute *af_fault_attrs[] = {
	&af_fault_attr_probability,
	&af_fault_attr_interval,
	&af_fault_attr_times,
	&af_fault_attr_space,
	&af_fault_attr_verbose,
	&af_fault_attr_rl_interval,
	&af_fault_attr_rl_burst,
	&af_fault_attr_task_filter,
#ifdef CONFIG_FAULT_INJECTION_STACKTRACE_FILTER
	&af_fault_attr_stacktrace_depth,
	&af_fault_attr_require_start,
	&af_fault_attr_require_end,
	&af_fault_attr_reject_start,
	&af_fault_attr_reject_end,
#endif
	NULL,
};

static const struct config_item_type af_fault_type = {
	.ct_attrs	= af_fault_attrs,
	.ct_owner	= THIS_MODULE,
};

void af_fault_config_init(struct af_fault_config *config, const char *name)
{
	config_group_init_type_name(&config->group, name, &af_fault_type);
}

#endif /* AF_FAULT_CONFIG_COMPAT */
