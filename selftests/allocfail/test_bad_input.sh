#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Malformed and hostile values (garbage, overflow, negative, huge, only
# whitespace, embedded NUL, thousands of list items) are refused with
# EINVAL and change nothing: each attribute reads back as it was.

. "$(dirname "$0")/allocfail_lib.sh"

ktap_print_header
af_setup
af_policy p orders=3 gfp_require=GFP_ATOMIC contexts=hardirq ||
	ktap_exit_fail_msg "cannot create policy"

# attribute|bad value
BAD="orders|11
orders|3-1
orders|banana
orders|
orders|-1
orders|99999999999999999999
gfp_require|GFP_BOGUS
gfp_require|GFP_ATOMIC|
gfp_require|0x100000000
gfp_require|
gfp_reject|__GFP_DIRECT_RECLAIM|nope
contexts|irq
contexts|
enable|2
enable|yes please
stats_reset|0
pids|abc
pids|-5
pids|0
pids|1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17
pids|
comms|a-name-longer-than-15
comms|
callers|no_such_function_xyz
callers|[]
callers|   
site|helper_alloc_loop
site|no_such_function_xyz+0x10
site|helper_alloc_loop+0x100000
site|helper_alloc_loop+0x4/0x1
site|helper_alloc_loop+zz
site|+0x4
site|helper_alloc_loop+0x4 [allocfail_helper
site|allocfail_helper:helper_alloc_loop+0x4 [allocfail_helper]
site|allocfail_helper:no_such_function_xyz+0x4
site|   
callers_depth|0
callers_depth|33
nth|-1
nth|abc
sites_of|bogus
sites_of|
sites_of|matched injected
timeout_ms|-1
timeout_ms|99999999999
orders|$(seq -s, 0 1000)
orders|   
enable|   
gfp_require|0xffffffffffffffffffff
gfp_reject|-1
nth|99999999999999999999999
callers_depth|-3
timeout_ms|1e9
comms|$(seq -s, 1 2000)
pids|$(seq -s, 1 3000)
callers|$(seq -s, 1 1000 | sed "s/[0-9][0-9]*/f&/g")
site|f$(seq -s_ 1 100)+0x1"
ktap_set_plan $(($(echo "$BAD" | wc -l) + 11))

# refuses ATTR SHOWN FORMAT VALUE: writing printf FORMAT VALUE (SHOWN in
# the test's name) to ATTR must fail and leave ATTR reading as before.
refuses() {
	before=$(cat "$CFS/p/$1" 2>/dev/null)
	# shellcheck disable=SC2059 # the format is the point
	if printf "$3" "$4" >"$CFS/p/$1" 2>/dev/null; then
		ktap_test_fail "$1 refuses '$2'"
	elif [ "$(cat "$CFS/p/$1" 2>/dev/null)" != "$before" ]; then
		ktap_test_fail "$1 unchanged after '$2'"
	else
		ktap_test_pass "$1 refuses '$2'"
	fi
}

while IFS= read -r line; do
	attr=${line%%|*}
	val=${line#*|}
	shown=$(printf '%.40s' "$val")
	[ "$shown" = "$val" ] || shown="$shown..."
	refuses "$attr" "$shown" '%s\n' "$val"
done <<EOF
$BAD
EOF

# A NUL byte inside a value: the prefix before it is valid, the write is
# refused all the same.
for kv in orders=5 gfp_require=GFP_KERNEL contexts=task pids=1 comms=sh \
	callers=helper_alloc_loop callers_depth=7 nth=2 timeout_ms=9 enable=1 \
	site=helper_alloc_loop+0x4; do
	refuses "${kv%%=*}" "${kv#*=}\\0junk" '%s\0junk\n' "${kv#*=}"
done

af_teardown
ktap_finished
