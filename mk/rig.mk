# The nested Xen rig (tests/rig/): `make test`, `make run`, the dom0 peers.
# docs/testing.md explains it.
PEERS_DIR := $(BUILD)/peers
PEER_NAMES := $(basename $(notdir $(wildcard tests/peers/*.c)))
PEER_BINS := $(addprefix $(PEERS_DIR)/,$(PEER_NAMES))
# Peers run in the rig's dom0: static, so they need nothing from its libraries.
PEER_LIBS := -lxenvchan -lxenstore -lxengnttab -lxenevtchn -lxentoollog -lxentoolcore -lpthread

$(PEERS_DIR)/%: tests/peers/%.c
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  PEER    $@"
	$(Q)gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $< $(PEER_LIBS)

peers: $(PEER_BINS)

TESTS ?= $(sort $(basename $(notdir $(wildcard tests/cases/*.test))))
APP ?= hello

test: deps
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory apps peers
	$(Q)tests/rig/run-tests.sh $(TESTS)

run: deps
	$(Q)$(MAKE) --no-print-directory apps
	$(Q)RUN_APP=$(APP) tests/rig/run-tests.sh --show $(if $(wildcard tests/cases/$(APP).test),$(APP),tests/rig/run.test)

.PHONY: peers

bench: deps
	$(Q)$(MAKE) --no-print-directory apps peers
	$(Q)tests/bench/bench.sh
