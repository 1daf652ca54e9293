// SPDX-License-Identifier: GPL-2.0
/*
 * allocfail: fail chosen page allocations and slab objects through named
 * policies in configfs, selected by order or object size, GFP flags,
 * execution context, caller and task, on the kernel's standard
 * fault-injection schedule.
 */
#include <linux/module.h>
#include "allocfail.h"

static int __init allocfail_init(void)
{
	int ret;

	/* Said once, so that a refused "contexts" write is no surprise. */
	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT))
		pr_info("allocfail: kernel without CONFIG_PREEMPT_COUNT: contexts 'task' and 'atomic' only together\n");
	ret = allocfail_callers_init();
	if (ret)
		return ret;
	ret = allocfail_configfs_init();
	if (ret)
		allocfail_callers_exit();
	return ret;
}

static void __exit allocfail_exit(void)
{
	/*
	 * configfs holds a module reference for every policy directory, so
	 * no policy exists here and the hook is already disarmed.
	 */
	allocfail_configfs_exit();
	allocfail_callers_exit();
	allocfail_hook_exit();
}

module_init(allocfail_init);
module_exit(allocfail_exit);
MODULE_DESCRIPTION("Named policies that fail chosen page and slab allocations");
MODULE_AUTHOR("allocfail developers");
MODULE_LICENSE("GPL");
