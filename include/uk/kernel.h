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

/* Name of the running thread, for crash reports. */
const char *kernel_thread_name(void);

#endif
