# SPDX-License-Identifier: GPL-2.0-only
# gzvm: an open GenieZone stack for ARM64.
#
#   make            build the hypervisor and the test programs
#   make run        boot hypervisor + host kernel in QEMU, then a Linux guest
#                   with gzvm-run: the guest's shell on the console
#   make run-host   the same without the guest: the host's shell
#   make check      every test suite; ends with "N passed, N failed"
#   make check-deep make check with the long system tests as well (EDK2 on
#                   gzvm; about 6 minutes more, docs/testing.md)
#   make fuzz       the fuzz targets for 10 minutes each, then the in-stack
#                   fuzzers and stress tests with their long counts in one
#                   boot (about 90 minutes in all; the figures at the end)
#   make bench      gzvm against KVM VHE, nVHE and pKVM under QEMU -icount
#                   (docs/benchmarks.md; not part of make check)
#
# `make run` and `make check` first install what is missing (tools/setup.sh:
# Debian packages, the arm64 kernels and headers, busybox).

BUILD		:= $(CURDIR)/build
RESULTS		:= $(BUILD)/results
FUZZ_SECONDS	?= 20

.PHONY: all deps hyp driver vmm test-programs check check-deep run run-host fuzz bench clean help

all: hyp driver vmm test-programs

deps:
	@tools/setup.sh

hyp:
	$(MAKE) -C hyp

# gzvm.ko for both host kernels (build/driver/K61, build/driver/K612)
driver: deps
	$(MAKE) -C driver

# the VMM, static arm64 (build/vmm/gzvm-run)
vmm: deps
	$(MAKE) -C vmm

test-programs:
	$(MAKE) -C tests/unit all
	$(MAKE) -C tests/abi all

run: deps hyp
	tools/run.sh

run-host: deps hyp
	tools/run.sh --host

# Every suite runs even if an earlier one failed; the summary decides.
check: deps
	@rm -rf $(RESULTS)
	@tools/run-suite.sh hyp-build $(RESULTS) -- tests/hyp-image.sh $(RESULTS)
	@tools/run-suite.sh unit $(RESULTS) -- $(MAKE) -C tests/unit check RESULTS=$(RESULTS)
	@tools/run-suite.sh abi $(RESULTS) -- $(MAKE) -C tests/abi check RESULTS=$(RESULTS)
	@tools/run-suite.sh checkpatch $(RESULTS) -- tools/checkpatch.sh $(RESULTS)
	@tools/run-suite.sh fuzz $(RESULTS) -- $(MAKE) -C tests/fuzz check RESULTS=$(RESULTS) FUZZ_SECONDS=$(FUZZ_SECONDS)
	@tools/run-suite.sh system $(RESULTS) -- tests/system/run.sh $(RESULTS)
	@tools/run-suite.sh demo $(RESULTS) -- tests/system/demo.sh $(RESULTS)
	@tools/summarize.sh $(RESULTS)

check-deep:
	@GZVM_SYSTEM_DEEP=1 $(MAKE) check

# The long runs of issue 9: libFuzzer, then hvcfuzz, randguest, ioctls,
# killvmm and stress with GZVM_SELFTEST_DEEP=1 (stress alone 10 minutes).
FUZZ_SELFTESTS	:= hvcfuzz randguest ioctls killvmm stress
fuzz: deps
	@rm -rf $(RESULTS)
	@tools/run-suite.sh fuzz $(RESULTS) -- $(MAKE) -C tests/fuzz fuzz RESULTS=$(RESULTS)
	@tools/run-suite.sh hyp-build $(RESULTS) -- tests/hyp-image.sh $(RESULTS)
	@GZVM_SELFTEST_DEEP=1 GZVM_SELFTESTS="$(FUZZ_SELFTESTS)" GZVM_BOOT_TIMEOUT=3000 \
		tools/run-suite.sh system $(RESULTS) -- tests/system/run.sh $(RESULTS) max-smp4-k61
	@tools/summarize.sh $(RESULTS)

# Deterministic microbenchmarks; writes docs/bench/results.{md,json}, chart.png
bench: deps
	tools/bench.sh

clean:
	rm -rf $(BUILD)/hyp $(BUILD)/vmm $(BUILD)/unit $(BUILD)/abi $(BUILD)/fuzz $(BUILD)/system $(BUILD)/bench $(BUILD)/results

help:
	@sed -n '2,14p' Makefile
