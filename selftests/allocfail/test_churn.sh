#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Churn: allocation storms run in hard irq, softirq, atomic and task
# context on every CPU while, for a fixed time, policies are created,
# enabled, rewritten, disabled and removed in a loop and two writers
# rewrite one attribute of an enabled policy at once; then allocfail is
# unloaded and loaded again, and the whole repeats.  Passing means: the
# kernel stays healthy (vm-run fails the run on any splat), every round
# completed, every read-back is one of the values written, counters stay
# consistent, and nothing fails once the policies are gone.
# CYCLES=<n> SECONDS_PER_CYCLE=<s> change the bounds.

. "$(dirname "$0")/allocfail_lib.sh"

CYCLES=${CYCLES:-2}
SECONDS_PER_CYCLE=${SECONDS_PER_CYCLE:-30}
ktap_print_header
af_setup
ktap_set_plan $((CYCLES * 5 + 1))
ktap_print_msg "$CYCLES cycles of ${SECONDS_PER_CYCLE}s"

af_storm_start 3
STOP=/tmp/allocfail-churn.run
writer() {
	while [ -e $STOP ]; do
		echo "$1" >$CFS/w/orders
	done
}

cycle=1
while [ "$cycle" -le "$CYCLES" ]; do
	lsmod | grep -q "^allocfail " || modprobe allocfail ||
		ktap_exit_fail_msg "cannot reload allocfail"
	af_policy w "callers=[allocfail_storm]" enable=1 ||
		ktap_exit_fail_msg "cannot create policy"
	touch $STOP
	# Niced: they race the loop below on every write, without starving it.
	writer 1-3 &
	renice -n 19 -p $! >/dev/null
	writer 0,4 &
	renice -n 19 -p $! >/dev/null

	rounds=0
	removed=0
	inconsistent=0
	end=$(($(date +%s) + SECONDS_PER_CYCLE))
	while [ "$(date +%s)" -lt $end ]; do
		c=c$rounds
		if af_policy $c orders=0-3 "callers=[allocfail_storm]" \
			schedule/probability=50 enable=1 &&
			echo 2-3 >"$CFS/$c/orders" &&
			echo hardirq,softirq >"$CFS/$c/contexts"; then
			af_counters_consistent $c ||
				inconsistent=$((inconsistent + 1))
			echo 0 >"$CFS/$c/enable" && rmdir "$CFS/$c" &&
				removed=$((removed + 1))
		fi
		rounds=$((rounds + 1))
	done
	orders=$(cat $CFS/w/orders)
	rm -f $STOP
	wait

	if [ $rounds -gt 0 ] && [ $removed -eq $rounds ]; then
		ktap_test_pass "cycle $cycle: $rounds policies created, rewritten, removed"
	else
		ktap_test_fail "cycle $cycle: $removed of $rounds policies went through"
	fi
	af_expect_eq "cycle $cycle: counters of churned policies consistent" \
		$inconsistent 0
	case "$orders" in
	1-3 | 0,4) ktap_test_pass "cycle $cycle: concurrent writers: orders reads back whole ($orders)" ;;
	*) ktap_test_fail "cycle $cycle: concurrent writers: orders reads back '$orders'" ;;
	esac
	m=$(cat $CFS/w/matched)
	j=$(cat $CFS/w/injected)
	if af_counters_consistent w && [ "$m" -gt 0 ]; then
		ktap_test_pass "cycle $cycle: writers' policy consistent (injected $j <= matched $m)"
	else
		ktap_test_fail "cycle $cycle: writers' policy (injected $j, matched $m)"
	fi
	echo 0 >$CFS/w/enable
	rmdir $CFS/w
	af_expect_true "cycle $cycle: rmmod allocfail under the storm" \
		rmmod allocfail
	cycle=$((cycle + 1))
done

af_storm_stop
modprobe allocfail || ktap_exit_fail_msg "cannot reload allocfail"
af_expect "after the churn, nothing fails" task 3 GFP_ATOMIC 20 0

af_teardown
ktap_finished
