# SPDX-License-Identifier: BSD-2-Clause
# newlib, built once from Debian's newlib-source into the build tree. See
# docs/architecture.md for the flags and why they match the kernel's.
NEWLIB_TARBALL := /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_STAMP := $(NEWLIB_PREFIX)/.built
# Sections per function and object, so that --gc-sections drops what an app
# does not call (newlib puts helpers every printf needs beside a second,
# integer-only printf). Optimised for size, but without __OPTIMIZE_SIZE__, under
# which newlib's string functions become byte loops (NEWLIB_CFLAGS; configure
# puts its CFLAGS after CC, so an -O in CC would be overridden).
NEWLIB_CFLAGS := -g -Os -U__OPTIMIZE_SIZE__
NEWLIB_CC := gcc -ffreestanding -fno-stack-protector -mno-red-zone -fno-pic \
	-fno-pie -g -fno-omit-frame-pointer -fstack-clash-protection \
	-ffunction-sections -fdata-sections

newlib: $(NEWLIB_STAMP)

$(NEWLIB_STAMP): $(TOP)/mk/newlib.mk
	$(Q)echo "  NEWLIB  building once into $(BUILD)/newlib (about a minute)"
	$(Q)rm -rf $(BUILD)/newlib && mkdir -p $(BUILD)/newlib/obj
	$(Q)tar -C $(BUILD)/newlib -xf $(NEWLIB_TARBALL)
	$(Q)# mallinfo(): malloc's own struct has int fields, <malloc.h> size_t ones.
	$(Q)sed -i '/^struct mallinfo {/,/^};/s/^  int /  size_t /' \
		$(BUILD)/newlib/newlib-salsa/newlib/libc/stdlib/mallocr.c
	$(Q)grep -q '^  size_t arena;' $(BUILD)/newlib/newlib-salsa/newlib/libc/stdlib/mallocr.c
	$(Q)cd $(BUILD)/newlib/obj && ../newlib-salsa/configure \
		--target=x86_64-elf --prefix=$(NEWLIB_PREFIX) --disable-multilib \
		--disable-newlib-supplied-syscalls \
		--enable-newlib-io-long-long --enable-newlib-io-c99-formats \
		--disable-nls \
		--enable-newlib-global-stdio-streams \
		--enable-newlib-retargetable-locking \
		CC_FOR_TARGET="$(NEWLIB_CC)" CFLAGS_FOR_TARGET="$(NEWLIB_CFLAGS)" AR_FOR_TARGET=ar AS_FOR_TARGET=as \
		LD_FOR_TARGET=ld RANLIB_FOR_TARGET=ranlib NM_FOR_TARGET=nm \
		OBJDUMP_FOR_TARGET=objdump > ../configure.log 2>&1
	$(Q)cd $(BUILD)/newlib/obj && $(MAKE) -j$$(nproc) all-target-newlib > ../build.log 2>&1 \
		&& $(MAKE) install-target-newlib > ../install.log 2>&1
	$(Q)touch $@
.PHONY: newlib
