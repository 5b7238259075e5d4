/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Finding Xen, installing the hypercall page, and the typed hypercall
 * wrappers of <internal/hypercall.h>.
 */
#include <cpuid.h>
#include <errno.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/format.h>
#include <internal/hypercall.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#include "x86_private.h"

/* Filled by Xen (boot.S reserves it): one 32-byte stub per hypercall. */
extern char hypercall_page[];

uint32_t xen_version;
static uint32_t xen_cpuid_base;
/* One increment per call: cheap next to the VM exit itself. */
static uint64_t nr_hypercalls;

uint64_t arch_hypercall_count(void)
{
    return nr_hypercalls;
}

static long hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
                      unsigned long a4, unsigned long a5)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    long ret;

    nr_hypercalls++;
    /* Arguments are in/out: Xen may clobber them (debug builds do). */
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(hypercall_page + nr * 32)
                     : "memory", "rcx", "r9", "r11");
    return ret;
}

long hypercall_sched_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_sched_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_memory_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_hvm_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_hvm_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_event_channel_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, (unsigned long)arg, 0, 0);
}

long hypercall_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (unsigned long)uop, count, 0, 0);
}

long hypercall_xen_version(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_xen_version, cmd, (unsigned long)arg, 0, 0, 0);
}

int hvm_get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = hypercall_hvm_op(HVMOP_get_param, &p);

    if (rc == 0)
        *value = p.value;
    return (int)rc;
}

int hvm_set_param(uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index, .value = value};

    return (int)hypercall_hvm_op(HVMOP_set_param, &p);
}

/* Xen rewrites it whenever it schedules this vCPU in or out. */
static struct vcpu_runstate_info runstate;
static bool runstate_ok;

int xen_runstate_init(void)
{
    struct vcpu_register_runstate_memory_area a = {.addr.v = &runstate};
    long rc = hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);

    runstate_ok = rc == 0;
    return (int)rc;
}

void xen_cpu_times(uint64_t *stolen_ns, uint64_t *blocked_ns)
{
    volatile struct vcpu_runstate_info *r = &runstate;
    uint64_t entry;

    *stolen_ns = *blocked_ns = 0;
    if (!runstate_ok)
        return;
    /*
     * Xen updates the area while this vCPU is not running, so a copy is
     * torn only if it was descheduled in between: the entry time moved then.
     */
    do {
        entry = r->state_entry_time;
        __asm__ volatile("" ::: "memory");
        *stolen_ns = r->time[RUNSTATE_runnable] + r->time[RUNSTATE_offline];
        *blocked_ns = r->time[RUNSTATE_blocked];
        __asm__ volatile("" ::: "memory");
    } while (entry != r->state_entry_time || (entry & XEN_RUNSTATE_UPDATE));
}

void xen_yield(void)
{
    /* SCHEDOP_yield cannot fail in a way the caller could act on. */
    (void)hypercall_sched_op(SCHEDOP_yield, NULL);
}

void xen_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};
    long rc = hypercall_sched_op(SCHEDOP_shutdown, &s);
    char msg[80];
    int n = ksnprintf(msg, sizeof(msg), "\nxen_shutdown(%u) failed: %ld; halting\n", reason, rc);

    arch_debug_write(msg, (size_t)n);
    arch_halt_forever();
}

int hypercall_init(void)
{
    uint32_t base, a, b, c, d;
    char sig[13];

    /* Xen may sit at 0x40000100.. when it also offers a Viridian leaf. */
    for (base = 0x40000000; base < 0x40010000; base += 0x100) {
        __cpuid(base, a, b, c, d); /* no __get_cpuid: it checks against the basic leaves */
        memcpy(sig + 0, &b, 4);
        memcpy(sig + 4, &c, 4);
        memcpy(sig + 8, &d, 4);
        sig[12] = 0;
        if (strcmp(sig, "XenVMMXenVMM") == 0 && a - base >= 2)
            break;
    }
    if (base >= 0x40010000)
        return -ENODEV;

    xen_cpuid_base = base;
    __cpuid(base + 1, a, b, c, d);
    xen_version = a;
    __cpuid(base + 2, a, b, c, d);
    if (a < 1)
        return -ENODEV;
    wrmsr(b, (uintptr_t)hypercall_page);
    /* The MSR write is synchronous: the stubs are there now. */
    if (*(volatile char *)hypercall_page == 0)
        return -EIO;
    return 0;
}

uint64_t arch_tsc_khz(void)
{
    uint32_t a, b, c, d;

    /* Xen's leaf 3, subleaf 0: ECX is the guest's TSC frequency in kHz. */
    if (!xen_cpuid_base)
        return 0;
    __cpuid(xen_cpuid_base, a, b, c, d);
    if (a < xen_cpuid_base + 3)
        return 0;
    __cpuid_count(xen_cpuid_base + 3, 0, a, b, c, d);
    return c;
}
