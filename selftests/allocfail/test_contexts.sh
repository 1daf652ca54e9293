#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The contexts filter: a policy on hardirq context fails GFP_ATOMIC
# allocations made from a hard irq_work and no others; then each context
# in turn.  "spinlock" allocates under a spinlock with interrupts on,
# which is atomic context only through preempt_count(): on a kernel
# without CONFIG_PREEMPT_COUNT allocfail cannot see it, so there it must
# refuse "task" or "atomic" alone, and take them together.

. "$(dirname "$0")/allocfail_lib.sh"

N=20
ALLOC_CTXS="task atomic spinlock softirq hardirq"
ktap_print_header
af_setup
if [ "$AF_PREEMPT_COUNT" = Y ]; then
	TARGETS="task atomic softirq hardirq"
	ktap_set_plan 20
else
	TARGETS="task,atomic softirq hardirq"
	ktap_set_plan 19
fi

af_policy p orders=3 gfp_require=GFP_ATOMIC ||
	ktap_exit_fail_msg "cannot create policy"

if [ "$AF_PREEMPT_COUNT" != Y ]; then
	echo softirq >$CFS/p/contexts
	for ctx in task atomic task,softirq atomic,hardirq; do
		said=$(dmesg | grep -c "without CONFIG_PREEMPT_COUNT")
		if echo "$ctx" >$CFS/p/contexts 2>/dev/null; then
			ktap_test_fail "no CONFIG_PREEMPT_COUNT: contexts=$ctx taken"
		elif [ "$(cat $CFS/p/contexts)" != softirq ]; then
			ktap_test_fail "no CONFIG_PREEMPT_COUNT: contexts=$ctx refused but changed"
		elif [ "$(dmesg | grep -c "without CONFIG_PREEMPT_COUNT")" -le "$said" ]; then
			ktap_test_fail "no CONFIG_PREEMPT_COUNT: contexts=$ctx refused without a reason"
		else
			ktap_test_pass "no CONFIG_PREEMPT_COUNT: contexts=$ctx refused, with a reason"
		fi
	done
fi

for target in $TARGETS; do
	echo 0 >$CFS/p/enable
	echo "$target" >$CFS/p/contexts
	echo 1 >$CFS/p/enable
	for ctx in $ALLOC_CTXS; do
		case ",$target," in
		*,"$ctx",*) want=$N ;;
		*,atomic,*) [ "$ctx" = spinlock ] && want=$N || want=0 ;;
		*) want=0 ;;
		esac
		af_expect "contexts=$target, allocating in $ctx" \
			"$ctx" 3 GFP_ATOMIC $N "$want"
	done
done

af_teardown
ktap_finished
