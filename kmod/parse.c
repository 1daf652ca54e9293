// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of attribute values.  Every parser works on a private copy and
 * reports -EINVAL with a one-line reason before anything is changed.
 */
#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/trace_events.h>
#include <trace/events/mmflags.h>
#include "allocfail.h"

/*
 * The GFP flag names %pGg prints, built from the same macro the kernel's
 * own gfpflag_names[] is (mm/debug.c), since that table is not exported.
 * Composite names (GFP_KERNEL, ...) come first, as in the kernel's table.
 */
static const struct trace_print_flags af_gfp_names[] = {
	__def_gfpflag_names,
	{ 0, NULL }
};

const char * const allocfail_ctx_names[AF_NR_CTX] = {
	[AF_CTX_TASK]		= "task",
	[AF_CTX_ATOMIC]		= "atomic",
	[AF_CTX_SOFTIRQ]	= "softirq",
	[AF_CTX_HARDIRQ]	= "hardirq",
};

/* Longest value any attribute accepts; longer input is refused. */
#define AF_MAX_INPUT	256

static char *af_dup_trimmed(const char *buf)
{
	size_t len = strnlen(buf, AF_MAX_INPUT + 1);
	char *copy;

	if (len > AF_MAX_INPUT) {
		pr_warn("allocfail: value longer than %d characters\n",
			AF_MAX_INPUT);
		return ERR_PTR(-EINVAL);
	}
	copy = kmemdup_nul(buf, len, GFP_KERNEL);
	if (!copy)
		return ERR_PTR(-ENOMEM);
	return copy;
}

static int af_gfp_token(const char *tok, gfp_t *out)
{
	const struct trace_print_flags *f;
	unsigned long val;

	/* %pGg prints a lone __GFP_DMA or __GFP_DMA32 as GFP_DMA, GFP_DMA32 */
	if (!strcmp(tok, "__GFP_DMA") || !strcmp(tok, "__GFP_DMA32"))
		tok += 2;
	for (f = af_gfp_names; f->name; f++) {
		if (!strcmp(tok, f->name)) {
			*out |= (__force gfp_t)f->mask;
			return 0;
		}
	}
	if (!kstrtoul(tok, 0, &val) &&
	    !(val & ~(unsigned long)(__force unsigned int)__GFP_BITS_MASK)) {
		*out |= (__force gfp_t)val;
		return 0;
	}
	pr_warn("allocfail: unknown GFP flag '%s'\n", tok);
	return -EINVAL;
}

/*
 * Accepts what %pGg prints: names and numbers joined by '|', or "none".
 * Spaces around the separators are allowed.
 */
int allocfail_parse_gfp(const char *buf, gfp_t *out)
{
	char *copy, *cur, *tok;
	gfp_t gfp = 0;
	int ret = 0, n = 0;

	copy = af_dup_trimmed(buf);
	if (IS_ERR(copy))
		return PTR_ERR(copy);
	cur = strim(copy);
	if (!strcmp(cur, "none") || !strcmp(cur, "0"))
		goto out;
	while ((tok = strsep(&cur, "|")) != NULL) {
		tok = strim(tok);
		ret = af_gfp_token(tok, &gfp);
		if (ret)
			break;
		n++;
	}
	if (!ret && !n) {
		pr_warn("allocfail: empty GFP flag list\n");
		ret = -EINVAL;
	}
out:
	kfree(copy);
	if (!ret)
		*out = gfp;
	return ret;
}

/* "3", "1-10", "0,3-5", "all"; orders above AF_MAX_ORDER are refused. */
int allocfail_parse_orders(const char *buf, unsigned long *orders)
{
	DECLARE_BITMAP(tmp, AF_NR_ORDERS);
	char *copy, *s;
	int ret;

	copy = af_dup_trimmed(buf);
	if (IS_ERR(copy))
		return PTR_ERR(copy);
	s = strim(copy);
	if (!strcmp(s, "all")) {
		bitmap_fill(tmp, AF_NR_ORDERS);
		ret = 0;
	} else if (!*s) {
		ret = -EINVAL;
	} else {
		ret = bitmap_parselist(s, tmp, AF_NR_ORDERS);
	}
	kfree(copy);
	if (ret) {
		pr_warn("allocfail: orders must be a list of 0-%d and ranges\n",
			AF_MAX_ORDER);
		return -EINVAL;
	}
	bitmap_copy(orders, tmp, AF_NR_ORDERS);
	return 0;
}

/*
 * A set of the names in @names (bit i for names[i]), separated by ',' or
 * spaces, or "all"; @what says which in the reason for a refusal.
 */
static int af_parse_name_set(const char *buf, const char * const *names,
			     unsigned int n, const char *what,
			     unsigned long *out)
{
	unsigned long set = 0;
	char *copy, *cur, *tok;
	int i, ret = 0;

	copy = af_dup_trimmed(buf);
	if (IS_ERR(copy))
		return PTR_ERR(copy);
	cur = strim(copy);
	if (!strcmp(cur, "all")) {
		set = BIT(n) - 1;
		goto out;
	}
	while ((tok = strsep(&cur, ", \t\n")) != NULL) {
		if (!*tok)
			continue;
		i = match_string(names, n, tok);
		if (i < 0) {
			pr_warn("allocfail: unknown %s '%s'\n", what, tok);
			ret = -EINVAL;
			goto out;
		}
		set |= BIT(i);
	}
	if (!set) {
		pr_warn("allocfail: empty %s list\n", what);
		ret = -EINVAL;
	}
out:
	kfree(copy);
	if (!ret)
		*out = set;
	return ret;
}

/* The names of the set's bits, joined by ','. */
static ssize_t af_show_name_set(unsigned long set, const char * const *names,
				unsigned int n, char *page)
{
	ssize_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (set & BIT(i))
			len += sysfs_emit_at(page, len, "%s%s", len ? "," : "",
					     names[i]);
	len += sysfs_emit_at(page, len, "\n");
	return len;
}

/*
 * Any of "task atomic softirq hardirq", separated by ',' or spaces.
 * Without CONFIG_PREEMPT_COUNT, preempt_disable() and spin_lock() leave
 * preempt_count() at 0, so an allocation under a spinlock with interrupts
 * on looks like task context: a set that names one of "task" and "atomic"
 * without the other asks for a distinction the kernel cannot make.
 */
int allocfail_parse_contexts(const char *buf, unsigned long *out)
{
	const unsigned long both = BIT(AF_CTX_TASK) | BIT(AF_CTX_ATOMIC);
	unsigned long set;
	int ret;

	ret = af_parse_name_set(buf, allocfail_ctx_names, AF_NR_CTX,
				"context", &set);
	if (ret)
		return ret;
	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT) && (set & both) &&
	    (set & both) != both) {
		pr_warn("allocfail: contexts: without CONFIG_PREEMPT_COUNT 'task' and 'atomic' cannot be told apart, name both or neither\n");
		return -EINVAL;
	}
	*out = set;
	return 0;
}

ssize_t allocfail_show_contexts(unsigned long contexts, char *page)
{
	return af_show_name_set(contexts, allocfail_ctx_names, AF_NR_CTX, page);
}

/*
 * Split @buf on commas and white space and hand each item to @item; "none"
 * is the empty list, which @what's attribute accepts as "off".  At most
 * @max items.  Returns the number of items, or -EINVAL with a reason.
 */
static int af_parse_list(const char *buf, const char *what, unsigned int max,
			 int (*item)(const char *tok, unsigned int i, void *arg),
			 void *arg)
{
	char *copy, *cur, *tok;
	unsigned int n = 0;
	int ret = 0;

	copy = af_dup_trimmed(buf);
	if (IS_ERR(copy))
		return PTR_ERR(copy);
	cur = strim(copy);
	if (!strcmp(cur, "none"))
		goto out;
	while ((tok = strsep(&cur, ", \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (n == max) {
			pr_warn("allocfail: at most %u %s\n", max, what);
			ret = -EINVAL;
			goto out;
		}
		ret = item(tok, n++, arg);
		if (ret)
			goto out;
	}
	if (!n) {
		pr_warn("allocfail: empty list of %s (write none to clear)\n",
			what);
		ret = -EINVAL;
	}
out:
	kfree(copy);
	return ret ? ret : n;
}

static int af_pid_item(const char *tok, unsigned int i, void *arg)
{
	pid_t *pids = arg;

	if (kstrtoint(tok, 10, &pids[i]) || pids[i] <= 0) {
		pr_warn("allocfail: '%s' is not a pid\n", tok);
		return -EINVAL;
	}
	return 0;
}

/* Up to AF_MAX_PIDS process ids, or "none". */
int allocfail_parse_pids(const char *buf, struct allocfail_match *m)
{
	pid_t pids[AF_MAX_PIDS];
	int n = af_parse_list(buf, "pids", AF_MAX_PIDS, af_pid_item, pids);

	if (n < 0)
		return n;
	m->nr_pids = n;
	memcpy(m->pids, pids, n * sizeof(pid_t));
	return 0;
}

static int af_comm_item(const char *tok, unsigned int i, void *arg)
{
	char (*comms)[TASK_COMM_LEN] = arg;

	if (strscpy(comms[i], tok, TASK_COMM_LEN) < 0) {
		pr_warn("allocfail: task names have at most %d characters\n",
			TASK_COMM_LEN - 1);
		return -EINVAL;
	}
	return 0;
}

/* Up to AF_MAX_COMMS task names (as in /proc/PID/comm), or "none". */
int allocfail_parse_comms(const char *buf, struct allocfail_match *m)
{
	char comms[AF_MAX_COMMS][TASK_COMM_LEN];
	int n = af_parse_list(buf, "comms", AF_MAX_COMMS, af_comm_item, comms);

	if (n < 0)
		return n;
	m->nr_comms = n;
	memcpy(m->comms, comms, sizeof(comms[0]) * n);
	return 0;
}

static const char * const af_allocator_names[] = { "page", "slab" };

/* "page", "slab" or both ("page,slab" or "all"). */
int allocfail_parse_allocators(const char *buf, unsigned int *out)
{
	unsigned long set;
	int ret;

	ret = af_parse_name_set(buf, af_allocator_names,
				ARRAY_SIZE(af_allocator_names), "allocator",
				&set);
	if (!ret)
		*out = set;
	return ret;
}

ssize_t allocfail_show_allocators(unsigned int allocators, char *page)
{
	return af_show_name_set(allocators, af_allocator_names,
				ARRAY_SIZE(af_allocator_names), page);
}

static int af_size_item(const char *tok, unsigned int i, void *arg)
{
	struct af_size_range *r = arg;
	const char *dash = strchr(tok, '-');
	char lo[16];

	r += i;
	if (dash) {
		if (dash - tok >= sizeof(lo))
			goto bad;
		memcpy(lo, tok, dash - tok);
		lo[dash - tok] = '\0';
		if (kstrtouint(lo, 10, &r->lo) ||
		    kstrtouint(dash + 1, 10, &r->hi))
			goto bad;
	} else {
		if (kstrtouint(tok, 10, &r->lo))
			goto bad;
		r->hi = r->lo;
	}
	if (r->lo && r->lo <= r->hi && r->hi <= AF_MAX_OBJ_SIZE)
		return 0;
bad:
	pr_warn("allocfail: size '%s' is not a size or range of 1-%u bytes\n",
		tok, AF_MAX_OBJ_SIZE);
	return -EINVAL;
}

/*
 * Slab object sizes: up to AF_MAX_SIZES sizes or ranges in bytes ("64",
 * "64-4096,8192"), or "all".  Sizes are the cache's object size, as
 * kmem_cache_size() reports it: kmalloc(100) is an object of 128 bytes.
 */
int allocfail_parse_sizes(const char *buf, struct allocfail_match *m)
{
	struct af_size_range sizes[AF_MAX_SIZES];
	char *copy, *s;
	int n;

	copy = af_dup_trimmed(buf);
	if (IS_ERR(copy))
		return PTR_ERR(copy);
	s = strim(copy);
	if (!strcmp(s, "all")) {
		n = 0;
	} else if (!strcmp(s, "none")) {
		/* The list parser would take it for the empty list, "all". */
		pr_warn("allocfail: sizes takes sizes, ranges or all\n");
		n = -EINVAL;
	} else {
		n = af_parse_list(s, "sizes", AF_MAX_SIZES, af_size_item,
				  sizes);
	}
	kfree(copy);
	if (n < 0)
		return n;
	m->nr_sizes = n;
	memcpy(m->sizes, sizes, n * sizeof(sizes[0]));
	return 0;
}

ssize_t allocfail_show_sizes(const struct allocfail_match *m, char *page)
{
	ssize_t len = 0;
	unsigned int i;

	if (!m->nr_sizes)
		return sysfs_emit(page, "all\n");
	for (i = 0; i < m->nr_sizes; i++) {
		const struct af_size_range *r = &m->sizes[i];

		len += sysfs_emit_at(page, len, "%s%u", i ? "," : "", r->lo);
		if (r->hi != r->lo)
			len += sysfs_emit_at(page, len, "-%u", r->hi);
	}
	return len + sysfs_emit_at(page, len, "\n");
}
