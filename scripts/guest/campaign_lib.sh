#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One campaign run in the guest: a policy confined to the target driver,
# the workload's steps, then what happened, classified.  Sourced by
# campaign.sh.
#
# A campaign file is sh, sourced here, setting:
#   NAME        the campaign's name
#   MODULE      the driver; the policy's callers=[MODULE]
#   WORKLOAD    a file beside the campaign defining wl_load, wl_exercise
#               and wl_unload (each returns non-zero on failure, with a
#               reason on stderr; wl_unload must also work after a failed
#               wl_load); it sees the campaign file's variables
#   MODE        systematic (fail the n-th matching allocation, n = 1, 2,
#               ... until a run injects nothing), site-unique (fail each
#               distinct call site once: run k fails the first allocation
#               the baseline saw at site k, from its sites_of=matched map,
#               with the policy confined to that caller by site=)
#               or sweep (one run per combination of SWEEP_ORDERS x
#               SWEEP_GFP x SWEEP_CONTEXTS x SWEEP_PROBS)
#   POLICY      attr=value words added to every run's policy (optional)
#   SEED        sweep order: 1 (default) in order, another number a fixed
#               permutation, so a MAX_RUNS bound covers another subset
#   MAX_RUNS    bound on the run number (default 500)
#   RUN_TIMEOUT seconds per step before the run counts as a hang (60)
#   LEAK_SCAN   1: a kmemleak scan after every run (default 1)
# Run 0 is the baseline: the policy enabled with probability 0, so it
# counts the matching allocations and injects none; it must be clean.

# Globals set here are read by campaign.sh.
# shellcheck disable=SC2034

CFS=/sys/kernel/config/allocfail
KMEMLEAK=/sys/kernel/debug/kmemleak
POL=$CFS/campaign

campaign_load() {
	MAX_RUNS=500
	RUN_TIMEOUT=60
	LEAK_SCAN=1
	POLICY=""
	SWEEP_ORDERS="0 1 3"
	SWEEP_GFP="atomic nowait reclaim"
	SWEEP_CONTEXTS="any"
	SWEEP_PROBS="100"
	SEED=1
	CAMPAIGN_FILE=$1
	CAMPAIGN_DIR=$(dirname "$1")
	# Workloads source their helpers from beside them.
	export CAMPAIGN_DIR
	# shellcheck source=/dev/null
	. "$1" || return 1
	for v in NAME MODULE WORKLOAD MODE; do
		eval "[ -n \"\${$v:-}\" ]" ||
			{ echo "campaign: $1 sets no $v" >&2; return 1; }
	done
	case $SEED in
	"" | *[!0-9]* | 0) echo "campaign: SEED must be a positive number" >&2; return 1 ;;
	esac
	case $MODE in
	systematic | site-unique | sweep) ;;
	*) echo "campaign: MODE must be systematic, site-unique or sweep" >&2; return 1 ;;
	esac
	WL=$CAMPAIGN_DIR/$WORKLOAD
	[ -r "$WL" ] || { echo "campaign: no workload $WL" >&2; return 1; }
}

campaign_prepare() {
	grep -q " /sys/kernel/config " /proc/mounts ||
		mount -t configfs configfs /sys/kernel/config
	grep -q " /sys/kernel/debug " /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	modprobe allocfail || exit 2
	# Campaign runs scan for leaks themselves, when each run is over.
	[ -w $KMEMLEAK ] && echo scan=off >$KMEMLEAK
}

# Number of sweep runs (run 0, the baseline, comes on top).
# shellcheck disable=SC2086 # the lists are split on purpose
sweep_count() {
	set -- $SWEEP_ORDERS
	n=$#
	set -- $SWEEP_GFP
	n=$((n * $#))
	set -- $SWEEP_CONTEXTS
	n=$((n * $#))
	set -- $SWEEP_PROBS
	echo $((n * $#))
}

# The baseline's map of the sites the workload reaches (SITEMAP, written
# by run 0): the "sites" lines in the order the workload first reaches
# them, what site-unique runs replay.
SITEMAP=/tmp/campaign.sites

# Number of distinct sites the baseline mapped.
site_count() {
	wc -l <$SITEMAP | tr -d ' '
}

# site_params K: the policy words that fail site K (from 1) of the map
# alone: its caller (site=, as "mod:func+0xoff/0xsize"), order and
# context, and nth=1, the first allocation there.
site_params() {
	line=$(sed -n "${1}p" $SITEMAP)
	name=${line%% order=*}
	case $name in
	*" ["*"]") name="$(echo "${name##* \[}" | tr -d ']'):${name%% *}" ;;
	esac
	order=$(echo "$line" | sed 's/.* order=\([0-9]*\) .*/\1/')
	ctx=$(echo "$line" | sed 's/.* context=\([a-z]*\) .*/\1/')
	echo "site=$name orders=$order contexts=$ctx nth=1"
}

# site_first K: the ordinal of site K's first match in the baseline.
site_first() {
	sed -n "${1}s/.* first=\([0-9]*\)$/\1/p" $SITEMAP
}

# nth_word N WORDS...: the N-th word (from 0).
nth_word() {
	i=$1
	shift
	shift "$i"
	echo "$1"
}

# gcd A B
gcd() {
	a=$1
	b=$2
	while [ "$b" -ne 0 ]; do
		t=$((a % b))
		a=$b
		b=$t
	done
	echo "$a"
}

# The combination sweep run RUN (>= 1) takes: with SEED=1 (the default)
# in order, with another seed a fixed permutation (a stride coprime with
# the number of combinations), so that a campaign bounded by MAX_RUNS
# covers a different, reproducible subset.
sweep_index() {
	total=$(sweep_count)
	stride=$SEED
	while [ "$(gcd "$stride" "$total")" -ne 1 ]; do
		stride=$((stride + 1))
	done
	echo $(((($1 - 1) * stride) % total))
}

# The policy attributes of sweep run RUN (>= 1): mixed-radix over the
# lists, orders fastest.
# shellcheck disable=SC2086 # the lists are split on purpose
sweep_params() {
	k=$(sweep_index "$1")
	set -- $SWEEP_ORDERS
	o=$(nth_word $((k % $#)) "$@")
	k=$((k / $#))
	set -- $SWEEP_GFP
	g=$(nth_word $((k % $#)) "$@")
	k=$((k / $#))
	set -- $SWEEP_CONTEXTS
	c=$(nth_word $((k % $#)) "$@")
	k=$((k / $#))
	set -- $SWEEP_PROBS
	p=$(nth_word $((k % $#)) "$@")
	printf 'orders=%s' "$o"
	case $g in
	atomic) printf ' gfp_require=__GFP_HIGH gfp_reject=__GFP_DIRECT_RECLAIM' ;;
	nowait) printf ' gfp_reject=__GFP_HIGH|__GFP_DIRECT_RECLAIM' ;;
	reclaim) printf ' gfp_require=__GFP_DIRECT_RECLAIM' ;;
	dma) printf ' gfp_require=__GFP_DMA' ;;
	any) ;;
	*) echo "campaign: unknown GFP class $g" >&2; return 1 ;;
	esac
	[ "$c" = any ] || printf ' contexts=%s' "$c"
	printf ' schedule/probability=%s\n' "$p"
}

# policy_set ATTR=VALUE...: write each, in order.
policy_set() {
	for kv in "$@"; do
		printf '%s\n' "${kv#*=}" >"$POL/${kv%%=*}" ||
			{ echo "campaign: cannot set $kv" >&2; return 1; }
	done
}

# step NAME: run wl_NAME under RUN_TIMEOUT; the first failure is the run's.
step() {
	timeout "$RUN_TIMEOUT" sh -c ". '$CAMPAIGN_FILE' && . '$WL' && wl_$1" \
		>/tmp/step.out 2>&1
	rc=$?
	[ $rc -eq 0 ] && return 0
	if [ -z "$r_step" ]; then
		r_step=$1
		r_rc=$rc
		r_err=$(tail -n 1 /tmp/step.out | tr -d '\r')
		[ $rc -eq 124 ] || [ $rc -eq 143 ] && r_hang=1
	fi
	return 1
}

# The first splat of this run: from the kernel log, else from kmemleak.
find_splat() {
	line=$(dmesg | sh /allocfail/scan-splats /dev/stdin | head -n 1)
	if [ -n "$line" ]; then
		r_sig=$(echo "$line" | sh /allocfail/splat-signature)
		return 0
	fi
	r_sig=""
	if [ "$LEAK_SCAN" = 1 ] && [ -w $KMEMLEAK ]; then
		# kmemleak reports an object once it is 5 s old; two scans, as
		# its documentation suggests, against transient false positives.
		sleep 6
		echo scan >$KMEMLEAK
		echo scan >$KMEMLEAK
		if ! grep -q "unreferenced object" $KMEMLEAK; then
			# A stale copy of a leaked pointer (a freed task's stack
			# kept for reuse) hides it: recycle those, look again.
			for i in 1 2 3 4 5 6 7 8; do /bin/true & done
			wait
			echo scan >$KMEMLEAK
		fi
		if grep -q "unreferenced object" $KMEMLEAK; then
			# Name the leak by its size and the first frame past the
			# allocator's own that still has a name (a module that
			# failed to load has none left).
			size=$(sed -n 's/.*unreferenced object .*(size \([0-9]*\)).*/\1/p' \
				$KMEMLEAK | head -n 1)
			f=$(sed -n '/backtrace/,/unreferenced object/s/^    //p' \
				$KMEMLEAK | sed -e 's/^ *//' \
				-e 's/^\[<[0-9a-f]*>\] //' -e 's/+0x.*//' |
				grep -vE '^(0x|kmemleak|_*kmalloc|kmem_cache|slab|_*alloc_pages|__alloc|kasan)' |
				head -n 1)
			r_sig="kmemleak: unreferenced object (size $size) from $f"
			# Into the console log, for the record.
			cat $KMEMLEAK >/dev/kmsg 2>/dev/null
			echo clear >$KMEMLEAK
		fi
	fi
	[ -n "$r_sig" ]
}

# campaign_run RUN: sets r_params r_outcome r_injected r_step r_rc r_sig
# r_site.
campaign_run() {
	r_step=""
	r_rc=0
	r_err=""
	r_hang=0
	r_site=""
	dmesg -c >/dev/null
	if [ "$1" -eq 0 ]; then
		r_params="baseline"
		extra="schedule/probability=0 sites_of=matched"
	elif [ "$MODE" = systematic ]; then
		r_params="nth=$1"
		extra="nth=$1"
	elif [ "$MODE" = site-unique ]; then
		extra=$(site_params "$1")
		r_params="$1/$(site_count): $extra"
	else
		r_params=$(sweep_params "$1") || exit 2
		extra=$r_params
	fi
	mkdir $POL || exit 2
	if [ "$MODE" = site-unique ] && [ "$1" -gt 0 ] &&
		! policy_set "${extra%% *}" 2>/dev/null; then
		# A site allocfail cannot resolve (a function kprobes refuse
		# to look up): the baseline's ordinal, which may land elsewhere.
		r_params="$1/$(site_count): ${extra%% *} refused, nth=$(site_first "$1")"
		extra="nth=$(site_first "$1")"
	fi
	# shellcheck disable=SC2086 # POLICY and extra are lists of words
	policy_set "callers=[$MODULE]" $POLICY $extra enable=1 || exit 2

	if step load && step exercise; then
		:
	fi
	# Always leave the driver unloaded, for the next run.
	step unload

	echo 0 >$POL/enable
	r_injected=$(cat $POL/injected)
	r_matched=$(cat $POL/matched)
	if [ "$1" -eq 0 ]; then
		# Sites named by a function and an offset (not a bare
		# address) can be replayed, in the order first reached.
		grep ' first=[0-9]*$' $POL/sites | grep '^[^ ]*+0x' |
			sed 's/.* first=\([0-9]*\)$/\1 &/' |
			sort -n | sed 's/^[0-9]* //' | awk '{
				# One run per caller, order and context: what
				# site_params can tell apart.
				k = $0; sub(/ gfp=.*/, "", k)
				c = $0; sub(/.* context=/, "", c); sub(/ .*/, "", c)
				if (!seen[k " " c]++) print
			}' >$SITEMAP
		SITES_MAPPED=1
		r_params="baseline matched=$r_matched sites=$(site_count)"
		grep -q '^# ' $POL/sites && r_params="$r_params+"
		r_site=""
	else
		r_site=$(sed -n '1s/^ *//p' $POL/sites |
			sed 's/ count=.*//')
	fi
	# A module gone by now (its load failed) leaves a bare address.
	case $r_site in
	0x*) r_site="[$MODULE, unloaded] ${r_site#* }" ;;
	esac
	rmdir $POL

	if find_splat; then
		r_outcome=splat
	elif [ $r_hang -eq 1 ]; then
		r_outcome=hang
		r_sig="step $r_step timed out after ${RUN_TIMEOUT}s"
	elif [ -n "$r_step" ]; then
		r_outcome=error-returned
		r_sig=$r_err
	else
		r_outcome=clean
	fi
}

# run_line FIELD...: the fields joined by "|" as in an @@RUN line, each
# field's own "|" (gfp flags: gfp_reject=__GFP_HIGH|__GFP_DIRECT_RECLAIM)
# written "+" so that it cannot split the field.
run_line() {
	sep=""
	for f in "$@"; do
		printf '%s%s' "$sep" "$(printf '%s' "$f" | tr '|' '+')"
		sep="|"
	done
	echo
}
