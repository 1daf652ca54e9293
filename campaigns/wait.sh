# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# What workloads wait with.  Sourced by block_io.sh and nic.workload.

# The guest's clock (a file, so that scripts/campaign-wait-selftest can
# run these on the host with a clock of its own).
AF_UPTIME=${AF_UPTIME:-/proc/uptime}

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds, for
# up to SECONDS of the clock; non-zero when it never did.  Bounded by the
# clock, not by a count of sleeps: in the guest (TCG, KASAN) a "sleep" is
# a process, which costs up to 2 s, so "50 sleeps of 0.1 s" took 100 s,
# and loop's run 10 on 2026-11-28 became a hang at its step's 60 s limit
# while waiting for a node its load had legitimately not made.
wait_until() {
	w_secs=$1
	shift
	read -r w_t0 _ <"$AF_UPTIME"
	w_t0=${w_t0%.*}
	until "$@"; do
		read -r w_t _ <"$AF_UPTIME"
		[ $((${w_t%.*} - w_t0)) -lt "$w_secs" ] || return 1
		sleep 0.1
	done
}
