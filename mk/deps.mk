# SPDX-License-Identifier: BSD-2-Clause
# `make deps`: install what the build, the rig and the Debian package
# (debian/, mk/package.mk) need, with apt. Idempotent and quiet when
# everything is already there.
DEPS_PKGS := gcc make binutils xz-utils qemu-system-x86 \
	xen-hypervisor-4.17-amd64 xen-utils-4.17 libxen-dev newlib-source \
	linux-image-amd64 busybox-static cpio clang libclang-rt-14-dev \
	clang-format gzip cppcheck clang-tools-14 shellcheck \
	debhelper dpkg-dev fakeroot pkg-config

deps:
	$(Q)missing=$$(for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -q >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null; \
	fi

# lwIP comes as Debian's source package (mk/lwip.mk): `apt-get source`
# needs deb-src entries, written once beside the machine's own (mirroring
# its Debian deb entries, tools/apt-deb-src.sh), then an `apt-get update`
# when they are new or apt does not know the package yet.
APT_DEB_SRC := /etc/apt/sources.list.d/libunikernel-deb-src.sources
deps: deps-src
deps-src:
	$(Q)SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	if $$SUDO $(TOP)/tools/apt-deb-src.sh $(APT_DEB_SRC) | grep -q . || \
	   ! apt-cache showsrc lwip 2>/dev/null | grep -q '^Package: lwip'; then \
		echo "deps: apt-get update for deb-src"; \
		$$SUDO apt-get update -q >/dev/null; \
	fi
.PHONY: deps-src
