/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_start: from boot.S's first C call to kernel_start. Installs the
 * hypercall page, copies what the kernel needs out of hvm_start_info (before
 * anything can overwrite it), sets up the IDT/TSS and refines the page
 * tables, marking each phase for the boot report (with the TSC it reads).
 * Also the debug port (0xE9), its output before the console exists.
 * Interrupt flags are irq.c's, backtraces backtrace.c's.
 */
#include <string.h>

#include <internal/arch.h>
#include <internal/format.h>
#include <internal/hypercall.h>
#include <internal/mm.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/memory.h>
#include <xen/sched.h>

#include "x86_private.h"

static struct hvm_memmap_table_entry memmap[BOOT_MEMMAP_MAX];
static char cmdline[BOOT_CMDLINE_MAX];
static struct boot_info boot_info;

void arch_debug_write(const char *buf, size_t len)
{
    /* outsb moves the whole buffer in one instruction: one exit per byte still, but no loop here.
     */
    __asm__ volatile("rep outsb" : "+S"(buf), "+c"(len) : "d"(0xe9) : "memory");
}

static void early_print(const char *s)
{
    arch_debug_write(s, strlen(s));
}

uint64_t arch_cycles(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

extern uint64_t boot_tsc;

uint64_t arch_boot_cycles(void)
{
    return boot_tsc;
}

static void copy_memmap(const struct hvm_start_info *si)
{
    unsigned int n = 0;

    if (si->version >= 1 && si->memmap_entries) {
        n = si->memmap_entries;
        if (n > BOOT_MEMMAP_MAX) {
            n = BOOT_MEMMAP_MAX;
            boot_info.memmap_truncated = true;
        }
        memcpy(memmap, (void *)(uintptr_t)si->memmap_paddr, n * sizeof(memmap[0]));
    } else {
        /*
         * Version 0 (older Xen) has no map in start_info: ask for the e820.
         * Xen's public headers do not describe its entries; they are the
         * BIOS e820 layout, packed: u64 addr, u64 size, u32 type.
         */
        static uint8_t e820[BOOT_MEMMAP_MAX * 20];
        struct xen_memory_map mm = {.nr_entries = BOOT_MEMMAP_MAX};
        long rc;

        set_xen_guest_handle(mm.buffer, e820);
        rc = hypercall_memory_op(XENMEM_memory_map, &mm);
        if (rc < 0) {
            char msg[64];

            ksnprintf(msg, sizeof(msg), "XENMEM_memory_map failed: %ld\n", rc);
            early_print(msg);
            xen_shutdown(SHUTDOWN_crash);
        }
        n = mm.nr_entries < BOOT_MEMMAP_MAX ? mm.nr_entries : BOOT_MEMMAP_MAX;
        for (unsigned int i = 0; i < n; i++) {
            memcpy(&memmap[i].addr, e820 + i * 20, 8);
            memcpy(&memmap[i].size, e820 + i * 20 + 8, 8);
            memcpy(&memmap[i].type, e820 + i * 20 + 16, 4);
        }
    }
    boot_info.memmap = memmap;
    boot_info.nr_memmap = n;
}

static void copy_cmdline(const struct hvm_start_info *si)
{
    const char *src = (const char *)(uintptr_t)si->cmdline_paddr;
    size_t n = 0;

    if (si->cmdline_paddr) {
        while (n < sizeof(cmdline) - 1 && src[n]) {
            cmdline[n] = src[n];
            n++;
        }
        boot_info.cmdline_truncated = src[n] != 0;
    }
    cmdline[n] = 0;
    boot_info.cmdline = cmdline;
}

struct boot_mark arch_boot_mark_now(const char *name)
{
    struct boot_mark m = {name, arch_cycles(), arch_hypercall_count(), 0, 0};

    xen_cpu_times(&m.stolen_ns, &m.blocked_ns);
    return m;
}

/* End of an arch phase, for the kernel's boot report (kernel_boot_report). */
static void mark(const char *name)
{
    if (boot_info.nr_marks < BOOT_ARCH_MARKS)
        boot_info.marks[boot_info.nr_marks++] = arch_boot_mark_now(name);
}

void arch_start(uint32_t start_info_paddr)
{
    const struct hvm_start_info *si = (void *)(uintptr_t)start_info_paddr;
    int rc;

    rc = hypercall_init();
    if (rc) {
        early_print("\nFATAL: no Xen hypercall interface (not a Xen guest?)\n");
        arch_halt_forever();
    }
    if (si->magic != XEN_HVM_START_MAGIC_VALUE) {
        early_print("\nFATAL: bad hvm_start_info magic: not booted as PVH?\n");
        xen_shutdown(SHUTDOWN_crash);
    }
    /*
     * The runstate's times are totals since the vCPU was created: the
     * first phase starts from what they are now (close enough to the first
     * instruction; a failure only leaves those columns at 0).
     */
    (void)xen_runstate_init();
    boot_info.start = arch_boot_mark_now("entry");
    boot_info.start.cycles = boot_tsc;
    boot_info.start.hypercalls = 0;
    /* From the first instruction: boot.S's long-mode switch included. */
    mark("arch: long mode, hypercall page");
    copy_memmap(si);
    copy_cmdline(si);
    boot_info.image_start = (uintptr_t)_image_start;
    boot_info.image_end = PAGE_ALIGN_UP((uintptr_t)_image_end);
    mark("arch: start info");

    traps_init();
    mark("arch: IDT, TSS");
    paging_init();
    mark("arch: paging");
    kernel_start(&boot_info);
}
