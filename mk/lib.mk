# SPDX-License-Identifier: BSD-2-Clause
# libunikernel.a: every C and assembly source of the runtime's subsystems.
LIB_DIRS := arch/x86 kernel events xenstore gnttab posix net blk fs
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c $(d)/*.S))
LIB_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(LWIP_OBJS)
# net/ is the port of lwIP (mk/lwip.mk): it sees lwIP's headers and its own
# lwipopts.h and arch/ (only net/ does).
NET_CFLAGS := -I$(TOP)/net -I$(LWIP_DIR)/src/include
$(patsubst %,$(BUILD)/obj/%.o,$(filter net/%,$(LIB_SRCS))): DIR_CFLAGS := $(NET_CFLAGS)
$(patsubst %,$(BUILD)/obj/%.o,$(filter net/%,$(LIB_SRCS))): $(LWIP_STAMP)
LIBUNIKERNEL := $(BUILD)/lib/libunikernel.a
# What apps link: the runtime as one object whose only global symbols are
# the public API (every function declared in include/uk/) and the names
# newlib's libc and libm use or define (the syscall glue, malloc's locks,
# the libc calls we implement). Everything else is local, so an app may
# name its own functions as it likes (panic, list_add, mutex_lock, ...).
LIBUNIKERNEL_OBJ := $(BUILD)/lib/libunikernel.o
LIB_PUBLIC_SYMS := $(BUILD)/lib/public.syms
PUBLIC_HEADERS := $(sort $(wildcard $(TOP)/include/uk/*.h))
LIBC_API_HEADERS := stdlib.h stdio.h string.h time.h unistd.h fcntl.h sys/stat.h sys/time.h \
	sys/times.h sys/wait.h signal.h sched.h pthread.h threads.h sys/select.h
# The sockets API (net/): ours, in include/, with the POSIX names.
PUBLIC_HEADERS += $(TOP)/include/sys/socket.h $(TOP)/include/netinet/in.h \
	$(TOP)/include/netinet/tcp.h $(TOP)/include/arpa/inet.h $(TOP)/include/netdb.h $(TOP)/include/poll.h
# Directories (fs/): newlib has no <dirent.h> for this target.
PUBLIC_HEADERS += $(TOP)/include/dirent.h

# Xen's public headers, and only them, from the host: a directory holding a
# link to /usr/include/xen keeps glibc's headers out of the guest build.
XEN_INC := $(BUILD)/include
TARGET_CFLAGS += -I$(XEN_INC) -fno-asynchronous-unwind-tables
TARGET_ASFLAGS += -I$(XEN_INC)

$(XEN_INC)/xen:
	$(Q)mkdir -p $(XEN_INC) && ln -sfn /usr/include/xen $@

lib: $(LIBUNIKERNEL) $(LIBUNIKERNEL_OBJ)

# The archive keeps every symbol: white-box test apps (APP_WHITEBOX in
# mk/app.mk) link it to reach the runtime's internals.
$(LIBUNIKERNEL): $(LIB_OBJS)
	$(Q)mkdir -p $(dir $@) && rm -f $@
	$(Q)ar rcs $@ $^

# gcc's -aux-info lists every function the public headers and the C
# library's POSIX headers declare (clock_gettime, nanosleep, ... are ours),
# with the header each comes from; what newlib's code calls or defines comes
# from its own symbol tables. The entry point stays global for the link
# script's ENTRY.
$(LIB_PUBLIC_SYMS): $(PUBLIC_HEADERS) $(TOP)/mk/lib.mk $(NEWLIB_STAMP) | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '$(foreach h,$(PUBLIC_HEADERS) $(LIBC_API_HEADERS),#include <$(h:$(TOP)/include/%=%)>\n)' > $@.c
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -fsyntax-only -aux-info $@.aux $@.c
	$(Q){ grep -F -e '$(TOP)/include/' -e '$(NEWLIB_SYSROOT)/include/' $@.aux | sed -E 's/^[^(]*[ *]([A-Za-z_][A-Za-z0-9_]*) \(.*/\1/'; \
	  nm $(NEWLIB_SYSROOT)/lib/libc.a $(NEWLIB_SYSROOT)/lib/libm.a 2>/dev/null | awk 'NF>=2{print $$NF}'; \
	  echo pvh_start32; } | sort -u > $@
	$(Q)rm -f $@.c $@.aux

# --unique keeps every input section apart (as -ffunction-sections made
# them), so the app's --gc-sections still drops whatever it does not use.
$(LIBUNIKERNEL_OBJ): $(LIB_OBJS) $(LIB_PUBLIC_SYMS)
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  LD -r   $@"
	$(Q)ld -r --unique -o $@.tmp $(LIB_OBJS)
	$(Q)objcopy --keep-global-symbols=$(LIB_PUBLIC_SYMS) $@.tmp $@
	$(Q)rm -f $@.tmp

$(BUILD)/obj/%.c.o: %.c $(NEWLIB_STAMP) | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CC      $<"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -I$(TOP) -I$(TOP)/arch/x86/include $(DIR_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.S.o: %.S | $(XEN_INC)/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  AS      $<"
	$(Q)$(TARGET_CC) $(TARGET_ASFLAGS) -MMD -MP -c $< -o $@

-include $(LIB_OBJS:.o=.d)
