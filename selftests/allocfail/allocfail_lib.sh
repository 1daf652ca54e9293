#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for allocfail kselftests: KTAP output (the kernel's own
# ktap_helpers.sh), policy set-up and tear-down, and the helper module that
# allocates on request.  Sourced by each test_*.sh.

ALLOCFAIL_DIR=$(dirname "$0")
# shellcheck source=/dev/null
. "$ALLOCFAIL_DIR/../kselftest/ktap_helpers.sh"

CFS=/sys/kernel/config/allocfail
HELPER=/sys/kernel/debug/allocfail_helper/run

af_skip_unless_root() {
	if [ "$(id -u)" -ne 0 ]; then
		ktap_skip_all "must be run as root"
		exit "$KSFT_SKIP"
	fi
}

# Load allocfail and the helper, fresh.
af_setup() {
	af_skip_unless_root
	af_teardown
	grep -q " /sys/kernel/config " /proc/mounts ||
		mount -t configfs configfs /sys/kernel/config
	grep -q " /sys/kernel/debug " /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	if ! modprobe allocfail; then
		ktap_exit_fail_msg "cannot load allocfail"
	fi
	if ! insmod "$ALLOCFAIL_DIR/test_modules/allocfail_helper.ko"; then
		ktap_exit_fail_msg "cannot load allocfail_helper"
	fi
	# Y when a spinlock shows in preempt_count() (CONFIG_PREEMPT_COUNT,
	# from the helper, not from allocfail): only then can allocfail tell
	# the task context from atomic.  AF_TASK: what a test that means
	# process context names (without it, "task" alone is refused).
	AF_PREEMPT_COUNT=$(cat /sys/kernel/debug/allocfail_helper/preempt_count)
	# shellcheck disable=SC2034 # read by the test scripts
	if [ "$AF_PREEMPT_COUNT" = Y ]; then
		AF_TASK=task
	else
		AF_TASK=task,atomic
	fi
}

# Remove every policy and unload both modules.
af_teardown() {
	if [ -d "$CFS" ]; then
		for p in "$CFS"/*/; do
			[ -d "$p" ] || continue
			echo 0 >"$p/enable"
			rmdir "$p"
		done
	fi
	rmmod allocfail_storm 2>/dev/null
	rmmod allocfail_helper 2>/dev/null
	rmmod allocfail 2>/dev/null
	return 0
}

# af_policy NAME ATTR=VALUE ...: create a policy and set attributes, in
# order; "enable=1" belongs last.
af_policy() {
	name=$1
	shift
	mkdir "$CFS/$name" || return 1
	for kv in "$@"; do
		printf '%s\n' "${kv#*=}" >"$CFS/$name/${kv%%=*}" || return 1
	done
}

# af_alloc CONTEXT ORDER GFP COUNT: run the helper; sets af_ok and
# af_failed from what the allocator returned.
af_alloc() {
	echo "$1 $2 $3 $4" >"$HELPER" || return 1
	# No forks: the survival matrix calls this hundreds of times.
	read -r res <"$HELPER" || return 1
	af_ok=${res#* ok=}
	af_ok=${af_ok%% *}
	af_failed=${res#* failed=}
	af_failed=${af_failed%% *}
	case "$af_ok$af_failed" in
	"" | *[!0-9]*) return 1 ;;
	esac
	[ -n "$af_ok" ] && [ -n "$af_failed" ]
}

# af_expect DESC CONTEXT ORDER GFP COUNT WANT_FAILED: one KTAP test line
# asserting how many of COUNT allocations failed.
af_expect() {
	desc=$1
	shift
	want=$5
	if af_alloc "$1" "$2" "$3" "$4" && [ "$af_failed" -eq "$want" ]; then
		ktap_test_pass "$desc (failed $af_failed of $4)"
	else
		ktap_print_msg "expected $want failures, saw ${af_failed:-?} (ok ${af_ok:-?})"
		ktap_test_fail "$desc"
	fi
}

# af_expect_eq DESC GOT WANT
af_expect_eq() {
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1 ($2)"
	else
		ktap_print_msg "expected '$3', got '$2'"
		ktap_test_fail "$1"
	fi
}

# af_expect_true DESC COMMAND...: pass when COMMAND succeeds.
af_expect_true() {
	desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

STORM=/sys/kernel/debug/allocfail_storm/ctl

# af_storm_start MAX_ORDER: allocation storms on every CPU, every context.
af_storm_start() {
	[ -e "$STORM" ] ||
		insmod "$ALLOCFAIL_DIR/test_modules/allocfail_storm.ko" ||
		ktap_exit_fail_msg "cannot load allocfail_storm"
	echo "start $1" >"$STORM" || ktap_exit_fail_msg "cannot start storms"
}

af_storm_stop() {
	echo stop >"$STORM"
}

# af_storm_count CONTEXT|all FIELD: a storm counter (attempts, ok, failed).
af_storm_count() {
	awk -v c="$1" -v f="$2" '
		$1 == c || c == "all" {
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == f)
					sum += kv[2]
			}
		}
		END { print sum + 0 }' "$STORM"
}

# af_counters_consistent POLICY: injected <= matched <= evaluated.  Read
# in that order: on a live policy each counter only grows, and the hook
# counts evaluated before matched before injected, so an earlier read of a
# later stage can never exceed a later read of an earlier one.
af_counters_consistent() {
	j=$(cat "$CFS/$1/injected")
	m=$(cat "$CFS/$1/matched")
	e=$(cat "$CFS/$1/evaluated")
	[ "$j" -le "$m" ] && [ "$m" -le "$e" ]
}
