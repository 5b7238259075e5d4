#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The network figures of `make bench` (called by bench.sh; alone:
# tests/bench/net-bench.sh with the images and peers built). One Xen boot:
#
# - three runs of one case with two guests, apps/echo (10.0.0.2) and
#   apps/httpd (10.0.0.3), both idle while dom0 measures its own loopback
#   first (the same apps built for Linux, echo-linux and httpd-linux, and
#   the same net_peer), then the guests one figure at a time: TCP
#   throughput each way (64 MiB to echo's discard port, 64 MiB from its
#   source port), ping round trip (1,000), HTTP GET / with keep-alive
#   (1,000 on one connection) and without (300, a connection each), with
#   latency percentiles;
# - httpd at several memory= sizes, each fetching its page once: the least
#   it serves in.
#
# Each figure is the median of the three runs, with their spread.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/bench/net
mkdir -p "$out"
elf=$build/apps/httpd/httpd.elf
BYTES=67108864

cat > "$out/net-1.test" <<CASE
APP=echo
CMDLINE="ip=10.0.0.2/24"
GUEST2_APP=httpd
GUEST2_CMDLINE="ip=10.0.0.3/24"
XL='vif = [ "bridge=xenbr0,script=vif-uk" ]'
PEERS="net_peer echo-linux httpd-linux"
TIMEOUT=600
SHUTDOWN=vanished
DOM0='rig-wait-log -t 60 "\$LOG" "^echo: listening on " || exit 1
rig-wait-log -t 60 "\$LOG_2" "^httpd: listening on " || exit 1
P=\$PEERS/net_peer
# Each line goes out as it comes (no sed buffering it): a run that times
# out still reports the figures it got.
figures() { # WHO ECHO_HOST ECHO_PORT HTTP_HOST HTTP_PORT
    {
        \$P -t 120 tcp-send \$2 \$((\$3 + 1)) $BYTES
        \$P -t 120 tcp-recv \$2 \$((\$3 + 2)) $BYTES
        \$P -t 60 ping \$2 1000
        \$P -t 120 http \$4 \$5 1000 keepalive
        \$P -t 120 http \$4 \$5 300 close
    } 2>&1 | while read -r l; do echo "\$1 \$l"; done
}
\$PEERS/echo-linux 7007 > echo.log 2>&1 &
e=\$!
\$PEERS/httpd-linux 8080 > httpd.log 2>&1 &
h=\$!
rig-wait-log -t 10 echo.log "^echo: listening" && rig-wait-log -t 10 httpd.log "^httpd: listening" &&
    figures loopback 127.0.0.1 7007 127.0.0.1 8080
kill \$e \$h
figures guest 10.0.0.2 7 10.0.0.3 80
# The guest stack counters after all that, in the log of the case, for a run that went wrong.
\$P -t 20 get 10.0.0.3 80 /stats | grep -E "^(net_|connections_|requests|if0_(rx|tx))" | tr "\n" " "
xl destroy \$DOMID_2
xl destroy \$DOMID'
CASE
for i in 2 3; do cp "$out/net-1.test" "$out/net-$i.test"; done

mems="1 2 3 4 6 8"
for m in $mems; do
    cat > "$out/httpd-mem$m.test" <<CASE
APP=httpd
MEMORY=$m
CMDLINE="ip=10.0.0.2/24"
XL='vif = [ "bridge=xenbr0,script=vif-uk" ]'
PEERS=net_peer
TIMEOUT=60
SHUTDOWN=vanished
EXPECT='^dom0: served: <body><h1>Hello'
DOM0='line=\$(rig-wait-log -t 40 -p "\$LOG" "^httpd: (listening on|no network)")
case \$line in
*listening*) echo "served: \$(\$PEERS/net_peer -t 20 get 10.0.0.2 80 / | grep "<h1>")" ;;
*) echo "\$line" ;;
esac
xl destroy \$DOMID 2>/dev/null'
CASE
done

cases=("$out/net-1.test" "$out/net-2.test" "$out/net-3.test")
for m in $mems; do cases+=("$out/httpd-mem$m.test"); done
"$top/tests/rig/run-tests.sh" --quiet "${cases[@]}" > "$out/rig.out" 2>&1

echo "== network: guest through netback and the bridge, and dom0's own loopback in the same boot (three runs: median [spread]) =="
# One figure of the three runs: "MEDIAN [MIN-MAX]" of what the sed
# expression takes from each run's net_peer line.
figure() { # SED-EXPRESSION
    for i in 1 2 3; do sed -n "$1" "$build/rig/results/net-$i.log"; done | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) printf "%s [%s-%s]", v[int((NR + 1) / 2)], v[1], v[NR]; else printf "none" }'
}
row() { # NAME SED-EXPRESSION-WITH-@WHO@
    printf '%-34s %-26s %s\n' "$1" "$(figure "${2//@WHO@/guest}")" "$(figure "${2//@WHO@/loopback}")"
}
printf '%-34s %-26s %s\n' "figure" "guest" "dom0 loopback"
w="dom0: @WHO@ net_peer:"
row "TCP dom0 -> peer MB/s" "s/^$w tcp-send .*: \([0-9.]*\) MB\/s.*/\1/p"
row "TCP peer -> dom0 MB/s" "s/^$w tcp-recv .*: \([0-9.]*\) MB\/s.*/\1/p"
row "ping round trip avg ms" "s/^$w ping .* avg \([0-9.]*\) .*/\1/p"
row "ping round trip p50 ms" "s/^$w ping .* p50 \([0-9.]*\) .*/\1/p"
row "ping round trip p99 ms" "s/^$w ping .* p99 \([0-9.]*\) .*/\1/p"
row "ping lost of 1000" "s/^$w ping .* \([0-9]*\) lost.*/\1/p"
for mode in keepalive close; do
    row "HTTP $mode requests/s" "s/^$w http $mode: .* \([0-9.]*\) req\/s.*/\1/p"
    for q in p50 p90 p99; do
        row "HTTP $mode latency $q ms" "s/^$w http $mode: .* $q \([0-9.]*\).*/\1/p"
    done
done

echo "== httpd image and memory =="
read -r text data bss _ < <(size "$elf" | awk 'NR == 2')
strip -o "$out/httpd.stripped" "$elf"
printf '%-46s %10s\n' "httpd text bytes" "$text" "httpd data bytes" "$data" "httpd bss bytes" "$bss" \
    "httpd stripped bytes" "$(stat -c %s "$out/httpd.stripped")"
least=none
for m in $mems; do
    if grep -q "^ok [0-9]* - httpd-mem$m " "$out/rig.out"; then least="$m MiB"; break; fi
done
printf '%-46s %10s (tried: %s MiB)\n' "least memory= httpd serves its page in" "$least" "$mems"

# httpd-memN may fail by design (that is how the least memory is found).
if grep -E '^not ok' "$out/rig.out" | grep -vq 'httpd-mem'; then
    echo "(some network benchmark runs failed; see $out/rig.out)"
    grep -E '^(not )?ok ' "$out/rig.out"
fi
