/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cooperative context switch and the first entry of a new thread. A switch
 * is a function call, so only what the ABI makes callee-saved is kept:
 * %rbx, %rbp, %r12-%r15, MXCSR's control bits and the x87 control word.
 */
    .text
    .globl arch_switch
/* void arch_switch(uintptr_t *save_sp, uintptr_t new_sp) */
arch_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* A new thread's first "return" lands here: call fn(arg) from %r12/%r13. */
    .globl arch_thread_entry
arch_thread_entry:
    mov %r13, %rdi
    call *%r12
    ud2                             /* fn must not return */

    .section .note.GNU-stack, "", @progbits
