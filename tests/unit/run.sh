#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run every host unit-test binary given and report each as TAP (`1..N`,
# `ok K - test_x: N passed, N failed`; a failing binary's own TAP output
# follows as `#` lines), then add up their `N passed, N failed` lines into
# one, and fail if any binary failed or crashed.
pass=0 fail=0 status=0 k=0
echo "1..$#"
for t in "$@"; do
    k=$((k + 1))
    out=$("$t" 2>&1)
    rc=$?
    line=$(printf '%s\n' "$out" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ] || [ $rc -ne 0 ]; then
        echo "not ok $k - $(basename "$t"): ${line} (exit $rc)"
        printf '%s\n' "$out" | sed 's/^/# /'
        status=1
        [ -n "$f" ] || f=1
    else
        echo "ok $k - $(basename "$t"): $line"
    fi
    pass=$((pass + ${p:-0}))
    fail=$((fail + ${f:-0}))
done
echo "$pass passed, $fail failed"
exit $status
