#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of "make demo": each step is shown before it runs.

set -e
HELPER=/sys/kernel/debug/allocfail_helper/run
P=/sys/kernel/config/allocfail/atomic-order3

show() {
	echo "# $*"
	sh -c "$*"
}

alloc() {
	echo "$1" >$HELPER
	echo "    allocate $1  ->  $(cat $HELPER)"
}

show modprobe allocfail
show insmod /kselftest/allocfail/test_modules/allocfail_helper.ko
show mkdir $P
show cd $P
cd $P
show "echo 3 > orders"
show "echo GFP_ATOMIC > gfp_require"
show "echo 1 > enable"
echo "# ten GFP_ATOMIC order-3 allocations from a hard interrupt, then others:"
alloc "hardirq 3 GFP_ATOMIC 10"
alloc "hardirq 2 GFP_ATOMIC 10"
alloc "task 3 GFP_KERNEL 10"
show "grep . orders gfp_require contexts evaluated matched injected"
show "cat sites"
show "echo 0 > enable"
alloc "hardirq 3 GFP_ATOMIC 10"
cd /
show rmdir $P
show rmmod allocfail_helper allocfail
