/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Included first in every fuzz target by mk/fuzz.mk (-include): libFuzzer
 * calls LLVMFuzzerTestOneInput but ships no header declaring it, and the
 * targets build with -Wmissing-prototypes like the rest of the tree. Being
 * forced in, it needs no #include in the targets. It also gives every
 * target the one invariant check, check(cond).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant of a target: a broken one is a finding, so it aborts (which
 * libFuzzer saves as a crash), naming the condition and its line.
 */
#define check(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant broken: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
