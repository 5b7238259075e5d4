# SPDX-License-Identifier: BSD-2-Clause
# libunikernel: build one app. Installed as PREFIX/share/libunikernel/app.mk;
# an app's Makefile, in the app's own directory, is three lines:
#
#   APP  := hello
#   SRCS := main.c
#   include $(shell pkg-config --variable=appmk libunikernel)
#
# (or `include /usr/share/libunikernel/app.mk`). Before the include it may
# also set:
#   MEMORY      the guest's memory in MiB (default 8)
#   CMDLINE     its command line (argv[1..]; default none)
#   APP_CFLAGS  its own compiler flags, APP_LDFLAGS its own link flags
#               (-Wl,..., -L), APP_LIBS archives or -l to link
#   APP_OUT     where the outputs go (default build/ beside the Makefile)
# CFLAGS and LDFLAGS given on make's command line (or set in the Makefile)
# come after those; the environment's are ignored, as they usually hold
# flags for host programs.
#
#   make        APP_OUT/APP.elf, the image, and APP_OUT/APP.cfg, its xl
#               config: `xl create -c build/APP.cfg` on a Xen host
#   make clean  removes APP_OUT
#
# Sources (.c, .S) are compiled and linked with x86_64-xen-uk-cc, the
# driver installed beside this file (PREFIX/bin); libunikernel's own tree
# builds its apps with this file too (mk/app.mk).
UK_PREFIX ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../..)
UK_CC ?= $(UK_PREFIX)/bin/x86_64-xen-uk-cc
UK_XL_CFG_IN ?= $(UK_PREFIX)/share/libunikernel/xl.cfg.in
APP_MAKEFILE ?= $(abspath $(firstword $(MAKEFILE_LIST)))
APP_DIR ?= $(dir $(APP_MAKEFILE))
APP_OUT ?= $(APP_DIR)build
MEMORY ?= 8
CMDLINE ?=
Q ?= @

ifeq ($(strip $(APP)),)
$(error $(APP_MAKEFILE): set APP := NAME before including app.mk)
endif

# Flags for host programs in the environment (CFLAGS=-fstack-protector-strong
# and the like) are not the guest's.
uk_user_flags = $(if $(findstring environment,$(origin $(1))),,$($(1)))

APP_ELF := $(APP_OUT)/$(APP).elf
APP_CFG := $(APP_OUT)/$(APP).cfg
APP_OBJS := $(addprefix $(APP_OUT)/,$(addsuffix .o,$(basename $(SRCS))))
# Objects are rebuilt when the driver (the flags are in it) changes, the
# image when the runtime does too.
UK_DEPS := $(wildcard $(UK_CC))
UK_LINK_DEPS := $(wildcard $(UK_CC) $(UK_PREFIX)/lib/libunikernel/libunikernel.o \
	$(UK_PREFIX)/lib/libunikernel/link.ld)

.DEFAULT_GOAL := app
.PHONY: app clean

app: $(APP_ELF) $(APP_CFG)
	@:

$(APP_OUT)/%.o: $(APP_DIR)%.c $(UK_DEPS)
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CC      $<"
	$(Q)$(UK_CC) $(APP_CFLAGS) $(call uk_user_flags,CFLAGS) -MMD -MP -c $< -o $@

$(APP_OUT)/%.o: $(APP_DIR)%.S $(UK_DEPS)
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  AS      $<"
	$(Q)$(UK_CC) $(APP_CFLAGS) $(call uk_user_flags,CFLAGS) -MMD -MP -c $< -o $@

$(APP_ELF): $(APP_OBJS) $(UK_LINK_DEPS) $(filter-out -%,$(APP_LIBS))
	$(Q)echo "  LD      $@"
	$(Q)$(UK_CC) $(APP_LDFLAGS) $(call uk_user_flags,LDFLAGS) -Wl,-Map,$@.map \
		$(APP_OBJS) $(APP_LIBS) -o $@

# The xl config, from the template: made every time (the command line may
# come from make's), written only when it changed. xl's strings take
# backslash escapes, so a quote or backslash in CMDLINE is escaped.
$(APP_CFG): $(UK_XL_CFG_IN) FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)cmd=$$(printf '%s' '$(subst ','\'',$(CMDLINE))' | sed 's/[\\"]/\\&/g; s/[\\&|]/\\&/g'); \
	sed -e 's|@NAME@|$(APP)|g' -e 's|@KERNEL@|$(abspath $(APP_ELF))|g' \
		-e 's|@MEMORY@|$(MEMORY)|g' -e "s|@CMDLINE@|$$cmd|g" $< > $@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@ && echo "  XLCFG   $@"; fi

clean:
	rm -rf $(APP_OUT)

FORCE:
.PHONY: FORCE

-include $(APP_OBJS:.o=.d)
