# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# What the virtual network device workloads (bridge, bonding, macvlan,
# tun, netdevsim) share: loading the target module (modload.sh),
# network namespaces held by a sleeping process, veth pairs across them,
# and pings that must all be answered.  Everything stays inside the VM.
# shellcheck source=wait.sh
. "$CAMPAIGN_DIR/wait.sh"
# shellcheck source=modload.sh
. "$CAMPAIGN_DIR/modload.sh"
NETNS_PIDS=/tmp/netns.pids
NETNS_READY=/tmp/netns.ready

# ns_new: a new network namespace, held by a sleeping process whose pid
# is in $ns (and in NETNS_PIDS, for ns_kill_all).
ns_new() {
	rm -f $NETNS_READY
	unshare -n sh -c "echo >$NETNS_READY; exec sleep 600" &
	ns=$!
	echo $ns >>$NETNS_PIDS
	# Until the child is in its own network namespace.
	wait_until 5 test -f $NETNS_READY ||
		{ echo "no network namespace after 5 s" >&2; return 1; }
}

# ns_kill_all: end every namespace ns_new made; the devices in them go
# with them (veth pairs, and devices of the target's link type).
ns_kill_all() {
	[ -f $NETNS_PIDS ] || return 0
	while read -r p; do
		kill "$p" 2>/dev/null
	done <$NETNS_PIDS
	rm -f $NETNS_PIDS
}

# in_ns NS CMD...: CMD in the network namespace of process NS.
in_ns() {
	n_pid=$1
	shift
	nsenter -t "$n_pid" -n "$@"
}

# dev_gone NAME: no network device NAME here.
dev_gone() {
	[ ! -e "/sys/class/net/$1" ]
}

# dev_del NAME...: delete each device NAME that exists here, and wait
# until it is gone (a veth pair's end goes with its peer).
dev_del() {
	for d in "$@"; do
		dev_gone "$d" && continue
		# It may go on its own meanwhile (a veth whose peer's namespace
		# ended).
		ip link del "$d" 2>/dev/null || dev_gone "$d" ||
			{ echo "cannot delete $d" >&2; return 1; }
		wait_until 5 dev_gone "$d" ||
			{ echo "$d still there 5 s after its deletion" >&2; return 1; }
	done
}

# veth_pair HERE THERE NS: a veth pair, HERE in this namespace and
# THERE in the namespace of process NS.  busybox ip cannot name the
# peer: it is found by the ifindex HERE's iflink names.
veth_pair() {
	ip link add "$1" type veth || { echo "cannot add veth $1" >&2; return 1; }
	read -r peer_idx <"/sys/class/net/$1/iflink"
	peer=""
	for d in /sys/class/net/*; do
		read -r i <"$d/ifindex" 2>/dev/null || continue
		[ "$i" = "$peer_idx" ] && peer=${d##*/}
	done
	if [ -z "$peer" ] || ! ip link set "$peer" netns "$3" ||
		! in_ns "$3" ip link set "$peer" name "$2"; then
		echo "cannot move the peer of $1 into a namespace as $2" >&2
		return 1
	fi
}

# addr_up DEV ADDR [NS]: DEV up with ADDR/24, here or in namespace NS.
addr_up() {
	if [ -n "${3:-}" ]; then
		in_ns "$3" ip addr add "$2/24" dev "$1" &&
			in_ns "$3" ip link set "$1" up
	else
		ip addr add "$2/24" dev "$1" && ip link set "$1" up
	fi || { echo "cannot bring $1 up as $2" >&2; return 1; }
}

# carrier_on DEV [NS]: DEV has a carrier, here or in namespace NS.
carrier_on() {
	case $(if [ -n "${2:-}" ]; then in_ns "$2" ip link show dev "$1"; else
		ip link show dev "$1"; fi 2>/dev/null) in
	*LOWER_UP*) return 0 ;;
	esac
	return 1
}

# ping_all WHAT ADDR [NS]: 20 full-size pings of ADDR, from here or from
# namespace NS, must all be answered; WHAT names the path in the reason.
ping_all() {
	if [ -n "${3:-}" ]; then
		set -- "$1" "$2" nsenter -t "$3" -n
	else
		set -- "$1" "$2"
	fi
	p_what=$1
	p_addr=$2
	shift 2
	got=$("$@" ping -c 20 -i 0.05 -W 2 -w 30 -s 1400 "$p_addr" 2>&1 |
		sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	[ "${got:-0}" -eq 20 ] && return 0
	echo "${got:-0} of 20 pings of $p_addr answered $p_what" >&2
	return 1
}
