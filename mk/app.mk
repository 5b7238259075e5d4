# SPDX-License-Identifier: BSD-2-Clause
# Building one app. An app's Makefile (apps/NAME/Makefile) sets
#   APP  := NAME
#   SRCS := main.c ...
# and includes this file; `make` in the top directory builds every app.
# The image is $(BUILD)/apps/NAME/NAME.elf.
TOP ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
include $(TOP)/mk/config.mk
include $(TOP)/mk/newlib.mk
include $(TOP)/mk/lib.mk

.PHONY: app
app: $(BUILD)/apps/$(APP)/$(APP).elf
	@:

APP_DIR := $(abspath $(dir $(firstword $(MAKEFILE_LIST))))
APP_OUT := $(BUILD)/apps/$(APP)
APP_ELF := $(APP_OUT)/$(APP).elf
APP_OBJS := $(patsubst %.c,$(APP_OUT)/%.o,$(SRCS)) $(APP_OUT)/appname.o
LINK_SCRIPT := $(TOP)/arch/x86/link.ld
# An app sees the public API only: include/uk/ and the runtime object whose
# other symbols are local. A white-box test app (APP_WHITEBOX := 1: the
# boot report, memory and timing tests) also gets the internal headers and
# the archive that keeps every symbol, with the events pulled in by hand.
ifeq ($(APP_WHITEBOX),1)
RUNTIME := $(LIBUNIKERNEL)
LINK_FORCE := -u evtchn_init
APP_CFLAGS += -I$(TOP)
else
RUNTIME := $(LIBUNIKERNEL_OBJ)
LINK_FORCE :=
endif
LINK_LIBS := --start-group $(RUNTIME) $(NEWLIB_SYSROOT)/lib/libc.a \
	$(NEWLIB_SYSROOT)/lib/libm.a $(LIBGCC) --end-group
LDFLAGS := $(LINK_FORCE) -nostdlib -static -z noexecstack -z max-page-size=4096 --gc-sections -T $(LINK_SCRIPT)

$(APP_OUT)/%.o: $(APP_DIR)/%.c $(NEWLIB_STAMP) | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CC      $<"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) $(APP_CFLAGS) -MMD -MP -c $< -o $@

# argv[0]: the app's name.
$(APP_OUT)/appname.o: $(APP_DIR)/Makefile
	$(Q)mkdir -p $(dir $@)
	$(Q)printf 'const char uk_app_name[] = "%s";\n' $(APP) | \
		$(TARGET_CC) $(TARGET_CFLAGS) -x c -c - -o $@

# Two links: the second adds the symbol table made from the first, and the
# check below proves that no function moved in between.
$(APP_ELF): $(APP_OBJS) $(RUNTIME) $(LINK_SCRIPT) $(TOP)/tools/gen-ksyms.sh
	$(Q)echo "  LD      $@"
	$(Q)$(TOP)/tools/gen-ksyms.sh < /dev/null | as -o $@.ksyms0.o
	$(Q)ld $(LDFLAGS) -o $@.pass1 $(APP_OBJS) $@.ksyms0.o $(LINK_LIBS)
	$(Q)nm -n $@.pass1 | $(TOP)/tools/gen-ksyms.sh | as -o $@.ksyms.o
	$(Q)ld $(LDFLAGS) -Map $@.map -o $@ $(APP_OBJS) $@.ksyms.o $(LINK_LIBS)
	$(Q)nm -n $@.pass1 | grep ' [tT] ' > $@.syms1; nm -n $@ | grep ' [tT] ' > $@.syms2; \
		cmp -s $@.syms1 $@.syms2 || { echo "ksyms: functions moved between links"; rm -f $@; exit 1; }
	$(Q)rm -f $@.pass1 $@.ksyms0.o $@.syms1 $@.syms2

-include $(APP_OBJS:.o=.d)
