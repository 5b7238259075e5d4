# SPDX-License-Identifier: BSD-2-Clause
# `make check`: host-side unit tests, under AddressSanitizer and UBSan. Each
# test binary is tests/unit/test_NAME.c plus the runtime sources it tests;
# add one with two lines:
#   CHECK_TESTS += NAME
#   CHECK_SRCS_NAME := kernel/foo.c
CHECK_TESTS += cmdline memmap page_alloc timer_heap sched xs_wire grefs ring xs
CHECK_TESTS += evtchn_scan
CHECK_SRCS_evtchn_scan := events/evtchn_scan.c
CHECK_SRCS_cmdline := kernel/cmdline.c
CHECK_TESTS += console_ring format
CHECK_SRCS_format := kernel/format.c
CHECK_SRCS_console_ring := kernel/console_ring.c
CHECK_TESTS += console
CHECK_SRCS_console := kernel/console.c kernel/console_ring.c kernel/format.c
CHECK_SRCS_memmap := kernel/memmap.c
CHECK_SRCS_page_alloc := kernel/page_alloc.c
CHECK_SRCS_timer_heap := events/timer_heap.c
CHECK_SRCS_xs_wire := xenstore/xs_wire.c
CHECK_SRCS_grefs := gnttab/grefs.c
CHECK_SRCS_ring :=
CHECK_TESTS += bitmap assert
CHECK_SRCS_bitmap :=
CHECK_SRCS_assert :=
CHECK_SRCS_sched := kernel/sched.c kernel/format.c kernel/page_alloc.c arch/x86/context.c arch/x86/switch.S \
	tests/unit/kernel_stubs.c tests/unit/fake_timers.c
# test_shutdown.c includes kernel/shutdown.c itself (fresh state per test, exit caught).
CHECK_TESTS += shutdown
CHECK_SRCS_shutdown := kernel/sched.c kernel/format.c kernel/page_alloc.c arch/x86/context.c \
	arch/x86/switch.S tests/unit/kernel_stubs.c tests/unit/fake_timers.c tests/unit/fake_idle.c
# test_xs.c includes xenstore/xs.c itself (to reset its static state between tests).
CHECK_SRCS_xs := xenstore/xs_stream.c xenstore/xs_ops.c xenstore/xs_wire.c xenstore/xenbus.c kernel/sched.c kernel/format.c kernel/page_alloc.c \
	arch/x86/context.c arch/x86/switch.S tests/unit/kernel_stubs.c tests/unit/fake_timers.c
# net/: lwIP's mailbox over the real scheduler; the command line's network
# keys (pure).
CHECK_TESTS += mbox netcfg
CHECK_SRCS_mbox := net/mbox.c kernel/sched.c kernel/format.c kernel/page_alloc.c arch/x86/context.c \
	arch/x86/switch.S tests/unit/kernel_stubs.c tests/unit/fake_timers.c tests/unit/fake_idle.c
CHECK_SRCS_netcfg := net/netcfg.c
# DNS reply codes seen for getaddrinfo's errors (pure).
CHECK_TESTS += dns_rcode
CHECK_SRCS_dns_rcode := net/dns_rcode.c
CHECK_TESTS += vchan_wire
CHECK_SRCS_vchan_wire := gnttab/vchan_wire.c
CHECK_TESTS += vchan
CHECK_SRCS_vchan := gnttab/vchan.c gnttab/vchan_wire.c kernel/format.c
CHECK_TESTS += netfront_wire
CHECK_SRCS_netfront_wire := net/netfront_wire.c
CHECK_TESTS += blkfront_wire
CHECK_SRCS_blkfront_wire := blk/blkfront_wire.c
# httpd's request parser (an app's code: what any client sends it).
CHECK_TESTS += http
CHECK_SRCS_http := apps/httpd/http.c
# fs/: the tar reader (pure), and the file system's calls over a disk in memory.
CHECK_TESTS += ustar fs
CHECK_SRCS_ustar := fs/ustar.c
# test_fs.c includes fs/fs.c itself (its state reset between tests).
CHECK_SRCS_fs := fs/ustar.c kernel/cmdline.c
# The fd ranges and path owner of kernel/syscalls.c (test_fd.c includes it).
CHECK_TESTS += fd
CHECK_SRCS_fd :=

CHECK_BIN := $(BUILD)/check
CHECK_BINS := $(foreach t,$(CHECK_TESTS),$(CHECK_BIN)/test_$(t))
CHECK_HOST_INC := -I$(BUILD)/check/include

$(CHECK_BIN)/include/xen:
	$(Q)mkdir -p $(dir $@) && ln -sfn /usr/include/xen $@

define check_rule
$(CHECK_BIN)/test_$(1): tests/unit/test_$(1).c tests/unit/check_main.c tests/unit/check.h $(CHECK_SRCS_$(1)) $(wildcard include/uk/*.h) | $(CHECK_BIN)/include/xen
	$(Q)echo "  HOSTCC  $$@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CHECK_HOST_INC) -o $$@ tests/unit/test_$(1).c tests/unit/check_main.c $(CHECK_SRCS_$(1))
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CHECK_HOST_INC) -MM -MP -MT $$@ tests/unit/test_$(1).c $(CHECK_SRCS_$(1)) >$$@.d
endef
$(foreach t,$(CHECK_TESTS),$(eval $(call check_rule,$(t))))
# Private headers of the sources under test (xenstore/xs_wire.h, ...) count too.
-include $(CHECK_BINS:=.d)

# clang-build, cppcheck and shellcheck: mk/analyze.mk. scan-build (slower,
# and not yet timed on a quiet machine) runs in `make analyze` only.
check: $(CHECK_BINS) format-check build-bug-on-check clang-build cppcheck scan-build shellcheck
	$(Q)ASAN_OPTIONS=detect_leaks=0 tests/unit/run.sh $(CHECK_BINS)

# The project's style is what clang-format makes of it (.clang-format).
format-check:
	$(Q)bad=$$(for f in $$(git ls-files '*.c' '*.h' 2>/dev/null); do \
		clang-format --dry-run "$$f" 2>&1 | grep -q warning && echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "format-check: run 'make format' for:" $$bad; exit 1; fi
.PHONY: format-check

# UK_BUILD_BUG_ON(true) must stop the build (test_assert.c has the passing side).
build-bug-on-check:
	$(Q)if printf '#include <uk/assert.h>\nUK_BUILD_BUG_ON(1 + 1 == 2);\n' | \
		$(HOST_CC) $(HOST_CFLAGS) -fsyntax-only -x c - 2>/dev/null; then \
		echo "build-bug-on-check: UK_BUILD_BUG_ON(1 + 1 == 2) compiled"; exit 1; fi
.PHONY: build-bug-on-check
