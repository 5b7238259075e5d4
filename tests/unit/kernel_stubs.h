/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/unit/kernel_stubs.c: what the shared kernel stand-ins let a test check. */
#ifndef TESTS_KERNEL_STUBS_H
#define TESTS_KERNEL_STUBS_H

/* Per-thread libc states allocated and not yet freed. */
extern int stub_libc_states;

#endif
