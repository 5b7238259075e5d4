/* SPDX-License-Identifier: BSD-2-Clause */
/* The bounded mailbox of lwIP's sys_arch (mbox.h). */
#include <errno.h>
#include <stdlib.h>

#include "mbox.h"

struct mbox *mbox_new(unsigned int size)
{
    struct mbox *mb;

    if (size == 0)
        return NULL;
    mb = malloc(sizeof(*mb) + size * sizeof(mb->ring[0]));
    if (!mb)
        return NULL;
    uk_sem_init(&mb->msgs, 0);
    uk_sem_init(&mb->slots, size);
    mb->size = size;
    mb->head = mb->tail = 0;
    return mb;
}

void mbox_free(struct mbox *mb)
{
    free(mb);
}

/* A slot is ours (slots taken): fill it and count the message. */
static void put(struct mbox *mb, void *msg)
{
    mb->ring[mb->tail] = msg;
    mb->tail = (mb->tail + 1) % mb->size;
    uk_sem_up(&mb->msgs);
}

/* A message is ours (msgs taken): take it and free its slot. */
static void *take(struct mbox *mb)
{
    void *msg = mb->ring[mb->head];

    mb->head = (mb->head + 1) % mb->size;
    uk_sem_up(&mb->slots);
    return msg;
}

void mbox_post(struct mbox *mb, void *msg)
{
    uk_sem_down(&mb->slots);
    put(mb, msg);
}

bool mbox_trypost(struct mbox *mb, void *msg)
{
    if (!uk_sem_trydown(&mb->slots))
        return false;
    put(mb, msg);
    return true;
}

int mbox_fetch(struct mbox *mb, void **msg, uint64_t deadline)
{
    int rc = uk_sem_down_until(&mb->msgs, deadline);

    if (rc)
        return rc;
    *msg = take(mb);
    return 0;
}

bool mbox_tryfetch(struct mbox *mb, void **msg)
{
    if (!uk_sem_trydown(&mb->msgs))
        return false;
    *msg = take(mb);
    return true;
}

unsigned int mbox_count(const struct mbox *mb)
{
    return (unsigned int)mb->msgs.count;
}
