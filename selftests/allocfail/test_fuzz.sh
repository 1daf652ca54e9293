#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A bounded random-write fuzz over every attribute of a policy, its
# schedule included: random bytes, numbers of every size and sign, valid
# words in random combinations, long lists, whitespace.  The policy is
# confined to the helper's allocations (callers is only ever fuzzed with
# values that cannot name another caller), so the fuzz cannot starve the
# test itself.  Afterwards: every attribute still reads, the counters are
# consistent, the policy goes away, and a fresh one injects exactly.
# SEED=<n> replays a run.

. "$(dirname "$0")/allocfail_lib.sh"

ITER=${ITER:-400}
SEED=${SEED:-$(date +%s)}
ATTRS="enable timeout_ms orders gfp_require gfp_reject contexts pids comms
callers callers_depth site nth sites_of stats_reset schedule/probability
schedule/interval schedule/times schedule/space schedule/verbose schedule/task-filter"
WORDS="0 1 -1 2 3 7 10 11 33 1-10 0,3-5 5-3 , - ,, 0x10 4294967296
18446744073709551616 -9223372036854775808 GFP_ATOMIC GFP_KERNEL GFP_NOWAIT
GFP_NOIO __GFP_HIGH| |__GFP_IO __GFP_DIRECT_RECLAIM __GFP_NOFAIL task atomic
softirq hardirq task,hardirq [allocfail_helper] helper_alloc_loop [ ] sh
init none all matched injected helper_alloc_loop+0x8 allocfail_helper:helper_alloc_loop+0x1
helper_alloc_loop+0x8/0x1 [allocfail_helper] +0x"
ktap_print_header
af_setup
ktap_set_plan 5
ktap_print_msg "SEED=$SEED ITER=$ITER"

af_policy fz orders=3 "callers=[allocfail_helper]" ||
	ktap_exit_fail_msg "cannot create policy"

# One line per write: attribute, kind, then a length, a number or words.
plan=$(awk -v seed="$SEED" -v iter="$ITER" -v attrs="$(echo "$ATTRS" | tr "\n" " ")" \
	-v words="$(echo "$WORDS" | tr "\n" " ")" '
	BEGIN {
		srand(seed)
		na = split(attrs, a, " ")
		nw = split(words, w, " ")
		for (i = 0; i < iter; i++) {
			attr = a[int(rand() * na) + 1]
			kind = int(rand() * 5)
			if (kind == 0) {
				arg = int(rand() * 64) + 1
			} else if (kind == 1) {
				# busybox awk has no "^": scale by hand.
				scale = 1
				for (j = int(rand() * 25); j > 0; j--)
					scale *= 10
				arg = sprintf("%s%.0f", rand() < 0.5 ? "-" : "",
					      rand() * scale)
			} else if (kind == 2) {
				arg = w[int(rand() * nw) + 1]
				n = int(rand() * 4)
				for (j = 0; j < n; j++)
					arg = arg (rand() < 0.5 ? "," : "|") \
					      w[int(rand() * nw) + 1]
			} else if (kind == 3) {
				arg = int(rand() * 5000) + 1
			} else {
				arg = int(rand() * 3)
			}
			print attr, kind, arg
		}
	}')

# kind 0: random bytes; 1: a number; 2: words; 3: a long list; 4: blanks.
accepted=0
fuzz_write() {
	f=$CFS/fz/$1
	case $2 in
	0) head -c "$3" /dev/urandom >"$f" ;;
	3) seq -s, 1 "$3" >"$f" ;;
	4) printf '%*s\n' "$3" "" >"$f" ;;
	*) printf '%s\n' "$3" >"$f" ;;
	esac 2>/dev/null
}
echo "$plan" >/tmp/allocfail-fuzz.plan
while read -r attr kind arg; do
	# callers may only ever narrow to the helper: never "none".
	[ "$attr" = callers ] && [ "$kind" = 2 ] && arg="[allocfail_helper]"
	fuzz_write "$attr" "$kind" "$arg" && accepted=$((accepted + 1))
done </tmp/allocfail-fuzz.plan
rm -f /tmp/allocfail-fuzz.plan
ktap_print_msg "$accepted of $ITER writes accepted"

unreadable=""
for a in $ATTRS evaluated matched injected stats sites; do
	[ "$a" = stats_reset ] && continue
	cat "$CFS/fz/$a" >/dev/null 2>&1 || unreadable="$unreadable $a"
done
af_expect_eq "every attribute still reads" "${unreadable:-none}" none
af_expect_true "counters consistent" af_counters_consistent fz
af_expect_eq "the fuzzed policy still confined to the helper" \
	"$(cat $CFS/fz/callers)" "[allocfail_helper]"
echo 0 >$CFS/fz/enable
af_expect_true "the fuzzed policy goes away" rmdir $CFS/fz

af_policy fresh orders=3 gfp_require=GFP_ATOMIC "callers=[allocfail_helper]" \
	enable=1 || ktap_exit_fail_msg "cannot create policy"
af_expect "a fresh policy injects exactly" task 3 GFP_ATOMIC 20 20

af_teardown
ktap_finished
