/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the rest of the runtime may ask of the architecture layer. Only
 * arch/ knows x86; everything above speaks through this header and
 * <internal/hypercall.h>.
 */
#ifndef INTERNAL_ARCH_H
#define INTERNAL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the boot path hands to the kernel, copied out of hvm_start_info. */
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MEMMAP_MAX  64

struct hvm_memmap_table_entry;

/*
 * The end of one boot phase: the TSC, arch_hypercall_count() and
 * xen_cpu_times() then. arch/ records its own phases before kernel_start,
 * which cannot be called yet.
 */
struct boot_mark {
    const char *name;
    uint64_t cycles;
    uint64_t hypercalls;
    uint64_t stolen_ns, blocked_ns;
};
#define BOOT_ARCH_MARKS 4
/* A mark for now: the kernel ends its own phases with these too. */
struct boot_mark arch_boot_mark_now(const char *name);

struct boot_info {
    const struct hvm_memmap_table_entry *memmap;
    unsigned int nr_memmap;
    bool memmap_truncated;
    const char *cmdline;
    bool cmdline_truncated;
    uint64_t image_start, image_end;         /* physical, page aligned */
    struct boot_mark start;                  /* the first instruction */
    struct boot_mark marks[BOOT_ARCH_MARKS]; /* arch_start's phases, in order */
    unsigned int nr_marks;
};

/* Raw bytes to the debug port (0xE9): works before anything is set up. */
void arch_debug_write(const char *buf, size_t len);

/* Interrupts. */
void arch_irq_disable(void);
void arch_irq_enable(void);
bool arch_irq_enabled(void);
__attribute__((noreturn)) void arch_halt_forever(void);
/* Disable interrupts, returning the previous state for arch_irq_restore. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
/*
 * With interrupts off: enable them and wait for the next one, atomically
 * (an interrupt already pending ends the wait at once), then disable them.
 */
void arch_idle(void);

/*
 * The event upcall: enable the local APIC and route the vector Xen will
 * raise to `handler` (run with interrupts off). Returns the vector number,
 * for HVMOP_set_evtchn_upcall_vector.
 */
unsigned int arch_upcall_init(void (*handler)(void));

/* A thread's saved CPU context: the callee-saved registers on its stack. */
struct arch_context {
    uintptr_t sp;
};
/* Prepare `ctx` so that switching to it calls fn(arg) on the stack ending at stack_top. */
void arch_context_init(struct arch_context *ctx, uintptr_t stack_top, void (*fn)(void *),
                       void *arg);
/* Save the caller's context in `from` and resume `to`. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* Time-stamp counter, for early timing before the pvclock exists. */
uint64_t arch_cycles(void);
/* The TSC at the first instruction of the guest. */
uint64_t arch_boot_cycles(void);
/* TSC frequency in kHz as Xen reports it, or 0 if unknown. */
uint64_t arch_tsc_khz(void);
/*
 * Hypercalls issued so far (every wrapper of <internal/hypercall.h>): a boot
 * figure that, unlike emulated time, does not vary from run to run.
 */
uint64_t arch_hypercall_count(void);

/*
 * Mapping. Addresses below 4 GiB are identity-mapped by boot.S, RAM above
 * it by the kernel from the memory map (arch_map_range); these map and
 * unmap single 4 KiB pages anywhere else (or re-map inside the identity
 * range, splitting a 2 MiB mapping). Page-table pages come from the page
 * allocator. Return 0 or a negative errno.
 */
#define MAP_WRITE    0x1
#define MAP_UNCACHED 0x2
int arch_map_page(uintptr_t va, uint64_t pa, unsigned int flags);
int arch_unmap_page(uintptr_t va);
/* A range, with 2 MiB pages wherever va and pa are both aligned to them. */
int arch_map_range(uintptr_t va, uint64_t pa, uint64_t size, unsigned int flags);
/*
 * Pages [start, end) that page-table pages may be taken from before the page
 * allocator is up (for mapping RAM above 4 GiB).
 */
void arch_pt_pool_add(uintptr_t start, uintptr_t end);
/* The physical address `va` maps to now, or -1 when it is not mapped. */
int64_t arch_virt_to_phys(uintptr_t va);

/*
 * Make the page at `va` a guard page: unmapped, and a fault on it is
 * reported as an overflow of the named stack.
 */
int arch_add_guard_page(uintptr_t va, const char *what);

/* Walk frame pointers from `fp`; calls `fn` with each return address. */
typedef void (*backtrace_fn)(uintptr_t pc, void *ctx);
void arch_backtrace(uintptr_t fp, backtrace_fn fn, void *ctx, int max);
uintptr_t arch_frame_address(void);
/*
 * A fault can hit a function before it has linked its frame (at its first
 * instruction, or in a leaf the compiler built without one). Given the
 * function's start, the faulting pc and sp, the caller's return address
 * read from the stack, or 0 when the frame is already linked.
 */
uintptr_t arch_unlinked_caller(uintptr_t fn_start, uintptr_t pc, uintptr_t sp);

/* A fatal CPU exception, decoded by arch/ for the kernel's crash report. */
struct fault_info {
    const char *name;     /* "page fault" */
    const char *mnemonic; /* "#PF" */
    unsigned int vector;
    uint64_t error_code;
    bool has_addr; /* addr is the faulting data address */
    uint64_t addr;
    const char *guard; /* addr lies in this guard page, or NULL */
    uintptr_t pc, sp, fp;
    const char *detail; /* e.g. "write to a not-present page" */
    const char *regs;   /* register dump: lines of text */
};

/* The kernel's side of the contract: arch/ calls these. */
__attribute__((noreturn)) void kernel_fault(const struct fault_info *fi);
/* Called by arch_start() once the CPU is set up. */
__attribute__((noreturn)) void kernel_start(const struct boot_info *bi);

#endif
