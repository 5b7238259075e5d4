/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Looking up the symbol table the second link adds (see <internal/ksyms.h>). The
 * table is sorted by address: entry i covers [addr[i], addr[i + 1]), and the
 * last entry ends at the end of the text.
 */
#include <stddef.h>

#include <internal/ksyms.h>

struct ksym {
    uint32_t addr;     /* the image is linked below 4 GiB */
    uint32_t name_off; /* into ksyms_names */
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];
extern const char _text_end[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
    size_t lo = 0, hi = ksyms_count;

    if (!hi || addr < ksyms_table[0].addr || addr >= (uintptr_t)_text_end)
        return NULL;
    /* The last entry whose address is <= addr. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms_table[lo].addr;
    return ksyms_names + ksyms_table[lo].name_off;
}
