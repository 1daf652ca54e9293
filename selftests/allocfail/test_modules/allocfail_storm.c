// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: allocation storms on every online CPU, from every context at
 * once, for as long as a test wants, so that churn and unload tests race
 * the hook against real traffic in hard irq, softirq, atomic and task
 * context.
 *
 *   echo "start <max_order>" > /sys/kernel/debug/allocfail_storm/ctl
 *   echo stop > /sys/kernel/debug/allocfail_storm/ctl
 *   cat /sys/kernel/debug/allocfail_storm/ctl
 *   hardirq attempts=<n> ok=<n> failed=<n>
 *   ...
 *
 * Per CPU, one bound kthread allocates with GFP_KERNEL in task context and
 * with GFP_ATOMIC under a spinlock with interrupts off, and arms a pinned
 * hard-irq hrtimer and a pinned timer (softirq) that allocate with
 * GFP_ATOMIC.  Orders rotate from 0 to max_order.  Every result is checked
 * and freed; the counters say what the callers saw.
 */
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include "allocfail_test_compat.h"

/*
 * Every worker allocates a burst every STORM_PERIOD_MS.  Under software
 * emulation with KASAN, a 1 ms period cost the shell a factor of nine in
 * speed; 5 ms keeps the storm constant while the tests still make progress.
 */
#define STORM_BURST		4
#define STORM_PERIOD_MS		5

enum storm_ctx { STORM_HARDIRQ, STORM_SOFTIRQ, STORM_ATOMIC, STORM_TASK,
		 STORM_NR };

static const char * const storm_ctx_names[STORM_NR] = {
	"hardirq", "softirq", "atomic", "task",
};

struct storm_count {
	atomic_long_t attempts;
	atomic_long_t ok;
	atomic_long_t failed;
};

struct storm_cpu {
	struct hrtimer hrtimer;
	struct timer_list timer;
	struct task_struct *thread;
	unsigned int seq[STORM_NR];	/* order rotation, one per context */
};

static DEFINE_PER_CPU(struct storm_cpu, storm_cpus);
static DEFINE_PER_CPU(spinlock_t, storm_locks);
static struct storm_count storm_counts[STORM_NR];
static DEFINE_MUTEX(storm_ctl_lock);	/* start/stop/show */
static bool storm_running;		/* READ_ONCE by the workers */
static unsigned int storm_max_order;
static struct dentry *storm_dir;

static void storm_burst(struct storm_cpu *sc, enum storm_ctx ctx, gfp_t gfp)
{
	struct storm_count *c = &storm_counts[ctx];
	int i;

	for (i = 0; i < STORM_BURST; i++) {
		unsigned int order = sc->seq[ctx]++ % (storm_max_order + 1);
		struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);

		atomic_long_inc(&c->attempts);
		if (page) {
			__free_pages(page, order);
			atomic_long_inc(&c->ok);
		} else {
			atomic_long_inc(&c->failed);
		}
	}
}

static enum hrtimer_restart storm_hrtimer_fn(struct hrtimer *t)
{
	struct storm_cpu *sc = container_of(t, struct storm_cpu, hrtimer);

	storm_burst(sc, STORM_HARDIRQ, GFP_ATOMIC);
	if (!READ_ONCE(storm_running))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ms_to_ktime(STORM_PERIOD_MS));
	return HRTIMER_RESTART;
}

static void storm_timer_fn(struct timer_list *t)
{
	struct storm_cpu *sc = from_timer(sc, t, timer);

	storm_burst(sc, STORM_SOFTIRQ, GFP_ATOMIC);
	if (READ_ONCE(storm_running))
		mod_timer(t, jiffies + msecs_to_jiffies(STORM_PERIOD_MS));
}

/* Bound to its CPU, so the timers it arms are pinned there too. */
static int storm_thread_fn(void *data)
{
	struct storm_cpu *sc = data;
	spinlock_t *lock = this_cpu_ptr(&storm_locks);
	unsigned long flags;

	hrtimer_start(&sc->hrtimer, ms_to_ktime(STORM_PERIOD_MS),
		      HRTIMER_MODE_REL_PINNED_HARD);
	mod_timer(&sc->timer, jiffies + msecs_to_jiffies(STORM_PERIOD_MS));
	while (!kthread_should_stop()) {
		storm_burst(sc, STORM_TASK, GFP_KERNEL);
		spin_lock_irqsave(lock, flags);
		storm_burst(sc, STORM_ATOMIC, GFP_ATOMIC);
		spin_unlock_irqrestore(lock, flags);
		usleep_range(STORM_PERIOD_MS * USEC_PER_MSEC,
			     2 * STORM_PERIOD_MS * USEC_PER_MSEC);
	}
	/* storm_running is already false: neither timer re-arms itself. */
	hrtimer_cancel(&sc->hrtimer);
	del_timer_sync(&sc->timer);
	return 0;
}

static void storm_stop(void)
{
	unsigned int cpu;

	if (!storm_running)
		return;
	WRITE_ONCE(storm_running, false);
	for_each_possible_cpu(cpu) {
		struct storm_cpu *sc = per_cpu_ptr(&storm_cpus, cpu);

		if (sc->thread) {
			kthread_stop(sc->thread);
			sc->thread = NULL;
		}
	}
}

static int storm_start(unsigned int max_order)
{
	unsigned int cpu;
	int i;

	if (storm_running)
		return -EBUSY;
	for (i = 0; i < STORM_NR; i++) {
		atomic_long_set(&storm_counts[i].attempts, 0);
		atomic_long_set(&storm_counts[i].ok, 0);
		atomic_long_set(&storm_counts[i].failed, 0);
	}
	storm_max_order = max_order;
	WRITE_ONCE(storm_running, true);

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct storm_cpu *sc = per_cpu_ptr(&storm_cpus, cpu);
		struct task_struct *t;

		t = kthread_create_on_cpu(storm_thread_fn, sc, cpu,
					  "allocfail_storm/%u");
		if (IS_ERR(t))
			continue;	/* fewer CPUs storm; the test still runs */
		sc->thread = t;
		wake_up_process(t);
	}
	cpus_read_unlock();
	return 0;
}

static ssize_t storm_ctl_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[32];
	unsigned int order;
	int ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	mutex_lock(&storm_ctl_lock);
	if (sscanf(buf, "start %u", &order) == 1 && order <= MAX_PAGE_ORDER) {
		ret = storm_start(order);
	} else if (sysfs_streq(buf, "stop")) {
		storm_stop();
	} else {
		pr_warn("allocfail_storm: usage: start <max_order> | stop\n");
		ret = -EINVAL;
	}
	mutex_unlock(&storm_ctl_lock);
	return ret ? ret : len;
}

static int storm_ctl_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < STORM_NR; i++)
		seq_printf(m, "%s attempts=%ld ok=%ld failed=%ld\n",
			   storm_ctx_names[i],
			   atomic_long_read(&storm_counts[i].attempts),
			   atomic_long_read(&storm_counts[i].ok),
			   atomic_long_read(&storm_counts[i].failed));
	return 0;
}

static int storm_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, storm_ctl_show, NULL);
}

static const struct file_operations storm_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= storm_ctl_open,
	.read		= seq_read,
	.write		= storm_ctl_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int __init storm_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct storm_cpu *sc = per_cpu_ptr(&storm_cpus, cpu);

		hrtimer_init(&sc->hrtimer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		sc->hrtimer.function = storm_hrtimer_fn;
		timer_setup(&sc->timer, storm_timer_fn, TIMER_PINNED);
		spin_lock_init(per_cpu_ptr(&storm_locks, cpu));
	}
	storm_dir = debugfs_create_dir("allocfail_storm", NULL);
	debugfs_create_file("ctl", 0600, storm_dir, NULL, &storm_ctl_fops);
	return 0;
}

static void __exit storm_exit(void)
{
	debugfs_remove_recursive(storm_dir);
	mutex_lock(&storm_ctl_lock);
	storm_stop();
	mutex_unlock(&storm_ctl_lock);
}

module_init(storm_init);
module_exit(storm_exit);
MODULE_DESCRIPTION("allocfail test helper: allocation storms on every CPU and context");
MODULE_LICENSE("GPL");
