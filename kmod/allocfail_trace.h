/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace event allocfail:inject, fired for every injected failure (a page
 * allocation or a slab object), so ftrace and perf users see injections
 * beside the allocator's own events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM allocfail

#if !defined(_ALLOCFAIL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ALLOCFAIL_TRACE_H

#include <linux/tracepoint.h>
#include <trace/events/mmflags.h>
#include "compat.h"

TRACE_EVENT(inject,

	TP_PROTO(const char *policy, gfp_t gfp, unsigned int size,
		 unsigned int order, unsigned int ctx, unsigned long caller),

	TP_ARGS(policy, gfp, size, order, ctx, caller),

	TP_STRUCT__entry(
		__string(policy, policy)
		__field(unsigned long, gfp)
		__field(unsigned int, size)
		__field(unsigned int, order)
		__field(unsigned int, ctx)
		__field(unsigned long, caller)
	),

	TP_fast_assign(
		af_assign_str(policy, policy);
		__entry->gfp = (__force unsigned long)gfp;
		__entry->size = size;
		__entry->order = order;
		__entry->ctx = ctx;
		__entry->caller = caller;
	),

	/* a slab object (size > 0) says its size, a page allocation its order */
	TP_printk("policy=%s %s=%u gfp=%s context=%s caller=%pS",
		  __get_str(policy), __entry->size ? "size" : "order",
		  __entry->size ?: __entry->order,
		  show_gfp_flags(__entry->gfp),
		  __print_symbolic(__entry->ctx, { 0, "task" }, { 1, "atomic" },
				   { 2, "softirq" }, { 3, "hardirq" }),
		  (void *)__entry->caller)
);

#endif /* _ALLOCFAIL_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE allocfail_trace
#include <trace/define_trace.h>
