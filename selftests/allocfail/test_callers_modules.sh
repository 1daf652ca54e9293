#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "callers" follows a module through its life, checked on the ranges a
# policy resolved ("callers_ranges") and on what the helper saw:
# - once the module is live, its init text no longer counts: that memory
#   is freed and reused (another module, a BPF program, an ftrace
#   trampoline on every hooked stack), which "[mod]" would then match;
# - a list written while the module loads is resolved under the lock,
#   never published without the module that came meanwhile;
# - a module going away is not resolved again by a write in the window
#   before it leaves the module list;
# - a module event resolves again only the lists it concerns: another
#   module's load and unload cost no kprobe, and a bare name of a
#   module's function follows that module out and back in.

. "$(dirname "$0")/allocfail_lib.sh"

N=20
HELPER_KO=$ALLOCFAIL_DIR/test_modules/allocfail_helper.ko
ktap_print_header
af_setup
ktap_set_plan 9

af_policy p orders=3 gfp_require=GFP_ATOMIC "callers=[allocfail_helper]" \
	enable=1 || ktap_exit_fail_msg "cannot create policy"
P=$CFS/p
af_expect "callers=[allocfail_helper] fails the helper's allocations" \
	task 3 GFP_ATOMIC $N $N
af_expect_eq "a live module: its core text only, not its freed init text" \
	"$(cat $P/callers_ranges)" 1

# The module is named first, so it is looked up (not loaded yet) at the
# start of the write; each function name after it costs a kprobe
# registration and an RCU grace period, and the module comes meanwhile.
# Without the lock held from parse to publication, the write published
# "[allocfail_helper]" with no ranges and the module's notifier had
# resolved the old list.
rmmod allocfail_helper
echo none >$P/callers
list="[allocfail_helper]"
i=1
while [ $i -lt 16 ]; do
	list="$list vfree"
	i=$((i + 1))
done
read -r t0 _ </proc/uptime
(printf '%s\n' "$list" >$P/callers) &
writer=$!
insmod "$HELPER_KO" || ktap_exit_fail_msg "cannot load allocfail_helper"
read -r t1 _ </proc/uptime
wait $writer
read -r t2 _ </proc/uptime
ktap_print_msg "write started at $t0, insmod returned at $t1, write returned at $t2"
af_expect "callers written while the module loaded: it matches" \
	task 3 GFP_ATOMIC $N $N
af_expect_eq "... fifteen functions and the module's core text" "$(cat $P/callers_ranges)" 16

# Writes while the module goes away: each is resolved after the module's
# state became "going", when only its removal from the list is left.
saw=0
bad=0
rmmod allocfail_helper &
remover=$!
while read -r state </sys/module/allocfail_helper/initstate; do
	[ "$state" = going ] || continue
	saw=$((saw + 1))
	echo "[allocfail_helper]" >$P/callers
	read -r n <$P/callers_ranges
	[ "$n" = 0 ] || bad=$((bad + 1))
done 2>/dev/null
wait $remover
ktap_print_msg "$saw writes while it was going, $bad resolved it"
af_expect_true "a module going away is not resolved again" \
	test "$saw" -gt 0 -a "$bad" -eq 0
af_expect_eq "... and nothing of it is left once it is gone" \
	"$(cat $P/callers_ranges)" 0

# Counted with a kprobe event on allocfail_resolve_func(), which resolves
# one function name with a kprobe and a grace period, in the module
# loader's path when a module event calls it.
insmod "$HELPER_KO" || ktap_exit_fail_msg "cannot load allocfail_helper"
echo 0 >$P/enable
af_policy q orders=3 gfp_require=GFP_ATOMIC \
	"callers=helper_alloc_loop vfree kfree" enable=1 ||
	ktap_exit_fail_msg "cannot create policy"
TR=/sys/kernel/tracing
grep -q " $TR " /proc/mounts || mount -t tracefs nodev $TR
if echo "p:afresolve allocfail_resolve_func" >>$TR/kprobe_events; then
	echo 1 >$TR/events/kprobes/afresolve/enable
	hits() { awk '$1 == "afresolve" { print $2 }' $TR/kprobe_profile; }
	h0=$(hits)
	if ! insmod "$ALLOCFAIL_DIR/test_modules/allocfail_storm.ko" ||
		! rmmod allocfail_storm; then
		ktap_exit_fail_msg "cannot load and unload allocfail_storm"
	fi
	h1=$(hits)
	echo 0 >$TR/events/kprobes/afresolve/enable
	echo "-:afresolve" >>$TR/kprobe_events
	af_expect_eq "a module no list names came and went: no name resolved again" \
		$((h1 - h0)) 0
else
	ktap_test_skip "no kprobe events to count resolutions with"
fi
rmmod allocfail_helper
af_expect_eq "a bare function of a module that went is dropped" \
	"$(cat $CFS/q/callers_ranges)" 2
insmod "$HELPER_KO" || ktap_exit_fail_msg "cannot load allocfail_helper"
af_expect "... and resolved again when it came back: it matches" \
	task 3 GFP_ATOMIC $N $N

af_teardown
ktap_finished
