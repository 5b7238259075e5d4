/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The index arithmetic of the console's output ring, apart from the shared
 * page so that host tests and a fuzzer can drive it with any indices a
 * backend might leave there.
 */
#ifndef CONSOLE_RING_H
#define CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copy as much of `buf` as fits into the ring `out` of `size` bytes (a power
 * of two) whose consumer index is `cons` and producer index *prod (both
 * free-running), advancing *prod. Returns the bytes copied, or -1 when the
 * indices claim more than `size` bytes in flight: a backend that wrote
 * nonsense; then nothing is copied.
 */
long console_ring_put(char *out, size_t size, uint32_t cons, uint32_t *prod, const char *buf,
                      size_t len);

#endif
