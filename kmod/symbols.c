// SPDX-License-Identifier: GPL-2.0
/*
 * Turning names into text ranges, and stacks into callers.
 *
 * Modules cannot call kallsyms_lookup_name() or look modules up by name
 * (neither is exported), so:
 * - a function's start comes from registering a kprobe on it by name (the
 *   kprobe core resolves symbols for us) and its size from sprint_symbol();
 * - a module is found by walking the module list, which our own module is
 *   on, under RCU, as the kernel's readers of that list do.
 * Both run when a policy is written, never in the hook.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/string.h>
#include "allocfail.h"

/*
 * The function around @addr, as [start, end) the way kallsyms (and so
 * "%pS", and so "sites") measures it: up to the next symbol, padding
 * included.
 */
static int af_symbol_range(unsigned long addr, struct af_range *r)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long off, size;
	const char *plus;

	/* "name+0x4/0x1a0 [module]" */
	sprint_symbol(sym, addr);
	plus = strchr(sym, '+');
	if (!plus || sscanf(plus, "+%lx/%lx", &off, &size) != 2 || !size)
		return -ENOENT;
	r->start = addr - off;
	r->end = r->start + size;
	return 0;
}

/* Resolve a function name to [start, end).  Sleeps. */
int allocfail_resolve_func(const char *name, struct af_range *r)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;
	int ret;

	ret = register_kprobe(&kp);
	if (ret)
		return -ENOENT;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	/* The probe may sit past an ENDBR: the symbol's start is wanted. */
	return af_symbol_range(addr, r);
}

/*
 * The global module list's head is kernel data, every other node is
 * inside a struct module in module memory.
 */
static bool af_is_module_node(struct list_head *node)
{
	unsigned long a = (unsigned long)node;

	return a >= MODULES_VADDR && a < MODULES_END;
}

/*
 * The loaded module @name, unless it is @skip or any other module going
 * away (its text is about to be freed: a range in it would later cover
 * whatever reuses the memory); the caller holds rcu_read_lock().  The walk
 * starts from our own module's node, so it never visits ours: that one is
 * checked by name.
 */
static struct module *af_find_module(const char *name,
				     const struct module *skip)
{
	struct list_head *pos;

	list_for_each_rcu(pos, &THIS_MODULE->list) {
		struct module *mod;

		if (!af_is_module_node(pos))
			continue;
		mod = list_entry(pos, struct module, list);
		if (mod == skip || mod->state == MODULE_STATE_UNFORMED ||
		    mod->state == MODULE_STATE_GOING ||
		    strcmp(mod->name, name))
			continue;
		return mod;
	}
	return strcmp(THIS_MODULE->name, name) ? NULL : THIS_MODULE;
}

/*
 * @mod's init text is freed once it is live (after the LIVE notifier,
 * which drops the ranges resolved before): is [@start, @end) in it?
 */
static bool af_in_freed_init(struct module *mod, unsigned long start,
			     unsigned long end)
{
	struct af_range r[2];

	if (mod->state != MODULE_STATE_LIVE || af_module_text_ranges(mod, r) < 2)
		return false;
	return start < r[1].end && end > r[1].start;
}

/*
 * Text ranges of the loaded module @name, into @r: its core text, and its
 * init text until it is live; returns how many (0 when no such module is
 * loaded, or it is @skip, going away).
 */
int allocfail_resolve_module(const char *name, struct af_range *r,
			     const struct module *skip)
{
	struct module *mod;
	int n = 0;

	rcu_read_lock();
	mod = af_find_module(name, skip);
	if (mod) {
		n = af_module_text_ranges(mod, r);
		/* the init range comes second */
		if (n == 2 && mod->state == MODULE_STATE_LIVE)
			n = 1;
	}
	rcu_read_unlock();
	return n;
}

/*
 * The function @func of the loaded module @name, as [start, end): found in
 * the module's own symbol table, complete from the moment the module is
 * coming (before its init runs), when a kprobe could not yet be placed;
 * measured as kallsyms measures it.
 * -ENODEV: no such module loaded (or @skip); -ENOENT: no such function.
 */
int allocfail_resolve_module_func(const char *name, const char *func,
				  struct af_range *r, const struct module *skip)
{
	struct mod_kallsyms *ks;
	struct module *mod;
	unsigned int i;
	int ret = -ENOENT;

	rcu_read_lock();
	mod = af_find_module(name, skip);
	if (!mod) {
		ret = -ENODEV;
		goto out;
	}
	ks = rcu_dereference(mod->kallsyms);
	for (i = 0; i < ks->num_symtab; i++) {
		const Elf_Sym *sym = &ks->symtab[i];
		char type = ks->typetab[i];

		if ((type != 't' && type != 'T') || !sym->st_size ||
		    strcmp(ks->strtab + sym->st_name, func))
			continue;
		ret = af_symbol_range(kallsyms_symbol_value(sym), r);
		if (!ret && af_in_freed_init(mod, r->start, r->end))
			ret = -ENOENT;
		break;
	}
out:
	rcu_read_unlock();
	return ret;
}

/*
 * Frames that belong to the allocator rather than to its caller; names are
 * compared without compiler suffixes (".constprop.0") and both with and
 * without 6.10's "_noprof".
 */
static const char * const af_allocator_funcs[] = {
	"should_fail_alloc_page", "prepare_alloc_pages", "should_failslab",
	"slab_pre_alloc_hook", "__kmem_cache_alloc_node", "__kmem_cache_alloc_lru",
	"__alloc_pages", "alloc_pages", "alloc_pages_mpol", "__folio_alloc",
	"folio_alloc", "alloc_pages_bulk", "__alloc_pages_bulk",
	"__get_free_pages", "get_free_pages", "get_zeroed_page", "alloc_pages_exact",
	"alloc_pages_exact_nid", "__page_frag_alloc_align",
	"page_frag_alloc_va", "__page_frag_cache_refill",
	"alloc_slab_page", "allocate_slab", "new_slab", "___slab_alloc",
	"__slab_alloc", "__slab_alloc_node", "slab_alloc_node",
	"kmem_cache_alloc", "kmem_cache_alloc_lru", "kmem_cache_alloc_node",
	"kmem_cache_alloc_bulk", "__kmalloc", "__kmalloc_node",
	"__kmalloc_cache", "__kmalloc_cache_node", "kmalloc_trace",
	"__do_kmalloc_node", "__kmalloc_node_track_caller",
	"__kmalloc_large", "__kmalloc_large_node", "___kmalloc_large_node",
	"kmalloc_large", "kmalloc_large_node", "__kmalloc_track_caller",
	"kmalloc_node_trace", "kmalloc_order", "kmalloc_order_trace",
	"__alloc_skb_frag", "ftrace_ops_assist_func", "arch_ftrace_ops_list_func",
	"ftrace_regs_caller", "ftrace_caller", "stack_trace_save",
	/* wrappers: their callers are the sites, not they */
	"__kvmalloc_node", "kvmalloc_node", "kvmalloc", "kvzalloc",
	"kvrealloc", "krealloc", "kmemdup", "kmemdup_nul", "kstrdup",
	"kstrndup", "kstrdup_const", "kmalloc_node", "kmalloc",
	"vm_area_alloc_pages", "__vmalloc_area_node", "__vmalloc_node_range",
	"__vmalloc_node", "vmalloc", "vzalloc", "vmalloc_node",
	"alloc_pages_bulk_array_mempolicy", "alloc_pages_bulk_mempolicy",
	"alloc_pages_node", "__alloc_pages_node", "__folio_alloc_node",
	"folio_alloc_mpol", "vma_alloc_folio", "mempool_alloc",
	"mempool_alloc_slab", "mempool_alloc_pages", "mempool_kmalloc",
	"mempool_alloc_preallocated",
};

static bool af_is_allocator_frame(unsigned long addr)
{
	char sym[KSYM_SYMBOL_LEN];
	size_t len;
	char *dot;
	int i;

	if (within_module(addr, THIS_MODULE))
		return true;
	if (!sprint_symbol_no_offset(sym, addr))
		return false;
	/* ftrace's trampolines and unnamed text sit between us and the allocator */
	if (!strncmp(sym, "0x", 2) || !strncmp(sym, "ftrace_", 7))
		return true;
	if (strchr(sym, ' '))		/* "[module]": not the allocator */
		return false;
	dot = strchr(sym, '.');
	if (dot)
		*dot = '\0';
	len = strlen(sym);
	if (len > 7 && !strcmp(sym + len - 7, "_noprof"))
		sym[len - 7] = '\0';
	for (i = 0; i < ARRAY_SIZE(af_allocator_funcs); i++)
		if (!strcmp(sym, af_allocator_funcs[i]))
			return true;
	return false;
}

/*
 * The allocating caller: the first frame past the last allocator frame
 * among the innermost ones.  Only called when a failure is injected.
 */
unsigned long allocfail_find_caller(const unsigned long *entries,
				    unsigned int nr)
{
	unsigned int i, last = 0;
	bool seen = false;

	for (i = 0; i < nr; i++) {
		if (af_is_allocator_frame(entries[i])) {
			last = i;
			seen = true;
		} else if (seen) {
			break;
		}
	}
	if (!seen)
		return nr ? entries[0] : 0;
	return last + 1 < nr ? entries[last + 1] : entries[last];
}
