#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check-globals.sh PUBLIC_SYMS RUNTIME_ARCHIVE APP.elf...
# No runtime internal is global in a linked app: every global symbol of each
# image that the runtime defines must be in the public list (the API of
# include/uk/ and newlib's names, made by mk/lib.mk). Prints, per image,
# how many of the runtime's symbols are global, and fails on any internal.
set -eu
syms=$1 archive=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm --defined-only "$archive" 2>/dev/null | awk 'NF==3{print $3}' | sort -u > "$tmp/runtime"
sort -u "$syms" > "$tmp/public"
status=0
for elf in "$@"; do
    nm -g --defined-only "$elf" | awk 'NF==3{print $3}' | sort -u > "$tmp/global"
    comm -12 "$tmp/global" "$tmp/runtime" > "$tmp/ours"
    comm -23 "$tmp/ours" "$tmp/public" > "$tmp/leaked"
    echo "$(basename "$elf"): $(wc -l < "$tmp/ours") of the runtime's symbols global, $(wc -l < "$tmp/leaked") internal"
    if [ -s "$tmp/leaked" ]; then
        echo "  internal symbols global in $elf: $(tr '\n' ' ' < "$tmp/leaked")"
        status=1
    fi
done
exit $status
