# SPDX-License-Identifier: BSD-2-Clause
# libunikernel.a: every C and assembly source of the runtime's subsystems.
LIB_DIRS := arch/x86 kernel events xenstore gnttab
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c $(d)/*.S))
LIB_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(LIB_SRCS))
LIBUNIKERNEL := $(BUILD)/lib/libunikernel.a

# Xen's public headers, and only them, from the host: a directory holding a
# link to /usr/include/xen keeps glibc's headers out of the guest build.
XEN_INC := $(BUILD)/include
TARGET_CFLAGS += -I$(XEN_INC) -fno-asynchronous-unwind-tables
TARGET_ASFLAGS += -I$(XEN_INC)

$(XEN_INC)/xen:
	$(Q)mkdir -p $(XEN_INC) && ln -sfn /usr/include/xen $@

lib: $(LIBUNIKERNEL)

$(LIBUNIKERNEL): $(LIB_OBJS)
	$(Q)mkdir -p $(dir $@) && rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/obj/%.c.o: %.c $(NEWLIB_STAMP) | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CC      $<"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -I$(TOP)/arch/x86/include -MMD -MP -c $< -o $@

$(BUILD)/obj/%.S.o: %.S | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  AS      $<"
	$(Q)$(TARGET_CC) $(TARGET_ASFLAGS) -MMD -MP -c $< -o $@

-include $(LIB_OBJS:.o=.d)
