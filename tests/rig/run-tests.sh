#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Run guest tests in one boot of Xen (inside QEMU) and judge them.
#
#   tests/rig/run-tests.sh [--show] [--quiet] CASE...
#
# A CASE is a name from tests/cases/ (NAME.test) or a path to a .test file
# (docs/testing.md describes the format). All cases run one after another
# in one dom0. Prints TAP: `1..N`, then `ok K - NAME` or
# `not ok K - NAME # why` (with the end of the guest's console as `#`
# lines), then one line `N passed, N failed`; exits non-zero if any
# failed or if dom0 did not finish. --show prints every case's console and
# shutdown reason; --quiet only the verdicts.
# Logs: $RIG_DIR (default build/rig)/last-run.log, the whole serial console;
# $RIG_DIR/results/NAME.log, each case's console lines.
# Environment: BUILD (default build), RIG_DIR, RIG_LOCK (a file: runs that
# share it wait for each other; QEMU here is software emulation and two at
# once slow each other down), RIG_TIME_LIMIT (seconds for the whole QEMU
# run; default the sum of the cases' timeouts, 15 s more each, plus 120 s),
# RIG_CPU (QEMU's -cpu), RIG_MEM (QEMU's -m in MiB; default 6144, for the
# 4200 MiB guest of memory-high).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
rig=${RIG_DIR:-$build/rig}
show=0 quiet=0
while [ $# -gt 0 ]; do
    case "$1" in
        --show) show=1 ;;
        --quiet) quiet=1 ;;
        -*) echo "usage: $0 [--show] [--quiet] CASE..." >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
[ $# -gt 0 ] || { echo "usage: $0 [--show] [--quiet] CASE..." >&2; exit 2; }
say() { [ $quiet = 1 ] || echo "  RIG     $*"; }

case_file() {
    if [ -f "$1" ]; then echo "$1"; else echo "$top/tests/cases/$1.test"; fi
}
for c in "$@"; do
    [ -f "$(case_file "$c")" ] || { echo "rig: no test case $c (tests/cases/$c.test)" >&2; exit 2; }
done

# One QEMU at a time on this machine.
mkdir -p "$rig"
RIG_LOCK_PATH=${RIG_LOCK:-/tmp/libunikernel-rig.lock}
exec 9> "$RIG_LOCK_PATH"
if ! flock -n 9; then
    say "waiting for another rig run to finish"
    # A run holds the lock for at most its QEMU limit (an hour by default).
    flock -w 3700 9 || { echo "rig: another run held $RIG_LOCK_PATH for over an hour" >&2; exit 1; }
fi

"$top/tests/rig/mkdom0.sh" "$rig" || { echo "rig: cannot build dom0" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/tests" "$stage/peers" "$rig/results"
names=() total_timeout=0

# make_guest DIR GUEST APP MEMORY CMDLINE: the image and xl config of one
# guest. APP is an app's name (the build's apps/APP/APP.elf) or a path to
# an image (with a /; relative to the build directory); either way its xl
# config is the one the build made beside it (NAME.cfg). $XL (the case's
# extra lines) applies to every guest of the case.
make_guest() {
    local d=$1 g=$2 app=$3 mem=$4 cmd=$5 cfg elf keys k
    case "$app" in
        /*) elf=$app ;;
        */*) elf=$build/$app ;;
        *) elf=$build/apps/$app/$app.elf ;;
    esac
    cfg=${elf%.elf}.cfg
    if [ -z "$app" ] || ! [ -f "$cfg" ] || ! [ -f "$elf" ]; then
        echo "rig: $g: no image ($elf) or config ($cfg) for app '$app'" >&2
        return 1
    fi
    cp "$elf" "$d/$g.elf"
    # The base config without the keys the rig or the test sets.
    keys="name|kernel|on_poweroff|on_crash|on_reboot|on_watchdog|on_soft_reset"
    [ -n "$mem" ] && keys="$keys|memory"
    [ -n "$cmd" ] && keys="$keys|cmdline|extra"
    for k in $(printf '%s\n' "$XL" | sed -n 's/^[[:space:]]*\([a-z_]*\)[[:space:]]*=.*/\1/p'); do
        keys="$keys|$k"
    done
    {
        grep -Ev "^[[:space:]]*($keys)[[:space:]]*=" "$cfg"
        echo "name = \"$g\""
        echo "kernel = \"/tests/$(basename "$d")/$g.elf\""
        # Keep a domain that has stopped, so that dom0 can read why.
        echo 'on_poweroff = "preserve"'
        echo 'on_crash = "preserve"'
        echo 'on_reboot = "preserve"'
        echo 'on_watchdog = "preserve"'
        echo 'on_soft_reset = "preserve"'
        [ -n "$mem" ] && echo "memory = $mem"
        # xl's strings take backslash escapes: a quote or backslash in
        # the command line is escaped, so the guest gets it as written.
        [ -n "$cmd" ] && printf 'cmdline = "%s"\n' "$(printf '%s' "$cmd" | sed 's/[\\"]/\\&/g')"
        if [ -n "$XL" ]; then printf '%s\n' "$XL"; fi
        # Without it xl sizes the paging pool itself, and a small guest's
        # create sometimes fails ("Failed to set paging mempool size").
        grep -Eq "^[[:space:]]*shadow_memory[[:space:]]*=" "$cfg" ||
            printf '%s\n' "$XL" | grep -Eq "^[[:space:]]*shadow_memory[[:space:]]*=" ||
            echo "shadow_memory = 2"
    } > "$d/$g.cfg"
}

# Pack one case into $stage/tests/NAME; prints its timeout.
pack_case() {
    local file=$1 name=$2 d i a m c p f
    APP='' CMDLINE='' MEMORY='' XL='' TIMEOUT=60 DOM0='' DOM0_SETUP='' PEERS='' STAGE='' FILES=''
    for i in 2 3 4; do eval "GUEST${i}_APP= GUEST${i}_CMDLINE= GUEST${i}_MEMORY="; done
    # shellcheck source=/dev/null # a case, any path; `make analyze` checks them
    . "$file"
    d=$stage/tests/$name
    mkdir -p "$d"
    echo "TIMEOUT=$TIMEOUT" > "$d/case"
    make_guest "$d" "$name" "$APP" "$MEMORY" "$CMDLINE" || return 1
    echo "$name" > "$d/guests"
    for i in 2 3 4; do
        eval "a=\$GUEST${i}_APP m=\$GUEST${i}_MEMORY c=\$GUEST${i}_CMDLINE"
        [ -n "$a" ] || continue
        make_guest "$d" "$name-$i" "$a" "$m" "$c" || return 1
        echo "$name-$i" >> "$d/guests"
    done
    # Images the dom0 script starts itself: /tests/NAME/stage-APP.{elf,cfg}.
    for a in $STAGE; do
        make_guest "$d" "stage-$a" "$a" "" "" || return 1
    done
    if [ -n "$DOM0_SETUP" ]; then
        printf '#!/bin/sh\n%s\n' "$DOM0_SETUP" > "$d/setup.sh"
        chmod +x "$d/setup.sh"
    fi
    if [ -n "$DOM0" ]; then
        printf '#!/bin/sh\n%s\n' "$DOM0" > "$d/dom0.sh"
        chmod +x "$d/dom0.sh"
    fi
    for p in $PEERS; do
        cp "$build/peers/$p" "$stage/peers/" || { echo "rig: $name: no peer $build/peers/$p" >&2; return 1; }
    done
    # Anything else the dom0 script needs, into /tests/NAME/.
    for f in $FILES; do
        case "$f" in /*) ;; *) f=$top/$f ;; esac
        cp -r "$f" "$d/" || { echo "rig: $name: cannot pack $f" >&2; return 1; }
    done
    echo "$TIMEOUT"
}

for c in "$@"; do
    file=$(case_file "$c")
    name=$(basename "$file" .test)
    t=$(pack_case "$file" "$name") || exit 1
    total_timeout=$((total_timeout + t + 15))
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
# Every case's own timeouts, added up, bound a run where each guest hangs;
# CI gives `make test` 90 minutes in all, so the boot never gets more than
# 60 of them (a full run takes about 5).
limit=$((total_timeout + 120))
[ "$limit" -le 3600 ] || limit=3600
limit=${RIG_TIME_LIMIT:-$limit}
say "booting Xen with ${#names[@]} test(s), at most ${limit}s; serial log: $serial"
# RIG_MONITOR=PATH: QEMU's monitor on a Unix socket, to look into a frozen
# run (`info registers`, `info lapic`, `nmi`) with socat.
monitor=none
[ -z "${RIG_MONITOR:-}" ] || monitor="unix:$RIG_MONITOR,server=on,wait=off"
start=$(date +%s.%N)
timeout --kill-after=10 "$limit" qemu-system-x86_64 \
    -machine q35 -cpu "${RIG_CPU:-qemu64,+svm,+npt,+rdrand}" -m "${RIG_MEM:-6144}" -smp 1 \
    -display none -no-reboot -serial "file:$serial" \
    -monitor "$monitor" \
    -kernel "$rig/xen" \
    -append "dom0_mem=512M,max:512M console=com1 loglvl=all guest_loglvl=all noreboot bootscrub=0" \
    -initrd "$rig/vmlinuz console=hvc0 quiet,$rig/initrd.img" < /dev/null
qemu_rc=$?
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
# dom0's tty and Xen's serial driver each add a carriage return.
[ -f "$serial" ] && tr -d '\r' < "$serial" > "$serial.tmp" && mv "$serial.tmp" "$serial"
touch "$serial"
ready=$(sed -n 's/.*@@RIG dom0 ready \([0-9]*\).*/\1/p' "$serial" | head -n 1)
finished=$(sed -n 's/.*@@RIG all done \([0-9]*\).*/\1/p' "$serial" | head -n 1)
say "QEMU exited ($qemu_rc) after ${elapsed}s; dom0 ready at ${ready:-?} ms, tests done at ${finished:-?} ms (dom0 clock)"

# Judge one case from the serial log: its console (PV ring), its (dN) lines
# from Xen (port 0xE9) and its dom0 script's output. Returns 0 if it passed.
judge() {
    local file=$1 name=$2 out domid end why i a want got pat rc times
    SHUTDOWN=poweroff EXPECT='' REJECT='' EXPECT_TEXT='' REJECT_TEXT='' DOM0='' DOM0_SETUP=''
    for i in 2 3 4; do eval "GUEST${i}_APP= GUEST${i}_SHUTDOWN="; done
    # shellcheck source=/dev/null # a case, any path; `make analyze` checks them
    . "$file"
    out=$rig/results/$name.log
    domid=$(sed -n "s/.*@@RIG start $name domid=\([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
    end=$(sed -n "s/.*@@RIG end $name shutdown=\([a-z_-]*\).*/\1/p" "$serial" | tail -n 1)
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
    rc=$(sed -n "s/.*@@RIG setuprc $name \([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
    if [ -n "$DOM0_SETUP" ] && [ -n "$end" ] && [ "$rc" != 0 ]; then
        why="dom0 setup script exited with '${rc:-nothing}'"
    elif [ -z "$end" ]; then
        why="did not finish (dom0 or QEMU stopped: see $serial)"
    elif [ "$end" != "$SHUTDOWN" ]; then
        why="shutdown was '$end', expected '$SHUTDOWN'"
    fi
    for i in 2 3 4; do
        eval "a=\$GUEST${i}_APP want=\${GUEST${i}_SHUTDOWN:-\$SHUTDOWN}"
        if [ -z "$a" ] || [ -n "$why" ]; then continue; fi
        got=$(sed -n "s/.*@@RIG gend $name $name-$i shutdown=\([a-z_-]*\).*/\1/p" "$serial" | tail -n 1)
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
            grep -Fq -- "$pat" "$out" || { why="missing text: $pat"; break; }
        done <<< "$EXPECT_TEXT"
    fi
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            if grep -Eq -- "$pat" "$out"; then why="unexpected: $(grep -Em1 -- "$pat" "$out")"; break; fi
        done <<< "$REJECT"
    fi
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            if grep -Fq -- "$pat" "$out"; then why="unexpected: $(grep -Fm1 -- "$pat" "$out")"; break; fi
        done <<< "$REJECT_TEXT"
    fi
    if [ -z "$why" ] && [ -n "$DOM0" ]; then
        rc=$(sed -n "s/.*@@RIG dom0rc $name \([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
        [ "$rc" = 0 ] || why="dom0 script exited with '${rc:-nothing}'"
    fi
    times=$(sed -n "s/.*@@RIG times $name //p" "$serial" | tail -n 1)
    if [ -z "$why" ]; then
        echo "ok $number - $name ${times:+($times)}"
    else
        echo "not ok $number - $name # $why"
        tail -n 40 "$out" | sed 's/^/#   | /'
    fi
    if [ $show = 1 ]; then
        echo "---- console of $name ----"
        cat "$out"
        echo "---- $name: shutdown: ${end:-none} ----"
    fi
    [ -z "$why" ]
}

pass=0 fail=0 number=0
echo "1..$#"
for c in "$@"; do
    file=$(case_file "$c")
    number=$((number + 1))
    if (judge "$file" "$(basename "$file" .test)"); then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
done
if [ -z "$finished" ]; then
    if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
        echo "rig: dom0 did not finish: QEMU stopped by the ${limit}s timeout; see $serial"
    else
        echo "rig: dom0 did not finish (QEMU exit status $qemu_rc); see $serial"
    fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ] && [ -n "$finished" ]
