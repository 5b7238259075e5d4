#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run each libFuzzer target for a bounded time, starting from its committed
# seed corpus (tests/fuzz/corpus/NAME/, read only) and a working corpus under
# DIR; print runs per second and corpus size per target, fail on any finding.
# Usage: run.sh DIR SECONDS NAME...
set -u
dir=$1 secs=$2
shift 2
status=0
for t in "$@"; do
    work="$dir/corpus-$t"
    seeds="tests/fuzz/corpus/$t"
    mkdir -p "$work" "$dir/findings-$t"
    [ -d "$seeds" ] || seeds=
    log="$dir/fuzz-$t.log"
    if "$dir/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="$dir/findings-$t/" "$work" ${seeds:+"$seeds"} >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        files=$(find "$work" -type f | wc -l)
        echo "  fuzz_$t: ${runs:-?} runs, ${rate:-?}/s, corpus $files inputs"
    else
        tail -n 40 "$log"
        echo "FAIL fuzz_$t: a finding is in $dir/findings-$t/"
        status=1
    fi
done
exit $status
