/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercalls: typed wrappers over Xen's hypercall page (arch/x86 installs it
 * and implements these). Each returns Xen's result: 0 or a positive value on
 * success, a negative errno value on failure. Callers check every result.
 * Argument structures are Xen's own, from its public headers.
 */
#ifndef INTERNAL_HYPERCALL_H
#define INTERNAL_HYPERCALL_H

#include <stdint.h>
#include <xen/xen.h>

long hypercall_sched_op(int cmd, void *arg);
long hypercall_memory_op(unsigned int cmd, void *arg);
long hypercall_hvm_op(unsigned int cmd, void *arg);
long hypercall_event_channel_op(int cmd, void *arg);
long hypercall_vcpu_op(int cmd, unsigned int vcpu, void *arg);
long hypercall_grant_table_op(unsigned int cmd, void *uop, unsigned int count);
long hypercall_xen_version(int cmd, void *arg);

/* HVM parameters of this domain (HVM_PARAM_*). */
int hvm_get_param(uint32_t index, uint64_t *value);
int hvm_set_param(uint32_t index, uint64_t value);

/* Give up the vCPU until the next event or for a scheduler round. */
void xen_yield(void);

/*
 * End the domain with SHUTDOWN_poweroff / _reboot / _crash. Does not return:
 * if Xen refuses, the vCPU is parked with interrupts off (logged first).
 */
__attribute__((noreturn)) void xen_shutdown(unsigned int reason);

/*
 * Where this vCPU's time went besides running, from Xen's runstate area
 * (registered by xen_runstate_init; reading it costs no hypercall): ns spent
 * runnable or offline (stolen: another domain had the physical CPU) and
 * blocked (waiting for an event), summed since the vCPU was created. Both 0
 * when Xen refused the area.
 */
int xen_runstate_init(void);
void xen_cpu_times(uint64_t *stolen_ns, uint64_t *blocked_ns);

/* Xen's version as major << 16 | minor, filled in at boot. */
extern uint32_t xen_version;

#endif
