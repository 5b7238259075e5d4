# SPDX-License-Identifier: BSD-2-Clause
# libunikernel: top-level build. See README.md for the commands.
#
#   make deps    install the Debian packages the build and the rig need
#   make         build libunikernel.a and every app under apps/
#   make check   host-side unit tests (sanitizers), seconds
#   make test    make check, then every guest test in nested Xen
#   make run     boot apps/hello in Xen inside QEMU and show its console
#   make bench   print the benchmark figures

TOP := $(abspath .)
include mk/config.mk

.PHONY: all deps lib apps check test run bench fuzz fuzz-smoke clean distclean format
.DEFAULT_GOAL := all

all: lib apps

include mk/deps.mk
include mk/newlib.mk
include mk/lib.mk
include mk/apps.mk
include mk/check.mk
include mk/rig.mk
include mk/fuzz.mk
include mk/analyze.mk

# Every fragment has added its fuzz targets by now.
$(fuzz-rules)
-include $(FUZZ_BINS:=.d)

clean:
	rm -rf $(BUILD)/lib $(BUILD)/apps $(BUILD)/check $(BUILD)/obj

distclean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
