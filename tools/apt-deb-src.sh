#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# apt-deb-src.sh OUT
# Writes to OUT the deb-src entries that mirror this machine's own Debian
# deb entries (the ones for its release, VERSION_CODENAME in
# /etc/os-release), so that `apt-get source` works from the same mirror:
# no archive's host name is written in the tree. Reads deb822 .sources
# files and one-line .list files. Prints nothing and leaves OUT alone when
# its content would not change; exits 2 when no entry was found.
set -eu
out=$1
# shellcheck disable=SC1091
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || { echo "apt-deb-src: no VERSION_CODENAME in /etc/os-release" >&2; exit 2; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    if [ ! -f "$f" ] || [ "$f" = "$out" ]; then continue; fi
    # deb [options] URI SUITE COMPONENTS...
    awk -v c="$codename" '$1 == "deb" {
        i = 2; opts = ""
        if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts $i " "; i++ } opts = opts $i " "; i++ }
        if ($(i + 1) != c) next
        line = "deb-src " opts; for (j = i; j <= NF; j++) line = line $j (j < NF ? " " : "")
        print line }' "$f" >> "$tmp"
done
for f in /etc/apt/sources.list.d/*.sources; do
    if [ ! -f "$f" ] || [ "$f" = "$out" ]; then continue; fi
    # One stanza per paragraph; keep those of type deb that name our suite,
    # as deb-src, with their URIs, suites, components and signing key.
    awk -v c="$codename" 'function flush() {
            if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " c " ")) {
                printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n", uris, suites, comps
                if (key != "") printf "Signed-By: %s\n", key
                printf "\n"
            }
            types = uris = suites = comps = key = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        { k = $1; sub(/^[^:]*:[ \t]*/, "") }
        k == "Types:" { types = $0 } k == "URIs:" { uris = $0 } k == "Suites:" { suites = $0 }
        k == "Components:" { comps = $0 } k == "Signed-By:" { key = $0 }
        END { flush() }' "$f" >> "$tmp"
done
[ -s "$tmp" ] || { echo "apt-deb-src: no deb entry for $codename in the apt sources" >&2; exit 2; }
if [ -f "$out" ] && cmp -s "$tmp" "$out"; then exit 0; fi
cp "$tmp" "$out" && chmod 644 "$out"
echo "apt-deb-src: wrote $out"
