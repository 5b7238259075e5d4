# SPDX-License-Identifier: BSD-2-Clause
# The Debian package, and a test of what is installed, run by `make test`
# before the rig when it runs tests/cases/example-outside.test:
#
#   make deb           $(PKG_DIR)/libunikernel-dev_VERSION_amd64.deb:
#                      dpkg-buildpackage -b (debian/) in a copy of the tree
#                      under $(PKG_DIR), where its outputs land too
#   make package-test  1. `make install DESTDIR=$(PKG_DIR)/destdir`; every
#                      public header (and <pthread.h>, <threads.h>) compiles alone with
#                      the driver from there, and examples/hello, copied out of the tree,
#                      builds with two calls of it (and the same code with
#                      one, stripped);
#                      2. the .deb, installed with dpkg -i (root; the same
#                      version again is a reinstall);
#                      3. examples/hello, copied out of the tree, built by
#                      its own Makefile against /usr only, into
#                      $(PKG_DIR)/usr/hello.elf, which the rig boots
#                      (APP=package/usr/hello.elf); no runtime internal
#                      is global in it (tools/check-globals.sh).
# Each step runs in a clean environment, so that nothing of this make
# (MAKEFLAGS, BUILD, ...) reaches the package's build or the app's.
PKG_DIR := $(BUILD)/package
DEB := $(PKG_DIR)/libunikernel-dev_$(VERSION)_amd64.deb
PKG_SRC := $(PKG_DIR)/src/libunikernel-$(VERSION)
PKG_DESTDIR := $(PKG_DIR)/destdir
PKG_ENV := env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$(HOME) LANG=C.UTF-8
EXAMPLE := $(TOP)/examples/hello
.PHONY: deb package-test

# The files git knows (committed or not, less the ignored ones), or without
# git the tree less its build outputs.
deb:
	$(Q)echo "  DEB     $(DEB)"
	$(Q)rm -rf $(PKG_DIR)/src $(DEB) && mkdir -p $(PKG_SRC)
	$(Q)if git -C $(TOP) rev-parse --git-dir >/dev/null 2>&1; then \
		git -C $(TOP) ls-files -z --cached --others --exclude-standard | \
			(cd $(TOP) && tar --null --ignore-failed-read -T - -cf -); \
	else \
		tar -C $(TOP) --exclude=./build --exclude=./.git --exclude=./debian/build -cf - .; \
	fi | tar -C $(PKG_SRC) -xf -
	$(Q)cd $(PKG_SRC) && $(PKG_ENV) dpkg-buildpackage -b -us -uc -j2 > $(PKG_DIR)/deb.log 2>&1 || \
		{ tail -n 30 $(PKG_DIR)/deb.log; echo "deb: dpkg-buildpackage failed; log $(PKG_DIR)/deb.log"; exit 1; }
	$(Q)mv $(PKG_DIR)/src/$(notdir $(DEB)) $(DEB)
	$(Q)echo "  DEB     $(notdir $(DEB)): $$(stat -c %s $(DEB)) bytes"; dpkg-deb -c $(DEB) | wc -l | sed 's/^/  DEB     files: /'

package-test: sdk $(LIB_PUBLIC_SYMS) $(LIBUNIKERNEL)
	$(Q)rm -rf $(PKG_DESTDIR) $(PKG_DIR)/example-destdir $(PKG_DIR)/example $(PKG_DIR)/usr
	$(Q)$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(PKG_DESTDIR)
	$(Q)echo "  PKGTEST public headers, each alone, with $(PKG_DESTDIR)/usr/bin/x86_64-xen-uk-cc"
	$(Q)for h in $(patsubst $(TOP)/include/%,%,$(wildcard $(TOP)/include/uk/*.h)) pthread.h threads.h; do \
		printf '#include <%s>\n' $$h | \
		$(PKG_DESTDIR)/usr/bin/x86_64-xen-uk-cc -Werror -fsyntax-only -x c - || \
		{ echo "package-test: <$$h> does not compile alone"; exit 1; }; done
	$(Q)echo "  PKGTEST examples/hello with two calls of the driver from $(PKG_DESTDIR)"
	$(Q)cp -R $(EXAMPLE) $(PKG_DIR)/example-destdir && cd $(PKG_DIR)/example-destdir && \
		$(PKG_ENV) $(PKG_DESTDIR)/usr/bin/x86_64-xen-uk-cc -c main.c && \
		$(PKG_ENV) $(PKG_DESTDIR)/usr/bin/x86_64-xen-uk-cc main.o -o hello.elf && \
		readelf -n hello.elf | grep -q 'Xen' && nm hello.elf | grep -q ' ksyms_table$$' && \
		mkdir one && $(PKG_ENV) $(PKG_DESTDIR)/usr/bin/x86_64-xen-uk-cc -s main.c -o one/hello.elf && \
		strip -s -o hello.stripped hello.elf && cmp hello.stripped one/hello.elf || \
		{ echo "package-test: the driver built another image in one call (-s)"; exit 1; }
	$(Q)$(MAKE) --no-print-directory deb
	$(Q)echo "  PKGTEST dpkg -i $(notdir $(DEB))"
	$(Q)SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		flock /tmp/libunikernel-dpkg.lock $$SUDO dpkg -i $(DEB) > $(PKG_DIR)/dpkg.log 2>&1 || \
		{ cat $(PKG_DIR)/dpkg.log; exit 1; }
	$(Q)echo "  PKGTEST examples/hello against /usr only: $(PKG_DIR)/usr/hello.elf"
	$(Q)cp -R $(EXAMPLE) $(PKG_DIR)/example && \
		$(PKG_ENV) make -C $(PKG_DIR)/example APP_OUT=$(PKG_DIR)/usr > $(PKG_DIR)/example.log 2>&1 || \
		{ cat $(PKG_DIR)/example.log; exit 1; }
	$(Q)# Nothing of the tree, only /usr and the app's own files.
	$(Q)grep -q '^LOAD /usr/lib/libunikernel/libunikernel.o$$' $(PKG_DIR)/usr/hello.elf.map || \
		{ echo "package-test: the example was not linked with /usr's runtime"; exit 1; }
	$(Q)if cat $(PKG_DIR)/usr/hello.elf.map $(PKG_DIR)/usr/*.d | grep -F '$(TOP)/' | grep -vF '$(PKG_DIR)/'; then \
		echo "package-test: the example's build used the tree (above)"; exit 1; fi
	$(Q)$(TOP)/tools/check-globals.sh $(LIB_PUBLIC_SYMS) $(LIBUNIKERNEL) $(PKG_DIR)/usr/hello.elf
	$(Q)echo "  PKGTEST ok; $(notdir $(DEB)) is $$(stat -c %s $(DEB)) bytes"
