/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The IDT, the TSS with its IST stacks, and decoding CPU exceptions into a
 * struct fault_info for the kernel's crash report. Every exception is fatal
 * for now; each runs on an IST stack so that a fault on a broken or
 * overflowed stack can still be reported. Every other vector has a gate
 * too: the upcall's (irq.c), a bare return for the APIC's spurious vector,
 * and a fatal "unexpected interrupt" naming the vector for the rest.
 */
#include <string.h>

#include <internal/arch.h>
#include <arch/traps.h>
#include <internal/format.h>
#include <internal/hypercall.h>
#include <xen/sched.h>

#include "x86_private.h"

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

enum { IST_DF = 1, IST_NMI = 2, IST_MC = 3, IST_FAULT = 4 };
#define IST_STACK_SIZE 8192

static struct idt_entry idt[256] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t ist_stacks[4][IST_STACK_SIZE] __attribute__((aligned(16)));

extern const uint64_t trap_stubs[32];
extern const char trap_vector_stubs[], trap_spurious[];

#define VECTOR_STUB_SIZE 8
#define SPURIOUS_VECTOR  0xff
extern uint64_t boot_gdt[];

static const struct {
    const char *mnemonic, *name;
} exceptions[32] = {
    [0] = {"#DE", "divide error"},
    [1] = {"#DB", "debug"},
    [2] = {"NMI", "non-maskable interrupt"},
    [3] = {"#BP", "breakpoint"},
    [4] = {"#OF", "overflow"},
    [5] = {"#BR", "bound range exceeded"},
    [6] = {"#UD", "invalid opcode"},
    [7] = {"#NM", "device not available"},
    [8] = {"#DF", "double fault"},
    [10] = {"#TS", "invalid TSS"},
    [11] = {"#NP", "segment not present"},
    [12] = {"#SS", "stack-segment fault"},
    [13] = {"#GP", "general protection fault"},
    [14] = {"#PF", "page fault"},
    [16] = {"#MF", "x87 floating-point error"},
    [17] = {"#AC", "alignment check"},
    [18] = {"#MC", "machine check"},
    [19] = {"#XM", "SIMD floating-point exception"},
    [20] = {"#VE", "virtualization exception"},
    [21] = {"#CP", "control protection"},
};

static void idt_set(unsigned int vec, uint64_t handler, unsigned int ist)
{
    idt[vec] = (struct idt_entry){
        .offset_lo = (uint16_t)handler,
        .selector = GDT_CS64,
        .ist = (uint8_t)ist,
        .type = DESC_INTR_GATE64,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

void traps_set_gate(unsigned int vector, uintptr_t handler)
{
    idt_set(vector, handler, 0);
}

void traps_init(void)
{
    uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uintptr_t)idt};

    for (int i = 0; i < 4; i++)
        tss.ist[i] = (uintptr_t)&ist_stacks[i][IST_STACK_SIZE];
    tss.iomap_base = sizeof(tss);

    /* 64-bit available TSS descriptor, two GDT slots. */
    boot_gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                            ((uint64_t)DESC_TSS64_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
                            (((base >> 24) & 0xff) << 56);
    boot_gdt[GDT_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" ::"r"(GDT_TSS));

    for (unsigned int v = 0; v < 32; v++) {
        unsigned int ist = v == X86_VEC_DF    ? IST_DF
                           : v == X86_VEC_NMI ? IST_NMI
                           : v == X86_VEC_MC  ? IST_MC
                                              : IST_FAULT;

        idt_set(v, trap_stubs[v], ist);
    }
    for (unsigned int v = 32; v < 256; v++)
        idt_set(v, (uintptr_t)trap_vector_stubs + VECTOR_STUB_SIZE * (v - 32), IST_FAULT);
    /* On the current stack: it returns at once and must not clobber an IST. */
    idt_set(SPURIOUS_VECTOR, (uintptr_t)trap_spurious, 0);
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

static const char *pf_detail(uint64_t ec)
{
    bool prot = ec & PF_EC_PRESENT;

    if (ec & PF_EC_INSN)
        return prot ? "instruction fetch from a protected page"
                    : "instruction fetch from a not-present page";
    if (ec & PF_EC_RSVD)
        return "reserved bit set in a page-table entry";
    if (ec & PF_EC_WRITE)
        return prot ? "write to a protected page" : "write to a not-present page";
    return prot ? "read of a protected page" : "read of a not-present page";
}

/* Called from trap_common with interrupts off, on an IST stack. */
void trap_handler(struct cpu_regs *r)
{
    static int depth;
    static char regs[640];
    static char vector_name[16];
    struct fault_info fi = {0};
    unsigned int v = (unsigned int)r->vector;

    if (++depth > 1) {
        /* A fault while reporting a fault: say so and stop, briefly. */
        static const char msg[] = "\n*** nested fault while reporting a fault\n";

        arch_debug_write(msg, sizeof(msg) - 1);
        xen_shutdown(SHUTDOWN_crash);
    }

    fi.vector = v;
    if (v >= 32) {
        /* `int $N` or an interrupt nobody routed here: no exception at all. */
        ksnprintf(vector_name, sizeof(vector_name), "vector %#x", v);
        fi.mnemonic = vector_name;
        fi.name = "unexpected interrupt";
    } else {
        fi.mnemonic = exceptions[v].name ? exceptions[v].mnemonic : "#??";
        fi.name = exceptions[v].name ? exceptions[v].name : "reserved exception";
    }
    fi.error_code = r->error_code;
    fi.pc = r->rip;
    fi.sp = r->rsp;
    fi.fp = r->rbp;
    if (v == X86_VEC_PF) {
        fi.has_addr = true;
        fi.addr = read_cr2();
        fi.detail = pf_detail(r->error_code);
    } else if (v == X86_VEC_DF) {
        /*
         * A #DF here is almost always a #PF that could not push its frame:
         * CR2 still holds that address.
         */
        fi.has_addr = true;
        fi.addr = read_cr2();
    }
    if (fi.has_addr)
        fi.guard = paging_guard_name((uintptr_t)fi.addr);

    ksnprintf(regs, sizeof(regs),
              "  rip=%016lx rsp=%016lx rbp=%016lx rflags=%08lx\n"
              "  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n"
              "  rsi=%016lx rdi=%016lx r8 =%016lx r9 =%016lx\n"
              "  r10=%016lx r11=%016lx r12=%016lx r13=%016lx\n"
              "  r14=%016lx r15=%016lx cs=%04lx ss=%04lx\n"
              "  cr2=%016lx cr3=%016lx vector=%lu error=%#lx\n",
              r->rip, r->rsp, r->rbp, r->rflags, r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi,
              r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, r->cs, r->ss,
              read_cr2(), read_cr3(), r->vector, r->error_code);
    fi.regs = regs;
    kernel_fault(&fi);
}
