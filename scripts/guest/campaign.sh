#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# campaign.sh CAMPAIGN_FILE: run a campaign's runs inside the test VM, from
# run $START (default 0, the baseline) to $STOP (default: the campaign's
# end), every run, or with SHARD=j/N every N-th, and print one line per
# run as soon as it is done:
#   @@RUN run|params|outcome|injected|step|rc|signature|site
# before it "@@BEGIN run", so the host knows which run a dead VM was in.
# Exit status: 0 the campaign is done; 3 a run left a splat, so the host
# boots a fresh kernel (lockdep and KASAN report once per boot) and goes on
# with the next run; 2 the baseline failed or the campaign is malformed.

# shellcheck source=campaign_lib.sh
. "$(dirname "$0")/campaign_lib.sh"

[ $# -eq 1 ] || { echo "usage: campaign.sh CAMPAIGN_FILE" >&2; exit 2; }
campaign_load "$1" || exit 2
campaign_prepare

SHARD=${SHARD:-0/1}
run=${START:-0}
while [ -z "${STOP:-}" ] || [ "$run" -le "$STOP" ]; do
	if [ "$MODE" = sweep ] && [ "$run" -gt "$(sweep_count)" ]; then
		break
	fi
	if [ "$MODE" = site-unique ] && [ "$run" -gt 0 ]; then
		# A boot that starts past the baseline maps the sites again
		# (a dry run, not reported): the workload is deterministic.
		[ -n "${SITES_MAPPED:-}" ] || campaign_run 0
		[ "$run" -le "$(site_count)" ] || break
	fi
	[ "$run" -le "$MAX_RUNS" ] || break
	echo "@@BEGIN $run"
	campaign_run "$run"
	echo "@@RUN $(run_line "$run" "$r_params" "$r_outcome" "$r_injected" \
		"$r_step" "$r_rc" "$r_sig" "$r_site")"
	if [ "$run" -eq 0 ] && [ "$r_outcome" != clean ]; then
		echo "campaign: baseline run failed ($r_outcome at $r_step: $r_sig)" >&2
		exit 2
	fi
	[ "$r_outcome" = splat ] && exit 3
	# Systematic: the first run that injects nothing has failed every
	# matching allocation of the workload once.
	if [ "$MODE" = systematic ] && [ "$run" -gt 0 ] &&
		[ "$r_injected" -eq 0 ]; then
		break
	fi
	# Sharded (SHARD=j/N from the host): this VM runs every N-th run.
	run=$((run + ${SHARD#*/}))
done
echo "@@DONE"
exit 0
