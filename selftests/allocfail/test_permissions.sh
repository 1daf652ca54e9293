#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The configfs tree is root-only for writing: an unprivileged user can
# neither create nor remove policies, nor change any attribute of one
# (each reads back unchanged).

. "$(dirname "$0")/allocfail_lib.sh"

ktap_print_header
af_setup
ktap_set_plan 5

af_policy p orders=3 || ktap_exit_fail_msg "cannot create policy"
as_nobody() {
	su -s /bin/sh nobody -c "$1" 2>/dev/null
}

# Without this, every refusal below would pass for a broken su.
af_expect_eq "commands run as nobody" "$(as_nobody "id -u")" 65534
if as_nobody "mkdir $CFS/evil" || [ -d $CFS/evil ]; then
	ktap_test_fail "nobody cannot mkdir a policy"
else
	ktap_test_pass "nobody cannot mkdir a policy"
fi
if as_nobody "rmdir $CFS/p" || [ ! -d $CFS/p ]; then
	ktap_test_fail "nobody cannot rmdir a policy"
else
	ktap_test_pass "nobody cannot rmdir a policy"
fi

# Every writable attribute, with a value root could write.
accepted=""
changed=""
n=0
for f in "$CFS"/p/* "$CFS"/p/schedule/*; do
	[ -f "$f" ] || continue
	case ${f##*/} in
	stats_reset) v=1 ;;
	enable) v=1 ;;
	callers) v="[allocfail_helper]" ;;
	pids) v=1 ;;
	comms) v="sh" ;;
	contexts) v=hardirq ;;
	sites_of) v=matched ;;
	gfp_require | gfp_reject) v=GFP_ATOMIC ;;
	orders) v=0-2 ;;
	*) v=7 ;;
	esac
	before=$(cat "$f" 2>/dev/null)
	as_nobody "echo '$v' > $f" && accepted="$accepted ${f#"$CFS"/p/}"
	[ "$(cat "$f" 2>/dev/null)" = "$before" ] ||
		changed="$changed ${f#"$CFS"/p/}"
	n=$((n + 1))
done
ktap_print_msg "$n attributes tried as nobody"
af_expect_eq "nobody's writes refused" "${accepted:-none}" none
af_expect_eq "every attribute reads back unchanged" "${changed:-none}" none

af_teardown
ktap_finished
