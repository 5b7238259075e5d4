#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The largest contributors to an image, from its GNU ld link map (each app
# link writes NAME.elf.map): bytes each input object puts in the file
# (.text, .rodata, .data, .ksyms, .initcall, .note; not .bss), largest first.
# Usage: linkmap-top.sh MAP [N [ARCHIVE]]   (N lines, default 10)
# The runtime links as one object (libunikernel.o, mk/lib.mk), whose input
# sections keep their names (ld -r --unique): given the archive of the same
# objects, each section of libunikernel.o is counted under the source file
# it came from, as libunikernel.o(FILE.o).
set -eu
map=$1
n=${2:-10}
archive=${3:-}
owners=$(mktemp)
trap 'rm -f "$owners"' EXIT
if [ -n "$archive" ]; then
    objdump -h "$archive" | awk '/file format/ { obj = $1; sub(/:$/, "", obj); next }
        $2 ~ /^\./ && !($2 in seen) { seen[$2] = 1; print $2, obj }' > "$owners"
fi
awk -v owners="$owners" '
BEGIN { while ((getline line < owners) > 0) { split(line, kv, " "); owner[kv[1]] = kv[2] } }
function hex(s,    v, i, c) {
    v = 0
    s = tolower(substr(s, 3))
    for (i = 1; i <= length(s); i++) {
        c = index("0123456789abcdef", substr(s, i, 1)) - 1
        v = v * 16 + c
    }
    return v
}
/^Linker script and memory map/ { on = 1; next }
!on { next }
# An input section: " .name ADDR SIZE FILE", or a long name alone on its
# line with " ADDR SIZE FILE" on the next.
/^ \.[^ ]+$/ { pend = $1; next }
{
    if (pend != "" && $1 ~ /^0x/ && NF == 3) { name = pend; size = $2; file = $3 }
    else if ($0 ~ /^ \./ && NF == 4 && $2 ~ /^0x/) { name = $1; size = $3; file = $4 }
    else { pend = ""; next }
    pend = ""
    if (name !~ /^\.(text|rodata|data|ksyms|initcall|note)/) next
    sub(/.*\//, "", file)
    if (file == "libunikernel.o" && (name in owner)) file = file "(" owner[name] ")"
    bytes[file] += hex(size)
}
END { for (f in bytes) if (bytes[f] > 0) printf "%8d  %s\n", bytes[f], f }
' "$map" | sort -rn | head -n "$n"
