/*
 * stackoverflow: recurses until the boot stack's guard page is hit. The
 * report must call it a stack overflow, not a random page fault.
 */
#include <stdio.h>

/* Global, not static: a static one may be cloned under another name. */
unsigned long recurse_deeply(unsigned long depth);

__attribute__((noinline)) unsigned long recurse_deeply(unsigned long depth)
{
    volatile char frame[512];

    /* Unreachable with a 32 KiB stack; keeps the compiler from calling it infinite. */
    if (depth > (1ul << 40))
        return 0;
    frame[0] = (char)depth;
    frame[sizeof(frame) - 1] = frame[0];
    /* Not a tail call: the frame must stay live below the next one. */
    return recurse_deeply(depth + 1) + frame[sizeof(frame) - 1];
}

int main(void)
{
    printf("stackoverflow: recursing\n");
    printf("%lu\n", recurse_deeply(0));
    printf("stackoverflow: survived, which is wrong\n");
    return 1;
}
