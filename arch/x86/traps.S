/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exception entry stubs. Each stub makes the stack look the same (an error
 * code, real or dummy, then the vector) and jumps to trap_common, which
 * saves the general registers as a struct cpu_regs and calls trap_handler.
 */
#include <arch/x86.h>

.macro TRAP_NOERR vec
    .balign 16
trap_\vec:
    push $0
    push $\vec
    jmp trap_common
.endm

.macro TRAP_ERR vec
    .balign 16
trap_\vec:
    push $\vec
    jmp trap_common
.endm

    .text
    TRAP_NOERR 0
    TRAP_NOERR 1
    TRAP_NOERR 2
    TRAP_NOERR 3
    TRAP_NOERR 4
    TRAP_NOERR 5
    TRAP_NOERR 6
    TRAP_NOERR 7
    TRAP_ERR   8
    TRAP_NOERR 9
    TRAP_ERR   10
    TRAP_ERR   11
    TRAP_ERR   12
    TRAP_ERR   13
    TRAP_ERR   14
    TRAP_NOERR 15
    TRAP_NOERR 16
    TRAP_ERR   17
    TRAP_NOERR 18
    TRAP_NOERR 19
    TRAP_NOERR 20
    TRAP_ERR   21
    TRAP_NOERR 22
    TRAP_NOERR 23
    TRAP_NOERR 24
    TRAP_NOERR 25
    TRAP_NOERR 26
    TRAP_NOERR 27
    TRAP_NOERR 28
    TRAP_ERR   29
    TRAP_ERR   30
    TRAP_NOERR 31

/*
 * Vectors 32-255: nothing but the event upcall (its own gate, set later)
 * should arrive, so each gets a stub that names its vector in the crash
 * report instead of an absent gate's misleading #NP. 8 bytes each, so that
 * traps.c finds vector v at trap_vector_stubs + 8*(v-32): the vector less
 * 128 as a sign-extended byte (push imm8, 2 bytes) and a jmp rel32 (5) to
 * trap_vector_common, which makes the usual error code and vector of it.
 * 16-byte stubs with two pushes were 1.8 KB more.
 */
    .balign 16
    .globl trap_vector_stubs
trap_vector_stubs:
    .set vec, 32
    .rept 256 - 32
    .balign 8
    .byte 0x6a, vec - 128           /* push $(vec - 128), sign-extended */
    .byte 0xe9                      /* jmp rel32 trap_vector_common */
    .long trap_vector_common - (. + 4)
    .set vec, vec + 1
    .endr

trap_vector_common:
    push (%rsp)                     /* [vec-128][vec-128] */
    movq $0, 8(%rsp)                /* [vec-128][0]: the dummy error code */
    addq $128, (%rsp)               /* [vec][0] */
    jmp trap_common

/*
 * The local APIC's spurious vector (0xff): no handler, no EOI (an APIC
 * spurious interrupt is not in service), and nothing to report.
 */
    .balign 16
    .globl trap_spurious
trap_spurious:
    iretq

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    cld
    mov %rsp, %rdi
    mov %rsp, %rbx                  /* callee-saved: survives the call */
    and $~15, %rsp
    call trap_handler
    /* Fatal traps do not return; a handled one resumes here. */
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    iretq

    .section .rodata
    .balign 8
    .globl trap_stubs
trap_stubs:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_\v
.endr

    .section .note.GNU-stack, "", @progbits
