#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What a policy reports: per-order statistics, the sites that received
# failures, the allocfail:inject trace event, the time limit that
# disables a policy by itself, and sites_of=matched: a dry run that maps
# every site with the ordinal of its first match, which nth then replays
# to fail that site alone (what a site-unique campaign does).

. "$(dirname "$0")/allocfail_lib.sh"

N=10
TR=/sys/kernel/tracing
ktap_print_header
af_setup
ktap_set_plan 17

af_policy p orders=2-3 gfp_require=GFP_ATOMIC "callers=[allocfail_helper]" \
	enable=1 || ktap_exit_fail_msg "cannot create policy"
P=$CFS/p

echo 0 >$TR/tracing_on
echo >$TR/trace
echo 1 >$TR/events/allocfail/inject/enable
# The README's recipe: each event with the stack that led to it.
echo stacktrace >$TR/events/allocfail/inject/trigger
echo 1 >$TR/tracing_on
af_expect "order 3 from hardirq fails" hardirq 3 GFP_ATOMIC $N $N
seen3=${af_failed:-0}
af_expect "order 2 from task fails" task 2 GFP_ATOMIC $N $N
seen2=${af_failed:-0}
echo 0 >$TR/tracing_on
echo '!stacktrace' >$TR/events/allocfail/inject/trigger
echo 0 >$TR/events/allocfail/inject/enable

af_expect_eq "stats: order 3 matched and injected" \
	"$(grep '^3 ' $P/stats)" "3 $N $seen3"
af_expect_eq "stats: order 2 matched and injected" \
	"$(grep '^2 ' $P/stats)" "2 $N $seen2"

sites=$(cat $P/sites)
ktap_print_msg "sites:"
echo "$sites" | sed 's/^/#   /'
af_expect_eq "sites: the helper's hardirq site, counted" \
	"$(echo "$sites" | grep -c 'helper_alloc_loop.*\[allocfail_helper\] order=3 gfp=.*context=hardirq count='$N)" 1

events=$(grep -c 'inject: policy=p order=3 .*context=hardirq caller=helper_alloc_loop' $TR/trace)
af_expect_eq "trace: one allocfail:inject event per order-3 failure" \
	"$events" "$seen3"
# Every event of both rounds came with its stack, through the helper.
af_expect_eq "trace: each event's stack (stacktrace trigger) runs through the helper" \
	"$(grep -c '^ *=> helper_alloc_loop' $TR/trace)/$(grep -c 'inject: policy=p ' $TR/trace)" \
	"$((seen3 + seen2))/$((seen3 + seen2))"

# The safety rail: a policy with a time limit disables itself.
echo 0 >$P/enable
echo 300 >$P/timeout_ms
echo 1 >$P/enable
sleep 2
af_expect "timeout_ms=300: nothing fails 2 s later" task 3 GFP_ATOMIC $N 0
af_expect_eq "timeout_ms=300: the policy disabled itself" \
	"$(cat $P/enable)/$(dmesg | grep -c 'policy p disabled: its 300 ms time limit passed')" "0/1"

# A refused enable leaves no expiry queued: with  policies enabled
# a further one is refused (-EBUSY); enabled once a slot is free, its
# time limit still holds (an expiry queued by the refused enable fired
# before the new deadline, and nothing re-armed it).
AF_FULL=64
i=0
while [ $i -lt $AF_FULL ]; do
	af_policy "full$i" orders=10 "callers=[allocfail_helper]" enable=1 ||
		ktap_exit_fail_msg "cannot enable policy $i of $AF_FULL"
	i=$((i + 1))
done
af_policy late orders=3 "callers=[allocfail_helper]" timeout_ms=8000 ||
	ktap_exit_fail_msg "cannot create policy"
refused=no
t0=$(cut -d" " -f1 /proc/uptime)
echo 1 2>/dev/null >$CFS/late/enable || refused=yes
echo 0 >$CFS/full0/enable
# Later than the timer wheel rounds an 8-s timer up (under a second).
sleep 3
echo 1 >$CFS/late/enable
ktap_print_msg "refused at $t0 s, enabled at $(cut -d" " -f1 /proc/uptime) s"
sleep 11
af_expect_eq "timeout_ms after a refused enable: refused, then disabled in time" \
	"$refused/$(cat $CFS/late/enable)" "yes/0"
echo 0 >$CFS/late/enable
rmdir $CFS/late
i=0
while [ $i -lt $AF_FULL ]; do
	echo 0 >"$CFS/full$i/enable"
	rmdir "$CFS/full$i"
	i=$((i + 1))
done

# A dry run: probability 0 fails nothing, sites_of=matched maps the sites.
af_policy dry orders=2-3 "callers=[allocfail_helper]" sites_of=matched \
	schedule/probability=0 enable=1 || ktap_exit_fail_msg "cannot create policy"
af_alloc hardirq 3 GFP_ATOMIC $N && h=$af_failed
af_alloc task 2 GFP_ATOMIC $N && t=$af_failed
echo 0 >$CFS/dry/enable
sed "s/^/# dry: /" $CFS/dry/sites
af_expect_eq "sites_of=matched, probability 0: nothing failed" "${h:-?}/${t:-?}" 0/0
af_expect_eq "sites_of=matched: each site with its first ordinal" \
	"$(sed "s/.* order=/order=/; s/ gfp=[^ ]*//" $CFS/dry/sites | paste -sd";")" \
	"order=3 context=hardirq count=$N first=1;order=2 context=task count=$N first=$((N + 1))"
rmdir $CFS/dry

# The replay: nth = the task site's first ordinal fails that site alone.
af_policy replay orders=2-3 "callers=[allocfail_helper]" nth=$((N + 1)) \
	enable=1 || ktap_exit_fail_msg "cannot create policy"
af_expect "nth=$((N + 1)): the hardirq site is spared" hardirq 3 GFP_ATOMIC $N 0
af_expect "nth=$((N + 1)): the task site fails once" task 2 GFP_ATOMIC $N 1
echo 0 >$CFS/replay/enable
rmdir $CFS/replay

# 144 sites (24 call sites with long names at orders 0-5) with a long GFP
# mask: "sites" lists the first 128 whole, over many pages, and counts
# the rest.  Before 2026-11-28 it held 24 and one page (a driver's
# baseline with slab objects maps more: campaigns lost the rest).
af_policy full "callers=[allocfail_helper]" \
	"gfp_require=__GFP_NOMEMALLOC|__GFP_HARDWALL" sites_of=matched \
	schedule/probability=0 enable=1 || ktap_exit_fail_msg "cannot create policy"
for order in 0 1 2 3 4 5; do
	af_alloc sites24 $order LONG 1 || ktap_exit_fail_msg "helper failed"
done
echo 0 >$CFS/full/enable
cat $CFS/full/sites >/tmp/allocfail-sites
whole=$(grep -c ' count=1 first=[0-9]*$' /tmp/allocfail-sites)
more=$(sed -n 's/^# \([0-9]*\) more at sites beyond the first 128$/\1/p' \
	/tmp/allocfail-sites)
ktap_print_msg "$(wc -c </tmp/allocfail-sites) bytes, $whole whole lines, ${more:-no} counted"
af_expect_eq "144 long sites: the first 128 listed whole, 16 counted, nothing else" \
	"$whole/${more:-0}/$(grep -vc -e ' first=[0-9]*$' -e '^# ' /tmp/allocfail-sites)" \
	"128/16/0"
af_expect_eq "... every order's 24 sites, in the order first seen" \
	"$(sed -n 's/.* order=\([0-9]\) .*/\1/p' /tmp/allocfail-sites | uniq -c |
		awk '{ printf "%s:%s ", $2, $1 }')" "0:24 1:24 2:24 3:24 4:24 5:8 "
af_expect_true "... over more than one page" \
	test "$(wc -c </tmp/allocfail-sites)" -gt 4096
rm -f /tmp/allocfail-sites
rmdir $CFS/full

af_teardown
ktap_finished
