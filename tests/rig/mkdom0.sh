#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Build the rig's dom0: Debian's kernel plus a small busybox initramfs with
# Xen's toolstack (xl, xenstored, xenconsoled, xenstore-*), all taken from the
# installed Debian packages. Output in $1 (default build/rig): xen (the
# hypervisor as a 32-bit ELF for QEMU's multiboot loader), vmlinuz,
# dom0.cpio.gz. Rebuilt only when this script, the files it installs from
# here (dom0-init, dom0-lib.sh, run-cases.sh, rig-wait, rig-wait-log,
# vif-uk, block-uk, udhcpd.conf) or
# the kernel version change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../build/rig}
mkdir -p "$out"

kernels=$(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V) || true
[ -n "$kernels" ] || { echo "rig: no /boot/vmlinuz-* (make deps installs linux-image-amd64)" >&2; exit 1; }
kver=$(basename "$(echo "$kernels" | tail -n 1)" | sed 's/^vmlinuz-//')
[ -f /boot/xen-4.17-amd64.gz ] || { echo "rig: no /boot/xen-4.17-amd64.gz (make deps)" >&2; exit 1; }

stamp=$out/dom0.stamp
want=$( (cat "$0" "$here/dom0-init" "$here/dom0-lib.sh" "$here/run-cases.sh" \
    "$here/rig-wait" "$here/rig-wait-log" "$here/vif-uk" "$here/block-uk" "$here/udhcpd.conf"; echo "$kver") | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/dom0.cpio.gz" ] &&
    [ -f "$out/xen" ] && [ -f "$out/vmlinuz" ]; then
    exit 0
fi

# Written under temporary names and renamed: a run in progress elsewhere
# never sees half a file.
if ! [ "$out/xen" -nt /boot/xen-4.17-amd64.gz ]; then
    zcat /boot/xen-4.17-amd64.gz > "$out/xen.tmp" && mv "$out/xen.tmp" "$out/xen"
fi
cmp -s "/boot/vmlinuz-$kver" "$out/vmlinuz" ||
    { cp "/boot/vmlinuz-$kver" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,var/log/xen/console,var/lib/xen,var/lock,var/run/xen,var/run/xenstored,tests,peers} "$root/lib/modules/$kver"

cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done

# The toolstack, and a few small tools for looking into a guest by hand
# (xenctx: a stuck guest's registers; lsevtchn: event channels; readnotes:
# an image's ELF notes; xenconsole: `xl console`; vchan-socket-proxy brings
# libxenvchan along for dynamically linked peers).
xenbin=/usr/lib/xen-4.17/bin
progs="$xenbin/xl $xenbin/xenstored $xenbin/xenconsoled $xenbin/xen-init-dom0 \
       /usr/bin/xenstore $xenbin/xenstore-control $xenbin/xenconsole $xenbin/xenctx \
       $xenbin/lsevtchn $xenbin/readnotes $xenbin/vchan-socket-proxy"
for p in $progs; do cp "$p" "$root/bin/"; done
# One binary, named by argv[0].
for t in read write rm ls list exists chmod watch; do
    ln -sf xenstore "$root/bin/xenstore-$t"
done
# libxl looks for xenconsole here (`xl console`).
mkdir -p "$root$xenbin" && ln -sf /bin/xenconsole "$root$xenbin/xenconsole"

# Shared libraries the programs need, and libgcc_s (xl aborts without it:
# pthread_cancel loads it at run time).
libs=$(for p in $progs; do ldd "$p" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'; done | sort -u)
# (awk reads to the end: an early exit would kill ldconfig with SIGPIPE,
# and pipefail would stop the script.)
libgcc=$(ldconfig -p | awk '/libgcc_s.so.1 / && /x86-64/ && !l { l = $NF } END { print l }')
[ -n "$libgcc" ] || { echo "rig: libgcc_s.so.1 not found" >&2; exit 1; }
for l in $libs $libgcc; do
    mkdir -p "$root$(dirname "$l")"
    cp -L "$l" "$root$l"
done
mkdir -p "$root/lib64"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
# Extra libraries of Xen's own that a dom0 peer may link dynamically.
{ mkdir -p "$root/usr/lib/xen-4.17" && cp -a /usr/lib/xen-4.17/lib "$root/usr/lib/xen-4.17/"; } 2>/dev/null || true

cp -a /etc/xen "$root/etc/"
# xl's own config: no autoballooning (dom0_mem is fixed), no lock files.
printf 'autoballoon="off"\n' > "$root/etc/xen/xl.conf"
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"

# Xen's dom0 kernel modules, with what they depend on (modules.dep); netback
# and the bridge (stp, llc) for guests' vifs (dom0-init makes xenbr0);
# blkback and loop for their disks (image files through block-uk).
moddir=/lib/modules/$kver
mods="xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc xen-netback bridge xen-blkback loop"
for m in $mods; do
    dep=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$moddir/modules.dep") ||
        { echo "rig: module $m not in $moddir/modules.dep" >&2; exit 1; }
    for f in $(echo "$dep" | tr -d ':'); do
        mkdir -p "$root/lib/modules/$kver/$(dirname "$f")"
        cp "$moddir/$f" "$root/lib/modules/$kver/$f"
    done
done
# Load order: each module's dependencies (modules.dep lists them after it,
# the deepest last) before the module itself; busybox insmod does not
# resolve them.
for m in $mods; do
    grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | tr -d ':' | tr ' ' '\n' | tac
done | awk '!seen[$0]++ { print "/lib/modules/'"$kver"'/" $0 }' > "$root/etc/modules.order"

cp "$here/dom0-init" "$root/init"
cp "$here/dom0-lib.sh" "$root/etc/rig-lib.sh"
cp "$here/rig-wait" "$here/rig-wait-log" "$root/bin/"
cp "$here/run-cases.sh" "$root/bin/rig-run-cases"
# The vif hotplug script a case names with `script=vif-uk` (busybox sh:
# Debian's vif-bridge would need bash and cost a second per vif).
cp "$here/vif-uk" "$root/etc/xen/scripts/vif-uk"
chmod +x "$root/etc/xen/scripts/vif-uk"
# The block hotplug script a disk names with `script=block-uk` (busybox
# sh and losetup: Debian's `block` needs bash and flock, 1.6 s per disk).
cp "$here/block-uk" "$root/etc/xen/scripts/block-uk"
chmod +x "$root/etc/xen/scripts/block-uk"
# busybox udhcpd's config (dom0-init starts it on xenbr0).
cp "$here/udhcpd.conf" "$root/etc/udhcpd.conf"
chmod +x "$root/init" "$root/bin/rig-wait" "$root/bin/rig-wait-log" "$root/bin/rig-run-cases"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -6 > "$out/dom0.cpio.gz.tmp"
mv "$out/dom0.cpio.gz.tmp" "$out/dom0.cpio.gz"
echo "$want" > "$stamp"
echo "  RIG     dom0 initramfs: $(du -k "$out/dom0.cpio.gz" | cut -f1) KiB (kernel $kver)"
