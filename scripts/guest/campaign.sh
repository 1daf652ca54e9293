# SPDX-License-Identifier: GPL-2.0
#
# campaign.sh CAMPAIGN_FILE: run a campaign's runs inside the test VM, from
# run $START (default 0, the baseline) to $STOP (default: the campaign's
# end), every run, or with SHARD=j/N every N-th, and print one line per
# run as soon as it is done:
#   @@RUN run|params|outcome|injected|step|rc|signature|site
# before it "@@BEGIN run", so the host knows which run a dead VM was in,
# and "@@STEP run step" as each step starts (the host's per-run limit).
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
while [ -z "${STOP:-}" ] || [ "$run" -le "$STOP" ]; do
	if [ "$MODE" = sweep ] && [ "$run" -gt "$(sweep_count)" ]; then
		break
	fi
	if [ "$MODE" = site-unique ] && [ "$run" -gt 0 ]; then
		if [ -z "${SITES_MAPPED:-}" ]; then
			echo "campaign: run $run needs the baseline's site map" >&2
			exit 2
		fi
		[ "$run" -le "$(site_count)" ] || break
	fi
	[ "$run" -le "$MAX_RUNS" ] || break
	run_no=$run
	heartbeat begin
	# What the run before left behind and printed since: its finding.
	if late_splat; then
		if [ -n "$prev" ]; then
			echo "@@LATE $(run_line "$prev" "$r_sig")"
			exit 3
		fi
		echo "campaign: a splat before the first run: $r_sig" >&2
	fi
	dmesg -c >/dev/null
	echo "@@BEGIN $run"
	campaign_run "$run"
	echo "@@RUN $(run_line "$run" "$r_params" "$r_outcome" "$r_injected" \
		"$r_step" "$r_rc" "$r_sig" "$r_site")"
	if [ "$run" -eq 0 ]; then
		if [ "$r_outcome" != clean ]; then
			echo "campaign: baseline run failed ($r_outcome at $r_step: $r_sig)" >&2
			exit 2
		fi
		[ "$MODE" != site-unique ] ||
			sed 's/^/@@SITE /' "$SITEMAP"
		echo "@@PLAN $(plan_last)"
	fi
	case $r_outcome in
	# KASAN reports once per boot, lockdep switches itself off, an Oops
	# silences the hung-task detector; after a leak, kmemleak missed the
	# next run's leak in the same boot (2026-11-27).
	splat | hang | unknown) exit 3 ;;
	stuck) [ "$r_step" != unload ] || exit 3 ;;
	esac
	# Systematic: the first run that injects nothing has failed every
	# matching allocation of the workload once.
	if [ "$MODE" = systematic ] && [ "$run" -gt 0 ] &&
		[ "$r_injected" -eq 0 ]; then
		break
	fi
	prev=$run
	# Sharded (SHARD=j/N from the host): this VM runs every N-th run.
	run=$((run + ${SHARD#*/}))
done
echo "@@DONE"
exit 0
