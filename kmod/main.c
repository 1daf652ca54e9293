// SPDX-License-Identifier: GPL-2.0
/*
 * allocfail: fail chosen page allocations, by order, GFP flags and
 * execution context, through named policies in configfs.
 */
#include <linux/module.h>
#include "allocfail.h"

static int __init allocfail_init(void)
{
	return allocfail_configfs_init();
}

static void __exit allocfail_exit(void)
{
	/*
	 * configfs holds a module reference for every policy directory, so
	 * no policy exists here and the hook is already disarmed; disarming
	 * again is a no-op that also frees the ftrace filter.
	 */
	allocfail_configfs_exit();
	allocfail_hook_exit();
}

module_init(allocfail_init);
module_exit(allocfail_exit);
MODULE_DESCRIPTION("Named policies that fail chosen page allocations");
MODULE_AUTHOR("allocfail developers");
MODULE_LICENSE("GPL");
