/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels allocfail builds against (6.1 and
 * 6.12 LTS) lives here.
 */
#ifndef _ALLOCFAIL_COMPAT_H
#define _ALLOCFAIL_COMPAT_H

#include <linux/version.h>
#include <linux/fault-inject.h>
#include <linux/ftrace.h>
#include <linux/mmzone.h>
#include <linux/configfs.h>

/* Highest page order, inclusive (6.8 renamed MAX_ORDER to MAX_PAGE_ORDER). */
#ifdef MAX_PAGE_ORDER
#define AF_MAX_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define AF_MAX_ORDER	MAX_ORDER
#else
#define AF_MAX_ORDER	(MAX_ORDER - 1)
#endif

/*
 * 6.2 added fault_config_init(): the standard fault attributes as a ready
 * configfs group.  On older kernels fault_config_compat.c provides the same
 * attributes, with the same names and meaning.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define af_fault_config		fault_config
#define af_fault_config_init	fault_config_init
#else
#define AF_FAULT_CONFIG_COMPAT	1
struct af_fault_config {
	struct fault_attr attr;
	struct config_group group;
};

void af_fault_config_init(struct af_fault_config *config, const char *name);
#endif

/*
 * Reading the hooked function's arguments and redirecting it, from an
 * ftrace callback.  6.12 has accessors; 6.1 x86 only has the pt_regs
 * inside struct ftrace_regs.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define af_fregs_arg(fregs, n)		ftrace_regs_get_argument(fregs, n)
#define af_fregs_set_ip(fregs, ip)	ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define af_fregs_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#define af_fregs_set_ip(fregs, ip)	ftrace_instruction_pointer_set(fregs, ip)
#endif

#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define AF_FTRACE_FLAGS	FTRACE_OPS_FL_IPMODIFY
#else
#define AF_FTRACE_FLAGS	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_SAVE_REGS)
#endif

/* 6.10 dropped __assign_str()'s source argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define af_assign_str(dst, src)	__assign_str(dst)
#else
#define af_assign_str(dst, src)	__assign_str(dst, src)
#endif

/* Core and init text of a module, as [start, end) ranges; returns how many. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define af_module_text_ranges(mod, r) ({					\
	(r)[0].start = (unsigned long)(mod)->mem[MOD_TEXT].base;		\
	(r)[0].end = (r)[0].start + (mod)->mem[MOD_TEXT].size;		\
	(r)[1].start = (unsigned long)(mod)->mem[MOD_INIT_TEXT].base;	\
	(r)[1].end = (r)[1].start + (mod)->mem[MOD_INIT_TEXT].size;	\
	2;								\
})
#else
#define af_module_text_ranges(mod, r) ({					\
	(r)[0].start = (unsigned long)(mod)->core_layout.base;		\
	(r)[0].end = (r)[0].start + (mod)->core_layout.text_size;	\
	(r)[1].start = (unsigned long)(mod)->init_layout.base;		\
	(r)[1].end = (r)[1].start + (mod)->init_layout.text_size;	\
	2;								\
})
#endif

#endif /* _ALLOCFAIL_COMPAT_H */
