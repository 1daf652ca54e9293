#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A policy on order 3 and GFP_ATOMIC fails exactly the matching
# allocations: the allocator returns NULL to the caller, order-2 and
# GFP_KERNEL order-3 allocations succeed, and the injected counter equals
# the failures the caller saw.  Checked again seconds after enabling, when
# a kprobe-based hook would have been optimized into ignoring its override.

. "$(dirname "$0")/allocfail_lib.sh"

N=50
ktap_print_header
af_setup
ktap_set_plan 11

af_policy p orders=3 gfp_require=GFP_ATOMIC "callers=[allocfail_helper]" \
	enable=1 ||
	ktap_exit_fail_msg "cannot create policy"

# seen: the failures the helper, the allocating caller, saw; the
# counter must equal those, not the N the test asked for (a hook that
# counts but never fails would pass that).
af_expect "GFP_ATOMIC order 3 fails" task 3 GFP_ATOMIC $N $N
seen=${af_failed:-0}
af_expect "GFP_ATOMIC order 2 succeeds" task 2 GFP_ATOMIC $N 0
seen=$((seen + ${af_failed:-0}))
af_expect "GFP_KERNEL order 3 succeeds" task 3 GFP_KERNEL $N 0
seen=$((seen + ${af_failed:-0}))
af_expect "GFP_ATOMIC order 4 succeeds" task 4 GFP_ATOMIC $N 0
seen=$((seen + ${af_failed:-0}))
af_expect_eq "injected counter equals failures the caller saw" \
	"$(cat $CFS/p/injected)" "$seen"

sleep 3
af_expect "still failing 3 s after enable" task 3 GFP_ATOMIC $N $N

echo 0 >$CFS/p/enable
af_expect "all succeed after enable=0" task 3 GFP_ATOMIC $N 0

# "Atomic callers only" in one line; __GFP_NOFAIL is never failed.  These
# policies match every order, so they are confined to the helper (callers)
# and time-limited: the rest of the VM must keep allocating.
echo all >$CFS/p/orders
echo none >$CFS/p/gfp_require
echo __GFP_DIRECT_RECLAIM >$CFS/p/gfp_reject
echo "[allocfail_helper]" >$CFS/p/callers
echo 60000 >$CFS/p/timeout_ms
echo 1 >$CFS/p/enable
af_expect "gfp_reject=__GFP_DIRECT_RECLAIM fails GFP_ATOMIC order 0" task 0 GFP_ATOMIC $N $N
af_expect "gfp_reject=__GFP_DIRECT_RECLAIM spares GFP_KERNEL" task 0 GFP_KERNEL $N 0
echo none >$CFS/p/gfp_reject
af_expect "without gfp_reject, GFP_KERNEL order 0 fails" task 0 GFP_KERNEL $N $N
af_expect "__GFP_NOFAIL is never failed" task 0 NOFAIL $N 0

af_teardown
ktap_finished
