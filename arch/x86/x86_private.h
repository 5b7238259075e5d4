/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to arch/x86: instruction wrappers and the entry points the
 * pieces of arch/x86 give each other.
 */
#ifndef X86_PRIVATE_H
#define X86_PRIVATE_H

#include <stdint.h>

#include <arch/x86.h>

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void invlpg(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

int hypercall_init(void);
void traps_init(void);
/* An interrupt gate on the current stack (no IST): for returning handlers. */
void traps_set_gate(unsigned int vector, uintptr_t handler);
void paging_init(void);
/* Is `va` a guard page? Returns its description, or NULL. */
const char *paging_guard_name(uintptr_t va);

/* Called only from assembly: boot.S, traps.S, upcall.S. */
struct cpu_regs;
void arch_start(uint32_t start_info_paddr);
void trap_handler(struct cpu_regs *r);
void arch_upcall_dispatch(void);

/* Linker-script symbols. */
extern char _image_start[], _image_end[];
extern char boot_stack_guard[], boot_stack_top[];
extern uint64_t boot_pml4[];

#endif
