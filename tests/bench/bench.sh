#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# `make bench`: print the benchmark figures. One Xen boot runs every guest
# benchmark; host-side figures come from the same code built for the host.
# Under nested emulation absolute guest times only indicate: compare cycles,
# bytes and ratios.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/bench
mkdir -p "$out"
elf=$build/apps/hello/hello.elf

# BENCH=net or BENCH=blk (`make bench BENCH=blk`): only that part, in a
# boot of its own; anything else, everything.
case ${BENCH:-all} in
    net) exec "$top/tests/bench/net-bench.sh" ;;
    blk) exec "$top/tests/bench/blk-bench.sh" ;;
esac

echo "== image (apps/hello) =="
read -r text data bss _ < <(size "$elf" | awk 'NR == 2')
loaded=0
for sz in $(readelf -lW "$elf" | awk '$1 == "LOAD" { print $5 }'); do loaded=$((loaded + sz)); done
printf '%-34s %10s\n' "hello text bytes" "$text" "hello data bytes" "$data" \
    "hello bss bytes" "$bss" "hello loaded (file) bytes" "$loaded" \
    "hello ELF file bytes" "$(stat -c %s "$elf")"
# Stripped, as Mini-OS's and Solo5's are compared; the link maps say what is in them.
for app in hello console-onewrite; do
    strip -o "$out/$app.stripped" "$build/apps/$app/$app.elf"
    printf '%-34s %10s\n' "$app stripped bytes" "$(stat -c %s "$out/$app.stripped")"
done
for app in hello console-onewrite; do
    echo "largest contributors to $app (bytes in the file, from its link map):"
    "$top/tools/linkmap-top.sh" "$build/apps/$app/$app.elf.map" 10 "$build/lib/libunikernel.a" | sed 's/^/  /'
done

# Cases made here: hello at several memory sizes, the in-guest benchmark.
for m in 1 2 3; do
    printf 'APP=hello\nMEMORY=%s\nEXPECT=%s\n' "$m" "'^exit status 0'" > "$out/hello-mem$m.test"
done
# dom0 stays quiet while the guest measures: it sets a XenStore watch on
# bench-done, makes the guest a node beside its own (/bench/guest, like
# xs_peer's /bench/dom0), lets the guest start (bench-go) and sleeps in the
# watch; its own XenStore loop runs once the guest's has finished.
cat > "$out/bench-1.test" <<'CASE'
APP=bench
TIMEOUT=240
PEERS=xs_peer
DOM0='d=/local/domain/$DOMID/data
timeout 200 xenstore-watch -n 2 "$d/bench-done" > watch.out &
rig-wait-log -t 10 watch.out . || exit 1
xenstore-write /bench/guest 0 && xenstore-chmod /bench/guest n0 b$DOMID
xenstore-write "$d/bench-go" 1
wait
$PEERS/xs_peer bench 500'
CASE
# Every figure three times (median and spread): the bench app and the
# event round trip each run in three guests, one after another.
for i in 2 3; do cp "$out/bench-1.test" "$out/bench-$i.test"; done
for i in 1 2 3; do
    for c in event-ping vchan-client; do cp "$top/tests/cases/$c.test" "$out/$c-$i.test"; done
    # The second guest of case NAME is NAME-2: the copy's expectations say so.
    # Its dom0 script looks at the logs every 5 s, not 0.1 s, so that it is
    # asleep while the pair measures.
    sed "s/shmem-2/shmem-$i-2/g; s/rig-wait-log /rig-wait-log -i 5 /" "$top/tests/cases/shmem.test" \
        > "$out/shmem-$i.test"
done

"$top/tests/rig/run-tests.sh" --quiet "$out/hello-mem1.test" "$out/hello-mem2.test" \
    "$out/hello-mem3.test" "$top/tests/cases/hello.test" \
    "$out/bench-1.test" "$out/bench-2.test" "$out/bench-3.test" \
    "$out/event-ping-1.test" "$out/event-ping-2.test" "$out/event-ping-3.test" \
    "$out/shmem-1.test" "$out/shmem-2.test" "$out/shmem-3.test" \
    "$out/vchan-client-1.test" "$out/vchan-client-2.test" "$out/vchan-client-3.test" \
    > "$out/rig.out" 2>&1
serial=$build/rig/last-run.log

echo "== memory =="
least=none
for m in 1 2 3; do
    if grep -q "^ok [0-9]* - hello-mem$m " "$out/rig.out"; then least="$m MiB"; break; fi
done
printf '%-34s %10s\n' "least memory= hello boots in" "$least"

echo "== boot (hello, dom0 clock, ms) =="
times=$(sed -n 's/.*@@RIG times hello //p' "$serial" | tail -n 1)
for k in create_ms first_output_ms run_ms; do
    printf '%-34s %10s\n' "xl create -> $k" "$(echo "$times" | tr ' ' '\n' | sed -n "s/^$k=//p")"
done

# "KEY VALUE REST" lines from three runs -> KEY, the median VALUE, the
# spread, and the REST of the run that gave the median.
median3() {
    awk '{ n[$1]++; v[$1, n[$1]] = $2; $2 = ""; r[$1, n[$1]] = $0; if (!($1 in o)) o[$1] = ++k; }
    END {
        for (key in o) ord[o[key]] = key
        for (i = 1; i <= k; i++) {
            key = ord[i]; c = n[key]
            for (a = 1; a <= c; a++) s[a] = a
            for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++)
                if (v[key, s[b]] + 0 < v[key, s[a]] + 0) { t = s[a]; s[a] = s[b]; s[b] = t }
            m = s[int((c + 1) / 2)]; rest = r[key, m]; sub("^" key "  *", "", rest)
            printf "%-34s %10s %s [%s-%s, %d runs]\n", key, v[key, m], rest, v[key, s[1]], v[key, s[c]], c
        }
    }'
}

echo "== guest (bench app, three guests: median, [spread]) =="
for i in 1 2 3; do
    sed -n 's/^bench: \([a-z_0-9]*\) \([0-9.]*\) \(.*\)/\1 \2 \3/p' "$build/rig/results/bench-$i.log"
done | median3

echo "== boot breakdown (first bench guest: guest TSC; hypercalls and pages do not vary with emulation) =="
sed -n 's/^boot: //p' "$build/rig/results/bench-1.log"

# Three runs' lines of one figure: the run with the median of field $1
# (whitespace-separated), then the spread.
median_line() {
    sort -t ' ' -k "$1,$1" -g | awk -v f="$1" '{ l[NR] = $0; v[NR] = $f }
        END { if (NR) printf "%s [%s-%s, %d runs]\n", l[int((NR + 1) / 2)], v[1], v[NR], NR }'
}

echo "== XenStore: dom0 libxenstore after each guest (the guest's own figures above) =="
for i in 1 2 3; do sed -n 's/^dom0: xs_peer: //p' "$build/rig/results/bench-$i.log"; done | median_line 3

echo "== event channel round trip with dom0 (libxenevtchn peer, three guests) =="
for i in 1 2 3; do sed -n 's/^dom0: evtchn_peer: //p' "$build/rig/results/event-ping-$i.log"; done |
    median_line 6

echo "== grant tables (shmem pair: 64 MiB through a 64 KiB window, three pairs) =="
for i in 1 2 3; do
    sed -n 's/^shmem: ok \(64 MiB sent.*\)/\1/p' "$build/rig/results/shmem-$i.log"
done | sed 's/, \([0-9.]*\) MB\/s$/ \1 MB\/s/' | median_line 9
for i in 1 2 3; do sed -n 's/^\(\[shmem-[0-9]-2\] \)\{0,1\}shmem: ok bench: grant copy \([0-9.]*\) .*/grant copy \2 MB\/s/p' \
    "$build/rig/results/shmem-$i.log"; done | median_line 3
for i in 1 2 3; do sed -n 's/^\(\[shmem-[0-9]-2\] \)\{0,1\}shmem: ok bench: map+unmap \([0-9.]*\) .*/map+unmap \2 us per page/p' \
    "$build/rig/results/shmem-$i.log"; done | median_line 2

echo "== vchan with dom0's libxenvchan (1 MiB echo, 64 KiB rings, three guests) =="
for i in 1 2 3; do
    sed -n 's/^vchan: ok 1048576 bytes echoed.*, \([0-9.]*\) MB\/s each way/1 MiB echo \1 MB\/s each way/p' \
        "$build/rig/results/vchan-client-$i.log"
done | median_line 4

echo "== host: cooperative switch (arch/x86/switch.S) =="
gcc -O2 -o "$out/switch_host" "$top/tests/bench/switch_host.c" "$top/arch/x86/switch.S" &&
    "$out/switch_host" | while read -r k v u; do printf '%-34s %10s %s\n' "$k" "$v" "$u"; done

# hello-memN may fail by design (that is how the least memory is found).
if grep -E '^not ok' "$out/rig.out" | grep -vq 'hello-mem'; then
    echo "(some benchmark guests failed; see $out/rig.out)"
    grep -E '^(not )?ok ' "$out/rig.out"
fi

# The network figures: a boot of their own (tests/bench/net-bench.sh);
# then the storage figures, another (tests/bench/blk-bench.sh).
"$top/tests/bench/net-bench.sh"
"$top/tests/bench/blk-bench.sh"
