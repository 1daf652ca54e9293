# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Shared by the block-device workloads: the I/O that proves a device works.
# shellcheck source=wait.sh
. "$CAMPAIGN_DIR/wait.sh"

# block_io DEV: write a 64 KB pattern through the page cache, drop the
# cache, read it back and compare.  Non-zero with a reason on stderr.  The
# pattern is made once per kernel (two processes less per exercise: each
# costs up to a second in the test VM).
block_io() {
	[ -s /tmp/blk.in ] || seq 1 20000 | head -c 65536 >/tmp/blk.in
	dd if=/tmp/blk.in of="$1" bs=4096 count=16 conv=fsync 2>/tmp/dd.err ||
		{ tail -n 1 /tmp/dd.err >&2; return 1; }
	echo 3 >/proc/sys/vm/drop_caches
	dd if="$1" of=/tmp/blk.out bs=4096 count=16 2>/tmp/dd.err ||
		{ tail -n 1 /tmp/dd.err >&2; return 1; }
	cmp -s /tmp/blk.in /tmp/blk.out ||
		{ echo "read back differs from what was written" >&2; return 1; }
}

# wait_for_block DEV: up to 5 s for the device node to appear.
wait_for_block() {
	wait_until 5 test -b "$1" ||
		{ echo "no $1 5 s after load" >&2; return 1; }
}
