/*
 * Included first in every fuzz target by mk/fuzz.mk (-include): libFuzzer
 * calls LLVMFuzzerTestOneInput but ships no header declaring it, and the
 * targets build with -Wmissing-prototypes like the rest of the tree. Being
 * forced in, it needs no #include in the targets.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
