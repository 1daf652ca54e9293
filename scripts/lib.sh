#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for allocfail's host scripts: where the kernel source,
# builds and VM images live.  Sourced, never run.

: "${ALLOCFAIL_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/allocfail}"
# shellcheck disable=SC2034 # used by the scripts that source this
TOPDIR=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
: "${KVER_SERIES:=6.12}"

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
