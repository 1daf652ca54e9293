# SPDX-License-Identifier: GPL-2.0
#
# campaign.sh CAMPAIGN_FILE: run a campaign's runs inside the test VM, from
# run $START (default 0, the baseline) to $STOP (default: the campaign's
# end), every run, or with SHARD=j/N every N-th, or with RUNS="a b ..."
# (ascending) those runs alone, and print one line per
# run as soon as it is done:
#   @@RUN run|params|outcome|injected|step|rc|signature|site
# before it "@@BEGIN run", so the host knows which run a dead VM was in,
# "@@STATE run tainted=T runs=N clock=C" (the kernel's taint flags, how
# many runs this kernel has seen, its clocksource), and "@@STEP run step
# uptime" as each step starts (the host's per-run limit, campaign-timing's
# phases).
# The baseline prints its site map, "@@SITE line" each, which the host
# keeps and hands to every later boot (SITES_MAPPED=1, the map already at
# /tmp/campaign.sites): a map derived again in another boot would name
# other sites under the same numbers.  Then "@@PLAN N": the last run the
# campaign plans (the host's progress estimate).  A splat the kernel printed after a
# run's own scans is that run's: "@@LATE run|signature".
# Exit status: 0 the campaign is done; 3 the next run needs a fresh kernel
# (a splat: lockdep and KASAN report once per boot; a
# hang, a driver that would not unload, kmemleak switched off), the host
# boots one and goes on; 2 the baseline failed or the campaign is malformed.

# shellcheck source=campaign_lib.sh
. "$(dirname "$0")/campaign_lib.sh"

[ $# -eq 1 ] || { echo "usage: campaign.sh CAMPAIGN_FILE" >&2; exit 2; }
campaign_load "$1" || exit 2
campaign_prepare

SHARD=${SHARD:-0/1}
run=${START:-0}
prev=""
# RUNS (the host's ONLY="a b ..."): those runs, from the first.
[ -z "${RUNS:-}" ] || run=${RUNS%% *}
runs_done=0
# Systematic: the last planned run (the host's LAST, from an earlier
# boot's baseline, or this boot's own), and how many runs in a row,
# up to the one before START, injected nothing (the host's EMPTIES).
LAST=${LAST:-}
empties=${EMPTIES:-0}

# next_run: the run after $run, in $run: the next of RUNS (runs_done=1
# after the last), or SHARD's step.
next_run() {
	if [ -n "${RUNS:-}" ]; then
		for r in $RUNS; do
			if [ "$r" -gt "$run" ]; then
				run=$r
				return
			fi
		done
		runs_done=1
		return
	fi
	run=$((run + ${SHARD#*/}))
}

# past_end RUN: RUN is beyond what this boot runs.
past_end() {
	[ "$runs_done" -eq 0 ] || return 0
	[ -z "${STOP:-}" ] || [ "$1" -le "$STOP" ] || return 0
	# Systematic: up to the baseline's plan (LAST), unless RUNS names them.
	[ -n "${RUNS:-}" ] || [ -z "$LAST" ] || [ "$1" -le "$LAST" ] || return 0
	if [ "$MODE" = sweep ]; then
		sweep_count
		[ "$1" -le "$sweep_n" ] || return 0
	fi
	if [ "$MODE" = site-unique ] && [ "$1" -gt 0 ]; then
		if [ -z "${SITES_MAPPED:-}" ]; then
			echo "campaign: run $1 needs the baseline's site map" >&2
			exit 2
		fi
		site_run 0
		[ "$1" -le "$site_runs_n" ] || return 0
	fi
	[ "$1" -gt "$MAX_RUNS" ]
}

# SNAPSHOT=1 (the host's vm-run saves and restores the VM): the kernel as
# it is now is every run's.  The host saves the VM at "@@READY" and, after
# each run, restores it at "@@RESTORE N E L", which lands back in this
# read with N, the next run (E and L: the empty runs in a row so far and
# the plan's last run, what a systematic campaign's shell state held
# before the restore undid it): a splat, a hang, a driver that would not
# unload cost a restore, not a boot, and no run sees what an earlier one
# left behind.
if [ "${SNAPSHOT:-0}" = 1 ]; then
	late_splat && echo "campaign: a splat before the first run: $r_sig" >&2
	dmesg -c >/dev/null
	stty -F /dev/ttyS1 -echo 2>/dev/null
	echo "@@READY $run $empties $LAST"
	read -r run empties LAST </dev/ttyS1
	# In the console log, what follows is this run's, though its steps
	# have not begun: a splat of the restored kernel is the kernel this
	# run starts from, not the run before it (which the restore undid).
	kmsg "run $run starts from the snapshot"
fi
while ! past_end "$run"; do
	run_no=$run
	heartbeat begin
	forks_now
	forks_begin=$forks
	# What the run before left behind and printed since: its finding (a
	# restored kernel has nothing left behind).
	if [ "${SNAPSHOT:-0}" != 1 ] && late_splat; then
		if [ -n "$prev" ]; then
			run_line "$prev" "$r_sig"
			echo "@@LATE $r_line"
			exit 3
		fi
		echo "campaign: a splat before the first run: $r_sig" >&2
	fi
	dmesg -c >/dev/null
	echo "@@BEGIN $run"
	# What this kernel has been through: its taint flags, and how many
	# runs it has seen (this one included; 1 in every run restored from
	# the snapshot), and its clocksource (a restored TSC leaps
	# forward: vm-run).
	# (read, not cat: a fork costs up to a second here.)
	runs=0
	[ ! -f /tmp/campaign.runs ] || read -r runs </tmp/campaign.runs
	runs=$((runs + 1))
	echo $runs >/tmp/campaign.runs
	read -r tainted </proc/sys/kernel/tainted
	read -r clock </sys/devices/system/clocksource/clocksource0/current_clocksource
	echo "@@STATE $run tainted=$tainted runs=$runs clock=$clock"
	campaign_run "$run"
	run_line "$run" "$r_params" "$r_outcome" "$r_injected" \
		"$r_step" "$r_rc" "$r_sig" "$r_site"
	echo "@@RUN $r_line"
	# What the run cost in processes (campaign-timing).
	forks_now
	echo "@@FORKS $run $((forks - forks_begin))"
	if [ "$run" -eq 0 ]; then
		if [ "$r_outcome" != clean ]; then
			echo "campaign: baseline run failed ($r_outcome at $r_step: $r_sig)" >&2
			exit 2
		fi
		# Every mode's map: site-unique runs replay it, and the
		# report's coverage counts the sites any run failed.
		sed 's/^/@@SITE /' "$SITEMAP"
		plan_end
		LAST=$plan_p
		# What the host's progress counts towards: with RUNS, the
		# last of those.
		[ -z "${RUNS:-}" ] || plan_p=${RUNS##* }
		echo "@@PLAN $plan_p"
	fi
	fresh=0
	case $r_outcome in
	# KASAN reports once per boot, lockdep switches itself off, an Oops
	# silences the hung-task detector; after a leak, kmemleak missed the
	# next run's leak in the same boot (2026-11-27).
	splat | hang | unknown) fresh=1 ;;
	stuck) [ "$r_step" != unload ] || fresh=1 ;;
	esac
	[ "${SNAPSHOT:-0}" = 1 ] || [ $fresh -eq 0 ] || exit 3
	# Systematic: one run that injects nothing is drift (this run's
	# workload made fewer matching allocations than the baseline's);
	# EMPTY_STOP of them in a row, and the workload has no more.
	if [ "$MODE" = systematic ] && [ "$run" -gt 0 ] && [ -z "${RUNS:-}" ]; then
		if [ "$r_injected" -eq 0 ]; then
			empties=$((empties + 1))
			[ "$empties" -lt "$EMPTY_STOP" ] || break
		else
			empties=0
		fi
	fi
	prev=$run
	# Sharded (SHARD=j/N from the host): this VM runs every N-th run;
	# with RUNS, the next of those.
	next_run
	if [ "${SNAPSHOT:-0}" = 1 ]; then
		# The baseline's map is not in the snapshot: the host hands it
		# to the next boot.
		[ "$prev" -ne 0 ] || [ "$MODE" != site-unique ] || exit 3
		past_end "$run" && break
		echo "@@RESTORE $run $empties $LAST"
		# The host restores the VM: this never returns.
		sleep 86400
		exit 1
	fi
done
echo "@@DONE"
exit 0
