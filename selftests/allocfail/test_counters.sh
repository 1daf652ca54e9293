#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Counters under writes: while allocation storms run in hard irq, softirq,
# atomic and task context on every CPU, "stats_reset" and then "nth" are
# written again and again to a policy that fails the storms' allocations.
# Every read of "stats" (one moment) must hold injected <= matched <=
# evaluated, and each nth write must fail exactly one allocation.
# Zeroing live per-CPU counters (a match zeroed, its failure counted after
# it), taking the "evaluated" base after fresh counters are live, or
# restarting the nth count after publishing the new nth (a count near it
# reaches it twice, or one still numbering against the old nth takes the
# new nth's number and fails nothing) breaks them.  WRITES=<n> and
# NTH_WRITES=<n> change the bounds.

. "$(dirname "$0")/allocfail_lib.sh"

WRITES=${WRITES:-30}
NTH_WRITES=${NTH_WRITES:-20}
ktap_print_header
af_setup
ktap_set_plan 2
af_storm_start 3
af_policy r "callers=[allocfail_storm]" enable=1 ||
	ktap_exit_fail_msg "cannot create policy"
bad=0
i=0
while [ $i -lt "$WRITES" ]; do
	echo 1 >$CFS/r/stats_reset
	# shellcheck disable=SC2046 # three numbers
	set -- $(awk '$1 == "evaluated" || $1 == "matched" ||
		$1 == "injected" { print $2 }' $CFS/r/stats)
	if [ "$3" -gt "$2" ] || [ "$2" -gt "$1" ]; then
		bad=$((bad + 1))
		ktap_print_msg "after reset $i: evaluated $1, matched $2, injected $3"
	fi
	i=$((i + 1))
done
af_expect_eq "stats_reset $WRITES times: injected <= matched <= evaluated in every read" \
	$bad 0

# Order 0 from here: successful allocations of orders up to 3 (nth
# fails one) starve the shell under TCG, and order 0 still matches
# hundreds of times a second.
af_storm_stop
af_storm_start 0
# Far beyond any count: numbers the matches, fails none.
echo 1000000000000 >$CFS/r/nth
twice=0
none=0
unseen=0
i=0
while [ $i -lt "$NTH_WRITES" ]; do
	before=$(cat $CFS/r/injected)
	failed=$(af_storm_count all failed)
	echo 1000000000000 >$CFS/r/nth
	# Small: the count may be near it when the write lands.
	echo $((i % 16 + 1)) >$CFS/r/nth
	# Up to 5 s for the failure, then a little longer for a second.
	t=0
	while [ "$(cat $CFS/r/injected)" -eq "$before" ] && [ $t -lt 20 ]; do
		sleep 0.25
		t=$((t + 1))
	done
	sleep 0.5
	n=$(($(cat $CFS/r/injected) - before))
	# What the storms' allocations saw: as many NULLs as injected.
	seen=$(($(af_storm_count all failed) - failed))
	[ "$seen" -eq "$n" ] || {
		unseen=$((unseen + 1))
		ktap_print_msg "nth write $i: $n injected, the storms saw $seen"
	}
	case $n in
	1) ;;
	0) none=$((none + 1)) ;;
	*)
		twice=$((twice + 1))
		ktap_print_msg "nth=$((i % 16 + 1)) write $i: $n failures"
		;;
	esac
	i=$((i + 1))
done
af_expect_eq "nth written $NTH_WRITES times: one failure per write, seen by the storms (more/none/unseen)" \
	"$twice/$none/$unseen" 0/0/0
echo 0 >$CFS/r/enable
rmdir $CFS/r
af_storm_stop

af_teardown
ktap_finished
