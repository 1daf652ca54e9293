// SPDX-License-Identifier: GPL-2.0
/*
 * The "site" filter: a policy matches only allocations made at one call
 * site, the same caller the "sites" table records (the first frame past
 * the allocator's own), so a site read off "sites" can be failed alone:
 *
 *   site = "null_alloc_page+0x3c/0x120 [null_blk]"   as "sites" prints it
 *   site = "null_blk:null_alloc_page+0x3c"           the same, kprobe-style
 *   site = "blk_mq_alloc_rqs+0x80"                   in the kernel proper
 *   site = "none"                                    off
 *
 * A site in a module resolves when the module comes, and re-resolves every
 * time it is loaded again (at another address), which is how a campaign
 * fails a site of a driver's probe: the policy is written before the
 * driver is loaded.  Until then the filter matches nothing.
 *
 * Names are turned into an address when written and on module events, so
 * the hook only compares its caller with one address.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "allocfail.h"

/*
 * Split @s ("[mod:]func+0xoff[/0xsize][ [mod]]", modified in place) into
 * its parts; *@mod is NULL for a site in the kernel proper, *@size 0 when
 * not given.
 */
static int af_site_split(char *s, char **mod, char **func, unsigned long *off,
			 unsigned long *size)
{
	char *sp, *plus, *slash, *colon;

	*mod = NULL;
	*size = 0;
	sp = strchr(s, ' ');
	if (sp) {
		char *m = skip_spaces(sp);
		size_t len = strlen(m);

		*sp = '\0';
		if (len < 3 || m[0] != '[' || m[len - 1] != ']')
			return -EINVAL;
		m[len - 1] = '\0';
		*mod = m + 1;
	}
	colon = strchr(s, ':');
	if (colon) {
		if (*mod)
			return -EINVAL;	/* a module named twice */
		*colon = '\0';
		*mod = s;
		s = colon + 1;
	}
	plus = strchr(s, '+');
	if (!plus || plus == s)
		return -EINVAL;
	*plus++ = '\0';
	*func = s;
	slash = strchr(plus, '/');
	if (slash) {
		*slash++ = '\0';
		if (kstrtoul(slash, 16, size) || !*size)
			return -EINVAL;
	}
	if (kstrtoul(plus, 16, off))
		return -EINVAL;
	if (*mod && (!**mod || strlen(*mod) >= MODULE_NAME_LEN))
		return -EINVAL;
	return 0;
}

/*
 * Parse @buf into @m's site.  Strict (a user's write): the site must
 * resolve now, unless it is in a module not loaded yet.  Lenient (module
 * events): a site that does not resolve matches nothing.  @going is a
 * module on its way out, which no longer counts as loaded.
 */
int allocfail_site_fill(const char *buf, struct allocfail_match *m,
			bool strict, const struct module *going)
{
	unsigned long off, size;
	char *copy, *s, *mod, *func;
	struct af_range r;
	int ret;

	m->site_on = false;
	m->site = 0;
	copy = kstrdup(buf, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	s = strim(copy);
	if (!strcmp(s, "none")) {
		ret = 0;
		goto out;
	}
	ret = af_site_split(s, &mod, &func, &off, &size);
	if (ret) {
		pr_warn("allocfail: site: write func+0xoff, as \"sites\" prints it (or none)\n");
		goto out;
	}
	if (mod) {
		ret = allocfail_resolve_module_func(mod, func, &r, going);
		if (ret == -ENODEV) {
			/* Resolved when the module comes. */
			m->site_on = true;
			ret = 0;
			goto out;
		}
	} else {
		ret = allocfail_resolve_func(func, &r);
	}
	if (ret) {
		if (strict)
			pr_warn("allocfail: site: no function %s%s%s\n",
				mod ? mod : "", mod ? ":" : "", func);
		goto unresolved;
	}
	if (off >= r.end - r.start || (size && size != r.end - r.start)) {
		if (strict)
			pr_warn("allocfail: site: %s is 0x%lx bytes long%s\n",
				func, r.end - r.start,
				off >= r.end - r.start ? ": the offset is past its end" :
				", not the size given");
		goto unresolved;
	}
	m->site_on = true;
	m->site = r.start + off;
	goto out;
unresolved:
	/* Refused when written; on a module event, it matches nothing. */
	ret = strict ? -EINVAL : 0;
	m->site_on = !strict;
out:
	kfree(copy);
	return ret;
}

/*
 * Whether @src names a site in a module ("[mod]" or "mod:"), which module
 * events can move; a site in the kernel proper never moves, so they leave
 * it alone (resolving it again would register a kprobe for nothing).
 */
bool allocfail_site_in_module(const char *src)
{
	return strpbrk(src, ":[") != NULL;
}

/* An edit for allocfail_match_update_locked(): take @arg's site. */
void allocfail_edit_site(struct allocfail_match *m, void *arg)
{
	struct allocfail_match *fresh = arg;

	m->site_on = fresh->site_on;
	m->site = fresh->site;
}
