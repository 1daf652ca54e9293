// SPDX-License-Identifier: GPL-2.0
/*
 * Provokes, on demand, each kind of splat scan-splats must report, so that
 * the scanner's test excerpts (tests/scan-splats/) come from the test
 * kernel's own console, not from memory.  Never loaded by a test; only
 * scripts/scan-splats-capture loads it, in a VM of its own.
 *
 *   echo KIND > /sys/kernel/debug/allocfail_splat
 *
 * bug		BUG_ON()				kernel BUG at
 * gpf		a non-canonical address (not via KASAN)	general protection fault
 * ubsan	an index past an array's end		UBSAN: array-index-out-of-bounds
 * refcount	refcount_inc() on zero			refcount_t: addition on 0
 * list_add	list_add() next to a corrupted entry	list_add corruption
 * list_del	list_del() of a deleted entry		list_del corruption
 * hung_task	a kthread sleeping uninterruptibly 20 s	INFO: task ... blocked
 * rcu_stall	a kthread spinning 8 s, preemption off	rcu: INFO: ... detected stall
 * exp_stall	the same, and an expedited grace period	... detected expedited stalls
 * netdev_ref	a reference to lo of the namespace of	unregister_netdevice:
 *		the writer, dropped 6 s later	waiting for lo
 * sched_atomic	schedule() with preemption off		BUG: scheduling while atomic
 * panic	panic()					Kernel panic - not syncing
 *
 * The stall and hung-task kinds print after the detectors' timeouts, which
 * the capture script lowers first.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

static struct dentry *splat_file;
static int splat_index = 4;
module_param(splat_index, int, 0444);

static struct net_device *held_dev;

static void splat_release(struct work_struct *work)
{
	dev_put(held_dev);
}
static DECLARE_DELAYED_WORK(splat_release_work, splat_release);

static int splat_sleeper(void *arg)
{
	msleep(20000);
	return 0;
}

static int splat_spinner(void *arg)
{
	preempt_disable();
	mdelay(8000);
	preempt_enable();
	return 0;
}

static void splat_spin_on(int cpu)
{
	struct task_struct *t;

	t = kthread_create(splat_spinner, NULL, "splat_spin");
	if (IS_ERR(t))
		return;
	kthread_bind(t, cpu);
	wake_up_process(t);
}

static noinline void splat_ubsan(int i)
{
	int ring[4] = { 0 };

	ring[i] = 1;
	pr_info("allocfail_splat: ring[%d] = %d\n", i, ring[i & 3]);
}

/*
 * A load from a non-canonical address, in assembly so that KASAN does not
 * check (and report) it first: the general protection fault alone.
 */
static noinline void splat_gpf(void)
{
	unsigned long v;

	asm volatile("movq (%1), %0" : "=r" (v) : "r" (0xdead000000000000UL));
	pr_info("allocfail_splat: %lx\n", v);
}

static noinline void splat_bad_list(void)
{
	LIST_HEAD(head);
	struct list_head a, b;

	list_add(&a, &head);
	a.prev = &b;		/* head.next->prev no longer points back */
	list_add(&b, &head);
}

static int splat_trigger(const char *kind)
{
	static refcount_t zero = REFCOUNT_INIT(0);
	struct list_head entry;

	if (!strcmp(kind, "bug")) {
		BUG_ON(kind[0] == 'b');
	} else if (!strcmp(kind, "gpf")) {
		splat_gpf();
	} else if (!strcmp(kind, "ubsan")) {
		splat_ubsan(splat_index);
	} else if (!strcmp(kind, "refcount")) {
		refcount_inc(&zero);
	} else if (!strcmp(kind, "list_add")) {
		splat_bad_list();
	} else if (!strcmp(kind, "list_del")) {
		INIT_LIST_HEAD(&entry);
		list_del(&entry);
		list_del(&entry);
	} else if (!strcmp(kind, "hung_task")) {
		kthread_run(splat_sleeper, NULL, "splat_sleeper");
	} else if (!strcmp(kind, "rcu_stall")) {
		splat_spin_on(1);
	} else if (!strcmp(kind, "exp_stall")) {
		/* On the other CPU: this one waits for the grace period. */
		splat_spin_on(raw_smp_processor_id() ^ 1);
		msleep(100);
		synchronize_rcu_expedited();
	} else if (!strcmp(kind, "netdev_ref")) {
		held_dev = dev_get_by_name(current->nsproxy->net_ns, "lo");
		if (!held_dev)
			return -ENODEV;
		/* Dropped after the namespace's end has waited a while. */
		schedule_delayed_work(&splat_release_work, 6 * HZ);
	} else if (!strcmp(kind, "sched_atomic")) {
		/*
		 * No preempt_enable(): the scheduler's report sets the count
		 * back to what schedule() expects, which then drops it to 0.
		 */
		preempt_disable();
		schedule();
	} else if (!strcmp(kind, "panic")) {
		panic("allocfail_splat: provoked");
	} else {
		return -EINVAL;
	}
	return 0;
}

static ssize_t splat_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	char kind[32];
	int ret;

	if (count >= sizeof(kind))
		return -EINVAL;
	if (copy_from_user(kind, buf, count))
		return -EFAULT;
	kind[count] = '\0';
	strim(kind);
	ret = splat_trigger(kind);
	return ret ? ret : count;
}

static const struct file_operations splat_fops = {
	.write = splat_write,
};

static int __init splat_init(void)
{
	splat_file = debugfs_create_file("allocfail_splat", 0200, NULL, NULL,
					 &splat_fops);
	return 0;
}

static void __exit splat_exit(void)
{
	debugfs_remove(splat_file);
	flush_delayed_work(&splat_release_work);
}

module_init(splat_init);
module_exit(splat_exit);
MODULE_DESCRIPTION("provokes the splats allocfail's console scanner must report");
MODULE_LICENSE("GPL");
