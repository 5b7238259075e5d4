#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=dash # POSIX sh with local
# Run guest tests in dom0 of a real Xen host, with xl, and judge them.
#
#   tests/rig/run-on-host.sh [--show] [--quiet] [CASE...]
#
# The same cases as run-tests.sh runs in the nested rig (a name in
# tests/cases/ or a path to a .test file; without any, every case in
# tests/cases/), run and judged the same way:
# packing and judging are tests/rig/cases.sh, dom0's side is the rig's own
# runner (run-cases.sh), with rig-wait and rig-wait-log from tests/rig on
# the scripts' PATH. Prints the same TAP: `1..N`, `ok K - NAME (timings)`
# or `not ok K - NAME # why` with the end of the case's lines as `#` lines,
# then one line `N passed, N failed`; exits non-zero if a case failed or
# the run did not finish. --show prints every case's lines; --quiet only
# the verdicts.
#
# Needs: root in dom0 of a Xen host (xl, xenstore-*), a POSIX shell, and the images
# built ($BUILD/apps/APP/APP.elf and APP.cfg; `make apps peers`, the peers static).
# The run uses /test in XenStore as scratch space (removed before each
# case) and names its domains after the cases: not for a production host.
# A guest's console comes from xenconsoled's log if it writes one for
# every guest (--log=guest or --log=all, without timestamps; Debian:
# XENCONSOLED_TRACE=guest), else from `xl console` started before the
# guest runs; its port 0xE9 lines from `xl dmesg`.
#
# Environment: BUILD (default build), HOST_DIR (the work directory, default
# $BUILD/host: the packed cases, run.log with dom0's @@ report,
# results/NAME.log with each case's lines), RIG_CONSOLE (log or client:
# overrides the choice above), CONSOLE_DIR (xenconsoled's --log-dir, if
# not given on its command line), RIG_TIME_LIMIT (seconds for the whole
# run; default the sum of the cases' timeouts, 15 s more each, plus 120 s).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
work=${HOST_DIR:-$build/host}
show=0 quiet=0
while [ $# -gt 0 ]; do
    case "$1" in
        --show) show=1 ;;
        --quiet) quiet=1 ;;
        -*) echo "usage: $0 [--show] [--quiet] [CASE...]" >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
if [ $# = 0 ]; then
    for f in "$top"/tests/cases/*.test; do set -- "$@" "$(basename "$f" .test)"; done
fi
say() { [ $quiet = 1 ] || echo "  HOST    $*"; }

# shellcheck source=tests/rig/cases.sh
. "$top/tests/rig/cases.sh"
check_cases "$@" || exit 2
timeout 30 xl info > /dev/null 2>&1 ||
    { echo "host: xl info failed: run as root in dom0 of a Xen host" >&2; exit 1; }

mkdir -p "$work"
work=$(cd "$work" && pwd)
# One run at a time: the cases share /test and their domains' names.
if command -v flock > /dev/null; then
    exec 9> "$work/lock"
    flock -n 9 || { echo "host: another run holds $work/lock" >&2; exit 1; }
fi

# xenconsoled's log, when it keeps one for every guest, with lines as the
# guest wrote them.
console_mode() {
    local f exe arg logging=0 plain=1
    CONSOLE_DIR=${CONSOLE_DIR:-/var/log/xen/console}
    for f in /proc/[0-9]*/cmdline; do
        exe=$( { tr '\0' '\n' < "$f"; } 2> /dev/null | head -n 1)
        case "$exe" in
            *xenconsoled) ;;
            *) continue ;;
        esac
        while IFS= read -r arg; do
            case "$arg" in
                --log=guest | --log=all) logging=1 ;;
                --log-dir=*) CONSOLE_DIR=${arg#--log-dir=} ;;
                --timestamp=none) ;;
                --timestamp=*) plain=0 ;;
            esac
        done <<EOF
$( { tr '\0' '\n' < "$f"; } 2> /dev/null)
EOF
    done
    if [ $logging = 1 ] && [ $plain = 1 ]; then echo log; else echo client; fi
}
mode=${RIG_CONSOLE:-$(console_mode)}
[ "$mode" = log ] || CONSOLE_DIR=$work/console
mkdir -p "$CONSOLE_DIR"

stage=$work
kernel_root=$work/tests
rm -rf "$work/tests" "$work/peers" "$work/results"
mkdir -p "$work/tests" "$work/peers"
pack_cases "$@" || exit 1

serial=$work/run.log
limit=$((total_timeout + 120))
limit=${RIG_TIME_LIMIT:-$limit}
say "running $# test(s), at most ${limit}s; consoles: $mode ($CONSOLE_DIR); report: $serial"
start=$(date +%s)
RIG_LIB=$top/tests/rig/dom0-lib.sh PATH=$top/tests/rig:$PATH CONSOLE_DIR=$CONSOLE_DIR \
    RIG_CONSOLE=$mode RIG_DMESG=1 timeout "$limit" \
    "$top/tests/rig/run-cases.sh" "$work/tests" "$work/peers" > "$serial" 2>&1 < /dev/null
run_rc=$?
finished=$(sed -n 's/.*@@RIG all done \([0-9]*\).*/\1/p' "$serial" | head -n 1)
# Stopped midway: no guest of ours is left running on the host.
if [ -z "$finished" ]; then
    cat "$work"/tests/*/guests 2> /dev/null | while read -r g; do
        timeout 30 xl destroy "$g" > /dev/null 2>&1 < /dev/null
    done
fi
say "done ($run_rc) after $(($(date +%s) - start))s"

results=$work/results
judge_cases "$@"
if [ -z "$finished" ]; then
    if [ "$run_rc" = 124 ] || [ "$run_rc" = 143 ]; then
        echo "host: the run did not finish: stopped by the ${limit}s timeout; see $serial"
    else
        echo "host: the run did not finish (exit status $run_rc); see $serial"
    fi
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ -n "$finished" ]
