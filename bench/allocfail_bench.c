// SPDX-License-Identifier: GPL-2.0
/*
 * allocfail benchmark: the cost of alloc_pages() + __free_pages() pairs, or
 * kmalloc() + kfree() pairs, timed in the kernel on each CPU in turn, so
 * that the allocators' fault-injection hooks (none, fail_page_alloc or
 * failslab, fail_function, allocfail) can be compared in one boot.
 *
 *   echo "<order|kN> <gfp> <iterations> <repeats>" > /sys/kernel/debug/allocfail_bench/run
 *   cat /sys/kernel/debug/allocfail_bench/run
 *   cpu0=<ns> cpu1=<ns> median=<ns>
 *
 * Each CPU runs <repeats> timed loops of <iterations> pairs; its figure is
 * the median loop's ns per pair; "median" is the median over CPUs.
 * gfp: GFP_ATOMIC or GFP_KERNEL.  Allocations that fail are counted and
 * reported as failed=<n> (a benchmark configuration must not inject).
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#define BENCH_MAX_REPEATS	31
#define BENCH_MAX_ITERS		1000000

struct bench_args {
	gfp_t gfp;
	unsigned int order;
	unsigned int kmalloc_size;	/* kmalloc() pairs of this size; 0: pages */
	unsigned int iters;
	unsigned int repeats;
	unsigned long failed;
	u64 ns[BENCH_MAX_REPEATS];
};

static DEFINE_MUTEX(bench_lock);
static char bench_result[512];
static struct dentry *bench_dir;

static int bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), bench_cmp, NULL);
	return v[n / 2];
}

/* Runs on one CPU, in process context (smp_call_on_cpu). */
static int bench_on_cpu(void *data)
{
	struct bench_args *a = data;
	unsigned int r, i;

	for (r = 0; r < a->repeats; r++) {
		u64 t0 = ktime_get_ns();

		for (i = 0; i < a->iters; i++) {
			if (a->kmalloc_size) {
				void *p = kmalloc(a->kmalloc_size,
						  a->gfp | __GFP_NOWARN);

				if (!p)
					a->failed++;
				kfree(p);
			} else {
				struct page *page;

				page = alloc_pages(a->gfp | __GFP_NOWARN,
						   a->order);
				if (page)
					__free_pages(page, a->order);
				else
					a->failed++;
			}
		}
		a->ns[r] = div_u64(ktime_get_ns() - t0, a->iters);
	}
	return 0;
}

static int bench_run(struct bench_args *tmpl)
{
	u64 cpu_ns[NR_CPUS > 64 ? 64 : NR_CPUS];
	struct bench_args *a;
	unsigned int n = 0;
	unsigned long failed = 0;
	size_t len = 0;
	int cpu, ret = 0;

	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (n == ARRAY_SIZE(cpu_ns))
			break;
		*a = *tmpl;
		ret = smp_call_on_cpu(cpu, bench_on_cpu, a, false);
		if (ret)
			break;
		cpu_ns[n] = bench_median(a->ns, a->repeats);
		failed += a->failed;
		len += scnprintf(bench_result + len, sizeof(bench_result) - len,
				 "cpu%d=%llu ", cpu, cpu_ns[n]);
		n++;
	}
	cpus_read_unlock();
	kfree(a);
	if (ret || !n)
		return ret ? ret : -ENODEV;
	len += scnprintf(bench_result + len, sizeof(bench_result) - len,
			 "median=%llu failed=%lu\n", bench_median(cpu_ns, n),
			 failed);
	return 0;
}

/* A page order, or "kN": kmalloc(N), N a slab size (at most 8192). */
static int bench_parse_what(const char *s, struct bench_args *a)
{
	if (s[0] == 'k')
		return kstrtouint(s + 1, 10, &a->kmalloc_size) ||
		       !a->kmalloc_size || a->kmalloc_size > 8192;
	return kstrtouint(s, 10, &a->order) || a->order > MAX_PAGE_ORDER;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct bench_args args = {};
	char buf[64], what[16], gfp[16];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %15s %u %u", what, gfp, &args.iters,
		   &args.repeats) != 4 || bench_parse_what(what, &args) ||
	    !args.iters || args.iters > BENCH_MAX_ITERS || !args.repeats ||
	    args.repeats > BENCH_MAX_REPEATS) {
		pr_warn("allocfail_bench: usage: <order|kN> <gfp> <iterations> <repeats>\n");
		return -EINVAL;
	}
	if (!strcmp(gfp, "GFP_ATOMIC")) {
		args.gfp = GFP_ATOMIC;
	} else if (!strcmp(gfp, "GFP_KERNEL")) {
		args.gfp = GFP_KERNEL;
	} else {
		pr_warn("allocfail_bench: gfp is GFP_ATOMIC or GFP_KERNEL\n");
		return -EINVAL;
	}

	mutex_lock(&bench_lock);
	ret = bench_run(&args);
	mutex_unlock(&bench_lock);
	return ret ? ret : len;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench_result,
				      strlen(bench_result));
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct file_operations bench_fops = {
	.owner	= THIS_MODULE,
	.read	= bench_read,
	.write	= bench_write,
	.llseek	= default_llseek,
};

static int __init bench_init(void)
{
	bench_dir = debugfs_create_dir("allocfail_bench", NULL);
	debugfs_create_file("run", 0600, bench_dir, NULL, &bench_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("allocfail benchmark: page allocation cost under fault-injection hooks");
MODULE_LICENSE("GPL");
