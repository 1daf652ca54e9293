# SPDX-License-Identifier: GPL-2.0
#
# allocfail: top-level entry points.  The work is done by scripts/; see
# README.md.  Kernel builds live in $(ALLOCFAIL_CACHE), outside the tree.

ALLOCFAIL_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/allocfail
export ALLOCFAIL_CACHE
KSRC ?=
export KSRC
TARGETS ?= allocfail
CMD ?= uname -a
# make campaign: the main job, a short campaign that ends in a finding:
# null_blk-flush's baseline (the clean control), run 5 (a failure the
# driver handles), runs 16 and 17 (the last handled, the first WARNING)
# and run 20 (FINDINGS.md #1), each from the booted VM's snapshot.
# CAMPAIGNS="a b" runs those campaigns in full, CAMPAIGNS=all (or make
# campaign-all) every shipped one: hours (README, "Campaigns").
MAIN_CAMPAIGN := null_blk-flush
MAIN_RUNS := 0 5 16 17 20
CAMPAIGNS ?=
ALL_CAMPAIGNS := null_blk null_blk-sweep null_blk-cache null_blk-flush loop \
	scsi_debug e1000 virtio_net e1000e e100 pcnet32 8139cp ne2k-pci tulip \
	vmxnet3 bridge bonding macvlan tun netdevsim veth ext4 xfs btrfs f2fs \
	vfat squashfs erofs e1000-jumbo e1000e-jumbo virtio_net-jumbo \
	virtio_net-big 8139cp-mtu4k virtio_net-jumbo-own 8139cp-mtu4k-own \
	buggy-leak
JOBS ?= 2
export JOBS
ONLY ?=
export ONLY

SCRIPTS := scripts
SH_FILES := $(shell grep -rlE '^\#!/bin/sh' scripts selftests .ci 2>/dev/null) \
	$(wildcard campaigns/*.workload campaigns/*.sh)
C_FILES := $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h \
	selftests/allocfail/test_modules/*.c selftests/allocfail/test_modules/*.h \
	bench/*.c tools/*.c \
	tests/scan-splats/provoke/*.c))

.PHONY: all setup kernel module module-6.1 initramfs kselftest check check-6.1 check-nopreempt bench bench-debug \
	static-check checkpatch shellcheck demo campaign campaign-all vm-run \
	vm-shell patch-verify clean help install dkms-install

all: module

help:
	@echo "make demo       boot the test VM and show an injected failure"
	@echo "make check      everything CI runs (set-up, static checks,"
	@echo "                module builds for 6.12 and 6.1, kselftests in the VM)"
	@echo "make kernel     build the test kernel (cached; KSRC=tree for another)"
	@echo "make kselftest TARGETS=allocfail   run the kselftests in the VM"
	@echo "make check-6.1  the kselftests on a 6.1 test kernel (its own build,"
	@echo "                about an hour the first time; not in make check)"
	@echo "make check-nopreempt  the kselftests on a kernel without"
	@echo "                CONFIG_PREEMPT_COUNT (its own build; not in make check)"
	@echo "make vm-run CMD='...'   run a command in the test VM"
	@echo "make campaign  the main job: five runs of null_blk-flush, a finding"
	@echo "                among them, then the report (about ten minutes)"
	@echo "make campaign CAMPAIGNS='a b' [ONLY='N ...'] [JOBS=N]   campaigns in full"
	@echo "make campaign-all   every shipped campaign (hours; CAMPAIGNS=all)"
	@echo "make patch-verify PATCH=patches/x.patch CAMPAIGN=name RUN=N"
	@echo "                does the patch fix that run's finding? (two VMs)"
	@echo "make vm-shell   interactive shell in the test VM"
	@echo "make install [KDIR=dir]   allocfail into your own kernel's modules"
	@echo "make dkms-install [KVER=release]   the same with DKMS (dkms.conf)"

setup:
	@$(SCRIPTS)/setup-host

kernel: setup
	@$(SCRIPTS)/build-kernel >/dev/null

module: kernel
	@$(SCRIPTS)/build-module

module-6.1: setup
	@$(SCRIPTS)/build-module 6.1

initramfs: module
	@$(SCRIPTS)/build-image >/dev/null

kselftest: setup
	@$(SCRIPTS)/kselftest $(TARGETS)

# The same kselftests on a test kernel built from Debian's linux-source-6.1
# with the same fragments (configs/series-6.1.unmet: what 6.1 cannot have).
# A second full kernel build, so not in make check: run it after changes
# to kmod/.
check-6.1: setup
	@KVER_SERIES=6.1 $(SCRIPTS)/kselftest $(TARGETS)

# The kselftests on a kernel without CONFIG_PREEMPT_COUNT (configs/flavour/
# nopreempt.config), where allocfail cannot tell task from atomic context
# and must refuse to.  A third kernel build, so not in make check.  All
# but test_survival_net.sh: its page phases need slab refills in the
# receive path, which only KASAN's quarantine makes frequent (on a kernel
# without debug.config 1200 pings refilled no slab page).
check-nopreempt: setup
	@KERNEL_FLAVOUR=nopreempt \
	TESTS="$$($(SCRIPTS)/kselftest-progs | sed 's/ *test_survival_net.sh//')" \
		$(SCRIPTS)/kselftest $(TARGETS)

checkpatch: setup
	@$(SCRIPTS)/checkpatch $(C_FILES)

shellcheck: setup
	@shellcheck -s sh $(SH_FILES)
	@echo "shellcheck: $(words $(SH_FILES)) scripts clean"

static-check: checkpatch shellcheck

check: setup
	@$(SCRIPTS)/check

demo: setup
	@$(SCRIPTS)/demo

# The hook's cost on a production-like kernel (a second kernel build, no
# debug options), and on the debug test kernel, where it is hidden.
bench: setup
	@KERNEL_FLAVOUR=plain $(SCRIPTS)/bench

bench-debug: setup
	@KERNEL_FLAVOUR=debug $(SCRIPTS)/bench

campaign: setup
ifeq ($(strip $(CAMPAIGNS)),)
	@ONLY='$(or $(ONLY),$(MAIN_RUNS))' $(SCRIPTS)/campaign $(MAIN_CAMPAIGN)
else ifeq ($(strip $(CAMPAIGNS)),all)
	@$(SCRIPTS)/campaign $(ALL_CAMPAIGNS)
else
	@$(SCRIPTS)/campaign $(CAMPAIGNS)
endif

campaign-all: setup
	@$(SCRIPTS)/campaign $(ALL_CAMPAIGNS)

# allocfail on one's own kernel (README, "On your own kernel"): KDIR is its
# build directory (default: the running kernel's); DKMS builds it again
# for every kernel it manages that has the options (dkms.conf).
install:
	@$(MAKE) -C kmod $(if $(KDIR),KDIR=$(KDIR)) install

dkms-install:
	dkms add $(CURDIR)
	dkms install -m allocfail -v $$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf) $(if $(KVER),-k $(KVER))

# Does a kernel patch fix a finding?  Run RUN of CAMPAIGN with the
# kernel's module and with the patched one, side by side (FINDINGS.md).
patch-verify: setup
	@$(SCRIPTS)/patch-verify $(PATCH) '$(CAMPAIGN)' '$(RUN)'

# CMD as typed: $(value) keeps its $ signs from make, the quotes are sh's.
vm-run: initramfs
	@$(SCRIPTS)/vm-run '$(subst ','"'"',$(value CMD))'

vm-shell: initramfs
	@$(SCRIPTS)/vm-run --shell

clean:
	$(MAKE) -C kmod clean KDIR=$(ALLOCFAIL_CACHE)/build/latest-6.12 || true
	rm -f kmod/*.ko selftests/allocfail/test_modules/*.ko
