# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The traffic check of a workload's exercise (a campaign that sets
# TRAFFIC_PACKETS): under injection a receive path may lose packets, but
# only those it could not receive: at most one per failure injected while
# the traffic ran.  A driver that loses more (a ring that stopped
# refilling, a link that went down) kept running yet stopped doing its
# job: the step returns WL_DEGRADED (outcome "degraded", a finding).
# Each check leaves "STEP RECEIVED SENT INJECTED" in TRAFFIC_LOG, which
# the guest's campaign library reports per run ("@@TRAFFIC"), so the
# report shows received/sent per phase: under injection, and after it
# (the recovery check, where nothing may be lost).
# shellcheck source=outcomes.sh
. "$CAMPAIGN_DIR/outcomes.sh"
TRAFFIC_LOG=/tmp/campaign.traffic
TRAFFIC_INJECTED=/sys/kernel/config/allocfail/campaign/injected

# traffic_begin: remember how many failures the policy injected so far.
traffic_begin() {
	t_inj0=0
	[ ! -r $TRAFFIC_INJECTED ] || read -r t_inj0 <$TRAFFIC_INJECTED
}

# traffic_end WHAT RECEIVED SENT: record the traffic since traffic_begin;
# non-zero (WL_DEGRADED) with a reason when more was lost than failures
# were injected.
traffic_end() {
	t_inj=0
	[ ! -r $TRAFFIC_INJECTED ] || read -r t_inj <$TRAFFIC_INJECTED
	t_inj=$((t_inj - t_inj0))
	echo "${CAMPAIGN_STEP:-exercise} $2 $3 $t_inj" >>$TRAFFIC_LOG
	[ $(($3 - $2)) -gt "$t_inj" ] || return 0
	echo "$2 of $3 packets received $1, $(($3 - $2)) lost to $t_inj failure(s) injected" >&2
	return "$WL_DEGRADED"
}
