#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of "make bench": every configuration in one boot, measured in
# ROUNDS interleaved rounds (each round visits every configuration), so
# that slow drift of the guest (emulation, memory state) spreads over all
# of them instead of favouring whichever ran first.  Prints
#   RESULT <config> <order> <gfp> <cpu0=ns ...> median=<ns> failed=<n>
#   MACRO <config> <MiB> <centiseconds> failed=<0|1>
# (the macro benchmark: MiB written through null_blk), which scripts/bench
# turns into tables.

set -u
ITERS=${ITERS:-10000}
REPEATS=${REPEATS:-5}
ROUNDS=${ROUNDS:-3}
# A kmalloc+kfree pair costs about 20 times a page pair on the test kernel
# (kmemleak's record and KASAN's stack traces of each object: 336 us
# against 15 us, 2026-11-28): a tenth of the pairs keeps a slab cell as
# long as a page cell (with ITERS for both, slab cells took three
# quarters of the run).
SLAB_ITERS=${SLAB_ITERS:-$((ITERS / 10))}
# The macro benchmark's volume: every MiB written to a memory-backed
# null_blk costs 256 page allocations on the I/O path (null_alloc_page(),
# GFP_NOIO) besides the block layer's own.  0: no macro benchmark.
MACRO_MB=${MACRO_MB:-256}
RUN=/sys/kernel/debug/allocfail_bench/run
FPA=/sys/kernel/debug/fail_page_alloc
FSL=/sys/kernel/debug/failslab
FF=/sys/kernel/debug/fail_function
CFS=/sys/kernel/config/allocfail

insmod /allocfail/bench/allocfail_bench.ko || exit 1
# Which kernel the table is of: the debug one has kmemleak.
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo "FLAVOUR debug"
else
	echo "FLAVOUR plain"
fi
modprobe allocfail || exit 1

measure() {
	# pages (an order) and slab objects (kN: kmalloc(N) + kfree())
	for spec in "0 GFP_ATOMIC" "3 GFP_ATOMIC" "0 GFP_KERNEL" "3 GFP_KERNEL" \
		"k64 GFP_KERNEL" "k4096 GFP_KERNEL"; do
		n=$ITERS
		case $spec in k*) n=$SLAB_ITERS ;; esac
		echo "$spec $n $REPEATS" >$RUN || exit 1
		echo "RESULT $1 $spec $(cat $RUN)"
	done
	[ "$MACRO_MB" -eq 0 ] || macro "$1"
}

# centis: the guest's clock in hundredths of a second.
centis() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

# macro CONFIG: MACRO_MB MiB written with O_DIRECT (no page cache between
# dd and the driver) to a fresh memory-backed null_blk, timed; the
# device's pages are freed at rmmod, outside the timing.
macro() {
	bad=0
	modprobe null_blk memory_backed=1 gb=1 queue_mode=2 submit_queues=1 \
		nr_devices=1 || bad=1
	t=0
	while [ ! -b /dev/nullb0 ] && [ $t -lt 100 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	t0=$(centis)
	dd if=/dev/zero of=/dev/nullb0 bs=1M count="$MACRO_MB" oflag=direct \
		2>/dev/null || bad=1
	t1=$(centis)
	rmmod null_blk || bad=1
	echo "MACRO $1 $MACRO_MB $((t1 - t0)) failed=$bad"
}

# policies N ATTR=VALUE...: N enabled policies with the same settings
policies() {
	n=$1
	shift
	i=0
	while [ $i -lt "$n" ]; do
		mkdir $CFS/b$i || exit 1
		for kv in "$@"; do
			echo "${kv#*=}" >"$CFS/b$i/${kv%%=*}" || exit 1
		done
		echo 1 >$CFS/b$i/enable || exit 1
		i=$((i + 1))
	done
}

# Every policy hooks both allocators, so that slab rows pay what page rows
# do; "nomatch" policies match no order (10) and no object size (3).
BOTH=allocator=page,slab

clear_policies() {
	for p in "$CFS"/b*; do
		[ -d "$p" ] && rmdir "$p"
	done
}

# The kernel's fail_page_alloc and failslab, armed for every allocation,
# never firing (the table's fail_page_alloc column, for slab rows failslab).
fpa() {
	if [ "$1" = on ]; then
		echo 0 >$FPA/probability
		echo -1 >$FPA/times
		echo 0 >$FPA/min-order
		echo N >$FPA/ignore-gfp-wait
		echo N >$FPA/ignore-gfp-highmem
		echo 0 >$FPA/verbose
		echo 0 >$FSL/probability
		echo -1 >$FSL/times
		echo N >$FSL/ignore-gfp-wait
		echo 0 >$FSL/verbose
	else
		echo 1 >$FPA/min-order
		echo Y >$FPA/ignore-gfp-wait
		echo Y >$FPA/ignore-gfp-highmem
		echo Y >$FSL/ignore-gfp-wait
	fi
}

# fail_function: kprobes overriding should_fail_alloc_page and
# should_failslab, never firing.
ff() {
	if [ "$1" = on ]; then
		echo should_fail_alloc_page >$FF/inject
		echo should_failslab >$FF/inject
		echo 0 >$FF/probability
		echo -1 >$FF/times
		echo 0 >$FF/verbose
	else
		echo "!should_fail_alloc_page" >$FF/inject
		echo "!should_failslab" >$FF/inject
	fi
}

r=0
while [ $r -lt "$ROUNDS" ]; do
	measure baseline
	fpa on
	measure fail_page_alloc
	fpa off
	ff on
	measure fail_function
	ff off
	measure allocfail-idle
	for n in 1 16 64; do
		policies $n $BOTH orders=10 sizes=3
		measure "allocfail-$n-nomatch"
		clear_policies
	done
	policies 16 $BOTH gfp_require=GFP_DMA
	measure allocfail-16-gfp-nomatch
	clear_policies
	policies 1 $BOTH orders=all schedule/probability=0
	measure allocfail-1-match-p0
	clear_policies
	policies 1 $BOTH orders=all "callers=[allocfail]"
	measure allocfail-1-callers-walk
	clear_policies
	r=$((r + 1))
done
