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

# shellcheck source=tests/rig/cases.sh
. "$top/tests/rig/cases.sh"
check_cases "$@" || exit 2

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
mkdir -p "$stage/tests" "$stage/peers"
kernel_root=/tests
pack_cases "$@" || exit 1

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
say "booting Xen with $# test(s), at most ${limit}s; serial log: $serial"
# RIG_MONITOR=PATH: QEMU's monitor on a Unix socket, to look into a frozen
# run (`info registers`, `info lapic`, `nmi`) with socat.
monitor=none
[ -z "${RIG_MONITOR:-}" ] || monitor="unix:$RIG_MONITOR,server=on,wait=off"
# -nic none: q35 would add an e1000e with user networking; every packet of
# the tests stays between dom0's bridge and the guests.
start=$(date +%s.%N)
timeout --kill-after=10 "$limit" qemu-system-x86_64 \
    -machine q35 -cpu "${RIG_CPU:-qemu64,+svm,+npt,+rdrand}" -m "${RIG_MEM:-6144}" -smp 1 \
    -display none -no-reboot -serial "file:$serial" -nic none \
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

results=$rig/results
judge_cases "$@"
if [ -z "$finished" ]; then
    if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
        echo "rig: dom0 did not finish: QEMU stopped by the ${limit}s timeout; see $serial"
    else
        echo "rig: dom0 did not finish (QEMU exit status $qemu_rc); see $serial"
    fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ] && [ -n "$finished" ]
