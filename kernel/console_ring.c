/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Producer side of a xencons-style ring: free-running 32-bit indices, so
 * prod - cons is the bytes in flight even across wrap-around.
 */
#include <uk/ring.h>

#include "console_ring.h"

long console_ring_put(char *out, size_t size, uint32_t cons, uint32_t *prod, const char *buf,
                      size_t len)
{
    uint32_t p = *prod;
    size_t used = (uint32_t)(p - cons), n;

    if (used > size)
        return -1;
    n = size - used;
    if (n > len)
        n = len;
    uk_ring_copy_to(out, size, p, buf, n);
    *prod = p + (uint32_t)n;
    return (long)n;
}
