# `make fuzz`: libFuzzer (clang) over the parsers of what peers write, for a
# bounded time (FUZZ_SECONDS, default 60). Findings land in build/fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_DIR := $(BUILD)/fuzz

$(FUZZ_DIR)/fuzz_xs_wire: tests/fuzz/fuzz_xs_wire.c xenstore/xs_wire.c xenstore/xs_wire.h | $(CHECK_BIN)/include/xen
	$(Q)mkdir -p $(FUZZ_DIR)/corpus-xs_wire
	$(Q)echo "  FUZZCC  $@"
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined -I$(TOP)/include $(CHECK_HOST_INC) \
		-D__XEN_INTERFACE_VERSION__=$(XEN_INTERFACE_VERSION) -o $@ $(filter %.c,$^)

fuzz: deps $(FUZZ_DIR)/fuzz_xs_wire
	$(Q)cd $(FUZZ_DIR) && ./fuzz_xs_wire -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		corpus-xs_wire 2>&1 | tail -n 12
