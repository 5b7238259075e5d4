/*
 * memory: prints the memory map, then allocates and touches most of the
 * guest's RAM through malloc, frees it, and allocates it again, checking the
 * contents each time. Run with memory=32.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/kernel.h>
#include <uk/mm.h>

#define CHUNK      (1024 * 1024)
#define MAX_CHUNKS 1024

static unsigned char *chunks[MAX_CHUNKS];

/* Allocate 1 MiB chunks until malloc fails; fill each with a pattern. */
static int fill(unsigned int round)
{
    int n = 0;

    while (n < MAX_CHUNKS && (chunks[n] = malloc(CHUNK)) != NULL) {
        for (size_t i = 0; i < CHUNK; i += 512)
            chunks[n][i] = (unsigned char)(n * 7 + i / 512 + round);
        n++;
    }
    return n;
}

static int verify(int n, unsigned int round)
{
    int bad = 0;

    for (int c = 0; c < n; c++)
        for (size_t i = 0; i < CHUNK; i += 512)
            if (chunks[c][i] != (unsigned char)(c * 7 + i / 512 + round))
                bad++;
    return bad;
}

int main(int argc, char **argv)
{
    uint64_t total = page_total_count() * PAGE_SIZE;
    int n1, n2, bad;

    (void)argc;
    (void)argv;
    kernel_print_memmap();
    printf("memory: %llu KiB managed, %llu KiB free before\n", (unsigned long long)(total >> 10),
           (unsigned long long)(page_free_count() * PAGE_SIZE >> 10));

    n1 = fill(1);
    bad = verify(n1, 1);
    printf("memory: round 1: %d MiB allocated and touched, %d bad\n", n1, bad);
    for (int c = 0; c < n1; c++)
        free(chunks[c]);

    n2 = fill(2);
    bad += verify(n2, 2);
    printf("memory: round 2: %d MiB allocated and touched, %d bad\n", n2, bad);
    for (int c = 0; c < n2; c++)
        free(chunks[c]);

    /* Most of RAM: at least 3/4 of what the page allocator manages. */
    if (bad || n1 < 1 || n2 < n1 || (uint64_t)n1 * CHUNK < total / 4 * 3) {
        printf("memory: FAIL\n");
        return 1;
    }
    printf("memory: ok\n");
    return 0;
}
