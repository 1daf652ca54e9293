#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for allocfail's host scripts: where the kernel source,
# builds and VM images live.  Sourced, never run.

: "${ALLOCFAIL_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/allocfail}"
# shellcheck disable=SC2034 # used by the scripts that source this
TOPDIR=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# DEFAULT_SERIES: the kernel series every test and campaign runs on.  Another
# KVER_SERIES (6.1: make check-6.1) gets its own test kernel, module copy,
# kselftest install and initramfs, so that it never disturbs the 6.12 ones.
DEFAULT_SERIES=6.12
: "${KVER_SERIES:=$DEFAULT_SERIES}"

# KERNEL_FLAVOUR: which test kernel.  "debug" (the default) merges every
# configs/*.config: KASAN, lockdep and kmemleak catch what an error path
# breaks, and every test and campaign runs on it.  "plain" leaves out
# configs/debug.config: a production-like kernel, where an allocation
# costs about 30 times less, so that "make bench" sees what a hook costs
# (on the debug kernel the allocator's own checks hide it).  "nopreempt"
# is plain plus configs/flavour/nopreempt.config: no CONFIG_PREEMPT_COUNT,
# where allocfail refuses the task/atomic distinction (make
# check-nopreempt).  Each flavour has its own build, module image and
# initramfs in the cache.
: "${KERNEL_FLAVOUR:=debug}"
case $KERNEL_FLAVOUR in
debug) FLAVOUR_SUFFIX="" ;;
plain) FLAVOUR_SUFFIX=-plain ;;
nopreempt) FLAVOUR_SUFFIX=-nopreempt ;;
*)
	echo "KERNEL_FLAVOUR must be debug, plain or nopreempt, not '$KERNEL_FLAVOUR'" >&2
	exit 1
	;;
esac
SERIES_SUFFIX=""
[ "$KVER_SERIES" = "$DEFAULT_SERIES" ] || SERIES_SUFFIX=-$KVER_SERIES
IMAGE_SUFFIX=$SERIES_SUFFIX$FLAVOUR_SUFFIX
# shellcheck disable=SC2034 # used by the scripts that source this
IMAGE_INITRD=$ALLOCFAIL_CACHE/initramfs$IMAGE_SUFFIX.cpio
# shellcheck disable=SC2034 # used by the scripts that source this
IMAGE_KSELFTESTS=$ALLOCFAIL_CACHE/kselftest-install$IMAGE_SUFFIX
# The allocfail.ko the image packs: the tree's own on the default series;
# for another, a copy of kmod/ built in the cache (scripts/build-module).
# shellcheck disable=SC2034 # used by the scripts that source this
if [ -z "$SERIES_SUFFIX" ]; then
	IMAGE_KMOD_DIR=$TOPDIR/kmod
else
	IMAGE_KMOD_DIR=$ALLOCFAIL_CACHE/kmod$IMAGE_SUFFIX-test
fi

# kernel_fragments: the config fragments of this flavour, one per line:
# every configs/*.config (all but debug.config for a flavour other than
# debug), then the flavour's own configs/flavour/<flavour>.config if any.
kernel_fragments() {
	for f in "$TOPDIR"/configs/*.config; do
		[ "$KERNEL_FLAVOUR" != debug ] && [ "${f##*/}" = debug.config ] &&
			continue
		echo "$f"
	done
	[ ! -f "$TOPDIR/configs/flavour/$KERNEL_FLAVOUR.config" ] ||
		echo "$TOPDIR/configs/flavour/$KERNEL_FLAVOUR.config"
}

# The link to this flavour's newest build (of KVER_SERIES).
# shellcheck disable=SC2034 # used by the scripts that source this
KBUILD_LATEST=$ALLOCFAIL_CACHE/build/latest-$KVER_SERIES$FLAVOUR_SUFFIX

# new_lines FILE SEEN OUT: the complete lines of FILE (one still being
# written to) past its first SEEN, into OUT; prints how many FILE has
# now.  How a host script follows a guest's output.log as it grows.
new_lines() {
	nl_n=0
	[ ! -f "$1" ] || nl_n=$(wc -l <"$1")
	if [ "$nl_n" -gt "$2" ]; then
		sed -n "$(($2 + 1)),${nl_n}p" "$1" >"$3"
	else
		: >"$3"
	fi
	echo "$nl_n"
}

# The columns of a campaign's results.csv; "more" lists the further distinct
# splats of a run (separated by "|"), beside the first in "signature".
# shellcheck disable=SC2034 # used by the scripts that source this
RESULTS_HEADER=campaign,run,params,outcome,injected,step,rc,signature,site,more
# traffic.csv, beside results.csv: what each step that checked traffic
# (campaigns/traffic.sh) received and sent, and the failures injected while
# it ran.
# shellcheck disable=SC2034 # used by the scripts that source this
TRAFFIC_HEADER=campaign,run,step,received,sent,injected

# csv_field TEXT: a value safe between commas.
csv_field() {
	printf '%s' "$1" | tr ',"\n' ';  '
}

# last_run CSV: the number of the last run a campaign's results.csv
# records, or -1.
last_run() {
	awk -F, 'NR > 1 { r = $2 } END { print (r == "" ? -1 : r) }' "$1"
}

die() {
	echo "$(basename -- "$0"): $*" >&2
	exit 1
}

# kernel_src [series]: print the path of an unpacked Debian linux-source
# tree (unpacking it once into the cache), or $KSRC when it is set.
kernel_src() {
	series=${1:-$KVER_SERIES}
	if [ -n "${KSRC:-}" ] && [ "$series" = "$KVER_SERIES" ]; then
		[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
		(CDPATH='' cd -- "$KSRC" && pwd)
		return
	fi
	tarball=/usr/src/linux-source-$series.tar.xz
	dir=$ALLOCFAIL_CACHE/src/linux-source-$series
	if [ ! -f "$dir/.unpacked" ]; then
		[ -f "$tarball" ] || die "$tarball missing: run scripts/setup-host"
		mkdir -p "$ALLOCFAIL_CACHE/src"
		rm -rf "$dir"
		echo "unpacking $tarball" >&2
		tar -C "$ALLOCFAIL_CACHE/src" -xf "$tarball"
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}
