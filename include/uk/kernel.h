/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's life cycle: start, exit, crash. Crash reports (registers,
 * symbolised backtrace, the running thread) go to the console and to the
 * debug port, and the domain then shuts down as crashed so that `xl` sees it.
 */
#ifndef UK_KERNEL_H
#define UK_KERNEL_H

#include <stdint.h>

/*
 * Subsystems above the kernel start through init calls, so that the kernel
 * needs no knowledge of them: INITCALL(fn, level) runs fn() at boot, before
 * main, with the scheduler up, lower levels first (1: events, 2: xenstore,
 * 3: what builds on XenStore); a negative result is a fatal boot error. The
 * linker keeps them; a subsystem is in the image when the app (or
 * LINK_FORCE in mk/app.mk) uses it.
 */
typedef int (*initcall_t)(void);
#define INITCALL(fn, level)                                                                        \
    static const initcall_t initcall_##fn __attribute__((used, section(".initcall." #level))) = fn

/* Print `exit status N`, flush the console, and power off (0) or crash. */
__attribute__((noreturn)) void kernel_exit(int status);

/* A fatal error in the runtime or the app: report with a backtrace, crash. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Print a symbolised backtrace of the caller's stack. */
void backtrace_print(void);

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
