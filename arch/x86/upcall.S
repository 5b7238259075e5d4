/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event-channel upcall: Xen raises UPCALL_VECTOR through the local APIC.
 * Unlike the exception stubs this path returns to the interrupted code, so
 * it saves every register the C handler may clobber, including the SSE
 * state (fxsave): handlers are ordinary C and may be built to use it.
 */
    .text
    .globl arch_upcall_entry
arch_upcall_entry:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    /* A frame record (interrupted rip, rbp) so backtraces run through. */
    push 9*8(%rsp)
    push %rbp
    mov %rsp, %rbp
    sub $512, %rsp
    and $~15, %rsp
    fxsave64 (%rsp)
    cld
    call arch_upcall_dispatch
    fxrstor64 (%rsp)
    mov %rbp, %rsp
    pop %rbp
    add $8, %rsp
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    iretq

    .section .note.GNU-stack, "", @progbits
