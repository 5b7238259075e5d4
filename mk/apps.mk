# SPDX-License-Identifier: BSD-2-Clause
# Every app under apps/: each apps/NAME/Makefile is run with this tree's
# settings, so an app's own Makefile stays a few lines.
# Example apps live in apps/, the rig's test apps in tests/apps/.
APP_MAKEFILES := $(wildcard apps/*/Makefile tests/apps/*/Makefile)
APPS := $(notdir $(patsubst %/Makefile,%,$(APP_MAKEFILES)))
APP_ELFS := $(foreach a,$(APPS),$(BUILD)/apps/$(a)/$(a).elf)

apps: $(APP_ELFS)

# No runtime internal is global in an app linked as apps are (white-box
# test apps, APP_WHITEBOX in mk/app.mk, link the full archive on purpose).
WHITEBOX_APPS := $(notdir $(patsubst %/Makefile,%,$(shell grep -l '^APP_WHITEBOX *:= *1' $(APP_MAKEFILES))))
PUBLIC_APP_ELFS := $(foreach a,$(filter-out $(WHITEBOX_APPS),$(APPS)),$(BUILD)/apps/$(a)/$(a).elf)

.PHONY: check-globals
check-globals: $(PUBLIC_APP_ELFS)
	$(Q)$(TOP)/tools/check-globals.sh $(LIB_PUBLIC_SYMS) $(LIBUNIKERNEL) $(PUBLIC_APP_ELFS)

# `make run APP=name ARGS=..` names the app to boot; it must not reach the
# apps' own Makefiles, where APP is each app's name.
MAKEOVERRIDES := $(filter-out APP=% ARGS=%,$(MAKEOVERRIDES))

$(BUILD)/apps/%.elf: lib FORCE
	$(Q)$(MAKE) --no-print-directory -f $(filter %/$(firstword $(subst /, ,$*))/Makefile,$(APP_MAKEFILES)) \
		TOP=$(TOP) BUILD=$(BUILD) Q=$(Q) app

FORCE:
.PHONY: FORCE
