#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# run-cases.sh TESTS PEERS: dom0's side of a test run. Runs the cases packed
# under TESTS (a directory each, in the order of TESTS/order, as
# tests/rig/cases.sh packs them; their peers in PEERS) one after another
# with xl, and reports on stdout with @@ lines that cases.sh judges
# (docs/testing.md, "One run, step by step"). The rig's dom0 /init runs it
# as /bin/rig-run-cases once the toolstack is up; tests/rig/run-on-host.sh
# runs it in dom0 of a real Xen host. Every wait has a timeout.
# Environment:
#   RIG_LIB      dom0-lib.sh (default /etc/rig-lib.sh)
#   CONSOLE_DIR  where the guests' consoles are (default /var/log/xen/console)
#   RIG_CONSOLE  "log" (default): xenconsoled writes each guest's console to
#                CONSOLE_DIR/guest-NAME.log itself (--log=guest), as in the
#                rig; "client": each guest is created paused and its console
#                copied there by `xl console` before it runs
#   RIG_DMESG    1: print each guest's lines from Xen's console ring
#                (`xl dmesg`, its port 0xE9 output); the rig has them on the
#                serial line already
tests=$1 peers=$2
# shellcheck source=tests/rig/dom0-lib.sh
. "${RIG_LIB:-/etc/rig-lib.sh}"
say() { echo "@@RIG $*"; }
CONSOLE_DIR=${CONSOLE_DIR:-/var/log/xen/console}
RIG_CONSOLE=${RIG_CONSOLE:-log}

# Wait until every listed domain has shut down or vanished, or the deadline
# passes; sets result_<n> for each (n = position in the list), and $first
# to when the first guest's console log got its first line. `xl list` is
# dear (see wait_domain_event): poll the (free) console log file at first,
# then sleep between domain events.
check_guests() {
    left=0 n=0
    for g in "$@"; do
        n=$((n + 1))
        eval "r=\${result_$n:-}"
        [ -n "$r" ] && continue
        s=$(state_of "$g")
        case "$s" in
            gone) eval "result_$n=vanished" ;;
            running) left=$((left + 1)) ;;
            *) eval "result_$n=$s" ;;
        esac
    done
}
wait_guests() {
    deadline=$1
    shift
    i=0
    while [ -z "$first" ] && [ $i -lt 100 ] && [ "$(uptime_ms)" -lt "$deadline" ]; do
        [ -s "$CONSOLE_DIR/guest-$1.log" ] && first=$(uptime_ms) && break
        i=$((i + 1))
        # Now and then: a guest may end without a word.
        if [ $((i % 10)) = 0 ]; then
            check_guests "$@"
            [ $left = 0 ] && return
        fi
        sleep 0.02
    done
    while [ "$(uptime_ms)" -lt "$deadline" ]; do
        watch_domain_events
        check_guests "$@"
        if [ -z "$first" ] && [ -s "$CONSOLE_DIR/guest-$1.log" ]; then first=$(uptime_ms); fi
        if [ $left = 0 ]; then
            stop_domain_events
            return
        fi
        wait_domain_event
    done
}

# create DIR GUEST: xl create, and with RIG_CONSOLE=client the console copy
# started before the guest runs. Its stdin is the read-write end of a FIFO
# nobody writes: xenconsole ends at the end of its input, and this one
# never ends. Returns non-zero if the guest did not start.
create() {
    log=$CONSOLE_DIR/guest-$2.log
    rm -f "$log"
    if [ "$RIG_CONSOLE" != client ]; then
        timeout 60 xl create -q "$1/$2.cfg" > "$1/create-$2.out" 2>&1
        return
    fi
    timeout 60 xl create -q -p "$1/$2.cfg" > "$1/create-$2.out" 2>&1 || return 1
    rm -f "$1/console-$2.in" && mkfifo "$1/console-$2.in" || return 1
    xl console -t pv "$2" <> "$1/console-$2.in" > "$log" 2>&1 &
    consoles="$consoles $!"
    timeout 10 xl unpause "$2" >> "$1/create-$2.out" 2>&1
}

# A test: its guests (the first named like the test, others NAME-2...) start
# together; its dom0 script runs beside them.
run_test() {
    dir=$1
    name=$(basename "$dir")
    TIMEOUT=60
    # shellcheck source=/dev/null # written by cases.sh: TIMEOUT=N
    . "$dir/case"
    guests=$(cat "$dir/guests")
    env=""
    n=0
    consoles=""
    # /test in XenStore is the tests' scratch space: each test starts
    # without it. Its setup script runs to the end before any guest starts.
    xenstore-rm /test >/dev/null 2>&1
    setup_rc=0
    if [ -x "$dir/setup.sh" ]; then
        (cd "$dir" && PEERS=$peers TEST_DIR="$dir" CONSOLE_DIR=$CONSOLE_DIR timeout "$TIMEOUT" ./setup.sh \
            > "$dir/setup.out" 2>&1)
        setup_rc=$?
        sed "s/^/@@DOM0 $name: /" "$dir/setup.out"
        say "setuprc $name $setup_rc"
    fi
    t0=$(uptime_ms)
    t1=$t0
    domids=""
    for g in $guests; do
        n=$((n + 1))
        eval "result_$n="
        if [ $setup_rc != 0 ]; then
            rm -f "$CONSOLE_DIR/guest-$g.log"
            eval "result_$n=not-started"
        elif ! create "$dir" "$g"; then
            sed "s/^/@@OUT $name: /" "$dir/create-$g.out"
            eval "result_$n=create-failed"
        fi
        d=$(timeout 10 xl domid "$g" 2>/dev/null || echo none)
        domids="$domids $d"
        if [ $n = 1 ]; then
            t1=$(uptime_ms)
            say "start $name domid=$d create_ms=$((t1 - t0))"
            env="$env DOMID=$d LOG=$CONSOLE_DIR/guest-$g.log"
        else
            say "guest $name $g domid=$d"
            env="$env DOMID_$n=$d LOG_$n=$CONSOLE_DIR/guest-$g.log"
        fi
    done
    if [ -x "$dir/dom0.sh" ] && [ $setup_rc = 0 ]; then
        # $env is split on purpose: NAME=value words, none with a space.
        # shellcheck disable=SC2086
        (cd "$dir" && env $env PEERS=$peers TEST_DIR="$dir" CONSOLE_DIR=$CONSOLE_DIR timeout "$TIMEOUT" ./dom0.sh \
            > "$dir/dom0.out" 2>&1; echo $? > "$dir/dom0.rc") &
        dom0_pid=$!
    fi
    first=""
    # shellcheck disable=SC2086 # guest names, split on purpose
    wait_guests $(( $(uptime_ms) + TIMEOUT * 1000 )) $guests
    t2=$(uptime_ms)
    [ -n "$first" ] || first=$t2
    n=0
    for g in $guests; do
        n=$((n + 1))
        eval "r=\${result_$n:-timeout}"
        [ "$r" = timeout ] && timeout 10 xl list "$g" | sed "s/^/@@OUT $name: xl list: /"
        timeout 30 xl destroy "$g" >/dev/null 2>&1
    done
    # The dom0 script ends by its timeout at the latest. It may have made
    # a guest of the case's name again after the destroy above (xl reboot
    # with on_reboot = "restart"): that one goes too, or it would stay in
    # xl list for every later case.
    if [ -n "${dom0_pid:-}" ]; then
        wait "$dom0_pid"
        for g in $guests; do
            timeout 30 xl destroy "$g" >/dev/null 2>&1
        done
    fi
    dom0_pid=""
    # xenconsoled drains the ring a moment after the domain stops.
    sleep 0.2
    # shellcheck disable=SC2086 # pids
    [ -z "$consoles" ] || { kill $consoles 2>/dev/null; wait $consoles 2>/dev/null; }
    t3=$(uptime_ms)
    say "times $name create_ms=$((t1 - t0)) first_output_ms=$((first - t0)) run_ms=$((t2 - t0)) total_ms=$((t3 - t0))"
    n=0
    for g in $guests; do
        n=$((n + 1))
        eval "r=\${result_$n:-timeout}"
        log=$CONSOLE_DIR/guest-$g.log
        if [ $n = 1 ]; then
            [ -f "$log" ] && sed "s/\r$//; s/^/@@LOG $name: /" "$log"
            say "end $name shutdown=$r"
        else
            [ -f "$log" ] && sed "s/\r$//; s/^/@@LOG $name: [$g] /" "$log"
            say "gend $name $g shutdown=$r"
        fi
    done
    if [ "${RIG_DMESG:-}" = 1 ]; then
        msgs=$(timeout 10 xl dmesg 2>/dev/null)
        for d in $domids; do
            [ "$d" = none ] || printf '%s\n' "$msgs" | grep -F "(d$d) "
        done
    fi
    if [ -f "$dir/dom0.out" ]; then
        sed "s/^/@@DOM0 $name: /" "$dir/dom0.out"
        say "dom0rc $name $(cat "$dir/dom0.rc" 2>/dev/null || echo none)"
    fi
}

# Not `while read`: run_test's commands would read the rest of the list
# from their stdin. Test names have no spaces.
# shellcheck disable=SC2013
for name in $(cat "$tests/order" 2>/dev/null); do
    run_test "$tests/$name"
done
say "all done $(uptime_ms)"
