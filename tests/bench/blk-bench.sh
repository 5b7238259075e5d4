#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The storage figures of `make bench` (called by bench.sh after the
# network's; alone: `make bench BENCH=blk`, or tests/bench/blk-bench.sh
# with the images and peers built). One Xen boot:
#
# - dom0's own figures first, on a 128 MiB image file in its tmpfs (/run)
#   and on a loop device over it (what blkback reads and writes), while no
#   guest runs: busybox dd sequential writes and reads with 4 KiB and
#   1 MiB blocks, and blk_peer's 4 KiB random reads with 1 and 32 in
#   flight. dd on the loop device uses iflag=direct/oflag=direct; on the
#   file it cannot (tmpfs refuses O_DIRECT in Linux 6.1), so those go
#   through the page cache the file lives in: memory speed, the upper
#   bound.
# - then the guest (tests/apps/blktest, mode bench) on the same image
#   through blkfront and blkback, measuring itself (dom0 only waits for it
#   to end, in a XenStore watch): sequential writes and reads of 4 KiB and
#   1 MiB (one in flight), 4 KiB random reads with 1 and 32 in flight,
#   each for 2 s or the whole image; as negotiated, with
#   blk_persistent=0 (no persistent grants: each request's pages granted
#   and ended) and with blk_indirect=0 (no indirect descriptors: at most 11
#   segments per ring request, a 1 MiB request split in 24); three runs of
#   each, interleaved.
#
# Each guest figure is the median of the three runs, with their spread.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/bench/blk
mkdir -p "$out"
runs=${BLK_BENCH_RUNS:-3}
img=/run/blk/bench.img
disk="disk = [ \"format=raw,vdev=xvda,access=rw,script=block-uk,target=$img\" ]"

# dom0's figures, in the setup script of a case whose guest (hello) does
# nothing: they run before it starts. The image is filled (not sparse), so
# that reads find real pages.
cat > "$out/blk-dom0.test" <<'CASE'
APP=hello
TIMEOUT=300
PEERS=blk_peer
DOM0_SETUP='img=/run/blk/bench.img
rm -rf /run/blk && mkdir -p /run/blk || exit 1
dd if=/dev/zero of=$img bs=1M count=128 2> /dev/null || exit 1
# "dom0 WHERE NAME: X MB/s (B bytes in S s)": timed here, since this
# busybox dd prints no rate, by /proc/uptime (10 ms steps; each run takes
# half a second or more).
figure() { # WHERE NAME BYTES dd-arguments...
    w=$1 n=$2 b=$3
    shift 3
    read -r t0 _ < /proc/uptime
    dd "$@" 2> /dev/null || { echo "dom0 $w $n: dd failed"; return; }
    read -r t1 _ < /proc/uptime
    echo "dom0 $w $n: $(awk "BEGIN { s = $t1 - $t0; if (s > 0) printf \"%.2f MB/s ($b bytes in %.2f s)\", $b / s / 1e6, s; else print \"none\" }")"
}
sync
figure file seq_write_4k 134217728 if=/dev/zero of=$img bs=4k count=32768 conv=notrunc
figure file seq_write_1m 134217728 if=/dev/zero of=$img bs=1M count=128 conv=notrunc
figure file seq_read_4k 134217728 if=$img of=/dev/null bs=4k count=32768
figure file seq_read_1m 134217728 if=$img of=/dev/null bs=1M count=128
$PEERS/blk_peer randread $img 4096 1 2 | sed "s/^/dom0 file rand_read_4k_qd1: /"
$PEERS/blk_peer randread $img 4096 32 2 | sed "s/^/dom0 file rand_read_4k_qd32: /"
loop=$(losetup -f) && losetup $loop $img || exit 1
figure loop seq_write_4k 67108864 if=/dev/zero of=$loop bs=4k count=16384 oflag=direct
figure loop seq_write_1m 134217728 if=/dev/zero of=$loop bs=1M count=128 oflag=direct
figure loop seq_read_4k 67108864 if=$loop of=/dev/null bs=4k count=16384 iflag=direct
figure loop seq_read_1m 134217728 if=$loop of=/dev/null bs=1M count=128 iflag=direct
$PEERS/blk_peer randread $loop 4096 1 2 direct | sed "s/^/dom0 loop rand_read_4k_qd1: /"
$PEERS/blk_peer randread $loop 4096 32 2 direct | sed "s/^/dom0 loop rand_read_4k_qd32: /"
losetup -d $loop'
CASE

variants="default nopersist noindirect"
knob() {
    case $1 in
        nopersist) echo " blk_persistent=0" ;;
        noindirect) echo " blk_indirect=0" ;;
    esac
}
cases=("$out/blk-dom0.test")
for i in $(seq 1 "$runs"); do
    for v in $variants; do
        cat > "$out/blk-$v-$i.test" <<CASE
APP=blktest
CMDLINE="bench bytes=128M seconds=2$(knob "$v")"
TIMEOUT=120
XL='$disk'
DOM0_SETUP='[ -f $img ] || { mkdir -p /run/blk && dd if=/dev/zero of=$img bs=1M count=128 2> /dev/null; }'
CASE
        cases+=("$out/blk-$v-$i.test")
    done
done
"$top/tests/rig/run-tests.sh" --quiet "${cases[@]}" > "$out/rig.out" 2>&1
results=$build/rig/results

# One guest figure over the runs of a variant: "MEDIAN [MIN-MAX]".
figure() { # VARIANT NAME FIELD(MB/s: 1, req/s: 3)
    for i in $(seq 1 "$runs"); do
        sed -n "s/^blkbench: $2 \([0-9.]*\) MB\/s \([0-9.]*\) req\/s .*/\1 \1 \2/p" \
            "$results/blk-$1-$i.log" 2>/dev/null | cut -d " " -f "$3"
    done | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%s [%s-%s]", v[int((NR + 1) / 2)], v[1], v[NR]; else printf "none" }'
}
# dom0's figure: dd's MB/s or blk_peer's reads/s.
dom0_figure() { # WHERE NAME
    sed -n "s/^dom0: dom0 $1 $2: \([0-9.]*\) MB\/s .*/\1/p; s/^dom0: dom0 $1 $2: .* \([0-9]*\) reads\/s$/\1/p" \
        "$results/blk-dom0.log" | head -n 1
}
negotiated() { # VARIANT
    sed -n 's/^blktest: xvda (vbd [0-9]*): .*ring pages \([0-9]*\), segments \([0-9]*\), persistent \([01]\).*/ring pages \1, segments \2, persistent \3/p' \
        "$results/blk-$1-1.log" 2>/dev/null | head -n 1
}

echo "== storage: guest through blkfront and blkback, dom0 on the same image in the same boot (guest: $runs runs, median [spread]) =="
for v in $variants; do printf '%-12s %s\n' "$v:" "$(negotiated "$v")"; done
printf '%-26s %-22s %-22s %-22s %-12s %s\n' "figure" "guest" "blk_persistent=0" "blk_indirect=0" \
    "dom0 loop" "dom0 file"
row() { # LABEL NAME FIELD
    printf '%-26s %-22s %-22s %-22s %-12s %s\n' "$1" "$(figure default "$2" "$3")" \
        "$(figure nopersist "$2" "$3")" "$(figure noindirect "$2" "$3")" \
        "$(dom0_figure loop "$2" | sed 's/^$/none/')" "$(dom0_figure file "$2" | sed 's/^$/none/')"
}
row "seq write 4 KiB MB/s" seq_write_4k 1
row "seq write 1 MiB MB/s" seq_write_1m 1
row "seq read 4 KiB MB/s" seq_read_4k 1
row "seq read 1 MiB MB/s" seq_read_1m 1
row "rand read 4 KiB qd1 /s" rand_read_4k_qd1 3
row "rand read 4 KiB qd32 /s" rand_read_4k_qd32 3
echo "(dom0 loop: dd with iflag/oflag=direct on a loop device over the image, blk_peer with O_DIRECT;"
echo " dom0 file: the image file itself, through the page cache: tmpfs has no O_DIRECT)"

if grep -qE '^not ok' "$out/rig.out"; then
    echo "(some storage benchmark runs failed; see $out/rig.out)"
    grep -E '^(not )?ok ' "$out/rig.out"
fi
