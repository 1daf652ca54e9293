#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The configfs tree is root-only for writing: an unprivileged user can
# neither create policies nor change one.

. "$(dirname "$0")/allocfail_lib.sh"

ktap_print_header
af_setup
ktap_set_plan 3

af_policy p orders=3 || ktap_exit_fail_msg "cannot create policy"
as_nobody() {
	su -s /bin/sh nobody -c "$1" 2>/dev/null
}

if as_nobody "mkdir $CFS/evil"; then
	ktap_test_fail "nobody cannot mkdir a policy"
else
	ktap_test_pass "nobody cannot mkdir a policy"
fi
if as_nobody "echo 1 > $CFS/p/enable" || [ "$(cat $CFS/p/enable)" != 0 ]; then
	ktap_test_fail "nobody cannot enable a policy"
else
	ktap_test_pass "nobody cannot enable a policy"
fi
if as_nobody "echo 0 > $CFS/p/schedule/probability"; then
	ktap_test_fail "nobody cannot change the schedule"
else
	ktap_test_pass "nobody cannot change the schedule"
fi

af_teardown
ktap_finished
