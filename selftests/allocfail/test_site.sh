#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The site filter: a call site read off "sites", written back to "site",
# confines a policy to the allocations made there (what a site-unique
# campaign replays), in the form "sites" prints and in the kprobe-style
# "module:function+offset" form; another offset in the same function
# matches nothing; the site follows its module when it is unloaded and
# loaded again, wherever it lands; two callers of one allocator wrapper
# (kvmalloc) are two sites.

. "$(dirname "$0")/allocfail_lib.sh"

N=10
HELPER_KO=$ALLOCFAIL_DIR/test_modules/allocfail_helper.ko
ktap_print_header
af_setup
ktap_set_plan 10

# Map the helper's one allocation site, failing nothing.
af_policy map "callers=[allocfail_helper]" sites_of=matched \
	schedule/probability=0 enable=1 || ktap_exit_fail_msg "cannot create policy"
af_alloc task 2 GFP_KERNEL 1 || ktap_exit_fail_msg "helper failed"
echo 0 >$CFS/map/enable
site=$(sed -n '1s/ order=.*//p' $CFS/map/sites)
rmdir $CFS/map
ktap_print_msg "the helper's site: $site"
case $site in
*"+0x"*" [allocfail_helper]") ;;
*) ktap_exit_fail_msg "sites named no helper site: '$site'" ;;
esac
func=${site%%+*}
off=${site#*+}
off=${off%%/*}

af_policy s orders=2 "callers=[allocfail_helper]" "site=$site" enable=1 ||
	ktap_exit_fail_msg "cannot create a policy with site=$site"
af_expect_eq "site reads back as written" "$(cat $CFS/s/site)" "$site"
af_expect "site as sites prints it: every allocation there fails" \
	task 2 GFP_KERNEL $N $N
af_expect "site: other orders, same site, spared (orders=2)" \
	task 3 GFP_KERNEL $N 0

echo "allocfail_helper:$func+$off" >$CFS/s/site
af_expect "site as module:function+offset: the same" task 2 GFP_KERNEL $N $N

# The function's entry is in the function, but no allocation returns there.
echo "allocfail_helper:$func+0x0" >$CFS/s/site
af_expect "another offset in the same function: nothing fails" \
	task 2 GFP_KERNEL $N 0

# The module goes and comes back: the site is resolved anew.
echo "$site" >$CFS/s/site
rmmod allocfail_helper || ktap_exit_fail_msg "cannot unload the helper"
af_expect_eq "site kept while its module is away" "$(cat $CFS/s/site)" "$site"
insmod "$HELPER_KO" || ktap_exit_fail_msg "cannot reload the helper"
af_expect "site re-resolved when the module came back" task 2 GFP_KERNEL $N $N

echo none >$CFS/s/site
af_expect_eq "site=none reads back as none" "$(cat $CFS/s/site)" none
# A site filter does not widen a policy: without it, orders=2 fails all.
af_expect "site=none: the policy's other filters alone" task 2 GFP_KERNEL $N $N

# Two callers of one allocator wrapper are two sites, each named by its
# caller: kvmalloc() of 16 KiB (past the largest kmalloc cache, so
# straight to the page allocator) from helper_kvmalloc_a and _b.  Before
# the wrapper was known, both were "__kvmalloc_node_noprof+0x.." and
# site= failed whichever came first.
echo 0 >$CFS/s/enable
af_policy two orders=2 "callers=[allocfail_helper]" sites_of=matched \
	schedule/probability=0 enable=1 || ktap_exit_fail_msg "cannot create policy"
af_alloc kvmalloc2 2 GFP_KERNEL 1 || ktap_exit_fail_msg "helper failed"
names=$(sed 's/+.*//' $CFS/two/sites | sort -u | tr '\n' ' ')
af_expect_eq "two callers of kvmalloc: two sites, named by the callers" \
	"$names" "helper_kvmalloc_a helper_kvmalloc_b "

af_teardown
ktap_finished
