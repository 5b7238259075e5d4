/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Backtraces for crash reports: walking the frame-pointer chain, and the
 * caller of a function that faulted before linking its frame.
 */
#include <string.h>

#include <internal/arch.h>

#include "x86_private.h"

uintptr_t arch_frame_address(void)
{
    return (uintptr_t)__builtin_frame_address(0);
}

/* A frame pointer worth following: aligned, mapped, and not a guard page. */
static bool frame_ok(uintptr_t fp)
{
    if (!fp || (fp & 7))
        return false;
    return arch_virt_to_phys(fp) >= 0 && arch_virt_to_phys(fp + 8) >= 0;
}

void arch_backtrace(uintptr_t fp, backtrace_fn fn, void *ctx, int max)
{
    for (int i = 0; i < max && frame_ok(fp); i++) {
        uintptr_t next = ((uintptr_t *)fp)[0];
        uintptr_t ret = ((uintptr_t *)fp)[1];

        if (!ret)
            break;
        fn(ret, ctx);
        /* Stacks grow down: a caller's frame is always above. */
        if (next <= fp)
            break;
        fp = next;
    }
}

/* Does the instruction before `ret` call `fn_start` directly (call rel32)? */
static bool returns_from(uintptr_t ret, uintptr_t fn_start)
{
    int32_t rel;

    if (ret < (uintptr_t)_image_start + 5 || ret >= (uintptr_t)_image_end)
        return false;
    if (*(const uint8_t *)(ret - 5) != 0xe8)
        return false;
    memcpy(&rel, (const void *)(ret - 4), 4);
    return ret + (intptr_t)rel == fn_start;
}

uintptr_t arch_unlinked_caller(uintptr_t fn_start, uintptr_t pc, uintptr_t sp)
{
    /*
     * Unlinked means the return address is still at the top of the stack
     * (or just above a pushed %rbp). Accept it only if the instruction before
     * it calls this very function, so that stale stack words never pass.
     */
    (void)pc;
    for (uintptr_t slot = sp; slot <= sp + 8; slot += 8)
        if (frame_ok(slot) && returns_from(*(uintptr_t *)slot, fn_start))
            return *(uintptr_t *)slot;
    return 0;
}
