# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Loading and unloading a campaign's target module, shared by the
# workloads of virtual network devices (netns.sh), NICs and filesystems.

# ko_load KO: load the module at KO (under the kernel's module tree) once
# with insmod_once, after the modules it needs (modules.dep: stp and llc
# for bridge, jbd2 and mbcache for ext4, ...), which modprobe loads in
# order and which stay loaded.  The policy (callers=[MODULE]) matches
# nothing of theirs: the target is not loaded yet, so no stack passes
# through it.
ko_load() {
	mods=/lib/modules/$(uname -r)
	deps=""
	while IFS= read -r l; do
		case $l in
		"kernel/$1:"*) deps=${l#*:} ;;
		esac
	done <"$mods/modules.dep"
	names=""
	for d in $deps; do
		d=${d##*/}
		names="$names ${d%.ko}"
	done
	if [ -n "$names" ]; then
		# shellcheck disable=SC2086 # a list of module names
		modprobe -a $names ||
			{ echo "cannot load$names, which $1 needs" >&2; return 1; }
	fi
	# Not modprobe: it would retry a failed load (tools/insmod_once.c).
	insmod_once "$mods/kernel/$1"
}

# mod_unload NAME: rmmod NAME if it is loaded.
mod_unload() {
	while read -r m _; do
		[ "$m" != "$1" ] || { rmmod "$1"; return; }
	done </proc/modules
}
