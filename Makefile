# SPDX-License-Identifier: GPL-2.0
#
# nfsd_nlcache / nlcached. `make help` lists the targets.

PACKAGE := nfsd-nlcache
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# --- kernel module ----------------------------------------------------------
# KVER: a Debian kernel series (5.10, 6.1, 6.12) or ABI (6.1.0-56-amd64).
# `make module` builds for the running kernel when its headers are
# installed, else for the installed Debian 6.1 headers; KDIR=… builds
# against any prepared kernel tree. Other kernels are fetched by
# tests/vm/kernel.sh into ~/.cache/nfsd-nlcache.
RUNNING := $(shell uname -r)
MODULE_KVER := $(or $(KVER),$(if $(wildcard /lib/modules/$(RUNNING)/build/Makefile),$(RUNNING),6.1))
# The VM tests always boot a stock Debian kernel.
VM_KVER := $(or $(KVER),6.1)
# The supported kernels are declared once, in tests/kernels.list.
KERNELS_LIST := tests/kernels.list
KERNELS := $(shell awk '!/^\#/ && NF {print $$1}' $(KERNELS_LIST))
VM_MATRIX ?= $(shell awk '!/^\#/ && $$2 == "matrix" {print $$1}' $(KERNELS_LIST))
# Longest first: two guests at a time finish together instead of one long
# test running alone at the end.
VMTESTS ?= nlcached-equiv nlcached-equiv-fid nlc-fuzz nlcached-reload \
	nlcached-coexist nlcached-equiv-ipaddr nlcached-serve nlcached-hung \
	nlcached-revoke nlcached-dnshang nlc-refresh \
	nlc-bigkey nlc-rmmod nlc-gids nlc-serve nlc-load nlc-legacy nlc-netns \
	nlc-badmsg nlc-perm nlc-overflow nlc-hung nlc-adopt nlc-handback nlc-after \
	nlcached-gids nlcached-kill nlcached-lifecycle nlcached-defer \
	nlcached-options nlcached-mountd legacy-mount module-smoke
# Guests booted at once by the VM test targets (tests/vm/run.sh -j): two
# on this project's 2-core reference machine, where a guest mostly waits
# (boot, nfsd's grace period, timeouts) and two finish the suite in a bit
# more than half the time of one.
VM_JOBS ?= 2
SELFTESTS := $(sort $(basename $(notdir $(wildcard tests/vm/guest/selftest-*.sh))))

# The files a dkms source tree needs (tests/vm/kernel.sh builds from the
# same list).
MODULE_SOURCES := dkms.conf Kbuild src include uapi

# --- user space -------------------------------------------------------------
CC ?= cc
CFLAGS ?= -O2 -g
B := build
PKGS := libnl-genl-3.0 libnl-3.0 blkid
NLC_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	-D_GNU_SOURCE -DNLC_VERSION='"$(VERSION)"' -Iuapi -Idaemon/proto -Idaemon/lib -Idaemon
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# User space is built from static archives, each named for its users:
#   libnlcproto.a   daemon/proto/: netlink plumbing, the attribute codec,
#                   the cache channel's words (both programs)
#   libnlcmountd.a  daemon/lib/: rpc.mountd's logic (exports, clients,
#                   fsid, pseudo-root, snapshots, mounts, answers, groups,
#                   nfs.conf) for nlcached
#   libnlcachectl.a nlcachectl's argument parsing and status output
#   libnlcached.a   nlcached's parts besides main (daemon/nlcached.h)
PROTO_SRCS := $(wildcard daemon/proto/*.c)
MOUNTD_SRCS := $(wildcard daemon/lib/*.c)
CTL_SRCS := daemon/nlc_args.c daemon/nlc_status.c
NLCACHED_SRCS := $(wildcard daemon/nlcached-*.c daemon/cache-*.c)
# test helpers: the fake kernel, the test-only encoders
TESTLIB_SRCS := tests/unit/fake_kernel.c tests/unit/encoders.c
LIBS_NLCACHECTL := libnlcachectl.a libnlcproto.a
LIBS_NLCACHED := libnlcached.a libnlcmountd.a libnlcproto.a
LIBS_UNIT := libnlctest.a libnlcached.a libnlcmountd.a libnlcachectl.a libnlcproto.a
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0 libnl-3.0)
PROGS := nlcachectl nlcached
MAN8 := packaging/nlcachectl.8 packaging/nlcached.8
UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DKMSDIR ?= /usr/src/$(PACKAGE)-$(VERSION)

# --- Debian packages everything here needs (make deps) ----------------------
DEPS := build-essential pkg-config kmod dkms dwarves xz-utils zstd cpio \
	debian-archive-keyring qemu-system-x86 busybox-static iproute2 procps \
	libnl-3-dev libnl-genl-3-dev libnl-utils libcmocka-dev libblkid-dev \
	nfs-kernel-server nfs-common linux-headers-amd64 python3 python3-yaml systemd \
	sparse shellcheck clang clang-tools

.PHONY: all help module module-clean daemon unit vmtest vmtest-matrix \
	vmtest-selftest check deps install dkms-install module-tree clean \
	style test-probes test-dkms test-uapi sid-chroot vmtest-native test-unit-file bench bench-native bench-tools bench-base \
	lint lint-sparse lint-shell lint-analyzer

all: module daemon bench-tools

help:
	@echo "make demo              (as root) boot Debian's 6.1 kernel in QEMU and show nlcached"
	@echo "                       serving an NFSv4 mount: deps, module, daemon, then a transcript"
	@echo "make [module] [KVER=$(subst $(eval) ,|,$(VM_MATRIX))|<abi>] [KDIR=<tree>]  build nfsd_nlcache.ko"
	@echo "make daemon            user-space programs ($(PROGS)) in $(B)/daemon"
	@echo "make unit              cmocka unit tests, plain and with ASan/UBSan"
	@echo "make vmtest [KVER=…]   VM tests ($(VMTESTS)) on a stock Debian kernel (6.1)"
	@echo "make vmtest-selftest   the harness's own positive and negative controls"
	@echo "make vmtest-matrix     VM tests on $(VM_MATRIX)"
	@echo "make vmtest-native     $(NATIVE_VMTESTS) on sid's $(NATIVE_KVER) (builds in a sid chroot)"
	@echo "make bench [BENCH_N=…] rpc.mountd vs nlcached vs nlc-instant, scenarios S1-S6 and Idle (BENCH lines)"
	@echo "make bench-native      the same on sid's $(NATIVE_KVER): nlcached (native backend) vs sid's rpc.mountd (netlink)"
	@echo "make bench-tools       nfsload and nlc-instant in $(B)/tests"
	@echo "make fuzz [FUZZ_SEED=N] [FUZZ_MESSAGES=N]  the netlink fuzzer with 100000 messages in the VM"
	@echo "make style             checkpatch.pl --strict on the module sources"
	@echo "make lint              sparse (C=2) on the module, shellcheck on the scripts,"
	@echo "                       clang's scan-build on user space; each must be clean"
	@echo "make test-uapi         the UAPI header and the YNL spec agree"
	@echo "make test-probes       Kbuild feature probes on the headers of $(KERNELS) ($(KERNELS_LIST))"
	@echo "make test-dkms         dkms add/build of the installed source tree (isolated)"
	@echo "make check             deps, style, lint, unit, test-probes, test-dkms,"
	@echo "                       vmtest-selftest, vmtest and (alongside) systest: the test command"
	@echo "make deps              apt-get install what is missing (idempotent)"
	@echo "make install DESTDIR=… / make dkms-install"
	@echo "make systest           Debian 12 booted with systemd: install the .debs, reboot, second kernel, purge"
	@echo "make systest-check     the same without the second kernel (make check's profile)"
	@echo "make systest-trixie    the same on Debian 13"
	@echo "make check-full        in turn: $(CHECK_FULL_STEPS)"
	@echo "make deb               Debian packages nfsd-nlcache-dkms and nlcached in $(B)/deb (lintian-clean)"

# --- module ------------------------------------------------------------------
module:
ifneq ($(KDIR),)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
else
	tests/vm/kernel.sh build $(MODULE_KVER) $(CURDIR)
endif

# kbuild's own clean would also delete every *.ko below this tree.
module-clean:
	rm -f nfsd_nlcache.ko nfsd_nlcache.mod nfsd_nlcache.mod.c nfsd_nlcache.o \
		Module.symvers modules.order .*.cmd src/*.o src/.*.cmd

# Copy the module sources to DEST (a dkms source tree).
module-tree:
	@test -n "$(DEST)" || { echo "module-tree: set DEST" >&2; exit 2; }
	mkdir -p $(DEST)
	cp -r $(MODULE_SOURCES) $(DEST)/

dkms-install:
	$(MAKE) module-tree DEST=$(DESTDIR)$(DKMSDIR)
	@echo "now: dkms add $(PACKAGE)/$(VERSION) && dkms install $(PACKAGE)/$(VERSION)"

# --- user space ----------------------------------------------------------------
daemon: $(addprefix $(B)/daemon/,$(PROGS))

# Objects: $(B)/obj/<source>.o, and $(B)/obj-san/<source>.o for the
# sanitized unit tests; -MMD writes each one's header dependencies.
OBJ = $(patsubst %.c,$(B)/$(1)/%.o,$(2))
SAN_CFLAGS := -O1 -g $(SAN_FLAGS)

# (cmocka's flags only for the tests: a package build has no cmocka)
$(B)/obj/tests/%.o $(B)/obj-san/tests/%.o: TEST_CFLAGS = $(CMOCKA_CFLAGS) -Itests/unit

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread $(NLC_CFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj-san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -pthread $(NLC_CFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(B)/obj $(B)/obj-san -name '*.d' 2>/dev/null)

define ARCHIVES
$(B)/$(1)/libnlcproto.a: $(call OBJ,$(1),$(PROTO_SRCS))
$(B)/$(1)/libnlcmountd.a: $(call OBJ,$(1),$(MOUNTD_SRCS))
$(B)/$(1)/libnlcachectl.a: $(call OBJ,$(1),$(CTL_SRCS))
$(B)/$(1)/libnlcached.a: $(call OBJ,$(1),$(NLCACHED_SRCS))
$(B)/$(1)/libnlctest.a: $(call OBJ,$(1),$(TESTLIB_SRCS))
endef
$(eval $(call ARCHIVES,obj))
$(eval $(call ARCHIVES,obj-san))

$(B)/obj/%.a:
	rm -f $@ && $(AR) rcs $@ $^
$(B)/obj-san/%.a:
	rm -f $@ && $(AR) rcs $@ $^

# nlcachectl links neither libblkid nor the exports parser.
$(B)/daemon/nlcachectl: $(B)/obj/daemon/nlcachectl.o $(addprefix $(B)/obj/,$(LIBS_NLCACHECTL))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(NL_LIBS)

$(B)/daemon/nlcached: $(B)/obj/daemon/nlcached.o $(addprefix $(B)/obj/,$(LIBS_NLCACHED))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Unit tests: tests/unit/test_X.c linked with the archives (each test pulls
# what it uses; -pthread: the fake kernel runs in a thread).
$(B)/unit/%: $(B)/obj/tests/unit/%.o $(addprefix $(B)/obj/,$(LIBS_UNIT))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) $(CMOCKA_LIBS)

$(B)/unit-san/%: $(B)/obj-san/tests/unit/%.o $(addprefix $(B)/obj-san/,$(LIBS_UNIT))
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -pthread $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) $(CMOCKA_LIBS)

# the test objects are kept (make would delete them as intermediates)
.SECONDARY: $(call OBJ,obj,$(wildcard tests/unit/test_*.c)) \
	$(call OBJ,obj-san,$(wildcard tests/unit/test_*.c))

# test_cli runs the programs themselves (option parsing, exit statuses).
$(B)/unit/test_cli $(B)/unit-san/test_cli: $(addprefix $(B)/daemon/,$(PROGS))

# Every suite plain and sanitized. A skipped test is printed by cmocka
# ("[  SKIPPED ]", after its reason) and the skips are counted at the end.
unit: $(addprefix $(B)/unit/,$(UNIT_TESTS)) $(addprefix $(B)/unit-san/,$(UNIT_TESTS))
	@set -e; runs=0; skips=0; for t in $(UNIT_TESTS); do \
		for v in unit unit-san; do \
			if [ $$v = unit ]; then echo "== $$t"; else echo "== $$t (ASan/UBSan)"; fi; \
			rc=0; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
				$(B)/$$v/$$t >$(B)/$$v/$$t.log 2>&1 || rc=$$?; \
			cat $(B)/$$v/$$t.log; \
			[ $$rc = 0 ] || { echo "unit: $$v/$$t failed (exit $$rc)" >&2; exit 1; }; \
			runs=$$((runs + 1)); \
			n=$$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed below:$$/\1/p' $(B)/$$v/$$t.log); \
			skips=$$((skips + $${n:-0})); \
		done; \
	done; \
	echo "unit: $$runs suite runs passed, $$skips tests skipped$$( [ $$skips = 0 ] || \
		echo ': '$$(sed -n 's/^\[  SKIPPED \] \(test_[a-z0-9_]*\)$$/\1/p' $(B)/unit/*.log $(B)/unit-san/*.log | sort -u))"

# The man pages must format without a single groff warning.
.PHONY: man-lint
man-lint:
	@set -e; for m in $(MAN8); do \
		out=$$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z $$m 2>&1); \
		if [ -n "$$out" ]; then echo "$$out" >&2; exit 1; fi; \
		echo "man-lint: $$m ok"; \
	done

# The netlink plumbing both VM test programs below link.
NLTEST := tests/vm/nlc-nltest.c tests/vm/nlc-nltest.h daemon/proto/nl_compat.h uapi/linux/nfsd_nlcache.h

# The malformed-input prober the nlc-badmsg guest test runs.
$(B)/tests/nlc-badmsg: tests/vm/nlc-badmsg.c $(NLTEST)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NLC_CFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c,$^) $(PKG_LIBS)

# The netlink fuzzer the nlc-fuzz guest tests run (the fsid lengths from
# the protocol library).
$(B)/tests/nlc-fuzz: tests/vm/nlc-fuzz.c $(NLTEST) $(B)/obj/libnlcproto.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NLC_CFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) $(PKG_LIBS)

VM_PROGS := daemon $(B)/tests/nlc-badmsg $(B)/tests/nlc-fuzz

# The benchmark's tools (tests/bench): nfsload, an NFSv4 load generator
# (one epoll loop, many connections and calls in flight), and nlc-instant,
# a responder on the module's family that answers from a precomputed table
# (the mechanism's floor).
BENCH_PROGS := $(B)/tests/nfsload $(B)/tests/nlc-instant
bench-tools: $(BENCH_PROGS)

# (both decode hex with libnlcproto.a's nlc_hexval)
$(B)/tests/nfsload: tests/bench/nfsload.c $(B)/obj/libnlcproto.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NLC_CFLAGS) -o $@ $^

$(B)/tests/nlc-instant: tests/bench/nlc-instant.c uapi/linux/nfsd_nlcache.h $(B)/obj/libnlcproto.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NLC_CFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) $(PKG_LIBS)

# --- VM tests ----------------------------------------------------------------
vmtest: $(VM_PROGS)
	tests/vm/run.sh -k $(VM_KVER) -j $(VM_JOBS) $(VMTESTS)

# The README's first command: on a fresh Debian 12 machine (as root) it
# installs what is missing, builds the module and the daemon, boots Debian's
# 6.1 kernel under QEMU and streams tests/vm/guest/demo.sh's transcript; the
# verdict is the guest's success marker, as for every VM test. Sub-makes so
# that pkg-config runs after deps installed it.
.PHONY: demo
demo:
	$(MAKE) deps
	$(MAKE) module KVER=6.1
	$(MAKE) daemon
	tests/vm/run.sh -k 6.1 -s demo

vmtest-selftest:
	VM_TIMEOUT=120 tests/vm/run.sh -k $(VM_KVER) -j $(VM_JOBS) $(SELFTESTS)

# Debian sid's 7.2 has native netlink upcalls; its kbuild tools need a sid
# chroot to build in (tests/vm/sid-chroot.sh). Not part of make check.
NATIVE_KVER ?= $(lastword $(shell awk '!/^\#/ && $$2 == "native" {print $$1}' $(KERNELS_LIST)))
NATIVE_VMTESTS ?= module-smoke nlc-native legacy-mount nlcached-native

sid-chroot:
	tests/vm/sid-chroot.sh $(NATIVE_KVER)

vmtest-native: $(VM_PROGS) sid-chroot
	tests/vm/run.sh -k $(NATIVE_KVER) $(NATIVE_VMTESTS)

# Benchmark: rpc.mountd vs nlcached on the same upcall storms (prints
# BENCH lines with ratios; not part of make check).
# BENCH_N (2000), BENCH_S5 ("250 1000 4000"), BENCH_ONLY ("S1 S2 S3 S4 S5
# S6 Idle") scale the run down or pick scenarios; BENCH_DEBUG=y logs
# nlc-instant's rounds and every request nlcached handles; BENCH_PERF=y
# prints a system-wide perf profile of each nlcached storm.
# BENCH_BASE=<commit> also runs that commit's nlcached ("base") in the
# same VM: a fix's before/after numbers.
BENCH_N ?=
BENCH_S5 ?=
BENCH_ONLY ?=
BENCH_BASE ?=
BENCH_DEBUG ?=
BENCH_S5_SCAN_MAX ?=
BENCH_DAEMONS ?=
BENCH_PERF ?=
bench: $(VM_PROGS) $(BENCH_PROGS) $(if $(BENCH_BASE),bench-base)
	@printf 'NLC_BENCH_N=%s\nNLC_BENCH_S5="%s"\nNLC_BENCH_ONLY="%s"\nNLC_BENCH_BASE=%s\nNLC_BENCH_DEBUG=%s\nNLC_BENCH_S5_SCAN_MAX=%s\nNLC_BENCH_DAEMONS="%s"\nNLC_BENCH_PERF=%s\n' \
		'$(BENCH_N)' '$(BENCH_S5)' '$(BENCH_ONLY)' '$(BENCH_BASE)' '$(BENCH_DEBUG)' '$(BENCH_S5_SCAN_MAX)' '$(BENCH_DAEMONS)' '$(BENCH_PERF)' >$(B)/nlc-bench.env
	VM_SLUB_DEBUG= tests/vm/run.sh -k $(VM_KVER) bench
	@grep -a '^BENCH ' $(B)/vm/$$(tests/vm/kernel.sh resolve $(VM_KVER))/bench/console.log

# The same scenarios on sid's 7.2 (native upcalls, no module): nlcached's
# native backend against sid's rpc.mountd (nfs-utils 3.x, the kernel's
# sunrpc/nfsd netlink families), which the guest runs with sid's loader
# and libraries from the sid chroot (tests/vm/sid-chroot.sh ... mountd
# installs nfs-kernel-server there). nlc-instant speaks only the module's
# family: not run. The BENCH_* variables as for make bench.
NLC_SID_CHROOT ?= /var/tmp/nlc-sid
bench-native: $(VM_PROGS) $(BENCH_PROGS) $(if $(BENCH_BASE),bench-base)
	NLC_SID_CHROOT=$(NLC_SID_CHROOT) tests/vm/sid-chroot.sh $(NATIVE_KVER) mountd
	@printf 'NLC_BENCH_N=%s\nNLC_BENCH_S5="%s"\nNLC_BENCH_ONLY="%s"\nNLC_BENCH_BASE=%s\nNLC_BENCH_DEBUG=%s\nNLC_BENCH_S5_SCAN_MAX=%s\nNLC_BENCH_DAEMONS="%s"\nNLC_BENCH_PERF=%s\nNLC_BENCH_NATIVE=y\nNLC_SID_ROOT=%s\n' \
		'$(BENCH_N)' '$(BENCH_S5)' '$(BENCH_ONLY)' '$(BENCH_BASE)' '$(BENCH_DEBUG)' '$(BENCH_S5_SCAN_MAX)' '$(BENCH_DAEMONS)' '$(BENCH_PERF)' '$(NLC_SID_CHROOT)' >$(B)/nlc-bench.env
	VM_SLUB_DEBUG= tests/vm/run.sh -k $(NATIVE_KVER) bench
	@grep -a '^BENCH ' $(B)/vm/$$(tests/vm/kernel.sh resolve $(NATIVE_KVER))/bench/console.log

.PHONY: bench-base
bench-base:
	rm -rf $(B)/bench-base && mkdir -p $(B)/bench-base/src
	git archive $(BENCH_BASE) | tar -x -C $(B)/bench-base/src
	$(MAKE) -C $(B)/bench-base/src daemon
	cp $(B)/bench-base/src/build/daemon/nlcached $(B)/bench-base/nlcached

# The netlink fuzzer at length (not in make check, whose VMTESTS run the
# short nlc-fuzz): at least 100000 fuzz messages in the VM. FUZZ_SEED=N
# replays a seed (the seed is printed by every run, make check's nlc-fuzz
# included); FUZZ_MESSAGES=N and FUZZ_WORKERS=N change the count and the
# processes (nlc-fuzz in make check: 3000 messages, 3 workers;
# nlc-fuzz-long: 4 workers).
FUZZ_SEED ?=
FUZZ_MESSAGES ?= 100000
FUZZ_WORKERS ?=
.PHONY: fuzz
fuzz: $(VM_PROGS)
	@printf 'NLC_FUZZ_TEST=nlc-fuzz-long\nNLC_FUZZ_SEED=%s\nNLC_FUZZ_MESSAGES=%s\nNLC_FUZZ_WORKERS=%s\n' \
		'$(FUZZ_SEED)' '$(FUZZ_MESSAGES)' '$(FUZZ_WORKERS)' >$(B)/nlc-fuzz.env
	tests/vm/run.sh -k $(VM_KVER) nlc-fuzz-long
	@grep -aE '^(# RESULT|FAIL)' $(B)/vm/*/nlc-fuzz-long/console.log | sed 's/^[^:]*://' || true

vmtest-matrix: $(VM_PROGS)
	@set -e; for k in $(VM_MATRIX); do tests/vm/run.sh -k $$k -j $(VM_JOBS) $(VMTESTS); done

# The test command: a fresh Debian 12 machine needs nothing else. Sub-makes
# so that pkg-config runs after deps installed it.
# tests/steps.sh runs each step as a sub-make and prints the time table.
# The Debian 12 real-system test runs in the background from the start
# (its image build is downloads and dpkg), after the packages that make deb
# and the image build install; steps.sh prints its output and time when the
# rest is done. make check runs it without step 5 (the second kernel: its
# image, headers, dkms build and initramfs under TCG were 40 % of the guest's
# time and made the systest the run's long pole); make systest and
# make check-full run every step.
# lint (sparse, shellcheck, scan-build: host CPU only, in its own build
# directory) overlaps the steps after it too.
CHECK_STEPS := deps deb-deps systest-deps bg:systest-check style bg:lint man-lint test-unit-file \
	unit test-uapi test-probes test-dkms vmtest-selftest vmtest
check:
	@MAKE="$(MAKE)" tests/steps.sh check $(CHECK_STEPS)

# The long runs, not in make check: the kernel matrix, Debian 13's
# real-system test and the targets in CHECK_FULL_LONG.
# CHECK_FULL_LONG: long-running targets for check-full (the 100 000-message
# netlink fuzz and the benchmark).
CHECK_FULL_LONG ?= fuzz bench
CHECK_FULL_STEPS = check vmtest-matrix systest systest-trixie $(CHECK_FULL_LONG)
.PHONY: check-full
check-full:
	@MAKE="$(MAKE)" tests/steps.sh check-full $(CHECK_FULL_STEPS)

style:
	tests/style.sh

# --- static analysis (make lint) ----------------------------------------------
# sparse on every module source (C=2) against the installed headers (make
# deps installs Debian 12's), in a copy of the dkms tree so no object lands
# in the sources; shellcheck at its default level, notes included (with
# sourced files followed; an intended construct is disabled inline, with
# its reason);
# clang's analyzer over nlcached and nlcachectl. Any finding fails.
LINT_DIR = $(abspath $(B))/lint
LINT_KDIR ?= $(or $(KDIR),$(firstword $(wildcard /lib/modules/$(RUNNING)/build \
	/usr/src/linux-headers-*-amd64)))
LINT_SHELL := $(wildcard tests/*.sh tests/vm/*.sh tests/vm/guest/*.sh tests/systest/*.sh) \
	tests/systest/image/systest-boot packaging/debian/nlcached.postinst \
	packaging/debian/nlcached.prerm

lint: lint-sparse lint-shell lint-analyzer

lint-sparse:
	@test -n "$(LINT_KDIR)" || { echo "lint-sparse: no kernel headers (make deps)" >&2; exit 1; }
	rm -rf $(LINT_DIR)/module
	$(MAKE) --no-print-directory module-tree DEST=$(LINT_DIR)/module
	rc=0; $(MAKE) -C $(LINT_KDIR) M=$(LINT_DIR)/module C=2 CHECK=sparse modules \
		>$(LINT_DIR)/sparse.log 2>&1 || rc=$$?; cat $(LINT_DIR)/sparse.log; exit $$rc
	@! grep -E '(warning|error):' $(LINT_DIR)/sparse.log || \
		{ echo "lint-sparse: findings above" >&2; exit 1; }
	@echo "lint-sparse: clean"

lint-shell:
	shellcheck -x -P SCRIPTDIR:SCRIPTDIR/guest $(LINT_SHELL)
	@echo "lint-shell: clean ($(words $(LINT_SHELL)) scripts)"

lint-analyzer:
	rm -rf $(LINT_DIR)/scan $(LINT_DIR)/scan-report
	scan-build --status-bugs -o $(LINT_DIR)/scan-report $(MAKE) --no-print-directory \
		B=$(LINT_DIR)/scan daemon
	@echo "lint-analyzer: clean"

# packaging/nlcached.service: systemd-analyze verify, sandbox, exposure.
test-unit-file: daemon
	tests/unit-file.sh

# Debian's python3 (python3-yaml), not whatever python3 comes first in PATH.
test-uapi:
	/usr/bin/python3 tests/uapi-spec.py
	/usr/bin/python3 tests/uapi-spec.py --self-test

test-probes:
	tests/probes.sh

test-dkms:
	tests/dkms-build.sh $(VM_KVER)

deps:
	@missing=; for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || \
			missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" != 0 ]; then echo "deps: run as root: apt-get install$$missing" >&2; exit 1; fi; \
	apt-get update && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing

# --- Debian packages (make deb) -------------------------------------------------
# packaging/debian/ becomes debian/ in a copy of the sources under
# $(B)/deb; dpkg-buildpackage writes nfsd-nlcache-dkms_$(VERSION)_all.deb and
# nlcached_$(VERSION)_<arch>.deb next to that copy. Build dependencies come
# from packaging/debian/control (apt-get build-dep on the laid-out tree).
DEB_DIR := $(B)/deb
DEB_SRC := $(DEB_DIR)/$(PACKAGE)-$(VERSION)
DEB_SOURCES := Makefile README.md $(MODULE_SOURCES) daemon packaging
DEB_TOOLS := dpkg-dev debhelper dh-dkms lintian fakeroot
DEB_ARCH = $(shell dpkg --print-architecture)
DEBS = $(DEB_DIR)/$(PACKAGE)-dkms_$(VERSION)_all.deb $(DEB_DIR)/nlcached_$(VERSION)_$(DEB_ARCH).deb

.PHONY: deb deb-tree deb-deps
deb-tree:
	@v=$$(dpkg-parsechangelog -l packaging/debian/changelog -S Version 2>/dev/null || \
		sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' packaging/debian/changelog); \
	[ "$$v" = "$(VERSION)" ] || { echo "deb: packaging/debian/changelog is at $$v, dkms.conf at $(VERSION): add a changelog entry" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	cp -r $(DEB_SOURCES) $(DEB_SRC)/
	rm -rf $(DEB_SRC)/packaging/debian
	cp -r packaging/debian $(DEB_SRC)/debian

deb-deps: deb-tree
	@missing=; for p in $(DEB_TOOLS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || \
			missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] || ! (cd $(DEB_SRC) && dpkg-checkbuilddeps >/dev/null 2>&1); then \
		if [ "$$(id -u)" != 0 ]; then echo "deb: run as root to install the build dependencies" >&2; exit 1; fi; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update && \
		apt-get install -y --no-install-recommends $(DEB_TOOLS) && \
		apt-get build-dep -y --no-install-recommends ./$(DEB_SRC); \
	fi

deb: deb-deps
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	@for f in $(DEBS); do test -f $$f || { echo "deb: $$f missing" >&2; exit 1; }; done
	lintian --fail-on error \
		$(DEB_DIR)/$(PACKAGE)_$(VERSION)_$(DEB_ARCH).changes
	@ls -l $(DEBS)

# --- the real-system test (make systest) ----------------------------------------
# A debootstrap'd Debian booted from its own disk with systemd under QEMU:
# the .debs installed, rebooted, a second kernel, purged
# (tests/systest/run.sh). The image is cached under ~/.cache/nfsd-nlcache/systest.
SYSTEST_DEPS := debootstrap fdisk e2fsprogs qemu-system-x86 debian-archive-keyring

.PHONY: systest systest-check systest-trixie systest-deps
systest-deps:
	@missing=; for p in $(SYSTEST_DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || \
			missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] || { \
		if [ "$$(id -u)" != 0 ]; then echo "systest: run as root: apt-get install$$missing" >&2; exit 1; fi; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; }

systest: systest-deps deb
	tests/systest/run.sh bookworm

# make check's profile: every step but the second kernel (5a/5b).
systest-check: systest-deps deb
	SYSTEST_KERNEL2=no tests/systest/run.sh bookworm

systest-trixie: systest-deps deb
	tests/systest/run.sh trixie

# --- install -------------------------------------------------------------------
install: daemon
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)/lib/systemd/system
	install -m 0755 $(addprefix $(B)/daemon/,$(PROGS)) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	sed 's|^ExecStart=/usr/sbin/nlcached|ExecStart=$(SBINDIR)/nlcached|' packaging/nlcached.service \
		> $(DESTDIR)/lib/systemd/system/nlcached.service
	chmod 0644 $(DESTDIR)/lib/systemd/system/nlcached.service

clean: module-clean
	rm -rf $(B)
