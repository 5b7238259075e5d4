#!/bin/bash
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

echo "== image (apps/hello) =="
read -r text data bss _ < <(size "$elf" | awk 'NR == 2')
loaded=0
for sz in $(readelf -lW "$elf" | awk '$1 == "LOAD" { print $5 }'); do loaded=$((loaded + sz)); done
printf '%-34s %10s\n' "hello text bytes" "$text" "hello data bytes" "$data" \
    "hello bss bytes" "$bss" "hello loaded (file) bytes" "$loaded" \
    "hello ELF file bytes" "$(stat -c %s "$elf")"
# Stripped, as Mini-OS's and Solo5's are compared; the link maps say what is in them.
for app in hello onewrite; do
    strip -o "$out/$app.stripped" "$build/apps/$app/$app.elf"
    printf '%-34s %10s\n' "$app stripped bytes" "$(stat -c %s "$out/$app.stripped")"
done
for app in hello onewrite; do
    echo "largest contributors to $app (bytes in the file, from its link map):"
    "$top/tools/linkmap-top.sh" "$build/apps/$app/$app.elf.map" 10 | sed 's/^/  /'
done

# Cases made here: hello at several memory sizes, the in-guest benchmark.
for m in 1 2 3; do
    printf 'APP=hello\nMEMORY=%s\nEXPECT=%s\n' "$m" "'^exit status 0'" > "$out/hello-mem$m.test"
done
cat > "$out/bench.test" <<'CASE'
APP=bench
TIMEOUT=180
PEERS=xs_peer
# dom0's own XenStore loop, once the guest's has finished.
DOM0='for i in $(seq 1 1500); do grep -q "^bench: done" "$LOG" && break; sleep 0.1; done
$PEERS/xs_peer bench 500'
CASE
cp "$top/tests/cases/event-ping.test" "$out/event-ping.test"

"$top/tests/rig/run-tests.sh" --quiet "$out/hello-mem1.test" "$out/hello-mem2.test" \
    "$out/hello-mem3.test" "$top/tests/cases/hello.test" "$out/bench.test" \
    "$out/event-ping.test" "$top/tests/cases/shmem.test" \
    "$top/tests/cases/vchan-client.test" > "$out/rig.out" 2>&1
serial=$build/rig/last-run.log

echo "== memory =="
least=none
for m in 1 2 3; do
    if grep -q "^ok   hello-mem$m" "$out/rig.out"; then least="$m MiB"; break; fi
done
printf '%-34s %10s\n' "least memory= hello boots in" "$least"

echo "== boot (hello, dom0 clock, ms) =="
times=$(sed -n 's/.*@@RIG times hello //p' "$serial" | tail -n 1)
for k in create_ms first_output_ms run_ms; do
    printf '%-34s %10s\n' "xl create -> $k" "$(echo "$times" | tr ' ' '\n' | sed -n "s/^$k=//p")"
done

echo "== guest (bench app) =="
sed -n 's/^bench: \([a-z_0-9]*\) \([0-9.]*\) \(.*\)/\1 \2 \3/p' "$build/rig/results/bench.log" |
    while read -r k v u; do printf '%-34s %10s %s\n' "$k" "$v" "$u"; done

echo "== boot breakdown (bench app: guest TSC; hypercalls and pages do not vary with emulation) =="
sed -n 's/^boot: //p' "$build/rig/results/bench.log"

echo "== XenStore: guest client vs dom0 libxenstore (500 ops each) =="
sed -n 's/^dom0: xs_peer: //p' "$build/rig/results/bench.log"

echo "== event channel round trip with dom0 (libxenevtchn peer) =="
sed -n 's/^dom0: evtchn_peer: //p' "$build/rig/results/event-ping.log"

echo "== grant tables (shmem pair: 64 MiB through a 64 KiB window) =="
sed -n 's/^\(\[shmem-2\] \)\{0,1\}shmem: ok \(bench: .*\|64 MiB sent.*\|[0-9]* rounds received.*\)/\2/p' \
    "$build/rig/results/shmem.log"

echo "== vchan with dom0's libxenvchan (1 MiB echo, 64 KiB rings) =="
sed -n 's/^vchantest: \(1048576 bytes echoed.*\)/\1/p' "$build/rig/results/vchan-client.log"

echo "== host: cooperative switch (arch/x86/switch.S) =="
gcc -O2 -o "$out/switch_host" "$top/tests/bench/switch_host.c" "$top/arch/x86/switch.S" &&
    "$out/switch_host" | while read -r k v u; do printf '%-34s %10s %s\n' "$k" "$v" "$u"; done

# hello-memN may fail by design (that is how the least memory is found).
if grep -E '^FAIL' "$out/rig.out" | grep -vq 'hello-mem'; then
    echo "(some benchmark guests failed; see $out/rig.out)"
    grep -E '^(ok|FAIL)' "$out/rig.out"
fi
