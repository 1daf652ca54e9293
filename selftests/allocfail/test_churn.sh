#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Policies created, rewritten, enabled and removed while allocations run
# in hard irq, softirq and task context on every CPU, and two writers
# rewriting the same attribute at once.  Passing means: the kernel stays
# healthy (vm-run fails the run on any splat), every read-back is one of
# the values written, and counters stay consistent.

. "$(dirname "$0")/allocfail_lib.sh"

ROUNDS=20
ktap_print_header
af_setup
ktap_set_plan 4

STOP=/tmp/allocfail-churn.run
touch $STOP
storm() {
	while [ -e $STOP ]; do
		echo "$1 $2 GFP_ATOMIC 50" >"$HELPER" 2>/dev/null
	done
}
storm hardirq 3 &
storm softirq 2 &
storm task 0 &

# Two writers on one attribute of an enabled policy.
af_policy w "callers=[allocfail_helper]" enable=1 ||
	ktap_exit_fail_msg "cannot create policy"
writer() {
	while [ -e $STOP ]; do
		echo "$1" >$CFS/w/orders
	done
}
writer 1-3 &
writer 0,4 &

removed=0
i=0
while [ $i -lt $ROUNDS ]; do
	if af_policy "c$i" orders=0-3 "callers=[allocfail_helper]" enable=1 &&
		echo 2-3 >"$CFS/c$i/orders" && echo hardirq >"$CFS/c$i/contexts" &&
		rmdir "$CFS/c$i"; then
		removed=$((removed + 1))
	fi
	i=$((i + 1))
done
orders=$(cat $CFS/w/orders)
rm -f $STOP
wait

af_expect_eq "$ROUNDS policies created, rewritten and removed while enabled" \
	$removed $ROUNDS
case "$orders" in
1-3 | 0,4) ktap_test_pass "concurrent writers: orders reads back whole ($orders)" ;;
*) ktap_test_fail "concurrent writers: orders reads back '$orders'" ;;
esac
m=$(cat $CFS/w/matched)
j=$(cat $CFS/w/injected)
if [ "$j" -le "$m" ] && [ "$m" -gt 0 ]; then
	ktap_test_pass "counters consistent under churn (injected $j <= matched $m)"
else
	ktap_test_fail "counters consistent under churn (injected $j, matched $m)"
fi
echo 0 >$CFS/w/enable
af_expect "after the churn, nothing fails" task 3 GFP_ATOMIC 20 0

af_teardown
ktap_finished
