/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crashing on purpose, and the console for the runtime's own messages. A
 * crash report (registers, symbolised backtrace, the running thread) goes to
 * the console and to the debug port, and the domain then shuts down as
 * crashed so that `xl` sees it.
 */
#ifndef UK_KERNEL_H
#define UK_KERNEL_H

#include <stdint.h>

/* A fatal error in the runtime or the app: report with a backtrace, crash. */
__attribute__((noreturn, format(printf, 1, 2))) void uk_panic(const char *fmt, ...);

/* Print a symbolised backtrace of the caller's stack. */
void uk_backtrace_print(void);

/*
 * printf straight to the console, unbuffered and without stdio: what the
 * runtime's own messages use, and safe in event handlers.
 */
__attribute__((format(printf, 1, 2))) void uk_printf(const char *fmt, ...);

#endif
