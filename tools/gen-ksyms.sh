#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Write the assembly for an image's symbol table (see include/uk/ksyms.h).
# Input: `nm -n` output of the first link on stdin. Output: assembly on stdout.
# With no input (the first link) it writes an empty table of the same shape.
set -eu
awk '
BEGIN { n = 0; off = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\./ {
    addr = $1; name = $3
    if (addr == last) next           # aliases: keep the first name
    last = addr
    a[n] = addr; o[n] = off; s[n] = name
    off += length(name) + 1; n++
}
END {
    print "\t.section .ksyms, \"a\""
    print "\t.balign 8"
    print "\t.globl ksyms_count, ksyms_table, ksyms_names"
    printf "ksyms_count:\n\t.quad %d\n", n
    print "ksyms_table:"
    for (i = 0; i < n; i++) printf "\t.long 0x%s, %d\n", a[i], o[i]
    print "ksyms_names:"
    for (i = 0; i < n; i++) printf "\t.asciz \"%s\"\n", s[i]
}'
