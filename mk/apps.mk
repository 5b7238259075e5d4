# SPDX-License-Identifier: BSD-2-Clause
# Every app of the tree: each directory under apps/ (examples) or
# tests/apps/ (the rig's test apps), at any depth, with a Makefile that
# includes mk/app.mk; the directory is named like the app. Each is built by
# its own Makefile, once the SDK (mk/install.mk) is made here.
#
#   make apps                        every app
#   make build/apps/NAME/NAME.elf    one app (its NAME.cfg too), as the docs
#                                    name it, relative to the top or absolute
APP_MAKEFILES := $(sort $(shell find $(TOP)/apps $(TOP)/tests/apps -name Makefile 2>/dev/null))
APPS := $(notdir $(patsubst %/Makefile,%,$(APP_MAKEFILES)))
APP_ELFS := $(foreach a,$(APPS),$(BUILD)/apps/$(a)/$(a).elf)
app_makefile = $(or $(filter %/$(1)/Makefile,$(APP_MAKEFILES)),$(error no app $(1) (apps/$(1)/Makefile or tests/apps/$(1)/Makefile)))

apps: $(APP_ELFS)

# No runtime internal is global in an app linked as apps are (white-box
# test apps, APP_WHITEBOX in mk/app.mk, link the full archive on purpose).
WHITEBOX_APPS := $(notdir $(patsubst %/Makefile,%,$(shell grep -l '^APP_WHITEBOX *:= *1' $(APP_MAKEFILES))))
PUBLIC_APP_ELFS := $(foreach a,$(filter-out $(WHITEBOX_APPS),$(APPS)),$(BUILD)/apps/$(a)/$(a).elf)

.PHONY: check-globals
check-globals: $(PUBLIC_APP_ELFS)
	$(Q)$(TOP)/tools/check-globals.sh $(LIB_PUBLIC_SYMS) $(LIBUNIKERNEL) $(PUBLIC_APP_ELFS)
	$(Q)$(TOP)/tools/check-dropped.sh $(BUILD)/apps/hello/hello.elf

# Every documented way of building one app (tests/build/app-paths.sh).
.PHONY: app-paths
app-paths: sdk
	$(Q)$(TOP)/tests/build/app-paths.sh $(TOP) $(BUILD)

# `make run APP=name ARGS=..` names the app to boot; it must not reach the
# apps' own Makefiles, where APP is each app's name.
MAKEOVERRIDES := $(filter-out APP=% ARGS=%,$(MAKEOVERRIDES))

$(BUILD)/apps/%.elf $(BUILD)/apps/%.cfg: sdk FORCE
	$(Q)$(MAKE) --no-print-directory -f $(call app_makefile,$(firstword $(subst /, ,$*))) \
		BUILD=$(BUILD) Q=$(Q) UK_SDK_MADE=1 app

# The same targets named relative to the directory make runs in.
BUILD_HERE := $(patsubst $(CURDIR)/%,%,$(BUILD))
ifneq ($(BUILD_HERE),$(BUILD))
$(BUILD_HERE)/apps/%.elf: $(BUILD)/apps/%.elf
	@:
$(BUILD_HERE)/apps/%.cfg: $(BUILD)/apps/%.cfg
	@:
endif

FORCE:
.PHONY: FORCE
