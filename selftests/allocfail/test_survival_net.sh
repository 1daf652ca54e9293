#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The network receive path survives injected failures: ping across a veth
# pair between two network namespaces inside the guest.
#  1. Order-3 atomic failures in softirq context, in the slab pages that
#     kmalloc_reserve() (the skb data allocator) asks for: SLUB falls back
#     to the cache's lowest order, so no packet may be lost.  A second
#     policy that never fails counts those fallbacks (the only slab pages
#     SLUB asks for without __GFP_NORETRY, allocate_slab()): one for each
#     injected failure, so the failures really reached their caller.
#  2. Order-0 atomic failures in softirq context at a probability: replies
#     that cannot be built or delivered are dropped (some pings must be
#     lost: the failures reached the receive path), the kernel survives.
#  3. Slab objects (allocator=slab) in softirq context at a probability:
#     as 2, through should_failslab().
#  4. Policies disabled: traffic recovers, no loss.
# Each phase asserts from the policy's sites that it really injected in
# softirq context, so the test proves it hit the path it claims; every
# ping round must have sent all its packets (a ping that died early would
# otherwise lose nothing).

. "$(dirname "$0")/allocfail_lib.sh"

PEER=10.99.0.2
# Ping payloads, all within veth's 1500-byte MTU: fragmented pings (3000,
# 6000 bytes) lost 12-37% under TCG with no policy at all, which would hide
# any loss the injection caused.  Which size reaches an order-3 slab refill
# varies, so each phase tries them in turn.
ktap_print_header
af_setup
modprobe veth || ktap_exit_fail_msg "no veth driver (CONFIG_VETH)"

# A second network namespace, held by a sleeping process.
unshare -n sleep 3600 &
ns=$!
cleanup_net() {
	kill $ns 2>/dev/null
	ip link del va 2>/dev/null
}
trap cleanup_net EXIT
sleep 1
in_ns() {
	nsenter -t $ns -n "$@"
}
# busybox ip names the peer itself (veth0); it is renamed in the namespace.
setup_pair() {
	ip link add va type veth &&
		ip link set veth0 netns $ns &&
		in_ns ip link set veth0 name vb &&
		ip addr add 10.99.0.1/24 dev va && ip link set va up &&
		in_ns ip addr add $PEER/24 dev vb && in_ns ip link set vb up
}
setup_pair || ktap_exit_fail_msg "cannot set up the veth pair"

# echo_replies: the echo replies this namespace's kernel has received
# (Icmp InEchoReps in /proc/net/snmp).
echo_replies() {
	awk '$1 == "Icmp:" { if (!n) { for (i = 2; i <= NF; i++) if ($i == "InEchoReps") n = i; next }
		print $n; exit }' /proc/net/snmp
}

# pings COUNT SIZE: sets sent (what ping transmitted) and received (the
# replies the kernel took in meanwhile, counted by the kernel two seconds
# after ping is done: ping stops waiting for the last replies soon after
# it sent them, and a guest under emulation can stall longer than that;
# a reply that never comes is lost either way).
pings() {
	r0=$(echo_replies)
	out=$(ping -c "$1" -i 0.01 -W 2 -w 60 -s "$2" $PEER 2>&1 | tail -2)
	sleep 2
	sent=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	if [ "${sent:-0}" -ne "$1" ]; then
		short=$((short + 1))
		ktap_print_msg "ping sent ${sent:-nothing} of $1: $out"
	fi
	sent=${sent:-0}
	received=$(($(echo_replies) - r0))
}

# The fallback counter: lower-order slab pages under kmalloc_reserve() in
# softirq context without __GFP_NORETRY, never failed (probability 0).
af_policy fallback orders=0-2 gfp_reject="__GFP_NORETRY|__GFP_DIRECT_RECLAIM" \
	contexts=softirq callers=kmalloc_reserve sites_of=matched \
	schedule/probability=0 enable=1 ||
	ktap_exit_fail_msg "cannot create the fallback counter"
short=0
pings 50 1400
[ "$received" -eq 50 ] ||
	ktap_exit_fail_msg "baseline: $received of 50 pings answered"
ktap_set_plan 12
# Without a failure SLUB takes its cache's order and never falls back:
# what the counter counts in phase 1 is the failures' doing.
# (What it counted, if anything: the allocation that is not a fallback.)
sed 's/^/# counted: /' "$CFS/fallback/sites"
af_expect_eq "baseline: no slab fallback without a failure" \
	"$(cat $CFS/fallback/matched)" 0

# phase NAME STOP SIZES: ping rounds, one per size, until the policy
# injected (STOP=injected) or until it injected and a ping was lost
# (STOP=lost), at most one round per size; sets lost and total, and
# asserts that the policy injected, every site in softirq context.
phase() {
	p=$1
	stop=$2
	shift 2
	lost=0
	total=0
	for size in "$@"; do
		pings 200 "$size"
		lost=$((lost + sent - received))
		total=$((total + sent))
		[ "$(cat "$CFS/$p/injected")" -gt 0 ] || continue
		[ "$stop" = lost ] && [ "$lost" -eq 0 ] && continue
		break
	done
	j=$(cat "$CFS/$p/injected")
	ctxs=$(sed 's/.*context=\([a-z]*\).*/\1/' "$CFS/$p/sites" | sort -u |
		paste -sd" ")
	sed 's/^/# site: /' "$CFS/$p/sites"
	if [ "$j" -gt 0 ] && [ "$ctxs" = softirq ]; then
		ktap_test_pass "$p: $j injected in softirq over $total pings"
	else
		ktap_test_fail "$p: $j injected in '$ctxs' over $total pings"
	fi
}

af_policy order3 orders=3 gfp_reject=__GFP_DIRECT_RECLAIM contexts=softirq \
	callers=kmalloc_reserve enable=1 ||
	ktap_exit_fail_msg "cannot create policy"
phase order3 injected 1400 1000 500 1200 800 300
af_expect_eq "order3: no packet lost while order-3 allocations fail" $lost 0
# A hook that counted without failing would leave SLUB nothing to fall
# back from.
af_expect_eq "order3: each failure reached SLUB, which fell back (fallbacks/injected)" \
	"$(cat $CFS/fallback/matched)/$j" "$j/$j"
echo 0 >$CFS/fallback/enable
rmdir $CFS/fallback
echo 0 >$CFS/order3/enable
rmdir $CFS/order3

# lossy NAME WHAT ATTR=VALUE...: a policy failing WHAT (words for the
# messages) in softirq context at probability 50, without reclaim; its
# failures must reach the receive path (pings lost: the baseline and
# recovery rounds lose none without a policy, so a hook that counted but
# did not fail would lose nothing here), and its counters stay consistent.
lossy() {
	p=$1
	what=$2
	shift 2
	af_policy "$p" "$@" gfp_reject=__GFP_DIRECT_RECLAIM contexts=softirq \
		schedule/probability=50 enable=1 ||
		ktap_exit_fail_msg "cannot create policy $p"
	phase "$p" lost 1400 1000 500 1200 800 300
	ktap_print_msg "$p: $lost of $total pings lost while $what fail"
	af_expect_true "$p: the failures reached the receive path ($lost of $total pings lost)" \
		[ "$lost" -gt 0 ]
	af_expect_true "$p: counters consistent" af_counters_consistent "$p"
	echo 0 >"$CFS/$p/enable"
	rmdir "$CFS/$p"
}

lossy order0 "order-0 allocations" orders=0
# Slab objects (allocator=slab): skb heads and data, the replies' own
# buffers.
lossy objs "slab objects" allocator=slab

pings 100 1400
af_expect_eq "recovered: pings answered after the policies are gone" \
	"$received/$sent" 100/100
af_expect_eq "every ping round sent all its packets (rounds short)" "$short" 0

af_teardown
cleanup_net
trap - EXIT
rmmod veth
ktap_finished
