#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# How scripts/campaign reads a campaign file's settings, and what a
# campaign's results depend on (its STAMP: results of another set-up are
# thrown away, not resumed).  Sourced by scripts/campaign and
# scripts/campaign-stamp-selftest, never run; uses lib.sh's TOPDIR,
# KBUILD_LATEST and IMAGE_INITRD.

# campaign_var NAME VAR DEFAULT: VAR as the campaign file sets it.
campaign_var() {
	v=$(sed -n "s/^$2=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" \
		"$TOPDIR/campaigns/$1.campaign" | tail -n 1)
	echo "${v:-$3}"
}

# stamp NAME: what results depend on: the kernel build; the allocfail.ko
# the VM image packs, whose hash scripts/build-initramfs records beside
# the image (the checkout's kmod/ may hold none, or another, when the
# image was built elsewhere: AF_IMAGE_READY=1); the campaign with its
# workload, the guest's runner and the splat scanner and signature it
# classifies runs with; the sharding.
stamp() {
	kb=$(readlink -f "$KBUILD_LATEST")
	wl=$(campaign_var "$1" WORKLOAD "")
	echo "kernel=${kb##*/}"
	echo "module=$(cat "$IMAGE_INITRD.module" 2>/dev/null)"
	echo "campaign=$(cat "$TOPDIR/campaigns/$1.campaign" \
		"$TOPDIR/campaigns/$wl" "$TOPDIR"/campaigns/*.sh \
		"$TOPDIR"/scripts/guest/campaign*.sh "$TOPDIR/scripts/scan-splats" \
		"$TOPDIR/scripts/splat-signature" | sha256sum | cut -c1-16)"
	echo "jobs=${SHARD:-${JOBS:-1}}"
	echo "snapshot=$SNAPSHOT"
}
