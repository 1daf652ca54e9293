#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Policies come and go safely: removal while enabled, several policies at
# once (first to inject wins), module unload refused while policies exist
# and clean once they are gone, the kernel's own fail_page_alloc untouched.

. "$(dirname "$0")/allocfail_lib.sh"

N=20
ktap_print_header
af_setup
ktap_set_plan 8

# Scoped to the helper: the counters are compared with what the helper
# saw, and one unrelated atomic order-2 allocation elsewhere in the guest
# once made b's read 21 for 20.
if ! af_policy a orders=3 gfp_require=GFP_ATOMIC "callers=[allocfail_helper]" \
	enable=1 ||
	! af_policy b orders=2-3 gfp_require=GFP_ATOMIC \
	"callers=[allocfail_helper]" enable=1; then
	ktap_exit_fail_msg "cannot create policies"
fi
af_expect "two policies: order 3 fails" task 3 GFP_ATOMIC $N $N
seen3=${af_failed:-0}
af_expect "two policies: order 2 fails" task 2 GFP_ATOMIC $N $N
seen2=${af_failed:-0}
af_expect_eq "first policy to match injected order 3" \
	"$(cat $CFS/a/injected)/$(cat $CFS/b/injected)" "$seen3/$seen2"

if rmmod allocfail 2>/dev/null; then
	ktap_test_fail "rmmod refused while policies exist"
	modprobe allocfail
else
	ktap_test_pass "rmmod refused while policies exist"
fi

rmdir $CFS/a
af_expect "removed while enabled: b takes over order 3" task 3 GFP_ATOMIC $N $N
rmdir $CFS/b
af_expect "no policy left: nothing fails" task 3 GFP_ATOMIC $N 0

# The kernel's fail_page_alloc still means what it documents.
FPA=/sys/kernel/debug/fail_page_alloc
af_policy c orders=5 enable=1
echo 100 >$FPA/probability
echo -1 >$FPA/times
echo 3 >$FPA/min-order
echo 0 >$FPA/verbose
af_expect "kernel fail_page_alloc still injects beside allocfail" \
	task 3 GFP_ATOMIC $N $N
echo 0 >$FPA/probability
rmdir $CFS/c

rmmod allocfail_helper
if rmmod allocfail; then
	ktap_test_pass "rmmod allocfail with no policy"
else
	ktap_test_fail "rmmod allocfail with no policy"
fi

af_teardown
ktap_finished
