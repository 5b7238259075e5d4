#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check-dropped.sh HELLO.elf
# The runtime links into an app as one object, yet what the app does not
# use must still be left out (--gc-sections, and init calls kept only by
# use: internal/kernel.h). hello uses no grants, vchan, network, block
# devices or POSIX threads: none of their code, data or init calls may be in
# its image. The XenStore client is in every image since it watches the
# control node (xl shutdown, docs/operating.md); the device helpers of
# xenbus are not.
set -eu
elf=$1
pattern=' (xenbus_|gnttab_|gref_|vchan_|pthread_|thrd_|mtx_|cnd_|initcall_gnttab|lwip_|tcpip_|tcp_|netif_|initcall_net|blkw_|blkfront_|uk_blk_|initcall_blk)'
found=$(nm "$elf" | grep -E "$pattern" || true)
if [ -n "$found" ]; then
    echo "check-dropped: $(basename "$elf") links subsystems it does not use:"
    echo "$found" | sed 's/^/  /'
    exit 1
fi
echo "$(basename "$elf"): no xenbus device helpers, grant, vchan, POSIX threads, network or block code ($(nm "$elf" | grep -c ' [tT] ') functions)"
