# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# What a workload's step may return besides success (0) and failure (any
# other status).  Sourced by workloads and by the guest's campaign
# library (scripts/guest/campaign_lib.sh), which classifies on it.

# The step succeeded by the kernel's account (the load returned 0) yet
# left the driver without what that success claims (no driver
# registered): the code under test hid its failure, which is a finding,
# outcome "swallowed" (pcnet32_init_module(), FINDINGS.md #11).  Not an
# errno (insmod_once returns one, up to 133), nor timeout's 124 or 143.
# shellcheck disable=SC2034 # used by the files that source this
WL_SWALLOWED=200

# The step's driver kept running but stopped doing its job under
# injection: it lost more traffic than the failures injected explain (a
# receive ring that stopped refilling; campaigns/traffic.sh), outcome
# "degraded", a finding.
# shellcheck disable=SC2034 # used by the files that source this
WL_DEGRADED=201
