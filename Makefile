# SPDX-License-Identifier: BSD-2-Clause
# libunikernel: top-level build. See README.md for the commands.
#
#   make deps    install the Debian packages the build and the rig need
#   make         build the runtime, the SDK (build/sdk) and every app
#   make install PREFIX=/usr/local DESTDIR=   install the SDK (mk/install.mk)
#   make deb     the Debian package libunikernel-dev (mk/package.mk)
#   make check   host-side unit tests (sanitizers), seconds
#   make test    make check, then every guest test in nested Xen
#   make run     boot apps/hello in Xen inside QEMU and show its console
#   make bench   print the benchmark figures

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ifneq ($(CURDIR),$(TOP))
# Run from elsewhere (make -f PATH/Makefile): again from the top, so that
# relative paths (a target such as build/apps/hello/hello.elf, sources in
# the fragments) mean the same thing from anywhere.
.DEFAULT_GOAL := all
$(or $(firstword $(MAKECMDGOALS)),all):
	+@$(MAKE) --no-print-directory -C $(TOP) $(MAKECMDGOALS)
$(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS)):
	@:
else

include $(TOP)/mk/config.mk

.PHONY: all deps lib sdk apps install check test run bench fuzz fuzz-smoke clean distclean format
.DEFAULT_GOAL := all

all: lib sdk apps

include $(TOP)/mk/deps.mk
include $(TOP)/mk/newlib.mk
include $(TOP)/mk/lwip.mk
include $(TOP)/mk/lib.mk
include $(TOP)/mk/install.mk
include $(TOP)/mk/package.mk
include $(TOP)/mk/apps.mk
include $(TOP)/mk/check.mk
include $(TOP)/mk/rig.mk
include $(TOP)/mk/fuzz.mk
include $(TOP)/mk/analyze.mk

# Every fragment has added its fuzz targets by now.
$(fuzz-rules)
-include $(FUZZ_BINS:=.d)

clean:
	rm -rf $(BUILD)/lib $(BUILD)/apps $(BUILD)/check $(BUILD)/obj $(BUILD)/sdk

distclean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

endif
