// SPDX-License-Identifier: GPL-2.0
/*
 * Test target for campaigns: a toy driver whose probe allocates a ring
 * descriptor, its buffers and a statistics page, with an error path that is
 * wrong on purpose in one of the ways a campaign must classify.  A campaign
 * must report each bug with the right outcome and signature, and nothing
 * for the clean variant.
 *
 *   bug=none	the correct error path: frees what it took, -ENOMEM
 *   bug=leak	forgets to free the descriptor (kmemleak: a splat)
 *   bug=uaf	frees the descriptor, then reads it (KASAN: a splat)
 *   bug=oops	frees through the global that is set only on success: a
 *		NULL dereference (an Oops)
 *   bug=hang	waits for a refill that never comes (the step hangs)
 *   bug=late	keeps the device up with a cleanup record that the
 *		module's exit frees twice, once through kfree_rcu():
 *		KASAN reports it seconds after rmmod returned (a late
 *		splat)
 *   bug=stuck	keeps the device up without the buffer and never refills
 *		it: "ring_ok" stays N with injection off (stuck)
 *   bug=unload	keeps the device up and takes a module reference for a
 *		refill it never does: rmmod fails (stuck at unload)
 *   bug=crash	keeps the device up and arms a timer that dereferences the
 *		missing buffer: an Oops in interrupt context, the guest
 *		panics (a crash)
 *   bug=unbound frees everything and loads without the device, as a
 *		failed PCI probe leaves a driver: correct, and the
 *		device comes back only with a fresh load of the module
 *   bug=swallow frees everything and returns 0 without registering
 *		its driver: the load "succeeds", the module is loaded
 *		and does nothing (what pcnet32_init_module() did,
 *		FINDINGS.md #11); "registered" stays N
 *   bug=stall	the probe is correct; its receive path (below) stops
 *		refilling its ring at the first failed refill, until the
 *		next reset: every later packet is lost, many more than
 *		the failures explain (a campaign's traffic check: degraded)
 *
 * Every probe allocation goes to the page allocator, so a probe makes
 * exactly 1 + BUGGY_NR_BUFS allocations the same way each time: the
 * descriptor is larger than the largest kmalloc cache (kmalloc_large(),
 * still tracked by kmemleak), the buffers are order-1 pages; with stats=1
 * one more, an order-0 statistics page, after the buffers, with stats=2
 * before them: a workload that reaches its sites in another order from
 * boot to boot.  With label=N (up to 4) N more, 16-byte labels from
 * kmalloc(), one call site: slab objects, which only a policy with
 * allocator=slab reaches, and a site a workload reaches more than once.
 * With exit_label=1 (and label up to 3) the unload makes one more label at
 * that site: a site both the load and the unload reach.
 * Only the error paths allocate anything more.
 *
 * Writing N to "packets" is a link coming up and N packets arriving: the
 * receive ring (BUGGY_RX_SLOTS order-1 buffers, as a jumbo-frame NIC without
 * scatter/gather refills) is filled anew in the writer's context, then a
 * tasklet (softirq context, as NAPI) receives each packet into the buffer of
 * its slot and refills the slot with GFP_ATOMIC.  A correct driver drops a
 * packet only when its slot is empty (a refill that failed) and tries the
 * refill again, so it loses at most one packet per failure; "rx_received"
 * and "rx_sent" count them.  Nothing of this allocates unless written to.
 *
 * poweroff_hang=1, whatever bug= says, makes the machine's power-off wait
 * for the module forever, as a restart waits on a device that a run left
 * broken: what the host must stop on its own once the guest's command
 * is over (scripts/vm-run).
 */
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>

#define BUGGY_NR_BUFS	2
#define BUGGY_NR_LABELS	4
#define BUGGY_RX_SLOTS	4

struct buggy_ring {
	struct page *bufs[BUGGY_NR_BUFS];
	unsigned long stats;
	char *labels[BUGGY_NR_LABELS];	/* label=N: slab objects */
	/* Padding that sends the descriptor past the kmalloc caches. */
	u8 pad[3 * PAGE_SIZE];
};

/* What bug=late frees twice. */
struct buggy_cleanup {
	struct rcu_head rcu;
	struct buggy_ring *ring;
};

static char *bug = "none";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "error path: none, leak, uaf, oops, hang, late, stuck, unload, crash, unbound, swallow or stall");

static int stats;
module_param(stats, int, 0444);
MODULE_PARM_DESC(stats, "statistics page: 0 none, 1 after the buffers, 2 before them");

static int label;
module_param(label, int, 0444);
MODULE_PARM_DESC(label, "0-4: labels, 16-byte slab objects from one call site, after the buffers");

static bool exit_label;
module_param(exit_label, bool, 0444);
MODULE_PARM_DESC(exit_label, "Y: the unload makes one more label, from the same call site");

static bool poweroff_hang;
module_param(poweroff_hang, bool, 0444);
MODULE_PARM_DESC(poweroff_hang, "Y: the machine's power-off waits for this module forever");

/* What a workload's exercise checks: every buffer of the ring is there. */
static bool ring_ok;
module_param(ring_ok, bool, 0444);
MODULE_PARM_DESC(ring_ok, "Y when the ring has all its buffers (read-only)");

/*
 * What a workload checks after a load that returned 0: the module registered
 * its driver (with or without a device bound to it, as bug=unbound).
 */
static bool registered;
module_param(registered, bool, 0444);
MODULE_PARM_DESC(registered, "Y once the module registered its driver (read-only)");

static struct buggy_ring *ring;
static bool swallowed;
static struct buggy_cleanup *cleanup;
static DECLARE_COMPLETION(buggy_refilled);
static struct timer_list buggy_timer;

/*
 * The receive path ("packets"): a ring of order-1 buffers, each slot
 * refilled in softirq context as it is consumed.
 */
static struct page *rx_ring[BUGGY_RX_SLOTS];
static unsigned int rx_pending;		/* packets still to arrive */
static bool rx_stalled;			/* bug=stall: refills stopped */
static DECLARE_COMPLETION(rx_done);

static unsigned int rx_received;
module_param(rx_received, uint, 0444);
MODULE_PARM_DESC(rx_received, "packets the last write of \"packets\" received (read-only)");

static unsigned int rx_sent;
module_param(rx_sent, uint, 0444);
MODULE_PARM_DESC(rx_sent, "packets the last write of \"packets\" sent (read-only)");

static void buggy_rx_free(void)
{
	int i;

	for (i = 0; i < BUGGY_RX_SLOTS; i++) {
		if (rx_ring[i])
			__free_pages(rx_ring[i], 1);
		rx_ring[i] = NULL;
	}
}

/* A slot's refill; bug=stall gives up on refills at the first failure. */
static void buggy_rx_refill(int i)
{
	if (rx_stalled)
		return;
	rx_ring[i] = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1);
	if (!rx_ring[i] && !strcmp(bug, "stall"))
		rx_stalled = true;
}

/*
 * NAPI's part: each packet lands in its slot's buffer, which goes up the
 * stack (freed here), or is dropped when the slot is empty; either way
 * the slot is refilled, so a correct driver loses a packet only to a
 * refill that failed.
 */
static void buggy_rx_poll(struct tasklet_struct *t)
{
	int i;

	for (; rx_pending; rx_pending--) {
		i = rx_sent++ % BUGGY_RX_SLOTS;
		if (rx_ring[i]) {
			__free_pages(rx_ring[i], 1);
			rx_ring[i] = NULL;
			rx_received++;
		}
		buggy_rx_refill(i);
	}
	complete(&rx_done);
}

static DECLARE_TASKLET(buggy_rx_tasklet, buggy_rx_poll);

/*
 * A write of N: the link comes up (a full ring, filled in the writer's
 * context; a stall is over) and N packets arrive.  Writers are serialised
 * by the module's parameter lock, which sysfs holds across this call.
 */
static int buggy_packets_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int i, err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (!n)
		return -EINVAL;
	buggy_rx_free();
	rx_stalled = false;
	rx_sent = 0;
	rx_received = 0;
	for (i = 0; i < BUGGY_RX_SLOTS; i++)
		rx_ring[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);
	rx_pending = n;
	reinit_completion(&rx_done);
	tasklet_schedule(&buggy_rx_tasklet);
	wait_for_completion(&rx_done);
	return 0;
}

static const struct kernel_param_ops buggy_packets_ops = {
	.set = buggy_packets_set,
};
module_param_cb(packets, &buggy_packets_ops, NULL, 0200);
MODULE_PARM_DESC(packets, "write N: the link comes up and N packets arrive");

static void buggy_free_bufs(struct buggy_ring *r)
{
	int i;

	for (i = 0; i < BUGGY_NR_BUFS; i++)
		if (r->bufs[i])
			__free_pages(r->bufs[i], 1);
}

static void buggy_free_labels(struct buggy_ring *r)
{
	int i;

	for (i = 0; i < BUGGY_NR_LABELS; i++)
		kfree(r->labels[i]);
}

static void buggy_free(struct buggy_ring *r)
{
	buggy_free_bufs(r);
	free_page(r->stats);
	buggy_free_labels(r);
	kfree(r);
}

/*
 * Not inlined: its two callers (stats=1, stats=2) must reach one call
 * site, as a driver reaches its sites in another order, not two.
 */
static noinline int buggy_alloc_stats(struct buggy_ring *r)
{
	r->stats = __get_free_page(GFP_KERNEL | __GFP_NOWARN);
	return r->stats ? 0 : -ENOMEM;
}

/* Not inlined: every label comes from this one call site. */
static noinline int buggy_alloc_label(struct buggy_ring *r, int i)
{
	r->labels[i] = kmalloc(16, GFP_KERNEL | __GFP_NOWARN);
	if (!r->labels[i])
		return -ENOMEM;
	strscpy(r->labels[i], "buggy", 16);
	return 0;
}

/* bug=crash: the timer trusts every buffer to be there. */
static void buggy_timer_fn(struct timer_list *t)
{
	unsigned long flags = 0;
	int i;

	for (i = 0; i < BUGGY_NR_BUFS; i++)
		flags |= READ_ONCE(ring->bufs[i]->flags);
	pr_info("allocfail_buggy: buffer page flags %lx\n", flags);
}

/*
 * The modes that keep the device up without the buffer that failed:
 * bug=stuck, unload, late and crash.
 */
static int buggy_degraded(struct buggy_ring *r)
{
	ring = r;
	if (!strcmp(bug, "unload")) {
		/* The reference the refill would drop; no refill comes. */
		__module_get(THIS_MODULE);
		ring_ok = true;
	} else if (!strcmp(bug, "late")) {
		/* What the exit must free once; it frees it twice. */
		cleanup = kzalloc(sizeof(*cleanup), GFP_KERNEL);
		ring_ok = true;
	} else if (!strcmp(bug, "crash")) {
		timer_setup(&buggy_timer, buggy_timer_fn, 0);
		mod_timer(&buggy_timer, jiffies + HZ / 10);
	}
	return 0;
}

/* The error path once the descriptor exists; what it does wrong is @bug's. */
static int buggy_unwind(struct buggy_ring *r)
{
	if (!strcmp(bug, "stuck") || !strcmp(bug, "unload") ||
	    !strcmp(bug, "late") || !strcmp(bug, "crash"))
		return buggy_degraded(r);

	if (!strcmp(bug, "swallow")) {
		/* Wrong: freed, but the failure is not returned. */
		buggy_free(r);
		swallowed = true;
		return 0;
	}
	if (!strcmp(bug, "unbound")) {
		/*
		 * Correct, as a failed PCI probe is: all freed, the module
		 * stays for its other devices and this one stays unbound
		 * (ring_ok N) until the module is loaded again.
		 */
		buggy_free(r);
		return 0;
	}
	if (!strcmp(bug, "leak")) {
		buggy_free_bufs(r);		/* and r is never freed */
		free_page(r->stats);
		buggy_free_labels(r);
	} else if (!strcmp(bug, "uaf")) {
		kfree(r);
		buggy_free_bufs(r);		/* reads r after the free */
	} else if (!strcmp(bug, "oops")) {
		buggy_free(ring);		/* NULL: set only on success */
	} else if (!strcmp(bug, "hang")) {
		/* Nothing ever completes it. */
		wait_for_completion(&buggy_refilled);
	} else {
		buggy_free(r);
	}
	return -ENOMEM;
}

/*
 * TASK_IDLE: the wait is the test; the hung-task detector would report an
 * uninterruptible sleep as a splat of its own, and a pending signal would
 * turn an interruptible one into a busy loop.
 */
static int buggy_reboot(struct notifier_block *nb, unsigned long action,
			void *data)
{
	for (;;)
		schedule_timeout_idle(HZ);
	return NOTIFY_DONE;
}

static struct notifier_block buggy_reboot_nb = {
	.notifier_call = buggy_reboot,
};

/* The allocations of a probe, and its error paths. */
static int __init buggy_probe(void)
{
	struct buggy_ring *r;
	int i;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	if (stats == 2 && buggy_alloc_stats(r))
		return buggy_unwind(r);
	for (i = 0; i < BUGGY_NR_BUFS; i++) {
		r->bufs[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);
		if (!r->bufs[i])
			return buggy_unwind(r);
	}
	if (stats == 1 && buggy_alloc_stats(r))
		return buggy_unwind(r);
	for (i = 0; i < label; i++)
		if (buggy_alloc_label(r, i))
			return buggy_unwind(r);
	ring = r;
	ring_ok = true;
	if (poweroff_hang)
		register_reboot_notifier(&buggy_reboot_nb);
	return 0;
}

static int __init buggy_init(void)
{
	static const char * const bugs[] = {
		"none", "leak", "uaf", "oops", "hang", "late", "stuck",
		"unload", "crash", "unbound", "swallow", "stall",
	};
	int i, err;
	/* exit_label: the unload's label takes the last slot. */
	int label_max = BUGGY_NR_LABELS - exit_label;

	for (i = 0; i < ARRAY_SIZE(bugs); i++)
		if (!strcmp(bug, bugs[i]))
			break;
	if (i == ARRAY_SIZE(bugs)) {
		pr_warn("allocfail_buggy: unknown bug=%s\n", bug);
		return -EINVAL;
	}
	if (label < 0 || label > label_max) {
		pr_warn("allocfail_buggy: label=%d: 0 to %d labels\n", label,
			label_max);
		return -EINVAL;
	}
	err = buggy_probe();
	/*
	 * The driver's registration, after its probe as a PCI driver's
	 * comes after the module's own set-up: bug=swallow skips it after
	 * a failed probe and returns 0 all the same.
	 */
	if (!err && !swallowed)
		registered = true;
	return err;
}

static void __exit buggy_exit(void)
{
	if (poweroff_hang)
		unregister_reboot_notifier(&buggy_reboot_nb);
	if (!strcmp(bug, "crash"))
		timer_delete_sync(&buggy_timer);
	tasklet_kill(&buggy_rx_tasklet);
	buggy_rx_free();
	if (cleanup) {
		kfree_rcu(cleanup, rcu);
		kfree(cleanup);		/* and again after a grace period */
	}
	/*
	 * exit_label: a call site the load and the unload both reach, what
	 * a campaign to depth must count across the two (its failure is
	 * harmless: the label is not needed).
	 */
	if (ring && exit_label)
		buggy_alloc_label(ring, BUGGY_NR_LABELS - 1);
	/* bug=unbound: no device */
	if (ring)
		buggy_free(ring);
}

module_init(buggy_init);
module_exit(buggy_exit);
MODULE_DESCRIPTION("allocfail campaign target with deliberately broken error paths");
MODULE_LICENSE("GPL");
