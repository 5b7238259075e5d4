/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupt-side services of <internal/arch.h>: the local APIC (which carries
 * Xen's event upcall to a PVH guest), the upcall vector, the interrupt flag
 * (on, off, saved and restored) and idling.
 */
#include <cpuid.h>
#include <string.h>

#include <internal/arch.h>

#include "x86_private.h"

#define UPCALL_VECTOR     0xf3
#define LAPIC_SVR         0xf0
#define LAPIC_EOI         0xb0
#define APIC_BASE_ENABLE  (1 << 11)
#define APIC_BASE_X2APIC  (1 << 10)
#define SVR_ENABLE        (1 << 8)
#define CPUID1_ECX_X2APIC (1u << 21)
/* x2APIC mode: register r is MSR 0x800 + r / 16. */
#define X2APIC_MSR(reg) (0x800 + (reg) / 16)

extern char arch_upcall_entry[];

static void (*upcall_handler)(void);

/*
 * In x2APIC mode a register is an MSR: Xen takes a write to it (the EOI
 * after every upcall) from the registers of the exit. In xAPIC mode it is
 * an MMIO write that Xen must decode and emulate, which under this rig's
 * emulation costs about 80 us per upcall.
 */
static bool x2apic;

static void lapic_write(unsigned int reg, uint32_t v)
{
    if (x2apic)
        wrmsr(X2APIC_MSR(reg), v);
    else
        *(volatile uint32_t *)(LAPIC_BASE + reg) = v;
}

static uint32_t lapic_read(unsigned int reg)
{
    return x2apic ? (uint32_t)rdmsr(X2APIC_MSR(reg)) : *(volatile uint32_t *)(LAPIC_BASE + reg);
}

/*
 * Called by upcall.S with interrupts off. EOI first, as Linux does for the
 * per-vCPU vector: Xen raises it only when evtchn_upcall_pending goes from
 * 0 to 1, so a raise during the scan must be a new request, delivered after
 * iretq, not one that meets the vector still in service. (The scan itself
 * loops while upcall_pending is set again, so such a late upcall finds
 * nothing; interrupts stay off, so the vector cannot nest.)
 */
void arch_upcall_dispatch(void)
{
    lapic_write(LAPIC_EOI, 0);
    upcall_handler();
}

unsigned int arch_upcall_init(void (*handler)(void))
{
    unsigned int a, b, c, d;
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

    upcall_handler = handler;
    /*
     * Xen delivers the upcall through the virtual local APIC, which stays
     * silent until it is enabled both globally (APIC_BASE MSR) and in
     * software (spurious-vector register).
     */
    x2apic = __get_cpuid(1, &a, &b, &c, &d) && (c & CPUID1_ECX_X2APIC);
    /* x2APIC is entered from an enabled xAPIC (the architecture's order). */
    wrmsr(MSR_APIC_BASE, base);
    if (x2apic)
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
    lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | SVR_ENABLE | 0xff);
    traps_set_gate(UPCALL_VECTOR, (uintptr_t)arch_upcall_entry);
    return UPCALL_VECTOR;
}

void arch_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

void arch_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

bool arch_irq_enabled(void)
{
    uint64_t flags;

    __asm__ volatile("pushf; pop %0" : "=r"(flags));
    return flags & X86_EFLAGS_IF;
}

void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

unsigned long arch_irq_save(void)
{
    unsigned long flags;

    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags)::"memory");
    return flags;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF)
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
