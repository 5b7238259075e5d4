# SPDX-License-Identifier: BSD-2-Clause
# Building one app of this tree. An app's Makefile, in a directory under
# apps/ (examples) or tests/apps/ (the rig's test apps) at any depth, named
# like the app, is three lines:
#   APP  := NAME
#   SRCS := main.c ...
#   include $(dir $(lastword $(MAKEFILE_LIST)))../../mk/app.mk
# (with as many ../ as the depth needs), and may set MEMORY, CMDLINE,
# APP_CFLAGS, APP_LDFLAGS, APP_LIBS before the include (tools/sdk/app.mk),
# and APP_WHITEBOX (below).
# `make` in its directory, `make -C DIR`, or `make` and
# `make build/apps/NAME/NAME.elf` at the top build the image
# $(BUILD)/apps/NAME/NAME.elf and its xl config NAME.cfg beside it.
#
# The rules are the installed app.mk's (tools/sdk/app.mk), with the SDK the
# top Makefile stages in $(BUILD)/sdk (mk/install.mk): the tree's apps are
# built the way an app outside it is.
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
APP_MAKEFILE := $(abspath $(firstword $(MAKEFILE_LIST)))
include $(TOP)/mk/config.mk

ifeq ($(UK_SDK_MADE),)
# Called from the app's directory: the top Makefile makes the SDK (and the
# runtime, from the top, where its fragments' paths hold), then this app.
.DEFAULT_GOAL := app
.PHONY: app clean
app:
	+$(Q)$(MAKE) --no-print-directory -C $(TOP) sdk
	+$(Q)$(MAKE) --no-print-directory -C $(TOP) -f $(APP_MAKEFILE) UK_SDK_MADE=1 app
clean:
	+$(Q)$(MAKE) --no-print-directory -C $(TOP) -f $(APP_MAKEFILE) UK_SDK_MADE=1 clean
else
UK_PREFIX := $(BUILD)/sdk
APP_OUT := $(BUILD)/apps/$(APP)
# A white-box test app (APP_WHITEBOX := 1: the boot report, memory and
# timing tests) also gets the internal headers and the archive that keeps
# every symbol (mk/lib.mk), with the events pulled in by hand; the driver
# links what UK_RUNTIME names in place of the installed object.
ifeq ($(APP_WHITEBOX),1)
include $(TOP)/mk/newlib.mk
include $(TOP)/mk/lib.mk
# (override: added to APP_CFLAGS given on make's command line too)
override APP_CFLAGS += -I$(TOP)
override APP_LDFLAGS += -Wl,-u,evtchn_init -Wl,-u,control_init
export UK_RUNTIME := $(LIBUNIKERNEL)
endif
include $(TOP)/tools/sdk/app.mk
$(APP_ELF): $(UK_RUNTIME)
endif
