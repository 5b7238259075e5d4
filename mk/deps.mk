# `make deps`: install what the build and the rig need, with apt. Idempotent
# and quiet when everything is already there.
DEPS_PKGS := gcc make binutils xz-utils \
	xen-hypervisor-4.17-amd64 xen-utils-4.17 libxen-dev newlib-source \
	linux-image-amd64 busybox-static cpio clang libclang-rt-14-dev \
	clang-format gzip cppcheck clang-tools-14 shellcheck

# QEMU from Debian's backports (10.x): the rig's QEMU 7.2, emulating SVM for
# nested Xen, now and then halted the whole machine with an interrupt
# pending in its local APIC and nothing to wake it (docs/testing.md).
QEMU_MIN := 1:10.0
BACKPORTS_LIST := /etc/apt/sources.list.d/libunikernel-backports.list

deps:
	$(Q)missing=$$(for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -q >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null; \
	fi
	$(Q)v=$$(dpkg-query -W -f='$${Version}' qemu-system-x86 2>/dev/null); \
	if [ -z "$$v" ] || dpkg --compare-versions "$$v" lt "$(QEMU_MIN)"; then \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		. /etc/os-release; \
		uri=$$(apt-get indextargets --format '$$(REPO_URI) $$(RELEASE)' | \
			awk -v s="$$VERSION_CODENAME" '$$2 == s { print $$1; exit }'); \
		echo "deps: QEMU $(QEMU_MIN) or later from $$VERSION_CODENAME-backports"; \
		echo "deb $$uri $$VERSION_CODENAME-backports main" | $$SUDO tee $(BACKPORTS_LIST) >/dev/null && \
		$$SUDO apt-get update -q >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends \
			-t "$$VERSION_CODENAME-backports" qemu-system-x86 >/dev/null; \
	fi
