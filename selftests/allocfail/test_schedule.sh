#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The standard fault attributes in schedule/ mean what the kernel documents
# (Documentation/fault-injection/fault-injection.rst), applied after the
# policy's filters: probability, interval, times, space.  Also numeric GFP
# masks, counters and their reset, and the module's own allocations.

. "$(dirname "$0")/allocfail_lib.sh"

N=20
ktap_print_header
af_setup
ktap_set_plan 11

# 0x20 is __GFP_HIGH, half of GFP_ATOMIC: numbers are accepted as masks.
af_policy p orders=3 gfp_require=0x20 "callers=[allocfail_helper]" ||
	ktap_exit_fail_msg "cannot create policy"
P=$CFS/p
S=$P/schedule
af_expect_eq "a numeric mask reads back by name" "$(cat $P/gfp_require)" \
	"__GFP_HIGH"
echo 1 >$P/enable

echo 0 >$S/probability
af_expect "probability 0: nothing fails" task 3 GFP_ATOMIC $N 0
echo 100 >$S/probability

echo 4 >$S/interval
af_expect "interval 4: every 4th of $N fails" task 3 GFP_ATOMIC $N $((N / 4))
echo 1 >$S/interval

echo 1 >$P/stats_reset
echo 3 >$S/times
af_expect "times 3: the first 3 fail" task 3 GFP_ATOMIC $N 3
seen=${af_failed:-0}
af_expect_eq "times counts down to 0" "$(cat $S/times)" 0
af_expect_eq "matched and injected after reset" \
	"$(cat $P/matched)/$(cat $P/injected)" "$N/$seen"
echo -1 >$S/times

# space: allocations pass while more than their size is left (32 KiB each).
echo $((5 * 32768 + 1)) >$S/space
af_expect "space = 5 order-3 allocations: the rest fail" \
	task 3 GFP_ATOMIC $N $((N - 5))
echo 0 >$S/space

# stacktrace-depth: with a require range, every match saves that many
# frames into the kernel's 32-entry array, so a larger depth is clamped
# when written (before 6.2 the attributes are allocfail's own: unclamped,
# the first match overflowed the stack).  Kernels without the stack
# filter (6.1 on x86_64: CONFIG_FAULT_INJECTION_STACKTRACE_FILTER depends
# on !X86_64 there) have no such attribute.
if [ -e $S/stacktrace-depth ]; then
	echo 1000 >$S/stacktrace-depth
	af_expect_eq "stacktrace-depth is clamped to 32" \
		"$(cat $S/stacktrace-depth)" 32
	echo 0 >$S/require-start
	echo 0xffffffffffffffff >$S/require-end
	af_expect "a require range over all text: a match walks 32 frames" \
		task 3 GFP_ATOMIC $N $N
	echo 0 >$S/require-end
else
	ktap_test_skip "no stacktrace-depth (no stack filter in this kernel)"
	ktap_test_skip "no require range either"
fi

echo 1 >$P/stats_reset
af_expect_eq "stats_reset zeroes the counters and sites" \
	"$(cat $P/matched)/$(cat $P/injected)/$(cat $P/sites | wc -l)" "0/0/0"

# A policy failing every allocation allocfail itself makes: creating
# policies (allocations on allocfail's stack) still succeeds.
echo 0 >$P/enable
af_policy self orders=all "callers=[allocfail]" timeout_ms=60000 enable=1 ||
	ktap_exit_fail_msg "cannot create policy"
made=0
for i in $(seq 1 40); do
	mkdir "$CFS/more$i" 2>/dev/null && made=$((made + 1))
done
af_expect_eq "allocfail's own allocations are never failed" \
	"$made/$(cat $CFS/self/injected)" "40/0"

af_teardown
ktap_finished
