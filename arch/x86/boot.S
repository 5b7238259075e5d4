/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PVH entry. Xen starts us in 32-bit protected mode, paging off, flat
 * segments, %ebx holding the physical address of struct hvm_start_info.
 * We identity-map the first 4 GiB with 2 MiB pages (so that Xen's special
 * pages just below 4 GiB and the local APIC are reachable from the start),
 * enter long mode and call arch_start(start_info). paging.c refines the
 * map later (page 0 and guard pages unmapped, the APIC uncached).
 */
#include <xen/elfnote.h>
#include <arch/x86.h>

    .section .note.Xen, "a", @note
    .balign 4
    .long 4              /* name size: "Xen\0" */
    .long 4              /* desc size */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_start32

    .section .text.boot, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cld
    mov %ebx, %esi                  /* keep start_info across the setup */
    rdtsc                           /* for the entry-to-main figure */
    mov %eax, boot_tsc
    mov %edx, boot_tsc + 4

    /* Tell anyone watching port 0xE9 that we got control at all. */
    mov $'>', %al
    outb %al, $0xe9

    lgdt gdt_ptr
    ljmp $GDT_CS32, $1f
1:  mov $GDT_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs

    /* PD entries: 2048 x 2 MiB covering 0..4 GiB. */
    mov $boot_pd, %edi
    mov $(PTE_P | PTE_W | PTE_PS), %eax
    xor %edx, %edx
    mov $2048, %ecx
2:  mov %eax, (%edi)
    mov %edx, 4(%edi)
    add $0x200000, %eax
    adc $0, %edx
    add $8, %edi
    loop 2b

    /* PDPT[0..3] -> the four PDs; PML4[0] -> PDPT. */
    mov $boot_pdpt, %edi
    mov $(boot_pd + PTE_P + PTE_W), %eax
    mov $4, %ecx
3:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x1000, %eax
    add $8, %edi
    loop 3b
    movl $(boot_pdpt + PTE_P + PTE_W), boot_pml4

    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    /* SSE on before any C runs: newlib's printf and libm use it. */
    mov %cr0, %eax
    and $~(CR0_EM | CR0_TS), %eax
    or $(CR0_PG | CR0_WP | CR0_MP | CR0_NE | CR0_PE), %eax
    mov %eax, %cr0
    ljmp $GDT_CS64, $pvh_start64

    .code64
pvh_start64:
    mov $boot_stack_top, %rsp
    xor %ebp, %ebp                  /* ends the backtrace chain */
    mov %esi, %edi                  /* zero-extends: start_info paddr */
    push $0                         /* fake return address, keeps ABI alignment */
    jmp arch_start

    /*
     * Xen writes one 32-byte stub per hypercall here (hypercall.c). NOBITS:
     * the page takes no room in the file (link.ld).
     */
    .section .hypercall_page, "ax", @nobits
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .skip 4096

    /* Writable: traps.c installs the TSS descriptor, and ltr marks it busy. */
    .data
    .balign 16
    .globl boot_tsc
boot_tsc: .quad 0
    .balign 16
    .globl boot_gdt
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* GDT_CS64: 64-bit code */
    .quad 0x00cf92000000ffff        /* GDT_DS: flat data */
    .quad 0x00cf9a000000ffff        /* GDT_CS32: flat 32-bit code */
    .quad 0, 0                      /* GDT_TSS: filled in by traps.c */
boot_gdt_end:
gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .bss.pagetables, "aw", @nobits
    .balign 4096
    .globl boot_pml4, boot_pdpt, boot_pd
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_guard, boot_stack_top
boot_stack_guard: .skip 4096
boot_stack: .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
