/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to kernel/: how the scheduler asks the C library glue for
 * per-thread state (newlib's struct _reent), kept apart so that the host
 * unit tests can run the scheduler over a stand-in.
 */
#ifndef KERNEL_PRIVATE_H
#define KERNEL_PRIVATE_H

#include <stddef.h>

/* Allocate and initialise a thread's C library state; NULL when out of memory. */
void *libc_thread_state_new(void);
void libc_thread_state_free(void *state);
/* Make `state` current (NULL: the main thread's, newlib's global one). */
void libc_thread_state_switch(void *state);

#endif
