#!/bin/bash
# Run guest tests in one boot of Xen (inside QEMU) and judge them.
#
#   tests/rig/run-tests.sh [--show] [--quiet] CASE...
#
# A CASE is a name from tests/cases/ (NAME.test) or a path to a .test file.
# All cases run one after another in one dom0. Prints `ok NAME` or
# `FAIL NAME: why` (with the guest's console), then `N passed, N failed`;
# exits non-zero if any failed. --show prints every guest's console.
# Logs: build/rig/last-run.log (whole serial console), build/rig/results/.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
rig=$build/rig
show=0 quiet=0
while [ $# -gt 0 ]; do
    case "$1" in
        --show) show=1 ;;
        --quiet) quiet=1 ;;
        *) break ;;
    esac
    shift
done
[ $# -gt 0 ] || { echo "usage: $0 [--show] [--quiet] CASE..." >&2; exit 2; }

"$top/tests/rig/mkdom0.sh" "$rig" || { echo "rig: cannot build dom0" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/tests" "$stage/peers" "$rig/results"
names=() total_timeout=0

find_cfg() {
    for d in "$top/apps/$1" "$top/tests/apps/$1"; do
        [ -f "$d/$1.cfg" ] && { echo "$d/$1.cfg"; return; }
    done
}

# make_guest DIR GUEST APP MEMORY CMDLINE: the image and xl config of one
# guest. $XL (the case's extra lines) applies to every guest of the case.
make_guest() {
    local d=$1 g=$2 app=$3 mem=$4 cmd=$5 cfg elf keys k
    cfg=$(find_cfg "$app")
    elf=$build/apps/$app/$app.elf
    [ -n "$app" ] && [ -n "$cfg" ] && [ -f "$elf" ] ||
        { echo "rig: $g: no image or config for app '$app'" >&2; return 1; }
    cp "$elf" "$d/$g.elf"
    # The base config without the keys the rig or the test sets.
    keys="name|kernel|on_poweroff|on_crash|on_reboot"
    [ -n "$mem" ] && keys="$keys|memory"
    [ -n "$cmd" ] && keys="$keys|cmdline|extra"
    for k in $(printf '%s\n' "$XL" | sed -n 's/^[[:space:]]*\([a-z_]*\)[[:space:]]*=.*/\1/p'); do
        keys="$keys|$k"
    done
    {
        grep -Ev "^[[:space:]]*($keys)[[:space:]]*=" "$cfg"
        echo "name = \"$g\""
        echo "kernel = \"/tests/$(basename "$d")/$g.elf\""
        echo 'on_poweroff = "preserve"'
        echo 'on_crash = "preserve"'
        echo 'on_reboot = "preserve"'
        [ -n "$mem" ] && echo "memory = $mem"
        [ -n "$cmd" ] && echo "cmdline = \"$cmd\""
        if [ -n "$XL" ]; then printf '%s\n' "$XL"; fi
    } > "$d/$g.cfg"
}

for c in "$@"; do
    file=$c
    [ -f "$file" ] || file=$top/tests/cases/$c.test
    [ -f "$file" ] || { echo "rig: no test case $c" >&2; exit 2; }
    name=$(basename "$file" .test)
    (
        APP= CMDLINE= MEMORY= XL= TIMEOUT=60 DOM0= PEERS= STAGE=
        for i in 2 3 4; do eval "GUEST${i}_APP= GUEST${i}_CMDLINE= GUEST${i}_MEMORY="; done
        . "$file"
        d=$stage/tests/$name
        mkdir -p "$d"
        echo "TIMEOUT=$TIMEOUT" > "$d/case"
        make_guest "$d" "$name" "$APP" "$MEMORY" "$CMDLINE" || exit 1
        echo "$name" > "$d/guests"
        for i in 2 3 4; do
            eval "a=\$GUEST${i}_APP m=\$GUEST${i}_MEMORY c=\$GUEST${i}_CMDLINE"
            [ -n "$a" ] || continue
            make_guest "$d" "$name-$i" "$a" "$m" "$c" || exit 1
            echo "$name-$i" >> "$d/guests"
        done
        # Images the dom0 script starts itself: /tests/NAME/stage-APP.{elf,cfg}.
        for a in $STAGE; do
            make_guest "$d" "stage-$a" "$a" "" "" || exit 1
        done
        if [ -n "$DOM0" ]; then
            printf '#!/bin/sh\n%s\n' "$DOM0" > "$d/dom0.sh"
            chmod +x "$d/dom0.sh"
        fi
        for p in $PEERS; do
            cp "$build/peers/$p" "$stage/peers/" || { echo "rig: $name: no peer $p" >&2; exit 1; }
        done
        echo "$TIMEOUT"
    ) > "$stage/timeout" || exit 1
    total_timeout=$((total_timeout + $(cat "$stage/timeout") + 15))
    names+=("$name")
done
printf '%s\n' "${names[@]}" > "$stage/tests/order"

(cd "$stage" && find tests peers | cpio -o -H newc --quiet) > "$stage/tests.cpio"
# Linux takes concatenated archives, but an uncompressed one must start at a
# 4-byte boundary: pad the compressed part with zeros (which it skips).
{
    cat "$rig/dom0.cpio.gz"
    pad=$(( (4 - $(stat -c %s "$rig/dom0.cpio.gz") % 4) % 4 ))
    head -c "$pad" /dev/zero
    cat "$stage/tests.cpio"
} > "$rig/initrd.img"

serial=$rig/last-run.log
rm -f "$serial"
limit=$((total_timeout + 120))
[ $quiet = 1 ] || echo "  RIG     booting Xen with ${#names[@]} test(s), at most ${limit}s"
start=$(date +%s)
timeout --kill-after=10 "$limit" qemu-system-x86_64 \
    -machine q35 -cpu qemu64,+svm,+npt -m 1024 -smp 1 \
    -display none -no-reboot -serial "file:$serial" -monitor none \
    -kernel "$rig/xen" \
    -append "dom0_mem=512M,max:512M console=com1 loglvl=all guest_loglvl=all noreboot" \
    -initrd "$rig/vmlinuz console=hvc0 quiet,$rig/initrd.img" < /dev/null
qemu_rc=$?
elapsed=$(( $(date +%s) - start ))
# dom0's tty and Xen's serial driver each add a carriage return.
[ -f "$serial" ] && tr -d '\r' < "$serial" > "$serial.tmp" && mv "$serial.tmp" "$serial"
[ $quiet = 1 ] || echo "  RIG     QEMU exited ($qemu_rc) after ${elapsed}s; serial log: $serial"

pass=0 fail=0
# Per test: its console, its (dN) lines from Xen, and its dom0 script's output.
for c in "$@"; do
    file=$c
    [ -f "$file" ] || file=$top/tests/cases/$c.test
    name=$(basename "$file" .test)
    SHUTDOWN=poweroff EXPECT= REJECT= DOM0=
    for i in 2 3 4; do eval "GUEST${i}_APP= GUEST${i}_SHUTDOWN="; done
    . "$file"
    out=$rig/results/$name.log
    domid=$(sed -n "s/.*@@RIG start $name domid=\([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
    end=$(sed -n "s/.*@@RIG end $name shutdown=\([a-z-]*\).*/\1/p" "$serial" | tail -n 1)
    {
        sed -n "s/^.*@@LOG $name: //p; s/^.*@@OUT $name: /xl: /p" "$serial"
        if [ -n "$domid" ] && [ "$domid" != none ]; then
            sed -n "s/^.*(d$domid) /(d$domid) /p" "$serial"
        fi
        sed -n "s/.*@@RIG guest $name \([^ ]*\) domid=\([0-9]*\).*/\1 \2/p" "$serial" |
            while read -r g d; do sed -n "s/^.*(d$d) /[$g] (d$d) /p" "$serial"; done
        sed -n "s/^.*@@DOM0 $name: /dom0: /p" "$serial"
    } > "$out"
    why=""
    if [ -z "$end" ]; then
        why="did not finish (dom0 or QEMU stopped: see $serial)"
    elif [ "$end" != "$SHUTDOWN" ]; then
        why="shutdown was '$end', expected '$SHUTDOWN'"
    fi
    for i in 2 3 4; do
        eval "a=\$GUEST${i}_APP want=\${GUEST${i}_SHUTDOWN:-\$SHUTDOWN}"
        [ -n "$a" ] && [ -z "$why" ] || continue
        got=$(sed -n "s/.*@@RIG gend $name $name-$i shutdown=\([a-z-]*\).*/\1/p" "$serial" | tail -n 1)
        [ "$got" = "$want" ] || why="guest $name-$i: shutdown was '${got:-none}', expected '$want'"
    done
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            grep -Eq -- "$pat" "$out" || { why="missing: $pat"; break; }
        done <<< "$EXPECT"
    fi
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            if grep -Eq -- "$pat" "$out"; then why="unexpected: $(grep -Em1 -- "$pat" "$out")"; break; fi
        done <<< "$REJECT"
    fi
    if [ -z "$why" ] && [ -n "$DOM0" ]; then
        rc=$(sed -n "s/.*@@RIG dom0rc $name \([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
        [ "$rc" = 0 ] || why="dom0 script exited with '${rc:-nothing}'"
    fi
    times=$(sed -n "s/.*@@RIG times $name //p" "$serial" | tail -n 1)
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        echo "ok   $name ${times:+($times)}"
    else
        fail=$((fail + 1))
        echo "FAIL $name: $why"
        tail -n 40 "$out" | sed 's/^/    | /'
    fi
    if [ $show = 1 ]; then
        echo "---- console of $name (shutdown: ${end:-none}) ----"
        cat "$out"
    fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
