# Every app under apps/: each apps/NAME/Makefile is run with this tree's
# settings, so an app's own Makefile stays a few lines.
APPS := $(notdir $(patsubst %/Makefile,%,$(wildcard apps/*/Makefile)))
APP_ELFS := $(foreach a,$(APPS),$(BUILD)/apps/$(a)/$(a).elf)

apps: $(APP_ELFS)

$(BUILD)/apps/%.elf: lib FORCE
	$(Q)$(MAKE) --no-print-directory -f apps/$(firstword $(subst /, ,$*))/Makefile \
		TOP=$(TOP) BUILD=$(BUILD) Q=$(Q) app

FORCE:
.PHONY: FORCE
