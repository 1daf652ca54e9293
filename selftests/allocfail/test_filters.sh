#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The filters beyond order/GFP/context: callers (a module, a function, a
# module not loaded yet), pids, comms, and nth (systematic enumeration).
# Each asserts on what the allocating caller saw.

. "$(dirname "$0")/allocfail_lib.sh"

N=20
ktap_print_header
af_setup
ktap_set_plan 12

af_policy p orders=3 gfp_require=GFP_ATOMIC ||
	ktap_exit_fail_msg "cannot create policy"
P=$CFS/p

echo "[allocfail_helper]" >$P/callers
echo 1 >$P/enable
af_expect "callers=[allocfail_helper] fails the helper's allocations" \
	task 3 GFP_ATOMIC $N $N
echo none >$P/callers
if echo helper_alloc_loop >$P/callers; then
	af_expect "callers=helper_alloc_loop (a function) fails them too" \
		hardirq 3 GFP_ATOMIC $N $N
else
	ktap_test_fail "callers=helper_alloc_loop is accepted"
fi
echo "[null_blk]" >$P/callers
af_expect "callers=[null_blk] (not loaded) spares the helper" \
	task 3 GFP_ATOMIC $N 0
af_expect_eq "callers reads back as written" "$(cat $P/callers)" "[null_blk]"
echo none >$P/callers

echo $$ >$P/pids
af_expect "pids=\$\$ fails this shell's allocations" task 3 GFP_ATOMIC $N $N
echo 1 >$P/pids
af_expect "pids=1 spares this shell" task 3 GFP_ATOMIC $N 0
echo none >$P/pids

comm=$(cat /proc/$$/comm)
echo "$comm" >$P/comms
af_expect "comms=$comm fails this shell's allocations" task 3 GFP_ATOMIC $N $N
echo no-such-task >$P/comms
af_expect "comms=no-such-task spares it" task 3 GFP_ATOMIC $N 0
echo none >$P/comms

# nth: only the 5th matching allocation after enable fails.  The helper
# is the only caller, so the 5th match is the helper's 5th allocation.
echo 0 >$P/enable
echo "[allocfail_helper]" >$P/callers
echo 5 >$P/nth
echo 1 >$P/stats_reset
echo 1 >$P/enable
af_expect "nth=5 fails exactly one of $N" task 3 GFP_ATOMIC $N 1
af_expect "nth=5 does not fire twice" task 3 GFP_ATOMIC $N 0
echo 0 >$P/enable
echo 1 >$P/enable
af_expect "re-enabling restarts the count" task 3 GFP_ATOMIC 4 0
af_expect "... so the 5th after enable fails" task 3 GFP_ATOMIC 1 1

af_teardown
ktap_finished
