#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The contexts filter: a policy on hardirq context fails GFP_ATOMIC
# allocations made from a hard irq_work and no others; then each context
# in turn.

. "$(dirname "$0")/allocfail_lib.sh"

N=20
CTXS="task atomic softirq hardirq"
ktap_print_header
af_setup
ktap_set_plan 16

af_policy p orders=3 gfp_require=GFP_ATOMIC ||
	ktap_exit_fail_msg "cannot create policy"
for target in $CTXS; do
	echo 0 >$CFS/p/enable
	echo "$target" >$CFS/p/contexts
	echo 1 >$CFS/p/enable
	for ctx in $CTXS; do
		want=0
		[ "$ctx" = "$target" ] && want=$N
		af_expect "contexts=$target, allocating in $ctx" \
			"$ctx" 3 GFP_ATOMIC $N $want
	done
done

af_teardown
ktap_finished
