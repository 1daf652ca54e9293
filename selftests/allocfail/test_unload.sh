#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unload safety: allocation storms run on every CPU, in every context,
# while enabled policies inject into them; the policies are removed and
# allocfail is unloaded under the storm, then loaded again, several times.
# The storm's callers must see failures exactly while allocfail injects
# and none once it is gone; vm-run fails the run on any splat.

. "$(dirname "$0")/allocfail_lib.sh"

ROUNDS=3
ktap_print_header
af_setup
ktap_set_plan $((ROUNDS * 4 + 1))
af_storm_start 3

round=1
while [ $round -le $ROUNDS ]; do
	lsmod | grep -q "^allocfail " || modprobe allocfail ||
		ktap_exit_fail_msg "cannot reload allocfail"
	f0=$(af_storm_count all failed)
	if ! af_policy atomic$round gfp_reject=__GFP_DIRECT_RECLAIM \
		"callers=[allocfail_storm]" schedule/probability=50 enable=1 ||
		! af_policy task$round contexts="$AF_TASK" orders=1-3 \
		"callers=[allocfail_storm]" schedule/probability=50 enable=1; then
		ktap_exit_fail_msg "cannot create policies"
	fi
	sleep 1
	if rmmod allocfail 2>/dev/null; then
		ktap_test_fail "round $round: rmmod refused while policies are enabled"
	else
		ktap_test_pass "round $round: rmmod refused while policies are enabled"
	fi
	echo 0 >$CFS/atomic$round/enable
	echo 0 >$CFS/task$round/enable
	# Let injections in flight reach the storm's counters.
	sleep 1
	j=$(($(cat $CFS/atomic$round/injected) + $(cat $CFS/task$round/injected)))
	seen=$(($(af_storm_count all failed) - f0))
	if [ "$j" -gt 0 ] && [ "$seen" -eq "$j" ]; then
		ktap_test_pass "round $round: storm callers saw $seen NULLs, policies injected $j"
	else
		ktap_test_fail "round $round: storm callers saw $seen NULLs, policies injected $j"
	fi
	rmdir $CFS/atomic$round $CFS/task$round
	af_expect_true "round $round: rmmod under the storm" rmmod allocfail
	f2=$(af_storm_count all failed)
	sleep 1
	af_expect_eq "round $round: no NULLs once unloaded" \
		$(($(af_storm_count all failed) - f2)) 0
	round=$((round + 1))
done

af_storm_stop
summary=""
ran=0
for ctx in hardirq softirq atomic task; do
	a=$(af_storm_count $ctx attempts)
	summary="$summary $ctx=$a"
	[ "$a" -gt 0 ] && ran=$((ran + 1))
done
af_expect_eq "storms ran in every context (attempts:$summary)" $ran 4

af_teardown
ktap_finished
