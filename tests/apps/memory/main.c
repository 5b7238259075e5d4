/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memory: prints the memory map, then allocates and touches most of the
 * guest's RAM through malloc, frees it, and allocates it again, checking the
 * contents each time. Run with memory=32.
 *
 * memory high: for a guest with RAM above 4 GiB (memory= past the 4032 MiB
 * that fit below the hole libxl leaves under 4 GiB for a PVH guest). Takes
 * everything the page allocator has in blocks of 2 MiB or more, and in each
 * block above 4 GiB writes a word every 512 bytes holding its own address,
 * checks them, checks the page tables map each page to itself, and reads
 * words back through Xen by guest frame number. Then gives those blocks
 * back and checks that malloc's heap is backed by them.
 *
 * Before the rounds, the allocation calls beside malloc: calloc's overflow
 * check, posix_memalign, aligned_alloc, mallinfo.
 *
 * memory small: for memory=1, the smallest guest: the map, what the page
 * allocator has, and 256 KiB through malloc, touched and checked.
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <uk/gnttab.h>
#include <internal/heap.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#define TEST_NAME "memory"
#include "../expect.h"

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

#define GIB4       (1ull << 32)
#define MIN_ORDER  9 /* 2 MiB: smaller leftovers stay free */
#define MAX_BLOCKS 1024
#define STRIDE     512
#define SALT       0x5a5aa5a5c3c33c3cull
#define HEAP_TRY   (16 * CHUNK)
#define COPY_BATCH 64 /* words read back through Xen per hypercall */
#define COPY_EVERY (64 * 1024)

static struct {
    uint64_t *p;
    unsigned int order;
} blocks[MAX_BLOCKS];
static unsigned int nr_blocks;

static uint64_t bytes_of(unsigned int i)
{
    return PAGE_SIZE << blocks[i].order;
}

static bool is_high(unsigned int i)
{
    return (uintptr_t)blocks[i].p >= GIB4;
}

/* What the word at address `a` holds once stamped: its own address, salted. */
static uint64_t stamp_of(uintptr_t a)
{
    return a ^ SALT;
}

/* Bytes of RAM above 4 GiB in Xen's memory map. */
static uint64_t ram_above_4g(void)
{
    const struct boot_info *bi = kernel_boot_info();
    uint64_t t = 0;

    for (unsigned int i = 0; i < bi->nr_memmap; i++) {
        const struct hvm_memmap_table_entry *m = &bi->memmap[i];
        uint64_t end = m->addr + m->size;

        if (m->type == XEN_HVM_MEMMAP_TYPE_RAM && end > GIB4)
            t += end - (m->addr > GIB4 ? m->addr : GIB4);
    }
    return t;
}

/*
 * Everything the page allocator has in blocks of 2 MiB or more, largest
 * first: a 1 GiB block is taken whole, so the low RAM is never split into
 * thousands of blocks, and (bootscrub=0) never touched: the first touch of
 * the 4 GiB of low RAM would cost QEMU about 10 s.
 */
static void take_everything(void)
{
    for (int order = PAGE_MAX_ORDER; order >= MIN_ORDER; order--)
        while (nr_blocks < MAX_BLOCKS &&
               (blocks[nr_blocks].p = uk_page_alloc_order((unsigned int)order)) != NULL)
            blocks[nr_blocks++].order = (unsigned int)order;
}

/*
 * Read words of block i back through Xen, by guest frame number
 * (GNTTABOP_copy from our own gmfn): Xen does not use our page tables, so a
 * match shows that the address we wrote through is that guest-physical
 * address. Returns the mismatches, or -1 if a copy failed.
 */
static int64_t xen_check(unsigned int i, uint64_t *buf)
{
    struct gnttab_copy ops[COPY_BATCH];
    uintptr_t base = (uintptr_t)blocks[i].p;
    int64_t bad = 0;

    for (uint64_t o = 0; o < bytes_of(i);) {
        unsigned int n = 0;

        for (; n < COPY_BATCH && o < bytes_of(i); n++, o += COPY_EVERY) {
            memset(&ops[n], 0, sizeof(ops[n]));
            ops[n].source.u.gmfn = (base + o) >> PAGE_SHIFT;
            ops[n].source.domid = DOMID_SELF;
            ops[n].source.offset = (uint16_t)((base + o) & (PAGE_SIZE - 1));
            ops[n].dest.u.gmfn = (uintptr_t)buf >> PAGE_SHIFT;
            ops[n].dest.domid = DOMID_SELF;
            ops[n].dest.offset = (uint16_t)(n * sizeof(uint64_t));
            ops[n].len = sizeof(uint64_t);
            buf[n] = 0;
        }
        if (gnttab_copy(ops, n))
            return -1;
        for (unsigned int k = 0; k < n; k++)
            bad += buf[k] != stamp_of(base + o - (uint64_t)(n - k) * COPY_EVERY);
    }
    return bad;
}

static int high(void)
{
    uint64_t map_high = ram_above_4g(), high_bytes = 0, bad = 0, wrong_map = 0;
    uint64_t heap_pages = 0, heap_high = 0, heap_bad = 0, lowest_heap = UINT64_MAX;
    uint64_t *buf = uk_page_alloc();
    int64_t xen_bad = 0;
    unsigned int n_high = 0;
    unsigned char *h;

    printf("memory: high: %llu KiB of RAM above 4 GiB in the map, %llu KiB managed\n",
           (unsigned long long)(map_high >> 10),
           (unsigned long long)(uk_page_total_count() * PAGE_SIZE >> 10));
    take_everything();
    for (unsigned int i = 0; i < nr_blocks; i++)
        if (is_high(i))
            for (uint64_t o = 0; o < bytes_of(i); o += STRIDE)
                blocks[i].p[o / 8] = stamp_of((uintptr_t)blocks[i].p + o);
    for (unsigned int i = 0; i < nr_blocks; i++) {
        uintptr_t pa = (uintptr_t)blocks[i].p;
        int64_t x;

        if (!is_high(i))
            continue;
        n_high++;
        high_bytes += bytes_of(i);
        for (uint64_t o = 0; o < bytes_of(i); o += STRIDE)
            bad += blocks[i].p[o / 8] != stamp_of(pa + o);
        for (uint64_t o = 0; o < bytes_of(i); o += PAGE_SIZE)
            wrong_map += arch_virt_to_phys(pa + o) != (int64_t)(pa + o);
        x = buf ? xen_check(i, buf) : -1;
        if (x < 0 || xen_bad < 0)
            xen_bad = -1;
        else
            xen_bad += x;
        printf("memory: high: block 0x%llx-0x%llx (%llu MiB) written and checked\n",
               (unsigned long long)pa, (unsigned long long)(pa + bytes_of(i)),
               (unsigned long long)(bytes_of(i) >> 20));
    }
    printf("memory: high: %u of %u blocks above 4 GiB, %llu MiB: %llu bad words, %llu pages not "
           "identity-mapped, %lld words differ as Xen reads them\n",
           n_high, nr_blocks, (unsigned long long)(high_bytes >> 20), (unsigned long long)bad,
           (unsigned long long)wrong_map, (long long)xen_bad);

    /* Only the high blocks (and small leftovers) free: the heap must use them. */
    for (unsigned int i = 0; i < nr_blocks; i++)
        if (is_high(i))
            uk_page_free_order(blocks[i].p, blocks[i].order);
    h = malloc(HEAP_TRY);
    if (h) {
        for (uint64_t o = 0; o < HEAP_TRY; o++)
            h[o] = (unsigned char)(o * 13 + o / PAGE_SIZE);
        for (uint64_t o = 0; o < HEAP_TRY; o++)
            heap_bad += h[o] != (unsigned char)(o * 13 + o / PAGE_SIZE);
        for (uint64_t o = 0; o < HEAP_TRY; o += PAGE_SIZE) {
            int64_t pa = arch_virt_to_phys((uintptr_t)h + o);

            heap_pages++;
            if (pa >= (int64_t)GIB4) {
                heap_high++;
                if (PAGE_ALIGN_DOWN(pa) < lowest_heap)
                    lowest_heap = PAGE_ALIGN_DOWN(pa);
            }
        }
        free(h);
    }
    printf("memory: high: malloc %llu pages, %llu of them above 4 GiB (lowest 0x%llx), %llu bad "
           "bytes\n",
           (unsigned long long)heap_pages, (unsigned long long)heap_high,
           (unsigned long long)(heap_high ? lowest_heap : 0), (unsigned long long)heap_bad);
    for (unsigned int i = 0; i < nr_blocks; i++)
        if (!is_high(i))
            uk_page_free_order(blocks[i].p, blocks[i].order);
    if (buf)
        uk_page_free(buf);

    /* All of the map's high RAM handed out, save what is not in 2 MiB blocks. */
    if (!map_high || high_bytes + (2 << 20) < map_high || bad || wrong_map || xen_bad ||
        nr_blocks == MAX_BLOCKS || !h || heap_high * 2 < heap_pages || heap_bad ||
        page_alloc_errors()) {
        printf("memory: high: FAIL\n");
        return 1;
    }
    printf("memory: high: ok\n");
    return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static bool mallinfo_sane(struct mallinfo m)
{
    return m.arena > 0 && m.arena <= heap_size() && m.uordblks + m.fordblks == m.arena;
}

static void allocation_calls(void)
{
    /* volatile: the sizes are the point, the compiler must not object to them. */
    volatile size_t half = SIZE_MAX / 2;
    struct mallinfo before, after;
    unsigned char *p;
    void *q = NULL;

    errno = 0;
    EXPECT(calloc(half, 3) == NULL && errno == ENOMEM, "calloc(SIZE_MAX/2, 3) fails, ENOMEM");
    EXPECT(calloc(half + 1, 2) == NULL, "calloc whose product wraps to 0 fails");
    p = calloc(1000, 10);
    EXPECT(p && all_zero(p, 10000), "calloc(1000, 10) is zeroed");
    free(p);

    EXPECT(posix_memalign(&q, 4096, 100) == 0 && q && ((uintptr_t)q & 4095) == 0,
           "posix_memalign(4096) aligned");
    free(q);
    EXPECT(posix_memalign(&q, 12, 100) == EINVAL, "posix_memalign(12) is EINVAL");
    p = aligned_alloc(256, 512);
    EXPECT(p && ((uintptr_t)p & 255) == 0, "aligned_alloc(256) aligned");
    free(p);

    before = mallinfo();
    p = malloc(CHUNK);
    after = mallinfo();
    EXPECT(p && mallinfo_sane(before) && mallinfo_sane(after) &&
               after.uordblks >= before.uordblks + CHUNK,
           "mallinfo: arena %zu, in use %zu -> %zu", after.arena, before.uordblks, after.uordblks);
    free(p);
}

static int small(uint64_t total)
{
    size_t n = 256 * 1024, bad = 0;
    unsigned char *p;

    printf("memory: small: %llu KiB managed, %llu KiB free\n", (unsigned long long)(total >> 10),
           (unsigned long long)(uk_page_free_count() * PAGE_SIZE >> 10));
    p = malloc(n);
    if (!p) {
        printf("memory: small: FAIL malloc(%zu)\n", n);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + i / PAGE_SIZE);
    for (size_t i = 0; i < n; i++)
        bad += p[i] != (unsigned char)(i * 7 + i / PAGE_SIZE);
    free(p);
    printf("memory: small: %zu KiB allocated and touched, %zu bad, %llu KiB free after\n", n >> 10,
           bad, (unsigned long long)(uk_page_free_count() * PAGE_SIZE >> 10));
    if (bad || page_alloc_errors()) {
        printf("memory: small: FAIL\n");
        return 1;
    }
    printf("memory: small: ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t total = uk_page_total_count() * PAGE_SIZE;
    int n1, n2, bad;

    kernel_print_memmap();
    if (argc > 1 && strcmp(argv[1], "high") == 0)
        return high();
    if (argc > 1 && strcmp(argv[1], "small") == 0)
        return small(total);
    if (argc > 1) {
        printf("memory: FAIL unknown mode %s\n", argv[1]);
        return 1;
    }
    allocation_calls();
    printf("memory: %llu KiB managed, %llu KiB free before\n", (unsigned long long)(total >> 10),
           (unsigned long long)(uk_page_free_count() * PAGE_SIZE >> 10));

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
    if (failures || bad || n1 < 1 || n2 < n1 || (uint64_t)n1 * CHUNK < total / 4 * 3) {
        printf("memory: FAIL\n");
        return 1;
    }
    printf("memory: ok\n");
    return 0;
}
