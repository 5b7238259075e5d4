/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bounded mailbox of pointers for lwIP's sys_arch (sys_arch.c): a ring
 * and two of the scheduler's semaphores, one counting the messages, one the
 * free slots, so that a post blocks (or a trypost fails) when full and a
 * fetch blocks, with a deadline, when empty. Threads only (lwIP is never
 * called from an event handler); the scheduler is cooperative, so the ring
 * indices change only between the semaphore operations, never during one.
 */
#ifndef NET_MBOX_H
#define NET_MBOX_H

#include <stdbool.h>
#include <stdint.h>

#include <uk/sched.h>

struct mbox {
    struct uk_sem msgs;  /* messages in the ring */
    struct uk_sem slots; /* free slots */
    unsigned int size, head, tail;
    void *ring[];
};

/* A mailbox of `size` (>= 1) slots from malloc; NULL when out of memory. */
struct mbox *mbox_new(unsigned int size);
/* Frees it; nobody may wait on it any more. */
void mbox_free(struct mbox *mb);
/* Waits for a free slot, then posts. */
void mbox_post(struct mbox *mb, void *msg);
/* Posts when a slot is free: true, else false at once. */
bool mbox_trypost(struct mbox *mb, void *msg);
/* Waits for a message until `deadline` (UK_TIME_NEVER: for ever): 0, or -ETIMEDOUT. */
int mbox_fetch(struct mbox *mb, void **msg, uint64_t deadline);
/* A message if there is one: true, else false at once. */
bool mbox_tryfetch(struct mbox *mb, void **msg);
/* Messages waiting now. */
unsigned int mbox_count(const struct mbox *mb);

#endif
