/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crash reports: CPU faults decoded by arch/ and panics from C, each with a
 * symbolised backtrace and the running thread, written so that they get out
 * even when the console ring is broken (0xE9 as well), ending in
 * SHUTDOWN_crash.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/console.h>
#include <internal/format.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/ksyms.h>
#include <internal/sched.h>
#include <uk/assert.h>
#include <xen/sched.h>

#define BACKTRACE_MAX 32

static void emit(const char *s)
{
    console_write_emergency(s, strlen(s));
}

static __attribute__((format(printf, 1, 2))) void emitf(const char *fmt, ...)
{
    char buf[192];
    va_list ap;

    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    emit(buf);
}

struct bt_state {
    int n;
    bool exact_first; /* frame #0 is a faulting pc, not a return address */
};

/*
 * A return address is looked up one byte back, in the call instruction:
 * after a call to a noreturn function (uk_panic, abort) that ends a function,
 * it points at the next function (seen as "main.cold+0x0" for an assert).
 */
static void print_frame(uintptr_t pc, void *ctx)
{
    struct bt_state *st = ctx;
    uintptr_t at = st->n == 0 && st->exact_first ? pc : pc - 1;
    uintptr_t off = 0;
    const char *name = ksym_lookup(at, &off);

    off += pc - at;
    if (name)
        emitf("  #%-2d %016lx %s+0x%lx\n", st->n, (unsigned long)pc, name, (unsigned long)off);
    else
        emitf("  #%-2d %016lx ?\n", st->n, (unsigned long)pc);
    st->n++;
}

static void backtrace_from(uintptr_t pc, uintptr_t sp, uintptr_t fp)
{
    struct bt_state st = {.exact_first = pc != 0};
    uintptr_t off;

    emit("backtrace:\n");
    if (pc) {
        print_frame(pc, &st);
        if (ksym_lookup(pc, &off)) {
            uintptr_t caller = arch_unlinked_caller(pc - off, pc, sp);

            if (caller)
                print_frame(caller, &st);
        }
    }
    arch_backtrace(fp, print_frame, &st, BACKTRACE_MAX);
}

void uk_backtrace_print(void)
{
    backtrace_from(0, 0, arch_frame_address());
}

static __attribute__((noreturn)) void crash_end(void)
{
    emit("*** domain crashed\n");
    console_flush();
    xen_shutdown(SHUTDOWN_crash);
}

void kernel_fault(const struct fault_info *fi)
{
    uintptr_t off = 0;
    const char *fn = ksym_lookup(fi->pc, &off);
    const char *guard = fi->guard;

    arch_irq_disable();
    if (!guard && fi->has_addr)
        guard = sched_guard_owner((uintptr_t)fi->addr);
    if (guard)
        emitf("\n*** FATAL: stack overflow of %s (%s at %016lx in its guard page)\n", guard,
              fi->mnemonic, (unsigned long)fi->addr);
    else
        emitf("\n*** FATAL: %s (%s) in %s+0x%lx\n", fi->name, fi->mnemonic, fn ? fn : "?",
              (unsigned long)off);
    if (fi->has_addr)
        emitf("  address %016lx%s%s\n", (unsigned long)fi->addr, fi->detail ? ": " : "",
              fi->detail ? fi->detail : "");
    emitf("  thread: %s\n", kernel_thread_name());
    emit(fi->regs);
    backtrace_from(fi->pc, fi->sp, fi->fp);
    crash_end();
}

void uk_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    arch_irq_disable();
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    emitf("\n*** PANIC: %s\n", buf);
    emitf("  thread: %s\n", kernel_thread_name());
    uk_backtrace_print();
    crash_end();
}

void uk_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    uk_panic("assertion \"%s\" failed: file \"%s\", line %d%s%s", expr, file, line,
             func ? ", function: " : "", func ? func : "");
}

/*
 * assert() failures, newlib's own included (its dtoa has some): the report
 * of UK_ASSERT. Ours rather than newlib's, which prints with fiprintf and so
 * pulls the stdio FILE machinery and a second vfprintf into every image.
 * Here, beside uk_panic(), because this file is in every image before the
 * linker reaches libc.a: newlib's assert.o is then never pulled in (a
 * second definition).
 */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    uk_assert_fail(expr, file, line, func);
}

void __assert(const char *file, int line, const char *expr)
{
    uk_assert_fail(expr, file, line, NULL);
}
