/*
 * Interrupt-side services of <uk/arch.h>: the local APIC (which carries
 * Xen's event upcall to a PVH guest), the upcall vector and idling.
 */
#include <string.h>

#include <uk/arch.h>

#include "x86_private.h"

#define UPCALL_VECTOR    0xf3
#define LAPIC_BASE       0xfee00000ul
#define LAPIC_SVR        0xf0
#define APIC_BASE_ENABLE (1 << 11)
#define SVR_ENABLE       (1 << 8)

extern char arch_upcall_entry[];

static void (*upcall_handler)(void);

static void lapic_write(unsigned int reg, uint32_t v)
{
    *(volatile uint32_t *)(LAPIC_BASE + reg) = v;
}

static uint32_t lapic_read(unsigned int reg)
{
    return *(volatile uint32_t *)(LAPIC_BASE + reg);
}

/*
 * Called by upcall.S with interrupts off. No EOI: Xen injects the callback
 * vector itself, not through the local APIC, whenever evtchn_upcall_pending
 * is set and interrupts are on (the handler clears it first). An EOI would
 * be an emulated APIC write, an exit to Xen on every upcall.
 */
void arch_upcall_dispatch(void)
{
    upcall_handler();
}

unsigned int arch_upcall_init(void (*handler)(void))
{
    upcall_handler = handler;
    /*
     * The local APIC carries nothing of Xen's here, but is enabled (globally
     * and in software) so that what reaches it is well defined: the
     * spurious vector, which has a gate of its own (traps.c).
     */
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
    lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | SVR_ENABLE | 0xff);
    traps_set_gate(UPCALL_VECTOR, (uintptr_t)arch_upcall_entry);
    return UPCALL_VECTOR;
}

unsigned long arch_irq_save(void)
{
    unsigned long flags;

    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags)::"memory");
    return flags;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & (1 << 9))
        __asm__ volatile("sti" ::: "memory");
}

void arch_idle(void)
{
    /*
     * Called with interrupts off after finding nothing to do. sti takes
     * effect only after the next instruction, so an upcall already pending
     * wakes the hlt instead of slipping in between; Xen turns the hlt into
     * a block of the vCPU until the next event (SCHEDOP_block, done for us
     * with events re-enabled atomically).
     */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}
