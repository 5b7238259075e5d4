#!/bin/bash
# Build the rig's dom0: Debian's kernel plus a small busybox initramfs with
# Xen's toolstack (xl, xenstored, xenconsoled, xenstore-*), all taken from the
# installed Debian packages. Output in $1 (default build/rig): xen (the
# hypervisor as a 32-bit ELF for QEMU's multiboot loader), vmlinuz,
# dom0.cpio.gz. Rebuilt only when this script or the init script changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../build/rig}
mkdir -p "$out"
stamp=$out/dom0.stamp
want=$(cat "$0" "$here/dom0-init" | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/dom0.cpio.gz" ]; then
    exit 0
fi

kver=$(basename "$(ls /boot/vmlinuz-* | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')
zcat /boot/xen-4.17-amd64.gz > "$out/xen"
cp "/boot/vmlinuz-$kver" "$out/vmlinuz"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,var/log/xen/console,var/lib/xen,var/run/xen,var/run/xenstored,lib/modules/$kver,tests,peers}

cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done

xenbin=/usr/lib/xen-4.17/bin
progs="$xenbin/xl $xenbin/xenstored $xenbin/xenconsoled $xenbin/xen-init-dom0 \
       /usr/bin/xenstore $xenbin/xenstore-control"
for p in $progs; do cp "$p" "$root/bin/"; done
for t in read write rm ls list exists chmod watch; do
    ln -sf xenstore "$root/bin/xenstore-$t"
done

# Shared libraries the programs need, and libgcc_s (xl aborts without it:
# pthread_cancel loads it at run time).
libs=$(for p in $progs; do ldd "$p" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'; done | sort -u)
libgcc=$(ldconfig -p | awk '/libgcc_s.so.1 / && /x86-64/ { print $NF; exit }')
for l in $libs $libgcc; do
    mkdir -p "$root$(dirname "$l")"
    cp -L "$l" "$root$l"
done
mkdir -p "$root/lib64"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
mkdir -p "$root/usr/lib/xen-4.17" && cp -a /usr/lib/xen-4.17/lib "$root/usr/lib/xen-4.17/" 2>/dev/null || true

cp -a /etc/xen "$root/etc/"
# xl's own config: no autoballooning (dom0_mem is fixed), no lock files.
printf 'autoballoon="off"\n' > "$root/etc/xen/xl.conf"
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"

# Xen's dom0 kernel modules, with what they depend on.
moddir=/lib/modules/$kver
for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs; do
    dep=$(grep -E "/$m\.ko(\.[a-z]+)?:" "$moddir/modules.dep")
    for f in $(echo "$dep" | tr -d ':'); do
        mkdir -p "$root/lib/modules/$kver/$(dirname "$f")"
        cp "$moddir/$f" "$root/lib/modules/$kver/$f"
    done
done
# Load order: dependencies first.
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do
    find "$root/lib/modules/$kver" -name "$m.ko*" | sed "s|^$root||"
done > "$root/etc/modules.order"

cp "$here/dom0-init" "$root/init"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -6 > "$out/dom0.cpio.gz"
echo "$want" > "$stamp"
echo "  RIG     dom0 initramfs: $(du -k "$out/dom0.cpio.gz" | cut -f1) KiB (kernel $kver)"
