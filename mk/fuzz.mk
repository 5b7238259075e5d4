# SPDX-License-Identifier: BSD-2-Clause
# Fuzzing: libFuzzer (clang) over everything a peer domain writes. Each
# target is tests/fuzz/fuzz_NAME.c plus the runtime sources it drives; add
# one with two lines:
#   FUZZ_TARGETS += NAME
#   FUZZ_SRCS_NAME := xenstore/foo.c
# and seed inputs in tests/fuzz/corpus/NAME/ (committed). Each target asserts
# its own invariants (abort() on a broken one), so a finding is a crash.
#
#   make fuzz        every target for FUZZ_SECONDS (default 60) each
#   make fuzz-smoke  every target for FUZZ_SMOKE_SECONDS (default 5) each,
#                    from its committed corpus; `make test` runs this
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_DIR := $(BUILD)/fuzz

FUZZ_TARGETS += xs_wire xs_stream xs_replies
FUZZ_SRCS_xs_wire := xenstore/xs_wire.c
FUZZ_SRCS_xs_stream := xenstore/xs_stream.c xenstore/xs_wire.c
FUZZ_SRCS_xs_replies := xenstore/xs_ops.c xenstore/xenbus.c xenstore/xs_wire.c kernel/format.c

FUZZ_TARGETS += console_ring
FUZZ_SRCS_console_ring := kernel/console_ring.c

FUZZ_TARGETS += cmdline
FUZZ_SRCS_cmdline := kernel/cmdline.c

FUZZ_TARGETS += netcfg
FUZZ_SRCS_netcfg := net/netcfg.c

FUZZ_TARGETS += vchan_wire
FUZZ_SRCS_vchan_wire := gnttab/vchan_wire.c

FUZZ_TARGETS += netfront
FUZZ_SRCS_netfront := net/netfront_wire.c
FUZZ_TARGETS += blkfront
FUZZ_SRCS_blkfront := blk/blkfront_wire.c
# httpd's request parser: what any client on the network sends.
FUZZ_TARGETS += http
FUZZ_SRCS_http := apps/httpd/http.c
# The tar reader: what a disk holds.
FUZZ_TARGETS += ustar
FUZZ_SRCS_ustar := fs/ustar.c

FUZZ_BINS = $(foreach t,$(FUZZ_TARGETS),$(FUZZ_DIR)/fuzz_$(t))
# The tree's warnings too; tests/fuzz/fuzz.h declares the entry point.
FUZZ_CFLAGS := -std=c11 -g -O1 $(WARN_CFLAGS) -include $(TOP)/tests/fuzz/fuzz.h \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I$(TOP)/include -I$(TOP) -D__XEN_INTERFACE_VERSION__=$(XEN_INTERFACE_VERSION) -D_DEFAULT_SOURCE

define fuzz_rule
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz.h $(FUZZ_SRCS_$(1)) $(wildcard include/uk/*.h) | $(CHECK_BIN)/include/xen
	$(Q)mkdir -p $$(dir $$@)
	$(Q)echo "  FUZZCC  $$@"
	$(Q)clang $(FUZZ_CFLAGS) $(CHECK_HOST_INC) -o $$@ tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1))
	$(Q)clang $(FUZZ_CFLAGS) $(CHECK_HOST_INC) -MM -MP -MT $$@ tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1)) >$$@.d
endef

# Evaluated at the end of the Makefile, after every fragment added its targets.
fuzz-rules = $(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# One run of each target: a new corpus under build/fuzz/ that starts from the
# committed seeds (which are never written to), findings beside it.
fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke:
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)
.PHONY: fuzz fuzz-smoke
