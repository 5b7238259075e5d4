/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's life cycle that only the runtime sees: init calls, exit,
 * the boot information and the boot report.
 */
#ifndef INTERNAL_KERNEL_H
#define INTERNAL_KERNEL_H

#include <stdint.h>

#include <uk/kernel.h>

/*
 * Subsystems above the kernel start through init calls, so that the kernel
 * needs no knowledge of them. Each runs at boot, before main, with the
 * scheduler up, lower levels first (1: events, 2: xenstore and grants,
 * 3: what builds on XenStore); a negative result is a fatal boot error.
 *
 * The runtime is linked into an app as one object (mk/lib.mk), so an init
 * call cannot ride on an archive member being pulled in. Instead:
 * - INITCALL_CORE(fn) is kept always (level 1: the events every image has);
 * - INITCALL(fn, level) is kept only when some code kept in the image says
 *   INITCALL_NEEDED(fn): put that in the function(s) every user of the
 *   subsystem reaches (XenStore: xs_request). It is a no-op relocation from
 *   that function to the init call's record, which ld's --gc-sections
 *   follows like a call. An app that never calls XenStore then gets no
 *   XenStore code and no connection at boot.
 */
typedef int (*initcall_t)(void);
#define INITCALL_CORE(fn)                                                                          \
    static const initcall_t initcall_##fn __attribute__((used, section(".initcall.1." #fn))) = fn
#define INITCALL(fn, level)                                                                        \
    static const initcall_t initcall_##fn                                                          \
        __attribute__((used, section(".initcall." #level "." #fn))) = fn
/*
 * INITCALL_ALWAYS(fn, level): kept in every image at any level, in level
 * order (the section is marked SHF_GNU_RETAIN, which --gc-sections keeps):
 * what every image has but needs a higher level (the control node watch,
 * level 3, needs XenStore).
 */
#define INITCALL_ALWAYS(fn, level)                                                                 \
    static const initcall_t initcall_##fn                                                          \
        __attribute__((used, retain, section(".initcall." #level "." #fn))) = fn
#define INITCALL_NEEDED(fn) __asm__ volatile(".reloc ., BFD_RELOC_NONE, initcall_" #fn)

/*
 * Print `exit status N`, flush the console, and power off (0) or crash.
 * Status 0 after a shutdown request ends with the request's reason
 * (SHUTDOWN_reboot for a reboot).
 */
__attribute__((noreturn)) void kernel_exit(int status);

/*
 * A shutdown asked from outside (UK_SHUTDOWN_POWEROFF or _REBOOT, from
 * <uk/shutdown.h>): wakes uk_shutdown_wait, runs the app's hooks in a
 * thread of its own, then exit(0). Returns at once: 0, -EINVAL for another
 * reason, -EALREADY when one is under way (logged). Threads only.
 */
int kernel_shutdown_request(int reason);
/* The request so far, UK_SHUTDOWN_NONE if none. */
int kernel_shutdown_reason(void);

struct boot_info;
/* What arch/ handed over at boot (memory map, command line). */
const struct boot_info *kernel_boot_info(void);

/* Print Xen's memory map and the usable RAM made from it. */
void kernel_print_memmap(void);

/* TSC cycles from the first instruction to main(). */
uint64_t kernel_main_cycles(void);

/*
 * Where boot time goes. Boot is cut into phases, each ended by a mark: arch
 * setup (from the first instruction), the console, the memory map, the page
 * allocator, the scheduler, each init call by name, argv; the last phase is
 * "main", which starts as main() is called and never ends. An init call may
 * split its own phase with kernel_boot_mark("what was just done"); marks
 * after main() are ignored. For each phase: TSC cycles, of which Xen's
 * runstate says how much was stolen (another domain ran) or blocked (the
 * guest waited for an event), hypercalls (a count that emulation does not
 * make noisy) and pages taken from the page allocator (page-table pools
 * and the image excluded).
 */
struct boot_phase {
    const char *name;
    uint64_t cycles;     /* spent in this phase (main: none yet) */
    uint64_t hypercalls; /* issued in this phase */
    uint64_t pages;      /* allocated in this phase, net of frees */
    uint64_t stolen_ns;  /* of it, Xen ran another domain (dom0) */
    uint64_t blocked_ns; /* of it, the guest waited for an event */
};
void kernel_boot_mark(const char *name);
/* The phases in boot order, "main" last; returns how many. */
unsigned int kernel_boot_phases(const struct boot_phase **phases);
/*
 * Print the table `boot: phase cycles us stolen blocked hypercalls pages`
 * (stolen and blocked in us), one line per phase (main's figures: so far,
 * up to this call), then the total to main.
 */
void kernel_boot_report(void);

/* Name of the running thread, for crash reports. */
const char *kernel_thread_name(void);

#endif
