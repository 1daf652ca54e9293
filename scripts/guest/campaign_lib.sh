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
#               wl_load; wl_exercise must work twice on one load, since
#               the recovery check runs it again); it sees the campaign
#               file's variables, and CAMPAIGN_RUN, the run's number
#   MODE        systematic (fail the n-th matching allocation, n = 1, 2,
#               ... up to the baseline's count plus 10% for drift, or
#               until EMPTY_STOP runs in a row inject nothing), site-unique (fail each
#               distinct call site once: run k fails the first allocation
#               the baseline saw at site k, from its sites_of=matched map,
#               with the policy confined to that caller by site=)
#               or sweep (one run per combination of SWEEP_ORDERS x
#               SWEEP_GFP x SWEEP_CONTEXTS x SWEEP_PROBS)
#   POLICY      attr=value words added to every run's policy (optional)
#   SEED        sweep order: 1 (default) in order, another number a fixed
#               permutation, so a MAX_RUNS bound covers another subset
#   MAX_RUNS    bound on the run number (default 500)
#   SITE_DEPTH  site-unique: fail the 1st, 2nd, ... SITE_DEPTH-th allocation
#               at each site (one run each, as far as the baseline saw
#               that many there; default 1): where a workload comes back
#               to a site (RX refill, per-request buffers), the bug is
#               often in the steady state, not the first call
#   EMPTY_STOP  systematic: stop after this many runs in a row inject
#               nothing (default 3; one alone is drift: a run whose
#               workload made fewer matching allocations this time)
#   RUN_TIMEOUT seconds per step before the run counts as a hang (60)
#   LEAK_SCAN   1: a kmemleak scan after every run (default 1)
#   SETTLE      seconds to wait for late splats when LEAK_SCAN=0 (2)
# Run 0 is the baseline: the policy enabled with probability 0, so it
# counts the matching allocations and injects none; it must be clean.
#
# A run: with the policy on, load and exercise; with it off, the recovery
# check (the exercise again, after a fresh load if the load failed: the
# driver must work without injection); the policy on again for the
# unload; then the driver must be gone.  Outcomes, first that applies:
# splat (the kernel log or kmemleak, "late" when printed after the
# steps), hang (a step over RUN_TIMEOUT), stuck (the recovery check or
# the unload failed), swallowed (a step returned WL_SWALLOWED:
# it succeeded by the kernel's account yet did not do what it claims),
# degraded (a step returned WL_DEGRADED: under injection the driver lost
# more traffic than the failures explain, campaigns/traffic.sh),
# unknown (kmemleak switched itself off),
# error-returned (a step failed with injection on), clean.

# Globals set here are read by campaign.sh.
# shellcheck disable=SC2034

CFS=/sys/kernel/config/allocfail
KMEMLEAK=/sys/kernel/debug/kmemleak
POL=$CFS/campaign
# What scan_kernel_log looks for: scan-splats' patterns.
SPLAT_PATTERNS=/tmp/splat.patterns

campaign_load() {
	MAX_RUNS=500
	EMPTY_STOP=3
	SITE_DEPTH=1
	RUN_TIMEOUT=60
	LEAK_SCAN=1
	SETTLE=2
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
	case $EMPTY_STOP in
	"" | *[!0-9]* | 0) echo "campaign: EMPTY_STOP must be a positive number" >&2; return 1 ;;
	esac
	case $SITE_DEPTH in
	"" | *[!0-9]* | 0) echo "campaign: SITE_DEPTH must be a positive number" >&2; return 1 ;;
	esac
	case $SEED in
	"" | *[!0-9]* | 0) echo "campaign: SEED must be a positive number" >&2; return 1 ;;
	esac
	case $MODE in
	systematic | site-unique | sweep) ;;
	*) echo "campaign: MODE must be systematic, site-unique or sweep" >&2; return 1 ;;
	esac
	WL=$CAMPAIGN_DIR/$WORKLOAD
	[ -r "$WL" ] || { echo "campaign: no workload $WL" >&2; return 1; }
	# shellcheck source=../../campaigns/outcomes.sh
	. "$CAMPAIGN_DIR/outcomes.sh"
}

campaign_prepare() {
	grep -q " /sys/kernel/config " /proc/mounts ||
		mount -t configfs configfs /sys/kernel/config
	grep -q " /sys/kernel/debug " /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	heartbeat prepare
	modprobe allocfail || exit 2
	sh /allocfail/scan-splats --patterns >$SPLAT_PATTERNS || exit 2
	# Campaign runs scan for leaks themselves, when each run is over.
	[ -w $KMEMLEAK ] && echo scan=off >$KMEMLEAK
}

# sweep_count: the number of sweep runs (run 0, the baseline, comes on
# top), in $sweep_n.
# shellcheck disable=SC2086 # the lists are split on purpose
sweep_count() {
	set -- $SWEEP_ORDERS
	n=$#
	set -- $SWEEP_GFP
	n=$((n * $#))
	set -- $SWEEP_CONTEXTS
	n=$((n * $#))
	set -- $SWEEP_PROBS
	sweep_n=$((n * $#))
}

# The baseline's map of the sites the workload reaches (SITEMAP, written
# by run 0): the "sites" lines in the order the workload first reaches
# them, what site-unique runs replay.
SITEMAP=/tmp/campaign.sites

# site_count: the number of distinct sites the baseline mapped, in
# $sites_n.  These helpers set variables and spawn nothing: a process
# costs up to a second in this guest (forks_now).
site_count() {
	sites_n=0
	while IFS= read -r line; do
		sites_n=$((sites_n + 1))
	done <$SITEMAP
}

# site_run R: the site and depth site-unique run R (from 1) fails, in
# $site_k (the map's line, from 1; 0 past the end), $site_d (the d-th
# allocation there) and $line (the map's line): each site has
# min(SITE_DEPTH, its baseline count) runs, in the map's order; in
# $site_runs_n the runs of the whole map.
site_run() {
	site_k=0
	site_runs_n=0
	i=0
	found=""
	while IFS= read -r l; do
		i=$((i + 1))
		c=${l#* count=}
		c=${c%% *}
		[ "$c" -le "$SITE_DEPTH" ] || c=$SITE_DEPTH
		if [ "$site_k" -eq 0 ] && [ "$1" -le $((site_runs_n + c)) ]; then
			site_k=$i
			site_d=$(($1 - site_runs_n))
			found=$l
		fi
		site_runs_n=$((site_runs_n + c))
	done <$SITEMAP
	line=$found
}

# site_params R: the policy words of site-unique run R (site_run), in
# $site_words: its site's caller (site=, as "mod:func+0xoff/0xsize"),
# its order (a page site) or object size (a slab site, "size=" in the
# map), its context.  The campaign's policy hooks both allocators (its
# default), so each site's words say which one the site is; nth=d, its
# d-th allocation.
site_params() {
	site_run "$1"
	case $line in
	*" size="*)
		name=${line%% size=*}
		what=${line#* size=}
		what="allocator=slab sizes=${what%% *}"
		;;
	*)
		name=${line%% order=*}
		what=${line#* order=}
		what="allocator=page orders=${what%% *}"
		;;
	esac
	case $name in
	*" ["*"]")
		mod=${name##* \[}
		name="${mod%"]"}:${name%% *}"
		;;
	esac
	ctx=${line#* context=}
	site_words="site=$name $what contexts=${ctx%% *} nth=$site_d"
}

# site_first R: the ordinal of run R's site's first match in the
# baseline, in $first.
site_first() {
	site_run "$1"
	first=${line##* first=}
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
	sweep_count
	total=$sweep_n
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

# kmsg TEXT: a line in the kernel log, which the console keeps; the host
# attributes every splat of the console log to the run whose marker
# ("allocfail-campaign: run N") came last before it.
kmsg() {
	kmsg_write "allocfail-campaign: $*"
}

# kmsg_write TEXT: one record into the kernel log (a write of /dev/kmsg).
kmsg_write() {
	printf '%s\n' "$1" >/dev/kmsg
}

# forks_now: the number of processes this kernel has forked since it
# booted (/proc/stat), in $forks, read without forking one: under TCG on
# the debug kernel a fork and exec costs 0.3 to 0.8 s, the largest cost of
# a run after kmemleak's scans (BENCHMARKS.md, "Campaign throughput").
forks_now() {
	while read -r k forks _; do
		[ "$k" != processes ] || return 0
	done </proc/stat
	forks=0
}

# heartbeat WHAT: tell the host the run is alive and what it is doing, at
# what guest uptime (scripts/campaign-timing sums the phases); the host's
# per-run limit (vm-run's RUN_LIMIT) counts from the last one.
heartbeat() {
	read -r up _ </proc/uptime
	echo "@@STEP ${run_no:--} $1 $up"
}

# step NAME [LABEL]: run wl_NAME under RUN_TIMEOUT; the first failure is
# the run's (LABEL, e.g. recover-exercise, names it; NAME by default).
step() {
	label=${2:-$1}
	heartbeat "$label"
	# busybox timeout, not the kselftest runner's wrapper script
	# (/usr/bin/timeout): one exec of sh less per step.
	CAMPAIGN_RUN=$run_no CAMPAIGN_STEP=$label busybox timeout "$RUN_TIMEOUT" sh -c ". '$CAMPAIGN_FILE' && . '$WL' && wl_$1" \
		>/tmp/step.out 2>&1
	rc=$?
	[ $rc -eq 0 ] && return 0
	# A hang outweighs an earlier failure: it is the run's whatever came
	# before.
	if [ $rc -eq 124 ] || [ $rc -eq 143 ]; then
		r_hang=1
		r_step=$label
		r_rc=$rc
		r_err="step $label timed out after ${RUN_TIMEOUT}s$(hung_where)"
	elif [ -z "$r_step" ]; then
		r_step=$label
		r_rc=$rc
		r_err=$(tail -n 1 /tmp/step.out | tr -d '\r')
	fi
	# A status that tells a finding (campaigns/outcomes.sh): the first.
	case $rc in
	"$WL_SWALLOWED") [ -n "$r_hid" ] || r_hid=swallowed ;;
	"$WL_DEGRADED") [ -n "$r_hid" ] || r_hid=degraded ;;
	esac
	return 1
}

# hung_where: " in FUNC" for the first task stuck in D state, FUNC the
# first frame of its kernel stack that is not the scheduler's or a wait
# primitive's (what a hang is named by); nothing when none is stuck.
hung_where() {
	for s in /proc/[0-9]*/stat; do
		d=${s%/stat}
		state=$(sed 's/.*) \(.\) .*/\1/' "$s" 2>/dev/null)
		[ "$state" = D ] || continue
		f=$(sed -e 's/^\[<[0-9a-f]*>\] //' -e 's/+0x.*//' "$d/stack" 2>/dev/null |
			grep -vE "$GENERIC_FRAMES" | head -n 1)
		[ -n "$f" ] || continue
		echo " in $f"
		return 0
	done
}
GENERIC_FRAMES='^(__schedule|schedule|schedule_[a-z_]*|io_schedule[a-z_]*|__wait_[a-z_]*|wait_[a-z_]*|do_wait[a-z_]*|msleep[a-z_]*|usleep[a-z_]*|__mutex_lock[a-z_.0-9]*|mutex_lock[a-z_]*|rwsem_[a-z_]*|down[a-z_]*|__down[a-z_]*|do_nanosleep|hrtimer_nanosleep|__x64_sys_[a-z_0-9]*|do_syscall_64|entry_SYSCALL_64[a-z_]*|ret_from_fork[a-z_]*|kthread|worker_thread|process_one_work|do_one_initcall|do_init_module|load_module|init_module_from_file|idempotent_init_module|__do_sys_[a-z_]*)$'

# scan_kernel_log [--captured]: the first splat the kernel log holds,
# signed (r_sig); non-zero when there is none.  --captured: the log as
# leak_scan took it a moment ago (/tmp/kernel.log), not a new dmesg.
scan_kernel_log() {
	[ "${1:-}" = --captured ] || dmesg >/tmp/kernel.log
	# scan-splats' own patterns (campaign_prepare), in one grep: the
	# script's pipeline cost five processes, twice a run.
	grep -n -m 1 -F -f $SPLAT_PATTERNS /tmp/kernel.log >/tmp/splat.hit ||
		return 1
	read -r n </tmp/splat.hit
	n=${n%%:*}
	r_sig=$(sed -n "$n,\$p" /tmp/kernel.log | sh /allocfail/splat-signature)
}

# kmemleak_dead LOG: kmemleak has switched itself off in this boot (it
# could not allocate its metadata, or hit an error), as the kernel log
# captured in LOG says: "no leak" means nothing.  Every
# way it stops goes through kmemleak_disable(), which says "Kernel memory
# leak detector disabled" (mm/kmemleak.c); a failed allocation alone does
# not stop it ("Cannot allocate a scan area" only widens a scan: e1000's
# run 18 of 2026-11-28, wrongly `unknown` then).
kmemleak_dead() {
	[ -z "${KMEMLEAK_DEAD:-}" ] || return 0
	grep -qE 'kmemleak: (Kernel memory leak detector|Kmemleak) disabled' "$1" ||
		return 1
	KMEMLEAK_DEAD=1
}

# uptime_s: the guest's uptime in whole seconds, in $up_s.
uptime_s() {
	read -r up_s _ </proc/uptime
	up_s=${up_s%.*}
}

# kmsg_lines: stdin into the kernel log, a record per line.
kmsg_lines() {
	while IFS= read -r kl_line; do
		kmsg_write "$kl_line"
	done 2>/dev/null
}

# leak_scan: kmemleak's verdict on this run: r_sig set and 0 for a leak,
# 1 for none, 2 when it cannot tell (kmemleak off, a scan refused).
leak_scan() {
	[ "$LEAK_SCAN" = 1 ] || return 1
	# A run that injected nothing took the baseline's path, whose scan
	# found no leak (or the campaign would have stopped there): its two
	# scans, half a run's time, would tell nothing new.
	[ "$run_no" -eq 0 ] || [ "${r_injected:-1}" -ne 0 ] || return 1
	# A kernel without kmemleak checks no leaks (a known limit of that
	# kernel); one whose kmemleak stopped cannot tell.
	[ -e $KMEMLEAK ] || return 1
	[ -w $KMEMLEAK ] || return 2
	heartbeat leak-scan
	# A stale copy of a leaked pointer (a freed task's stack kept for
	# reuse, NR_CACHED_STACKS per CPU) hides it: recycle those first,
	# fork clears a cached stack it takes.  Subshells, not /bin/true: a
	# fork without the exec, a third of the time (2026-11-28, TCG: eight
	# in 1.7-2.3 s against 4.1-6.3 s).
	for i in 1 2 3 4 5 6 7 8; do (:) & done
	wait
	heartbeat leak-scan1
	# Two scans, the fewest that report a new leak: the first records
	# each unreferenced object's checksum, the second reports those
	# unchanged since (mm/kmemleak.c, update_checksum()).  Each costs
	# 11 to 18 s under TCG with 1 GB (BENCHMARKS.md, "Campaign
	# throughput"); the third scan that came after a recycle is gone now
	# that the recycle comes first, and the leak self-test still finds
	# the leak in every run that reaches it.
	echo scan >$KMEMLEAK 2>/dev/null || return 2
	# Only the report has an age limit (unreferenced_object()): an
	# object is reported once it is 5 s old when a scan starts, so the
	# second starts 6 s after the steps ended (STEPS_END) or later.  The
	# first needs no wait: a checksum is recorded whatever the age.
	uptime_s
	wait_s=$((6 - (up_s - STEPS_END)))
	heartbeat leak-wait
	[ "$wait_s" -le 0 ] || sleep "$wait_s"
	heartbeat leak-scan2
	echo scan >$KMEMLEAK 2>/dev/null || return 2
	heartbeat leak-read
	# kmemleak says in the kernel log what its scans found ("N new
	# suspected memory leaks", mm/kmemleak.c) and when it switched itself
	# off: one dmesg, which the late scan reads too, instead of walking
	# its report (every object it tracks: 1.5 s under TCG) and a second
	# dmesg.  Only a leak's report is read, for its signature.
	dmesg >/tmp/kernel.log
	log_captured=--captured
	kmemleak_dead /tmp/kernel.log && return 2
	grep -q 'kmemleak: [0-9]* new suspected memory leaks' /tmp/kernel.log ||
		return 1
	r_sig=$(sh /allocfail/splat-signature <$KMEMLEAK)
	# Into the console log, for the record: a line per write, because
	# /dev/kmsg makes one record of each write() and refuses one longer
	# than a record (1 KiB, kernel/printk/printk.c devkmsg_write()):
	# cat's single write of a report of two objects left nothing.
	kmsg_lines <$KMEMLEAK
	echo clear >$KMEMLEAK
	return 0
}

# find_splat: the first splat of this run, from the kernel log right after
# the steps, else from kmemleak, else from the kernel log again (what a
# timer, an RCU callback or a work item left behind printed meanwhile:
# r_late=1).  Returns 2 when there is none and kmemleak could not tell.
find_splat() {
	r_sig=""
	log_captured=""
	uptime_s
	STEPS_END=$up_s
	heartbeat scan
	scan_kernel_log && return 0
	leak_scan
	lrc=$?
	[ $lrc -eq 0 ] && return 0
	heartbeat late-scan
	[ "$LEAK_SCAN" = 1 ] || sleep "$SETTLE"
	# shellcheck disable=SC2086 # empty or one word
	if scan_kernel_log $log_captured; then
		r_late=1
		return 0
	fi
	[ $lrc -eq 2 ] && [ "$LEAK_SCAN" = 1 ] && return 2
	return 1
}

# module_loaded: the driver is in /proc/modules (in any state).
module_loaded() {
	while read -r m _; do
		[ "$m" != "$MODULE" ] || return 0
	done </proc/modules
	return 1
}

# arm_unload NTH INJECTED MATCHED: enable the policy again for the unload
# step, so that a run fails the same allocation it would have failed had
# the recovery check not come between.  Enabling renumbers matches from 1:
# a run that wants its NTH match (systematic run k, nth=k; site-unique,
# the d-th at its site), with MATCHED matches already seen, wants
# nth=NTH-MATCHED.  NTH is empty for the baseline and sweeps.
arm_unload() {
	if [ -n "$1" ]; then
		[ "$2" -eq 0 ] || return 0
		# Passed without a failure (a match the kernel may not
		# fail, __GFP_NOFAIL): nothing left to fail.
		[ "$1" -gt "$3" ] || return 0
		policy_set "nth=$(($1 - $3))" || return 1
	fi
	policy_set enable=1
}

# recover LABEL: with injection off, the driver must work again: a fresh
# load when it is not loaded, or when the run's load failed and left it
# loaded (a driver whose probe of one device failed stays for the others;
# the kernel never probes that device again, only a fresh load does),
# then the workload's exercise.  A failure is the run's finding (stuck):
# the error path left the driver unusable.
recover() {
	saved_step=$r_step
	r_step=""
	if [ "$saved_step" = load ] && module_loaded; then
		step unload "$1-reload" || { r_stuck=1; return 1; }
	fi
	if ! module_loaded; then
		step load "$1-load" || { r_stuck=1; return 1; }
	fi
	step exercise "$1-exercise" || { r_stuck=1; return 1; }
	r_step=$saved_step
}

# campaign_run RUN: sets r_params r_outcome r_injected r_step r_rc r_sig
# r_site.  Run with injection: load, exercise; then, injection off, the
# recovery check (when something was injected: the driver must work
# again); injection back on for the unload; then the driver must be gone.
campaign_run() {
	run_no=$1
	r_step=""
	r_rc=0
	r_err=""
	r_hang=0
	r_stuck=0
	# A finding a step's status told (swallowed, degraded: outcomes.sh).
	r_hid=""
	r_late=0
	# What the workload's traffic checks record (campaigns/traffic.sh).
	: >/tmp/campaign.traffic
	unset r_step_splat
	r_site=""
	# The match this run fails, counted from enable (arm_unload).
	r_nth=""
	kmsg "run $1"
	if [ "$1" -eq 0 ]; then
		r_params="baseline"
		extra="schedule/probability=0 sites_of=matched"
	elif [ "$MODE" = systematic ]; then
		r_params="nth=$1"
		extra="nth=$1"
		r_nth=$1
	elif [ "$MODE" = site-unique ]; then
		site_params "$1"
		extra=$site_words
		site_count
		# Which site of the map (campaign-report's table), not
		# which run: with SITE_DEPTH, a site has several.
		r_params="$site_k/$sites_n: $extra"
		r_nth=$site_d
	else
		r_params=$(sweep_params "$1") || exit 2
		extra=$r_params
	fi
	mkdir $POL || exit 2
	if [ "$MODE" = site-unique ] && [ "$1" -gt 0 ] &&
		! policy_set "${extra%% *}" 2>/dev/null; then
		# A site this boot's allocfail cannot resolve (a function
		# kprobes refuse to look up): the baseline's ordinal, which
		# may land elsewhere; the row says so.
		site_first "$1"
		r_params="$site_k/$sites_n: ${extra%% *} refused, nth=$first"
		extra="nth=$first"
		r_nth=$first
	fi
	# Both allocators unless the campaign narrows it: most of a
	# driver's allocation sites are slab objects, which reach the page
	# allocator only when their cache needs a new slab.
	alloc="allocator=page,slab"
	case " $POLICY " in
	*" allocator="*) alloc="" ;;
	esac
	# shellcheck disable=SC2086 # POLICY and extra are lists of words
	policy_set "callers=[$MODULE]" $alloc $POLICY $extra enable=1 || exit 2

	if step load; then
		step exercise
	fi
	# The baseline counts and maps in one window, as the kernel numbers
	# matches from enable: its check of the workload comes after.
	inj_steps=0
	if [ "$1" -gt 0 ]; then
		echo 0 >$POL/enable
		read -r inj_steps <$POL/injected
		read -r matched_steps <$POL/matched
		if [ $r_hang -eq 0 ] && [ "$inj_steps" -gt 0 ]; then
			recover recover
		fi
		[ $r_hang -eq 1 ] ||
			arm_unload "$r_nth" "$inj_steps" "$matched_steps" || exit 2
	fi
	if [ $r_hang -eq 0 ]; then
		step unload
		unload_rc=$rc
		echo 0 >$POL/enable
		if [ "$unload_rc" -ne 0 ] || module_loaded; then
			# The next run needs a fresh boot: this driver stays.
			r_stuck=1
			if [ $r_hang -eq 0 ]; then
				# A splat outweighs this: its step stays.
				r_step_splat=$r_step
				r_step=unload
				r_rc=$unload_rc
				r_err=$(tail -n 1 /tmp/step.out | tr -d '\r')
				module_loaded &&
					r_err="${r_err:+$r_err; }$MODULE still loaded"
			fi
		elif read -r inj_now <$POL/injected && [ "$inj_now" -gt "$inj_steps" ] &&
			[ $r_stuck -eq 0 ]; then
			# The unload path failed: a fresh load must work.
			recover recover &&
				{ step unload recover-unload || r_stuck=1; }
		elif [ "$1" -eq 0 ] && [ -z "$r_step" ]; then
			# The workload must work again on a fresh load, and its
			# exercise twice on one load, as recovery checks need.
			recover baseline &&
				{ step exercise baseline-exercise-again &&
				step unload baseline-unload || r_stuck=1; }
		fi
	fi
	read -r r_injected <$POL/injected
	read -r r_matched <$POL/matched
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
		site_count
		r_params="baseline matched=$r_matched sites=$sites_n"
		grep -q '^# ' $POL/sites && r_params="$r_params+"
		r_site=""
	else
		r_site=""
		read -r r_site <$POL/sites
		r_site=${r_site%% count=*}
	fi
	# A module gone by now (its load failed) leaves a bare address.
	case $r_site in
	0x*) r_site="[$MODULE, unloaded] ${r_site#* }" ;;
	esac
	rmdir $POL

	find_splat
	src=$?
	# The kernel's own report of the hang this run timed out on names it;
	# the run is still a hang.
	if [ $src -eq 0 ] && [ $r_hang -eq 1 ]; then
		case $r_sig in
		"INFO: task hung"* | "BUG: soft lockup"* | "INFO: rcu detected"*)
			src=1
			r_err="$r_err ($r_sig)"
			;;
		esac
	fi
	if [ $src -eq 0 ]; then
		r_outcome=splat
		[ -z "${r_step_splat+set}" ] || r_step=$r_step_splat
		[ $r_late -eq 0 ] || r_step=late
	elif [ $r_hang -eq 1 ]; then
		r_outcome=hang
		r_sig=$r_err
	elif [ $r_stuck -eq 1 ]; then
		r_outcome=stuck
		r_sig=$r_err
	elif [ -n "$r_hid" ]; then
		r_outcome=$r_hid
		r_sig=$r_err
	elif [ $src -eq 2 ]; then
		# kmemleak is off for the rest of this boot: a leak could not
		# be seen, so the run proves nothing; a fresh boot goes on.
		r_outcome=unknown
		r_sig="kmemleak disabled itself: leaks not checked"
	elif [ -n "$r_step" ]; then
		r_outcome=error-returned
		r_sig=$r_err
	else
		r_outcome=clean
	fi
	# The traffic of each step that checked some, per phase (the
	# report's received/sent table).
	if [ -f /tmp/campaign.traffic ]; then
		while read -r t_step t_rx t_tx t_inj; do
			echo "@@TRAFFIC $1|$t_step|$t_rx|$t_tx|$t_inj"
		done </tmp/campaign.traffic
	fi
	kmsg "run $1 done: $r_outcome"
	heartbeat end
}

# plan_end: the last run the campaign plans, once the baseline ran, in
# $plan_p: systematic, the baseline's count of matching allocations plus
# 10% (at least one more) for drift: a run may make a few allocations
# more than the baseline did; site-unique, one run per mapped site; a
# sweep, one per combination.  MAX_RUNS bounds each.
plan_end() {
	case $MODE in
	systematic) plan_p=$((r_matched + (r_matched + 9) / 10)) ;;
	site-unique)
		site_run 0
		plan_p=$site_runs_n
		;;
	*)
		sweep_count
		plan_p=$sweep_n
		;;
	esac
	[ "$MODE" != systematic ] || [ "$plan_p" -gt "$r_matched" ] ||
		plan_p=$((r_matched + 1))
	[ "$plan_p" -le "$MAX_RUNS" ] || plan_p=$MAX_RUNS
}

# late_splat: a splat the kernel printed since the last run ended (what
# dmesg -c would clear): the run before left something behind.
late_splat() {
	r_sig=""
	scan_kernel_log
}

# run_line FIELD...: the fields joined by "|" as in an @@RUN line, in
# $r_line (a function called as $(...) would cost a fork), each
# field's own "|" (gfp flags: gfp_reject=__GFP_HIGH|__GFP_DIRECT_RECLAIM)
# written "+" so that it cannot split the field.
run_line() {
	sep=""
	r_line=""
	for f in "$@"; do
		while :; do
			case $f in
			*"|"*) f="${f%%"|"*}+${f#*"|"}" ;;
			*) break ;;
			esac
		done
		r_line="$r_line$sep$f"
		sep="|"
	done
}
