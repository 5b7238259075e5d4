/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86-64 definitions shared by the assembly and C of arch/x86: control
 * register bits, segment selectors, page-table entry bits, MSRs.
 */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)

#define CR4_PAE        (1 << 5)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)

#define X86_EFLAGS_IF (1 << 9) /* interrupts enabled */

/* Exception vectors that get their own handling. */
#define X86_VEC_NMI 2
#define X86_VEC_DF  8
#define X86_VEC_PF  14
#define X86_VEC_MC  18

/* Page-fault error code bits. */
#define PF_EC_PRESENT (1 << 0) /* a protection fault, not a missing page */
#define PF_EC_WRITE   (1 << 1)
#define PF_EC_RSVD    (1 << 3)
#define PF_EC_INSN    (1 << 4)

/* Descriptor types: present, DPL 0. */
#define DESC_INTR_GATE64 0x8e
#define DESC_TSS64_AVAIL 0x89

#define LAPIC_BASE 0xfee00000ul

#define MSR_EFER      0xc0000080
#define EFER_LME      (1 << 8)
#define EFER_NXE      (1 << 11)
#define MSR_APIC_BASE 0x1b

/* GDT layout, fixed by boot.S. */
#define GDT_CS64 0x08
#define GDT_DS   0x10
#define GDT_CS32 0x18
#define GDT_TSS  0x20 /* 16-byte system descriptor */

#define PTE_P   0x001
#define PTE_W   0x002
#define PTE_U   0x004
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_A   0x020
#define PTE_D   0x040
#define PTE_PS  0x080
#define PTE_G   0x100

/* The first stack, in .bss, with an unmapped guard page below it. */
#define BOOT_STACK_SIZE 0x8000

#endif
