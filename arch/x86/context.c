/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thread contexts: the initial frame of a new thread and the switch between
 * two (the instructions are in switch.S). Nothing privileged here, so the
 * host unit tests run the scheduler over this very code.
 */
#include <internal/arch.h>

extern char arch_thread_entry[];
extern void arch_switch(uintptr_t *save_sp, uintptr_t new_sp);

void arch_context_init(struct arch_context *ctx, uintptr_t stack_top, void (*fn)(void *), void *arg)
{
    uint64_t *sp = (uint64_t *)(stack_top & ~15ul);

    /* The frame arch_switch pops: control words, six registers, return. */
    *--sp = (uintptr_t)arch_thread_entry;
    *--sp = 0;                         /* rbp: ends the backtrace */
    *--sp = 0;                         /* rbx */
    *--sp = (uintptr_t)fn;             /* r12 */
    *--sp = (uintptr_t)arg;            /* r13 */
    *--sp = 0;                         /* r14 */
    *--sp = 0;                         /* r15 */
    *--sp = 0x1f80 | (0x37full << 32); /* MXCSR and x87 control word at reset */
    ctx->sp = (uintptr_t)sp;
}

void arch_context_switch(struct arch_context *from, struct arch_context *to)
{
    arch_switch(&from->sp, to->sp);
}
