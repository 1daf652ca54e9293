#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Atomic callers survive: the helper allocates in every context (task,
# atomic, softirq, hardirq), every order from 0 to the kernel's maximum,
# with GFP_ATOMIC, GFP_NOWAIT and (in task context) GFP_KERNEL, checking
# and freeing every result.  A policy fails atomic order-3 allocations in
# hard irq context: exactly those callers see NULL, as many as the policy
# says it injected, and no other context, order or mask sees one.  Once
# the policy is disabled every allocation succeeds again.  vm-run fails the
# run on any splat or leak report.

. "$(dirname "$0")/allocfail_lib.sh"

N=4
CTXS="task atomic softirq hardirq"
ktap_print_header
af_setup

# The kernel's maximum order, as the helper (MAX_PAGE_ORDER) accepts it.
max=0
while echo "task $((max + 1)) GFP_ATOMIC 1" >"$HELPER" 2>/dev/null; do
	max=$((max + 1))
done
ktap_print_msg "orders 0-$max, $N allocations per context, order and mask"
ktap_set_plan 12

# matrix TARGET_CTX TARGET_ORDER WANT [quiet]: every context x mask x
# order; one KTAP line per context and mask, with the failures per order
# (with quiet, only matrix_bad counts the rows that were wrong).  Adds what
# the callers saw to total_attempts and total_failed.
total_attempts=0
total_failed=0
matrix() {
	matrix_bad=0
	for ctx in $CTXS; do
		gfps="GFP_ATOMIC GFP_NOWAIT"
		[ "$ctx" = task ] && gfps="$gfps GFP_KERNEL"
		for gfp in $gfps; do
			row=""
			bad=0
			attempts=0
			order=0
			while [ $order -le $max ]; do
				want=0
				if [ "$ctx" = "$1" ] && [ $order -eq "$2" ] &&
					[ "$gfp" != GFP_KERNEL ]; then
					want=$3
				fi
				if ! af_alloc "$ctx" $order "$gfp" $N; then
					af_failed="?"
					bad=1
				elif [ "$af_failed" -ne "$want" ]; then
					bad=1
				else
					total_failed=$((total_failed + af_failed))
				fi
				attempts=$((attempts + N))
				row="$row $af_failed"
				order=$((order + 1))
			done
			total_attempts=$((total_attempts + attempts))
			desc="$ctx $gfp: $attempts attempts, NULLs per order:$row"
			if [ -n "${4:-}" ]; then
				matrix_bad=$((matrix_bad + bad))
			elif [ $bad -eq 0 ]; then
				ktap_test_pass "$desc"
			else
				ktap_test_fail "$desc"
			fi
		done
	done
}

af_policy hirq3 orders=3 gfp_reject=__GFP_DIRECT_RECLAIM contexts=hardirq \
	"callers=[allocfail_helper]" enable=1 ||
	ktap_exit_fail_msg "cannot create policy"
matrix hardirq 3 $N
af_expect_eq "policy injected as many failures as callers saw NULLs" \
	"$(cat $CFS/hirq3/injected)" $total_failed
sites=$(sed "s/+.*context=/ /; s/ count=.*//" $CFS/hirq3/sites | sort -u | paste -sd" ")
sum=$(sed -n "s/.*count=//p" $CFS/hirq3/sites | awk "{ s += \$1 } END { print s + 0 }")
af_expect_eq "sites: the helper, in hard irq context" "$sites $sum" \
	"helper_alloc_loop hardirq $((2 * N))"

echo 0 >$CFS/hirq3/enable
total_attempts=0
total_failed=0
matrix none -1 0 quiet
if [ $matrix_bad -ne 0 ] || [ $total_failed -ne 0 ]; then
	ktap_test_fail "recovered after enable=0: $matrix_bad rows saw NULLs"
else
	ktap_test_pass "recovered after enable=0: $total_attempts of $total_attempts succeed"
fi

af_teardown
ktap_finished
