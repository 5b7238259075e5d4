#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs shellcheck over the rig's test cases (tests/cases/*.test): each case file
# as the POSIX sh that run-tests.sh (bash) and run-on-host.sh (sh) source, and
# its DOM0_SETUP and DOM0 scripts as the /bin/sh (busybox) scripts dom0 runs.
# Findings name the case file and the line in it.
# Usage: shellcheck-cases.sh CASE.test...
#
# Warnings and errors only (-S warning), not shellcheck's style notes: the
# dom0 scripts handle domids, fixed paths and names without spaces, and
# quoting every one of them would churn every case for no defect.
# Excluded everywhere: SC2034 (a case only sets variables that run-tests.sh
# reads; the scripts' `for i in $(seq ..)` counters are unused on purpose)
# and, in the case file, SC2016 (the scripts are in single quotes on
# purpose: they expand in dom0).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "$@"; do
    shellcheck -s sh -S warning -f gcc -e SC2034,SC2016 "$f" || status=1
    for var in DOM0_SETUP DOM0; do
        # shellcheck disable=SC1090 # the case is the input
        script=$(unset DOM0_SETUP DOM0 && . "$f" && printf '%s' "${!var-}") || {
            echo "$f: cannot be sourced"
            status=1
            continue
        }
        [ -n "$script" ] || continue
        # The script's first line is the case's line that starts VAR=.
        first=$(grep -n -m 1 "^$var=" "$f" | cut -d: -f1)
        out=$tmp/script.sh
        printf '%s\n' "$script" >"$out"
        shellcheck -s sh -S warning -f gcc -e SC2034 "$out" >"$tmp/found" || status=1
        while IFS=: read -r _ line rest; do
            echo "$f:$((line + ${first:-1} - 1)):$rest ($var)"
        done <"$tmp/found"
    done
done
exit $status
