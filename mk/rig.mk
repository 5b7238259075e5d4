# SPDX-License-Identifier: BSD-2-Clause
# The nested Xen rig (tests/rig/): `make test`, `make run`, the dom0 peers.
# docs/testing.md explains it.
#
#   make test                      every tests/cases/*.test, one Xen boot
#   make test TESTS="hello threads"  a selection
#   make run [APP=name] [ARGS=..]  boot one app, show its console
#
# Other fragments run cases with $(RIG) [--quiet] [--show] CASE... (a name
# from tests/cases/ or a path to a .test file); each case's console lines
# are then in $(RIG_DIR)/results/NAME.log, the serial log in
# $(RIG_DIR)/last-run.log.
RIG := $(TOP)/tests/rig/run-tests.sh
RIG_DIR ?= $(BUILD)/rig
export RIG_DIR

PEERS_DIR := $(BUILD)/peers
# backend_peer.c is no peer: the plumbing the hostile backends link in.
PEER_NAMES := $(filter-out backend_peer,$(basename $(notdir $(wildcard $(TOP)/tests/peers/*.c))))
PEER_BINS := $(addprefix $(PEERS_DIR)/,$(PEER_NAMES))
# Peers run in the rig's dom0: static, so they need nothing from its libraries.
PEER_LIBS := -lxenvchan -lxenstore -lxenctrl -lxenforeignmemory -lxendevicemodel -lxencall -lxengnttab \
	-lxenevtchn -lxentoollog -lxentoolcore -lpthread

$(PEERS_DIR)/%: $(TOP)/tests/peers/%.c
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  PEER    $@"
	$(Q)gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $(filter %.c,$^) $(PEER_LIBS)

# net_peer checks what apps/echo sends the way apps/echo does.
$(PEERS_DIR)/net_peer: $(TOP)/apps/echo/netcheck.h
# The hostile backends share their plumbing.
BACKEND_PEER := $(TOP)/tests/peers/backend_peer.c $(TOP)/tests/peers/backend_peer.h
$(PEERS_DIR)/netback_evil $(PEERS_DIR)/blkback_evil: $(BACKEND_PEER)
# blkback_evil serves the data tests/apps/blk-hostile checks.
$(PEERS_DIR)/blkback_evil: $(TOP)/tests/apps/blk-hostile/pattern.h
# blk_peer makes and checks the pattern tests/apps/blktest writes.
$(PEERS_DIR)/blk_peer: $(TOP)/tests/apps/blktest/pattern.h

# The network apps built for Linux as well: dom0 runs them on its own
# loopback, the ceiling the benchmarks print beside the guest's figures.
NET_HOST_APPS := $(PEERS_DIR)/httpd-linux $(PEERS_DIR)/echo-linux
$(PEERS_DIR)/httpd-linux: $(wildcard $(TOP)/apps/httpd/*.c $(TOP)/apps/httpd/*.h)
$(PEERS_DIR)/echo-linux: $(wildcard $(TOP)/apps/echo/*.c $(TOP)/apps/echo/*.h)
$(NET_HOST_APPS):
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  PEER    $@"
	$(Q)gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $(filter %.c,$^)

peers: $(PEER_BINS) $(NET_HOST_APPS)

TESTS ?= $(sort $(basename $(notdir $(wildcard $(TOP)/tests/cases/*.test))))
APP ?= hello

# deps first (it installs what the rest needs), then the unit tests, then
# the images, then (for tests/cases/example-outside.test) the package test
# of mk/package.mk: in this order even under -j.
test: deps
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory fuzz-smoke
	$(Q)$(MAKE) --no-print-directory apps peers
	$(Q)$(MAKE) --no-print-directory check-globals
	$(Q)$(MAKE) --no-print-directory app-paths
	$(Q)$(if $(filter example-outside,$(TESTS)),$(MAKE) --no-print-directory package-test)
	$(Q)BUILD=$(BUILD) $(RIG) $(TESTS)

# `make run [APP=name] [ARGS="..."]`: the app's own test case
# (tests/cases/APP.test) if it has one and no ARGS are given, else a case
# made here (boot it with ARGS as its command line, expect a poweroff). Its
# console is printed, then the shutdown reason. Only that app is built.
# ARGS reaches the shell through the environment, never pasted into the
# recipe, so quotes in it stay the guest's.
run: export ARGS := $(ARGS)
run: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/apps/$(APP)/$(APP).elf peers
	$(Q)if [ -z "$$ARGS" ] && [ -f $(TOP)/tests/cases/$(APP).test ]; then \
		case=$(APP); \
	else \
		mkdir -p $(RIG_DIR)/run && case=$(RIG_DIR)/run/$(APP).test && \
		printf '%s\n' 'APP=$(APP)' 'CMDLINE=$$ARGS' 'SHUTDOWN=poweroff' > $$case; \
	fi; \
	BUILD=$(BUILD) $(RIG) --show $$case

.PHONY: peers

# `make bench BENCH=net` or `BENCH=blk`: only that part (default: all).
bench: deps
	$(Q)$(MAKE) --no-print-directory apps peers
	$(Q)BENCH=$(BENCH) tests/bench/bench.sh
