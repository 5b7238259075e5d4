#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run every host unit-test binary given, add up their `N passed, N failed`
# lines into one, and fail if any binary failed or crashed.
pass=0 fail=0 status=0
for t in "$@"; do
    out=$("$t" 2>&1)
    rc=$?
    line=$(printf '%s\n' "$out" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ] || [ $rc -ne 0 ]; then
        printf '%s\n' "$out"
        echo "FAIL $(basename "$t") (exit $rc)"
        status=1
        [ -n "$f" ] || f=1
    fi
    echo "  $(basename "$t"): $line"
    pass=$((pass + ${p:-0}))
    fail=$((fail + ${f:-0}))
done
echo "$pass passed, $fail failed"
exit $status
