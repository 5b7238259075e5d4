# Static checks, all from Debian's packages (`make deps`); `make check` runs
# every one of them:
#
#   make clang-build  every runtime source (LIB_SRCS) compiled by clang with
#                     the guest's flags and -Werror; objects in build/clang/,
#                     never linked (the image is gcc's)
#   make analyze      cppcheck and the clang static analyzer (scan-build)
#                     over the runtime, shellcheck over every shell script
#
# Each is quiet when clean and fails on any finding. False positives are
# suppressed in tests/analyze/cppcheck.supp, each with its reason.
CLANG_DIR := $(BUILD)/clang
CLANG_OBJS := $(patsubst %,$(CLANG_DIR)/%.o,$(LIB_SRCS))

# The guest's flags, with clang's own freestanding headers (stddef.h,
# stdarg.h) in place of gcc's.
CLANG_TARGET_CFLAGS := $(subst $(shell $(TARGET_CC) -print-file-name=include),$(shell clang -print-resource-dir 2>/dev/null)/include,$(TARGET_CFLAGS))

$(CLANG_DIR)/%.c.o: %.c $(NEWLIB_STAMP) | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CLANG   $<"
	$(Q)clang $(CLANG_TARGET_CFLAGS) -I$(TOP)/arch/x86/include -MMD -MP -c $< -o $@

$(CLANG_DIR)/%.S.o: %.S | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CLANG   $<"
	$(Q)clang $(TARGET_ASFLAGS) -Werror -MMD -MP -c $< -o $@

clang-build: $(CLANG_OBJS)

-include $(CLANG_OBJS:.o=.d)

.PHONY: clang-build analyze cppcheck scan-build shellcheck
