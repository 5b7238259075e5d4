#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The ways the docs build one app all work (`make app-paths`, run by
# `make test`): `make` in the app's directory, `make -C DIR`,
# `make build/apps/NAME/NAME.elf` at the top and the same from elsewhere
# with -f, each making the image and its xl config; and an app whose
# three-line Makefile is three directories deep, outside apps/.
#
#   tests/build/app-paths.sh TOP BUILD
set -euo pipefail
top=$1 build=$2
elf=$build/apps/hello/hello.elf cfg=$build/apps/hello/hello.cfg
fail=0

try() {
    local what=$1
    shift
    rm -f "$elf" "$cfg"
    if ! "$@" > "$build/app-paths.log" 2>&1 || ! [ -f "$elf" ] || ! [ -f "$cfg" ]; then
        echo "app-paths: FAIL $what"
        sed 's/^/  | /' "$build/app-paths.log"
        fail=1
    fi
}

try "make in apps/hello" bash -c "cd '$top/apps/hello' && make BUILD='$build'"
try "make -C apps/hello" make -C "$top/apps/hello" BUILD="$build"
# The docs' path is relative to the top, with the default build directory.
if [ "$build" = "$top/build" ]; then
    try "make build/apps/hello/hello.elf" make -C "$top" build/apps/hello/hello.elf
    try "make -f TOP/Makefile build/apps/hello/hello.elf from /" \
        bash -c "cd / && make -f '$top/Makefile' build/apps/hello/hello.elf"
else
    try "make BUILD/apps/hello/hello.elf" make -C "$top" BUILD="$build" "$elf"
fi

# Three directories deep, under the build directory.
deep=$build/app-paths/one/two/deep
rm -rf "$build/app-paths" && mkdir -p "$deep"
rel=$(realpath --relative-to="$deep" "$top/mk/app.mk")
# shellcheck disable=SC2016 # make's $(...), written into the Makefile as is
printf 'APP  := deep\nSRCS := main.c\ninclude $(dir $(lastword $(MAKEFILE_LIST)))%s\n' "$rel" > "$deep/Makefile"
printf '#include <stdio.h>\nint main(void)\n{\n    puts("deep");\n    return 0;\n}\n' > "$deep/main.c"
if ! make -C "$deep" BUILD="$build" > "$build/app-paths.log" 2>&1 || ! [ -f "$build/apps/deep/deep.elf" ]; then
    echo "app-paths: FAIL an app three directories deep ($deep)"
    sed 's/^/  | /' "$build/app-paths.log"
    fail=1
fi
rm -rf "$build/app-paths" "$build/apps/deep" "$build/app-paths.log"
[ $fail = 0 ] && echo "  APPS    every documented way of building one app works"
exit $fail
