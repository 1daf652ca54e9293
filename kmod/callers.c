// SPDX-License-Identifier: GPL-2.0
/*
 * The "callers" filter: a policy matches only allocations whose call stack
 * passes through one of the named functions or modules.
 *
 *   callers = "null_blk"              a loaded module, or a function
 *   callers = "[null_blk]"            a module, loaded now or later
 *   callers = "my_probe, [e1000]"     several, separated by ',' or spaces
 *
 * Names are turned into text ranges when written (symbols.c), so the hook
 * only compares addresses.  A module named in brackets may load after the
 * policy was written, which is how a campaign targets a driver's probe; a
 * module notifier re-resolves every policy when a module comes or goes.
 */
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "allocfail.h"

static const struct module *af_going;	/* under allocfail_lock */

/*
 * Parse @buf into @m's ranges.  Strict (when a user writes the attribute):
 * every bare name must resolve now.  Lenient (on module events): names
 * that no longer resolve are dropped.
 */
static int af_callers_fill(const char *buf, struct allocfail_match *m,
			   bool strict)
{
	char *copy, *cur, *tok;
	unsigned int n = 0;
	int ret = 0;

	m->callers = false;
	m->nr_ranges = 0;
	copy = kstrdup(buf, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cur = strim(copy);
	if (!*cur) {
		/* Blank is a mistake, not a request to match every caller. */
		pr_warn("allocfail: empty list of callers (write none to clear)\n");
		ret = -EINVAL;
		goto out;
	}
	if (!strcmp(cur, "none"))
		goto out;
	while ((tok = strsep(&cur, ", \t\n")) != NULL) {
		struct af_range *r = &m->ranges[m->nr_ranges];
		size_t len = strlen(tok);
		bool module = len > 2 && tok[0] == '[' && tok[len - 1] == ']';
		int got;

		if (!len)
			continue;
		if (++n > AF_MAX_CALLERS) {
			pr_warn("allocfail: at most %d callers\n", AF_MAX_CALLERS);
			ret = -EINVAL;
			break;
		}
		if (module) {
			tok[len - 1] = '\0';
			tok++;
			if (strlen(tok) >= MODULE_NAME_LEN) {
				pr_warn("allocfail: module name too long\n");
				ret = -EINVAL;
				break;
			}
		} else if (!allocfail_resolve_func(tok, r)) {
			m->nr_ranges++;
			continue;
		}
		got = allocfail_resolve_module(tok, r, af_going);
		m->nr_ranges += got;
		if (!got && !module && strict) {
			pr_warn("allocfail: '%s' is neither a function nor a loaded module (write [%s] for a module yet to load)\n",
				tok, tok);
			ret = -EINVAL;
			break;
		}
	}
	m->callers = !ret && n;
out:
	kfree(copy);
	return ret;
}

int allocfail_callers_parse(const char *buf, struct allocfail_match *m)
{
	return af_callers_fill(buf, m, true);
}

/* An edit for allocfail_match_update_locked(): take @arg's callers. */
void allocfail_edit_callers(struct allocfail_match *m, void *arg)
{
	struct allocfail_match *fresh = arg;

	m->callers = fresh->callers;
	m->nr_ranges = fresh->nr_ranges;
	memcpy(m->ranges, fresh->ranges, sizeof(m->ranges));
}

/*
 * Whether the event of module @mod can change what @p's callers resolve
 * to: the list names @mod, a bare name is one of @mod's functions, or a
 * resolved range lies in @mod (going away, or its init text freed).  Any
 * other list resolves as before, and resolving it again would cost a
 * kprobe and a grace period per function name inside the module loader.
 */
static bool af_callers_concern(struct allocfail_policy *p, struct module *mod)
{
	struct allocfail_match *m = rcu_dereference_protected(p->match,
					lockdep_is_held(&allocfail_lock));
	char *copy, *cur, *tok;
	struct af_range r;
	bool hit = false;
	unsigned int i;

	for (i = 0; i < m->nr_ranges; i++)
		if (within_module(m->ranges[i].start, mod))
			return true;
	copy = kstrdup(p->callers_src, GFP_KERNEL);
	/* Unsure: resolve it again, as before. */
	if (!copy)
		return true;
	cur = copy;
	while (!hit && (tok = strsep(&cur, ", \t\n")) != NULL) {
		size_t len = strlen(tok);

		if (len > 2 && tok[0] == '[' && tok[len - 1] == ']') {
			tok[len - 1] = '\0';
			hit = !strcmp(tok + 1, mod->name);
		} else if (len) {
			hit = !strcmp(tok, mod->name) ||
			      !allocfail_resolve_module_func(mod->name, tok,
							     &r, NULL);
		}
	}
	kfree(copy);
	return hit;
}

/*
 * Re-resolve the callers and site of every policy that module @mod, which
 * came, finished its init or is going, concerns; called with
 * allocfail_lock held.
 */
static void af_callers_refresh(struct module *mod)
{
	struct allocfail_policy *p;
	struct allocfail_match *fresh;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return;
	list_for_each_entry(p, &allocfail_policies, node) {
		if (p->callers_src[0] && af_callers_concern(p, mod) &&
		    !af_callers_fill(p->callers_src, fresh, false))
			allocfail_match_update_locked(p, allocfail_edit_callers,
						      fresh);
		if (allocfail_site_in_module(p->site_src) &&
		    !allocfail_site_fill(p->site_src, fresh, false, af_going))
			allocfail_match_update_locked(p, allocfail_edit_site,
						      fresh);
	}
	kfree(fresh);
}

static int af_module_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct module *mod = data;
	int slot;

	/*
	 * COMING: its text appears.  LIVE: its init text is about to be
	 * freed, so ranges in it go.  GOING: all of it goes.
	 */
	if (action != MODULE_STATE_COMING && action != MODULE_STATE_LIVE &&
	    action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	slot = allocfail_self_enter();
	mutex_lock(&allocfail_lock);
	af_going = action == MODULE_STATE_GOING ? mod : NULL;
	af_callers_refresh(mod);
	af_going = NULL;
	mutex_unlock(&allocfail_lock);
	allocfail_self_exit(slot);
	return NOTIFY_DONE;
}

static struct notifier_block af_module_nb = {
	.notifier_call = af_module_notify,
};

/*
 * The kernel's debugging instrumentation allocates on a caller's behalf:
 * kmemleak's record of each new object and the scan area it adds to one
 * (vmalloc's: a failure there only makes kmemleak scan the whole object
 * and print "Cannot allocate a scan area"), the stack depot's pools
 * (KASAN, kmemleak and page_owner backtraces), and with KASAN the record SLUB
 * allocates inside a free to delay it by a grace period (SLUB_RCU_DEBUG,
 * objects of SLAB_TYPESAFE_BY_RCU caches: on failure it frees at once;
 * nothing else allocates inside a free).  Those allocations are not the
 * caller's: it never sees one fail, and whether one happens at all depends
 * on the instrumentation's own caches, so counting them would make "nth"
 * pick a different allocation from one run to the next.  "callers" never
 * matches them.  Resolved once at load; a name the kernel lacks is skipped.
 */
static const struct {
	const char *name;
	bool on;	/* the kernel's configuration makes it allocate */
	bool slab;	/* it allocates slab objects (the stack depot: pages) */
} af_instr_funcs[] = {
	{ "kmemleak_alloc", true, true },
	{ "kmemleak_alloc_percpu", true, true },
	{ "kmemleak_vmalloc", true, true },
	{ "kmemleak_alloc_phys", true, true },
	{ "kmemleak_scan_area", true, true },
	{ "__alloc_object", true, true },
	/*
	 * 6.1: kmemleak_alloc() and kmemleak_scan_area() tail-call these,
	 * so only they are on the stack of kmemleak's own allocations.
	 */
	{ "__create_object", true, true },
	{ "add_scan_area", true, true },
	{ "stack_depot_save_flags", true, false },
	/* 6.1: KASAN calls it directly, for order-2 GFP_ATOMIC pools. */
	{ "__stack_depot_save", true, false },
	/* Frees allocate only to delay an object by a grace period. */
	{ "kmem_cache_free", IS_ENABLED(CONFIG_SLUB_RCU_DEBUG), true },
	{ "kfree", IS_ENABLED(CONFIG_SLUB_RCU_DEBUG), true },
	{ "kmem_cache_free_bulk", IS_ENABLED(CONFIG_SLUB_RCU_DEBUG), true },
};
struct af_range allocfail_instr[AF_MAX_INSTR] __ro_after_init;
unsigned int allocfail_nr_instr __ro_after_init;
/*
 * Whether any of them allocates slab objects: if not, a slab policy need
 * not walk every matching allocation's stack to leave theirs out (on a
 * kernel without kmemleak that walk was most of a match's cost).
 */
bool allocfail_slab_instr __ro_after_init;

static void af_instr_init(void)
{
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(af_instr_funcs) > AF_MAX_INSTR);
	for (i = 0; i < ARRAY_SIZE(af_instr_funcs); i++) {
		if (!af_instr_funcs[i].on ||
		    allocfail_resolve_func(af_instr_funcs[i].name,
					   &allocfail_instr[allocfail_nr_instr]))
			continue;
		allocfail_nr_instr++;
		if (af_instr_funcs[i].slab)
			allocfail_slab_instr = true;
	}
}

int allocfail_callers_init(void)
{
	af_instr_init();
	return register_module_notifier(&af_module_nb);
}

void allocfail_callers_exit(void)
{
	unregister_module_notifier(&af_module_nb);
}
