/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's sys_arch (NO_SYS=0) over the runtime's cooperative threads
 * (docs/net.md, "Stack"). lwIP runs in threads only, never in an event
 * handler (the netfront driver hands frames over on its rx thread), and a
 * thread runs until it blocks: so SYS_ARCH_PROTECT needs to do nothing, as
 * lwIP never blocks inside it. Timeouts are lwIP's (its timer list in the
 * tcpip thread, woken through the mailbox's timed fetch).
 */
#include <errno.h>

#include "lwip/err.h"
#include "lwip/sys.h"
#include "mbox.h"
#include "net_private.h"

void sys_init(void)
{
}

u32_t sys_now(void)
{
    return (u32_t)(uk_monotonic_ns() / UK_NSEC_PER_MSEC);
}

sys_prot_t sys_arch_protect(void)
{
    return 0;
}

void sys_arch_unprotect(sys_prot_t pval)
{
    (void)pval;
}

/* lwIP's timeouts are in ms, 0 meaning for ever. */
static uint64_t deadline_ms(u32_t timeout)
{
    return timeout ? uk_deadline_in((uint64_t)timeout * UK_NSEC_PER_MSEC) : UK_TIME_NEVER;
}

/* lwIP wants the time waited in ms (it only checks for SYS_ARCH_TIMEOUT). */
static u32_t waited_ms(uint64_t start)
{
    uint64_t ms = (uk_monotonic_ns() - start) / UK_NSEC_PER_MSEC;

    return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    uk_sem_init(&sem->sem, count);
    sem->valid = true;
    return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
    sem->valid = false;
}

void sys_sem_signal(sys_sem_t *sem)
{
    uk_sem_up(&sem->sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    uint64_t start = uk_monotonic_ns();

    if (uk_sem_down_until(&sem->sem, deadline_ms(timeout)))
        return SYS_ARCH_TIMEOUT;
    return waited_ms(start);
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    uk_mutex_init(&mutex->mutex);
    mutex->valid = true;
    return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    mutex->valid = false;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    /* Every API call locks the core (LWIP_TCPIP_CORE_LOCKING): the stack is needed. */
    net_needed();
    uk_mutex_lock(&mutex->mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    uk_mutex_unlock(&mutex->mutex);
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    *mbox = mbox_new(size > 0 ? (unsigned int)size : 32);
    return *mbox ? ERR_OK : ERR_MEM;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    mbox_free(*mbox);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    net_needed();
    mbox_post(*mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    net_needed();
    return mbox_trypost(*mbox, msg) ? ERR_OK : ERR_MEM;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    uint64_t start = uk_monotonic_ns();
    void *m;

    if (mbox_fetch(*mbox, &m, deadline_ms(timeout)))
        return SYS_ARCH_TIMEOUT;
    if (msg)
        *msg = m;
    return waited_ms(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    void *m;

    if (!mbox_tryfetch(*mbox, &m))
        return SYS_MBOX_EMPTY;
    if (msg)
        *msg = m;
    return 0;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize, int prio)
{
    struct uk_thread *t;

    (void)prio; /* one cooperative priority */
    t = uk_thread_create(name, fn, arg, stacksize > 0 ? (size_t)stacksize : 0);
    if (!t)
        uk_panic("net: cannot start lwIP's thread %s", name);
    uk_thread_detach(t);
    return t;
}

/* xorshift64* seeded from the clock: TCP's initial sequence numbers, DNS ids, ports. */
unsigned int net_rand(void)
{
    static uint64_t s;

    if (!s)
        s = uk_monotonic_ns() | 1;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return (unsigned int)((s * 0x2545F4914F6CDD1Dull) >> 32);
}
