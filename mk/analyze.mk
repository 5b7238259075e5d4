# SPDX-License-Identifier: BSD-2-Clause
# Static checks, all from Debian's packages (`make deps`); `make check` runs
# every one of them (scan-build only when the runtime changed):
#
#   make clang-build  every runtime source (LIB_SRCS) compiled by clang with
#                     the guest's flags and -Werror; objects in build/clang/,
#                     never linked (the image is gcc's)
#   make analyze      cppcheck and the clang static analyzer (scan-build)
#                     over the runtime, shellcheck over every shell script
#
# Each is quiet when clean and fails on any finding. False positives are
# suppressed in tests/analyze/cppcheck.supp, each with its reason.
# Not named CLANG: ccc-analyzer takes the environment variable CLANG as the
# compiler to analyze with, and make puts command-line variables there, so
# CLANG=ccc-analyzer made it call itself for ever (a fork bomb).
CLANG_BUILD_CC ?= clang
CLANG_DIR ?= $(BUILD)/clang
CLANG_OBJS := $(patsubst %,$(CLANG_DIR)/%.o,$(LIB_SRCS))

# The guest's flags, with clang's own freestanding headers (stddef.h,
# stdarg.h) in place of gcc's.
CLANG_TARGET_CFLAGS := $(subst $(shell $(TARGET_CC) -print-file-name=include),$(shell clang -print-resource-dir 2>/dev/null)/include,$(TARGET_CFLAGS))

$(CLANG_DIR)/%.c.o: %.c $(NEWLIB_STAMP) | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CLANG   $<$(CLANG_WHAT)"
	$(Q)$(CLANG_BUILD_CC) $(CLANG_TARGET_CFLAGS) -I$(TOP) -I$(TOP)/arch/x86/include $(DIR_CFLAGS) -MMD -MP -c $< -o $@

$(CLANG_DIR)/%.S.o: %.S | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CLANG   $<$(CLANG_WHAT)"
	$(Q)$(CLANG_BUILD_CC) $(TARGET_ASFLAGS) -Werror -MMD -MP -c $< -o $@

$(patsubst %,$(CLANG_DIR)/%.o,$(filter net/%,$(LIB_SRCS))): DIR_CFLAGS := $(NET_CFLAGS)
$(patsubst %,$(CLANG_DIR)/%.o,$(filter net/%,$(LIB_SRCS))): $(LWIP_STAMP)

clang-build: $(CLANG_OBJS)

-include $(CLANG_OBJS:.o=.d)

.PHONY: clang-build analyze cppcheck scan-build shellcheck

# cppcheck: the runtime's C sources as the guest build sees them (Xen's
# headers through $(XEN_INC); newlib's are left to cppcheck's own model of
# the C library, which its preprocessor reads better). -D__GNUC__ and
# -D__x86_64__ name the one configuration that is built, so cppcheck checks
# that one only.
CPPCHECK_FLAGS := -q --std=c11 --platform=unix64 --library=gnu \
	--enable=warning,style,portability,performance --inline-suppr \
	--suppressions-list=$(TOP)/tests/analyze/cppcheck.supp --error-exitcode=1 \
	-I$(TOP)/include -I$(TOP) -I$(TOP)/arch/x86/include -I$(XEN_INC) \
	-D__XEN_INTERFACE_VERSION__=$(XEN_INTERFACE_VERSION) -D__GNUC__ -D__x86_64__

cppcheck: | $(XEN_INC)/xen
	$(Q)echo "  CPPCHECK runtime"
	$(Q)cppcheck $(CPPCHECK_FLAGS) -j2 $(filter %.c,$(LIB_SRCS))

# The clang static analyzer, through scan-build, over the clang build above
# in a directory of its own that is emptied first: only a file compiled in
# this run is analyzed. Fails if it reports anything; the HTML report is
# in build/scan/report/.
SCAN_BUILD := scan-build-14
SCAN_CC := /usr/share/clang/scan-build-14/libexec/ccc-analyzer
# Analyzed again only when a runtime source or header changed (a stamp),
# so that `make check` stays quick.
SCAN_STAMP := $(BUILD)/scan.ok
SCAN_DEPS := $(LIB_SRCS) $(wildcard include/uk/*.h */*.h arch/x86/include/*/*.h) mk/analyze.mk
scan-build: $(SCAN_STAMP)

$(SCAN_STAMP): $(SCAN_DEPS) $(NEWLIB_STAMP) | $(XEN_INC)/xen
	$(Q)echo "  SCAN-BUILD runtime"
	$(Q)rm -rf $(BUILD)/scan $@ && mkdir -p $(BUILD)/scan
	$(Q)$(SCAN_BUILD) --use-cc=clang -o $(BUILD)/scan/report --status-bugs \
		$(MAKE) --no-print-directory -j2 CLANG_DIR=$(BUILD)/scan/obj CLANG_BUILD_CC=$(SCAN_CC) \
		CLANG_WHAT=" (analyzer)" Q=@ clang-build >$(BUILD)/scan/log 2>&1 || \
		{ grep -E 'warning:|error:|scan-build:' $(BUILD)/scan/log; exit 1; }
	$(Q)touch $@

# shellcheck: every shell script in git (found by name or #! line), then the
# rig's test cases (tests/analyze/shellcheck-cases.sh explains how).
# -x follows `. /etc/rig-lib.sh` to tests/rig/dom0-lib.sh (a directive in
# each script names it).
SHELL_SCRIPTS = $(sort $(shell git ls-files '*.sh') $(shell git grep -lE '^\#!/bin/(ba)?sh' -- ':!*.test' ':!*.c'))

shellcheck:
	$(Q)echo "  SHELLCHECK scripts and cases"
	$(Q)shellcheck -x -f gcc $(SHELL_SCRIPTS)
	$(Q)tests/analyze/shellcheck-cases.sh tests/cases/*.test

analyze: cppcheck scan-build shellcheck
