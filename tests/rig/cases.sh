# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=dash disable=SC2154 # the caller sets the variables below
# Test cases (tests/cases/*.test, docs/testing.md) packed for a dom0 and
# judged from what dom0 reported; sourced by run-tests.sh (the nested rig)
# and run-on-host.sh (dom0 of a real Xen host), so that both run the same
# cases the same way. dom0's side is run-cases.sh.
#
# The caller sets: top (the tree), build (images and their xl configs:
# $build/apps/APP/APP.{elf,cfg}; peers: $build/peers/NAME), and for packing stage (cases go to
# $stage/tests/NAME, peers to $stage/peers) and kernel_root (where dom0
# finds $stage/tests: /tests in the rig); for judging serial (dom0's @@
# report, with Xen's (dN) lines), results (a directory for NAME.log) and
# show (1: print every case's lines).
# POSIX sh with `local` (dash, busybox ash, bash): run-on-host.sh runs
# wherever dom0 has a shell.

case_file() {
    if [ -f "$1" ]; then echo "$1"; else echo "$top/tests/cases/$1.test"; fi
}

# check_cases CASE...: every case exists, else a message and status 2.
check_cases() {
    local c
    for c in "$@"; do
        [ -f "$(case_file "$c")" ] || { echo "rig: no test case $c (tests/cases/$c.test)" >&2; return 2; }
    done
}

# make_guest DIR GUEST APP MEMORY CMDLINE: the image and xl config of one
# guest. APP is an app's name (the build's apps/APP/APP.elf) or a path to
# an image (with a /; relative to the build directory); either way its xl
# config is the one the build made beside it (NAME.cfg, from the app's
# Makefile and tools/sdk/xl.cfg.in). $XL (the case's extra lines) applies
# to every guest of the case.
make_guest() {
    local d="$1" g="$2" app="$3" mem="$4" cmd="$5" cfg elf keys k
    case "$app" in
        /*) elf=$app ;;
        */*) elf=$build/$app ;;
        *) elf=$build/apps/$app/$app.elf ;;
    esac
    cfg=${elf%.elf}.cfg
    if [ -z "$app" ] || ! [ -f "$cfg" ] || ! [ -f "$elf" ]; then
        echo "rig: $g: no image ($elf) or config ($cfg) for app '$app'" >&2
        return 1
    fi
    # Without its debug info (the backtrace's symbols are in the image's own
    # table): a test carries its own copy, and at 1.6 MB each 87 of them
    # made dom0's 512 MB too small to unpack its initramfs.
    objcopy --strip-debug "$elf" "$d/$g.elf" 2>/dev/null || cp "$elf" "$d/$g.elf"
    # The base config without the keys the rig or the test sets.
    keys="name|kernel|on_poweroff|on_crash|on_reboot|on_watchdog|on_soft_reset"
    [ -n "$mem" ] && keys="$keys|memory"
    [ -n "$cmd" ] && keys="$keys|cmdline|extra"
    for k in $(printf '%s\n' "$XL" | sed -n 's/^[[:space:]]*\([a-z_]*\)[[:space:]]*=.*/\1/p'); do
        keys="$keys|$k"
    done
    {
        grep -Ev "^[[:space:]]*($keys)[[:space:]]*=" "$cfg"
        echo "name = \"$g\""
        echo "kernel = \"$kernel_root/$(basename "$d")/$g.elf\""
        # Keep a domain that has stopped, so that dom0 can read why.
        echo 'on_poweroff = "preserve"'
        echo 'on_crash = "preserve"'
        echo 'on_reboot = "preserve"'
        echo 'on_watchdog = "preserve"'
        echo 'on_soft_reset = "preserve"'
        [ -n "$mem" ] && echo "memory = $mem"
        # xl's strings take backslash escapes: a quote or backslash in
        # the command line is escaped, so the guest gets it as written.
        [ -n "$cmd" ] && printf 'cmdline = "%s"\n' "$(printf '%s' "$cmd" | sed 's/[\\"]/\\&/g')"
        if [ -n "$XL" ]; then printf '%s\n' "$XL"; fi
        # Without it xl sizes the paging pool itself, and a small guest's
        # create sometimes fails ("Failed to set paging mempool size").
        grep -Eq "^[[:space:]]*shadow_memory[[:space:]]*=" "$cfg" ||
            printf '%s\n' "$XL" | grep -Eq "^[[:space:]]*shadow_memory[[:space:]]*=" ||
            echo "shadow_memory = 2"
    } > "$d/$g.cfg"
}

# pack_case FILE NAME: one case into $stage/tests/NAME; prints its timeout.
pack_case() {
    local file="$1" name="$2" d i a m c p f
    APP='' CMDLINE='' MEMORY='' XL='' TIMEOUT=60 DOM0='' DOM0_SETUP='' PEERS='' STAGE='' FILES=''
    for i in 2 3 4; do eval "GUEST${i}_APP= GUEST${i}_CMDLINE= GUEST${i}_MEMORY="; done
    # A case that does not parse (a quote inside DOM0='...') would be packed
    # half read, and its guests would wait out the timeout with no script.
    if ! sh -n "$file" 2> "$stage/parse.err"; then
        echo "rig: $name: $file is not valid sh: $(cat "$stage/parse.err")" >&2
        return 1
    fi
    # shellcheck source=/dev/null # a case, any path; `make analyze` checks them
    . "$file"
    d=$stage/tests/$name
    mkdir -p "$d" "$stage/peers"
    echo "TIMEOUT=$TIMEOUT" > "$d/case"
    make_guest "$d" "$name" "$APP" "$MEMORY" "$CMDLINE" || return 1
    echo "$name" > "$d/guests"
    for i in 2 3 4; do
        eval "a=\$GUEST${i}_APP m=\$GUEST${i}_MEMORY c=\$GUEST${i}_CMDLINE"
        [ -n "$a" ] || continue
        make_guest "$d" "$name-$i" "$a" "$m" "$c" || return 1
        echo "$name-$i" >> "$d/guests"
    done
    # Images the dom0 script starts itself: TEST_DIR/stage-APP.{elf,cfg}.
    for a in $STAGE; do
        make_guest "$d" "stage-$a" "$a" "" "" || return 1
    done
    if [ -n "$DOM0_SETUP" ]; then
        printf '#!/bin/sh\n%s\n' "$DOM0_SETUP" > "$d/setup.sh"
        chmod +x "$d/setup.sh"
    fi
    if [ -n "$DOM0" ]; then
        printf '#!/bin/sh\n%s\n' "$DOM0" > "$d/dom0.sh"
        chmod +x "$d/dom0.sh"
    fi
    for p in $PEERS; do
        cp "$build/peers/$p" "$stage/peers/" || { echo "rig: $name: no peer $build/peers/$p" >&2; return 1; }
    done
    # Anything else the dom0 script needs, into TEST_DIR.
    for f in $FILES; do
        case "$f" in /*) ;; *) f=$top/$f ;; esac
        cp -r "$f" "$d/" || { echo "rig: $name: cannot pack $f" >&2; return 1; }
    done
    echo "$TIMEOUT"
}

# pack_cases CASE...: every case, and $stage/tests/order; sets
# total_timeout (the cases' timeouts, 15 s more each).
pack_cases() {
    local c file name t
    total_timeout=0
    : > "$stage/tests/order"
    for c in "$@"; do
        file=$(case_file "$c")
        name=$(basename "$file" .test)
        t=$(pack_case "$file" "$name") || return 1
        total_timeout=$((total_timeout + t + 15))
        echo "$name" >> "$stage/tests/order"
    done
}

# judge FILE NAME NUMBER: one case, from $serial: its console (PV ring),
# its (dN) lines from Xen (port 0xE9) and its dom0 scripts' output, written
# to $results/NAME.log. Prints its TAP line; returns 0 if it passed.
judge() {
    local file="$1" name="$2" number="$3" out domid end why i a want got pat rc times
    SHUTDOWN=poweroff EXPECT='' REJECT='' EXPECT_TEXT='' REJECT_TEXT='' DOM0='' DOM0_SETUP=''
    for i in 2 3 4; do eval "GUEST${i}_APP= GUEST${i}_SHUTDOWN="; done
    # shellcheck source=/dev/null # a case, any path; `make analyze` checks them
    . "$file"
    out=$results/$name.log
    domid=$(sed -n "s/.*@@RIG start $name domid=\([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
    end=$(sed -n "s/.*@@RIG end $name shutdown=\([a-z_-]*\).*/\1/p" "$serial" | tail -n 1)
    {
        sed -n "s/^.*@@LOG $name: //p; s/^.*@@OUT $name: /xl: /p" "$serial"
        if [ -n "$domid" ] && [ "$domid" != none ]; then
            sed -n "s/^.*(d$domid) /(d$domid) /p" "$serial"
        fi
        sed -n "s/.*@@RIG guest $name \([^ ]*\) domid=\([0-9]*\).*/\1 \2/p" "$serial" |
            while read -r g d; do sed -n "s/^.*(d$d) /[$g] (d$d) /p" "$serial"; done
        sed -n "s/^.*@@DOM0 $name: /dom0: /p" "$serial"
    } > "$out"
    why=""
    rc=$(sed -n "s/.*@@RIG setuprc $name \([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
    if [ -n "$DOM0_SETUP" ] && [ -n "$end" ] && [ "$rc" != 0 ]; then
        why="dom0 setup script exited with '${rc:-nothing}'"
    elif [ -z "$end" ]; then
        why="did not finish (the run stopped: see $serial)"
    elif [ "$end" != "$SHUTDOWN" ]; then
        why="shutdown was '$end', expected '$SHUTDOWN'"
    fi
    for i in 2 3 4; do
        eval "a=\$GUEST${i}_APP want=\${GUEST${i}_SHUTDOWN:-\$SHUTDOWN}"
        if [ -z "$a" ] || [ -n "$why" ]; then continue; fi
        got=$(sed -n "s/.*@@RIG gend $name $name-$i shutdown=\([a-z_-]*\).*/\1/p" "$serial" | tail -n 1)
        [ "$got" = "$want" ] || why="guest $name-$i: shutdown was '${got:-none}', expected '$want'"
    done
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            grep -Eq -- "$pat" "$out" || { why="missing: $pat"; break; }
        done <<EOF
$EXPECT
EOF
    fi
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            grep -Fq -- "$pat" "$out" || { why="missing text: $pat"; break; }
        done <<EOF
$EXPECT_TEXT
EOF
    fi
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            if grep -Eq -- "$pat" "$out"; then why="unexpected: $(grep -Em1 -- "$pat" "$out")"; break; fi
        done <<EOF
$REJECT
EOF
    fi
    if [ -z "$why" ]; then
        while IFS= read -r pat; do
            [ -n "$pat" ] || continue
            if grep -Fq -- "$pat" "$out"; then why="unexpected: $(grep -Fm1 -- "$pat" "$out")"; break; fi
        done <<EOF
$REJECT_TEXT
EOF
    fi
    if [ -z "$why" ] && [ -n "$DOM0" ]; then
        rc=$(sed -n "s/.*@@RIG dom0rc $name \([0-9a-z]*\).*/\1/p" "$serial" | tail -n 1)
        [ "$rc" = 0 ] || why="dom0 script exited with '${rc:-nothing}'"
    fi
    times=$(sed -n "s/.*@@RIG times $name //p" "$serial" | tail -n 1)
    if [ -z "$why" ]; then
        echo "ok $number - $name ${times:+($times)}"
    else
        echo "not ok $number - $name # $why"
        tail -n 40 "$out" | sed 's/^/#   | /'
    fi
    if [ "$show" = 1 ]; then
        echo "---- console of $name ----"
        cat "$out"
        echo "---- $name: shutdown: ${end:-none} ----"
    fi
    [ -z "$why" ]
}

# judge_cases CASE...: the TAP plan and a line per case; sets pass, fail.
judge_cases() {
    local c file number=0
    pass=0 fail=0
    mkdir -p "$results"
    echo "1..$#"
    for c in "$@"; do
        file=$(case_file "$c")
        number=$((number + 1))
        if (judge "$file" "$(basename "$file" .test)" "$number"); then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
        fi
    done
}
