# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=sh
# Shell functions shared by the rig's dom0 /init, rig-wait and rig-wait-log;
# installed in dom0 as /etc/rig-lib.sh.

uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

# Sets $now to the uptime in ms without starting a process (the shell's
# own read: a loop that looks every 0.1 s should cost the guests nothing
# more than its look). /proc/uptime has two decimals.
now_ms() {
    read -r now _ < /proc/uptime
    now=${now%.*}${now#*.}0
    # Without leading zeros: $((...)) would read the number as octal.
    now=${now#"${now%%[!0]*}"}
    now=${now:-0}
}

# How a domain stands: "running" (any of r b p, or dashes alone for one
# waiting for a CPU), or, once it has shut down, the reason Xen recorded
# (`xl list -v` prints it in hex: SHUTDOWN_poweroff 0, reboot 1, suspend 2,
# crash 3, watchdog 4, soft_reset 5); "gone" when xl no longer lists it.
# The rig's configs say on_poweroff/on_crash/on_reboot = "preserve", so a
# domain that has shut down stays listed with its reason. Note: Xen ends an
# HVM/PVH guest's triple fault with SHUTDOWN_reboot, so that shows as
# "reboot"; and `cli; hlt` with every vCPU down is a poweroff. An xl that
# does not answer in 10 s reads as "gone".
state_of() {
    timeout 10 xl list -v "$1" 2>/dev/null | awk '
        NR == 2 {
            found = 1
            if ($5 !~ /[sc]/) { print "running"; exit }
            r = $8
            if (r == "0") print "poweroff"
            else if (r == "1") print "reboot"
            else if (r == "2") print "suspend"
            else if (r == "3") print "crash"
            else if (r == "4") print "watchdog"
            else if (r == "5") print "soft_reset"
            else if ($5 ~ /c/) print "crash"
            else print "shutdown-" r
        }
        END { if (!found) print "gone" }'
}

# Waiting for domains to end: call watch_domain_events, look at them, then
# either stop_domain_events (done) or wait_domain_event, which sleeps until
# xenstored reports a domain shutting down or going away (@releaseDomain)
# or 2 s have passed. The watch is set before looking, so that an event
# while looking is not lost. Far cheaper than polling `xl list`, which
# costs dom0 about 0.1 s of CPU each time under emulation, time taken from
# the guests. (xenstore-watch counts the event it gets when the watch is
# set: -n 2 waits for one more.)
watch_domain_events() {
    timeout 2 xenstore-watch -n 2 @releaseDomain >/dev/null 2>&1 &
    watch_pid=$!
}
wait_domain_event() { wait "$watch_pid" 2>/dev/null; }
stop_domain_events() {
    kill "$watch_pid" 2>/dev/null
    wait "$watch_pid" 2>/dev/null
}
