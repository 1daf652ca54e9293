#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The block layer survives injected failures: null_blk, memory-backed,
# allocates a page with GFP_NOIO for every sector range it stores.  With a
# policy on null_blk's GFP_NOIO allocations, writes fail cleanly (the
# writer sees an error, nothing else breaks); once the policy is disabled
# the same writes succeed and read back intact.  The same for a policy
# on its slab objects (allocator=slab).

. "$(dirname "$0")/allocfail_lib.sh"

DEV=/dev/nullb0
BLOCKS=256
DATA=/tmp/allocfail-blk.data
ktap_print_header
af_setup

# Fresh device: memory-backed null_blk allocates on the first write of a
# range only, so every phase starts from an empty one.
nullb_fresh() {
	rmmod null_blk 2>/dev/null
	modprobe null_blk memory_backed=1 gb=1 nr_devices=1 &&
		[ -b $DEV ]
}

# write_data: sets werr to dd's error line, empty when it succeeded.
write_data() {
	if out=$(dd if=$DATA of=$DEV bs=4k count=$BLOCKS oflag=direct 2>&1 >/dev/null); then
		werr=
	else
		werr=$(echo "$out" | grep -v records | head -n 1)
		werr=${werr:-dd failed}
	fi
}

roundtrip() {
	write_data && [ -z "$werr" ] &&
		dd if=$DEV of=$DATA.back bs=4k count=$BLOCKS iflag=direct 2>/dev/null &&
		cmp -s $DATA $DATA.back
}

dd if=/dev/urandom of=$DATA bs=4k count=$BLOCKS 2>/dev/null
nullb_fresh || ktap_exit_fail_msg "no null_blk (CONFIG_BLK_DEV_NULL_BLK)"
roundtrip || ktap_exit_fail_msg "baseline: null_blk write and read-back failed"
ktap_set_plan 8

# One injection, systematically: the 10th GFP_NOIO allocation on behalf
# of null_blk.
nullb_fresh || ktap_exit_fail_msg "cannot reload null_blk"
af_policy noio gfp_require=__GFP_DIRECT_RECLAIM gfp_reject=__GFP_IO \
	"callers=[null_blk]" nth=10 enable=1 ||
	ktap_exit_fail_msg "cannot create policy"
write_data
af_expect_eq "nth=10: exactly one GFP_NOIO allocation failed" \
	"$(cat $CFS/noio/injected)" 1
ktap_print_msg "writer saw: ${werr:-success}"
af_expect_true "nth=10: the writer saw the error" [ -n "$werr" ]
ktap_print_msg "site: $(cat $CFS/noio/sites)"

# Many injections, at a probability.
echo 0 >$CFS/noio/enable
echo 0 >$CFS/noio/nth
echo 20 >$CFS/noio/schedule/probability
nullb_fresh || ktap_exit_fail_msg "cannot reload null_blk"
echo 1 >$CFS/noio/enable
write_data
j=$(cat $CFS/noio/injected)
ktap_print_msg "probability 20: $j injected, writer saw: ${werr:-success}"
injected_and_seen() {
	[ "$j" -gt 0 ] && [ -n "$werr" ]
}
af_expect_true "probability 20: injected and the writer saw an error" \
	injected_and_seen
af_expect_true "probability 20: counters consistent" \
	af_counters_consistent noio

# The same through the slab allocator: the 5th object null_blk allocates
# with GFP_NOIO (its per-page record, kmalloc, or a radix tree node).
echo 0 >$CFS/noio/enable
nullb_fresh || ktap_exit_fail_msg "cannot reload null_blk"
af_policy obj allocator=slab gfp_require=__GFP_DIRECT_RECLAIM \
	gfp_reject=__GFP_IO "callers=[null_blk]" nth=5 enable=1 ||
	ktap_exit_fail_msg "cannot create the slab policy"
write_data
af_expect_eq "slab nth=5: exactly one GFP_NOIO object failed" \
	"$(cat $CFS/obj/injected)" 1
ktap_print_msg "writer saw: ${werr:-success}; site: $(cat $CFS/obj/sites)"
af_expect_true "slab nth=5: the writer saw the error" [ -n "$werr" ]
echo 0 >$CFS/obj/enable
rmdir $CFS/obj

# Recovery, on the same device: the ranges that failed are written now.
echo 0 >$CFS/noio/enable
af_expect_true "recovered: write and read-back intact after enable=0" roundtrip
rmdir $CFS/noio
af_expect_true "null_blk unloads cleanly after the failures" rmmod null_blk

rm -f $DATA $DATA.back
af_teardown
ktap_finished
