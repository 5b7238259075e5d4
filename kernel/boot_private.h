/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to kernel/: how the boot sequence (boot.c) drives memory
 * bring-up (mem_init.c) and the boot report's phases (boot_report.c).
 */
#ifndef KERNEL_BOOT_PRIVATE_H
#define KERNEL_BOOT_PRIVATE_H

#include <stdint.h>

struct boot_info;

/* Phases start at the first instruction; take over arch/'s own marks. */
void boot_report_start(const struct boot_info *bi);
/* Count pages taken from the page allocator from here on (its metadata is not). */
void boot_report_count_pages(void);
/* Boot is over: later marks are ignored, main's phase begins. */
void boot_report_enter_main(void);

/*
 * Usable RAM from Xen's memory map minus the image, RAM above 4 GiB
 * mapped, the page allocator started on it. Panics when there is none.
 */
void memory_init(const struct boot_info *bi);

#endif
