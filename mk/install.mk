# SPDX-License-Identifier: BSD-2-Clause
# The SDK: what an app needs to be built, in the layout it is installed in.
#
#   make sdk       $(BUILD)/sdk, the installed layout made of links into the
#                  build; the tree's own apps are built with it (mk/app.mk)
#   make install [PREFIX=/usr/local] [DESTDIR=]   copies it:
#     PREFIX/bin/x86_64-xen-uk-cc          the compiler driver
#     PREFIX/lib/libunikernel/include/     the public headers (uk/, and
#                                          machine/ for <threads.h>)
#     PREFIX/lib/libunikernel/include/xen  a link to /usr/include/xen
#                                          (libxen-dev): Xen's public
#                                          headers and none of the host's
#     PREFIX/lib/libunikernel/libunikernel.o, link.ld, gen-ksyms.sh
#     PREFIX/lib/libunikernel/sysroot/     newlib: include/, lib/libc.a, libm.a
#     PREFIX/lib/pkgconfig/libunikernel.pc
#     PREFIX/share/libunikernel/app.mk, xl.cfg.in, LICENSE, COPYING.NEWLIB,
#                                          COPYING.LWIP
#   make uninstall [PREFIX=] [DESTDIR=]
#
# Nothing installed is a host library: the headers and objects are the
# guest's, under lib/libunikernel/ so that no host build finds them.
PREFIX ?= /usr/local
VERSION := $(shell cat $(TOP)/VERSION)

SDK := $(BUILD)/sdk
SDK_LIB := $(SDK)/lib/libunikernel
SDK_SHARE := $(SDK)/share/libunikernel
UK_DRIVER := $(SDK)/bin/x86_64-xen-uk-cc
SDK_SRC := $(TOP)/tools/sdk
NEWLIB_COPYING := $(BUILD)/newlib/newlib-salsa/COPYING.NEWLIB

# The apps' compiler flags: the target's (mk/config.mk, mk/lib.mk), with the
# apps' warnings in place of the runtime's (no -Werror), and every path
# into this tree or the build replaced by its place in the SDK; the driver
# expands $uk and $gccinc when it runs.
# Every directory of include/: uk/ (the API) and machine/ (newlib's hook
# for <threads.h>).
SDK_INCLUDE := $(patsubst $(TOP)/include/%,$(SDK_LIB)/include/%,$(wildcard $(TOP)/include/*))

GCC_INC := $(shell $(TARGET_CC) -print-file-name=include)
SDK_CFLAGS = $(patsubst -I$(TOP)/include,-I"$$uk/include", \
	$(patsubst $(NEWLIB_SYSROOT)/include,"$$uk/sysroot/include", \
	$(patsubst $(GCC_INC),"$$gccinc", \
	$(filter-out $(WARN_CFLAGS) -I$(XEN_INC),$(TARGET_CFLAGS))))) $(APP_WARN_CFLAGS)
# The link: the driver adds -T link.ld. Init calls are kept by use (the
# runtime's object), so nothing is forced in.
LINK_SCRIPT := $(TOP)/arch/x86/link.ld
SDK_LDFLAGS = -nostdlib -static -z noexecstack -z max-page-size=4096 --gc-sections

sdk: $(UK_DRIVER) $(SDK_LIB)/libunikernel.o $(SDK_LIB)/link.ld $(SDK_LIB)/gen-ksyms.sh \
	$(SDK_INCLUDE) $(SDK_LIB)/include/xen $(SDK_LIB)/sysroot \
	$(SDK_SHARE)/app.mk $(SDK_SHARE)/xl.cfg.in
.PHONY: sdk install uninstall

# The driver, with the flags written in; it must not name this tree.
$(UK_DRIVER): $(SDK_SRC)/x86_64-xen-uk-cc.in $(TOP)/mk/install.mk $(TOP)/mk/config.mk \
		$(TOP)/mk/lib.mk $(TOP)/VERSION
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  GEN     $@"
	$(Q)sed -e 's|@CFLAGS@|$(strip $(SDK_CFLAGS))|' -e 's|@LDFLAGS@|$(strip $(SDK_LDFLAGS))|' \
		-e 's|@VERSION@|$(VERSION)|' $< > $@.tmp
	$(Q)if grep -nF -e '$(TOP)' -e '$(BUILD)' $@.tmp; then \
		echo "$@: the driver's flags name the build tree (above)"; rm -f $@.tmp; exit 1; fi
	$(Q)chmod +x $@.tmp && mv $@.tmp $@

# The rest are links into the tree and the build.
$(SDK_LIB)/libunikernel.o: $(LIBUNIKERNEL_OBJ)
$(SDK_LIB)/link.ld: $(LINK_SCRIPT)
$(SDK_LIB)/gen-ksyms.sh: $(TOP)/tools/gen-ksyms.sh
$(SDK_INCLUDE): $(SDK_LIB)/include/%: | $(TOP)/include/%
$(SDK_LIB)/include/xen: | /usr/include/xen
$(SDK_LIB)/sysroot: $(NEWLIB_STAMP)
$(SDK_LIB)/sysroot: SDK_LINK := $(NEWLIB_SYSROOT)
$(SDK_SHARE)/app.mk: $(SDK_SRC)/app.mk
$(SDK_SHARE)/xl.cfg.in: $(SDK_SRC)/xl.cfg.in
sdk_link = mkdir -p $(dir $@) && ln -sfn $(or $(SDK_LINK),$(firstword $^ $|)) $@
$(SDK_LIB)/%:
	$(Q)$(sdk_link)
$(SDK_SHARE)/%:
	$(Q)$(sdk_link)

install: sdk
	$(Q)echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)d=$(DESTDIR)$(PREFIX); l=$$d/lib/libunikernel; s=$$d/share/libunikernel; \
	set -e; \
	install -d $$d/bin $$l/include $$l/sysroot/lib $$d/lib/pkgconfig $$s; \
	install -m 755 $(UK_DRIVER) $$d/bin/; \
	cp -R $(TOP)/include/. $$l/include/; \
	ln -sfn /usr/include/xen $$l/include/xen; \
	install -m 644 $(LIBUNIKERNEL_OBJ) $$l/libunikernel.o; \
	install -m 644 $(LINK_SCRIPT) $$l/link.ld; \
	install -m 755 $(TOP)/tools/gen-ksyms.sh $$l/gen-ksyms.sh; \
	rm -rf $$l/sysroot/include && cp -R $(NEWLIB_SYSROOT)/include $$l/sysroot/include; \
	install -m 644 $(NEWLIB_SYSROOT)/lib/libc.a $(NEWLIB_SYSROOT)/lib/libm.a $$l/sysroot/lib/; \
	chmod -R u=rwX,go=rX $$l/include $$l/sysroot; \
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' $(SDK_SRC)/libunikernel.pc.in \
		> $$d/lib/pkgconfig/libunikernel.pc; \
	install -m 644 $(SDK_SRC)/app.mk $(SDK_SRC)/xl.cfg.in $(TOP)/LICENSE $(NEWLIB_COPYING) $$s/; \
	install -m 644 $(LWIP_DIR)/COPYING $$s/COPYING.LWIP

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/lib/libunikernel $(DESTDIR)$(PREFIX)/share/libunikernel
	rm -f $(DESTDIR)$(PREFIX)/bin/x86_64-xen-uk-cc $(DESTDIR)$(PREFIX)/lib/pkgconfig/libunikernel.pc
