#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Makes the tar fixtures of tests/unit/test_ustar.c (and the seeds of
# tests/fuzz/corpus/ustar/) with the host's GNU tar and busybox tar, the
# same bytes every time (fixed times, owners, order; 512-byte records).
# Run from the top of the tree; commit what it writes.
set -eu
out=tests/unit/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tree() {
    mkdir -p "$1/site/docs/sub" "$1/site/empty-dir"
    printf '<h1>index</h1>\n' > "$1/site/index.html"
    printf 'alpha\n' > "$1/site/docs/a.txt"
    printf 'deep file\n' > "$1/site/docs/sub/deep.txt"
    : > "$1/site/empty.txt"
    # 1,000 bytes: a file over one block, its last block padded.
    awk 'BEGIN { for (i = 0; i < 100; i++) printf "line %04d\n", i }' > "$1/site/docs/lines.txt"
    # A name of exactly 100 bytes (the name field has no NUL) ...
    n100=$(printf 'n%.0s' $(seq 1 96)).txt
    printf 'hundred\n' > "$1/site/$n100"
    # ... and a path over 100 bytes, which ustar splits into prefix and name.
    long="$1/site/long-directory-name-number-one/long-directory-name-number-two/long-directory-name-number-three"
    mkdir -p "$long"
    printf 'long path\n' > "$long/file-with-a-long-path.txt"
    ln -s index.html "$1/site/link-to-index"
    ln "$1/site/docs/a.txt" "$1/site/hard-a.txt"
}

tree "$tmp"
tar --format=ustar -b 1 --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner \
    -C "$tmp" -cf "$out/ustar-gnu.tar" site
# busybox tar (the rig's dom0 has it): GNU's magic, 'L' entries for long names.
if command -v busybox >/dev/null; then
    find "$tmp/site" -exec touch -h -d @1700000000 {} +
    (cd "$tmp" && busybox tar -cf - site) > "$tmp/bb.tar"
    cp "$tmp/bb.tar" "$out/ustar-busybox.tar"
fi
ls -l "$out"/ustar-*.tar

# Seeds of the fuzz target (tests/fuzz/corpus/ustar/): the fixtures, and a
# few small archives of the other kinds tar writes.
seeds=tests/fuzz/corpus/ustar
mkdir -p "$seeds" "$tmp/s"
cp "$out"/ustar-*.tar "$seeds/"
printf 'x\n' > "$tmp/s/one.txt"
deep="$tmp/s/$(printf 'd%.0s' $(seq 1 60))/$(printf 'e%.0s' $(seq 1 60))"
mkdir -p "$deep"
printf 'y\n' > "$deep/two.txt"
for fmt in ustar gnu pax v7; do
    tar --format=$fmt -b 1 --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner \
        -C "$tmp/s" -cf "$seeds/small-$fmt.tar" . 2>/dev/null || rm -f "$seeds/small-$fmt.tar"
done
# One with a bad checksum (a byte of the first header's time changed).
cp "$seeds/small-ustar.tar" "$seeds/bad-checksum.tar"
printf '7' | dd of="$seeds/bad-checksum.tar" bs=1 seek=140 conv=notrunc 2>/dev/null
ls -l "$seeds"
