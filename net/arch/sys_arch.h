/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's OS types over the runtime's threads (net/sys_arch.c): semaphores
 * and mutexes are the scheduler's, a mailbox is net/mbox.h, a thread is a
 * struct uk_thread.
 */
#ifndef NET_ARCH_SYS_ARCH_H
#define NET_ARCH_SYS_ARCH_H

#include <stdbool.h>

#include <uk/sched.h>

typedef struct {
    struct uk_sem sem;
    bool valid;
} sys_sem_t;

typedef struct {
    struct uk_mutex mutex;
    bool valid;
} sys_mutex_t;

struct mbox;
typedef struct mbox *sys_mbox_t;
typedef struct uk_thread *sys_thread_t;
/* Cooperative threads and no lwIP in event handlers: nothing to save. */
typedef int sys_prot_t;

#define sys_sem_valid(s)         ((s)->valid)
#define sys_sem_set_invalid(s)   ((s)->valid = false)
#define sys_mutex_valid(m)       ((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = false)
#define sys_mbox_valid(mb)       (*(mb) != NULL)
#define sys_mbox_set_invalid(mb) (*(mb) = NULL)

#endif
