# SPDX-License-Identifier: BSD-2-Clause
# Shared build settings for the guest (target) and the host tests.
BUILD ?= $(TOP)/build
Q ?= @

# Xen's public headers, from libxen-dev: the ABI is never retyped by hand.
XEN_INTERFACE_VERSION := 0x00040e00

NEWLIB_PREFIX := $(BUILD)/newlib/install
NEWLIB_SYSROOT := $(NEWLIB_PREFIX)/x86_64-elf

# The warnings every C build of the tree uses (guest, host tests, the clang
# build of `make check`). -Wmissing-prototypes: a global function has a
# declaration in a header that its callers see too (or is static), so a
# definition and its callers cannot disagree on the types.
WARN_CFLAGS := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes
# An app's code gets warnings, not errors (its own APP_CFLAGS may add
# -Werror): the runtime's rules are not the app's. Two are errors all the
# same, as gcc 14 makes them: on x86-64 an undeclared function returning a
# pointer has it cut to an int, a crash waiting to happen.
APP_WARN_CFLAGS := -Wall -Wextra -Werror=implicit-function-declaration -Werror=int-conversion

# newlib declares <pthread.h> only where the system says it has POSIX
# threads (its sys/features.h does so for RTEMS and Cygwin): we have them
# (posix/), with timeouts and the mutex types.
POSIX_THREADS_CFLAGS := -D_POSIX_THREADS=200809L -D_POSIX_TIMEOUTS=200809L \
	-D_UNIX98_THREAD_MUTEX_ATTRIBUTES=1

# select()'s fd_set (newlib's, 64 fds by default) covers every socket fd:
# 3 + lwIP's 256 sockets (net/lwipopts.h, checked in net/sockets_abi.c).
FD_SETSIZE_CFLAGS := -DFD_SETSIZE=320

TARGET_CC := gcc
# The kernel runs in ring 0 with interrupts on the current stack: no red
# zone; frame pointers kept so that crash reports can walk the stack.
TARGET_CFLAGS := -std=c11 -O2 -g $(WARN_CFLAGS) \
	-ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fstack-clash-protection \
	-ffunction-sections -fdata-sections \
	-nostdinc -isystem $(NEWLIB_SYSROOT)/include \
	-isystem $(shell $(TARGET_CC) -print-file-name=include) \
	-I$(TOP)/include -D__XEN_INTERFACE_VERSION__=$(XEN_INTERFACE_VERSION) \
	-D_DEFAULT_SOURCE -D_POSIX_TIMERS=200809L -D_POSIX_MONOTONIC_CLOCK=200809L $(FD_SETSIZE_CFLAGS) \
	$(POSIX_THREADS_CFLAGS)
TARGET_ASFLAGS := -D__ASSEMBLY__ -I$(TOP)/include -I$(TOP) -I$(TOP)/arch/x86/include
LIBGCC := $(shell $(TARGET_CC) -print-libgcc-file-name)

HOST_CC := gcc
HOST_CFLAGS := -std=c11 -O1 -g $(WARN_CFLAGS) -ffunction-sections -fdata-sections \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I$(TOP)/include -I$(TOP) -D__XEN_INTERFACE_VERSION__=$(XEN_INTERFACE_VERSION) \
	-D_DEFAULT_SOURCE
