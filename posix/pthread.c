/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX threads over the native ones (<uk/sched.h>), with newlib's
 * <pthread.h> and its types as they are: pthread_t, pthread_mutex_t and
 * pthread_cond_t are 32-bit handles there (too small for a pointer), so
 * each is an index into one table of objects tagged with their kind, and a
 * mutex or condition variable still equal to its static initializer is
 * made on first use. The blocking calls are the native ones; the timed
 * ones convert POSIX's absolute time to a monotonic deadline.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <internal/sched.h>
#include <uk/sched.h>
#include <uk/time.h>

#include "posix_private.h"

/* newlib's headers name no limit for these: ours. */
#define KEYS_MAX              64
#define DESTRUCTOR_ITERATIONS 4
#define STACK_MIN             4096 /* a page: what the smallest stack gets anyway */
#define HANDLE_NONE           0u
#define STATIC_INITIALIZER    0xffffffffu

/* ---- Handles ---- */

enum kind { KIND_FREE, KIND_THREAD, KIND_MUTEX, KIND_COND };

struct slot {
    enum kind kind;
    void *obj;     /* KIND_FREE: unused */
    uint32_t next; /* KIND_FREE: the next free index + 1, or 0 */
};

static struct slot *slots;
static uint32_t nr_slots, free_head; /* free_head: a free index + 1, or 0 */

/* A new handle (never 0 nor the static initializer) for obj, or HANDLE_NONE without memory. */
static uint32_t handle_new(enum kind kind, void *obj)
{
    uint32_t i;

    if (!free_head) {
        uint32_t n = nr_slots ? nr_slots * 2 : 32;
        struct slot *s;

        if (n > STATIC_INITIALIZER - 1)
            return HANDLE_NONE;
        s = realloc(slots, n * sizeof(*s));
        if (!s)
            return HANDLE_NONE;
        slots = s;
        for (i = n; i-- > nr_slots;) {
            slots[i] = (struct slot){.kind = KIND_FREE, .next = free_head};
            free_head = i + 1;
        }
        nr_slots = n;
    }
    i = free_head - 1;
    free_head = slots[i].next;
    slots[i] = (struct slot){.kind = kind, .obj = obj};
    return i + 1;
}

static void *handle_get(uint32_t h, enum kind kind)
{
    if (h == HANDLE_NONE || h > nr_slots || slots[h - 1].kind != kind)
        return NULL;
    return slots[h - 1].obj;
}

static void handle_free(uint32_t h)
{
    slots[h - 1] = (struct slot){.kind = KIND_FREE, .next = free_head};
    free_head = h;
}

/* A handle for a new obj in *out: 0, or ENOMEM with obj freed. */
static int handle_publish(uint32_t *out, enum kind kind, void *obj)
{
    uint32_t h = handle_new(kind, obj);

    if (h == HANDLE_NONE) {
        free(obj);
        return ENOMEM;
    }
    *out = h;
    return 0;
}

/*
 * PTHREAD_MUTEX_INITIALIZER and PTHREAD_COND_INITIALIZER: the object is
 * made on first use. init() may sleep (malloc's lock), and another thread
 * may have made it meanwhile: then ours goes again.
 */
static int handle_lazy(uint32_t *h, int (*init)(uint32_t *), int (*destroy)(uint32_t *))
{
    uint32_t made;
    int rc;

    if (*h != STATIC_INITIALIZER)
        return 0;
    rc = init(&made);
    if (rc)
        return rc;
    if (*h == STATIC_INITIALIZER)
        *h = made;
    else
        destroy(&made);
    return 0;
}

/* ---- Time ---- */

bool posix_timespec_valid(const struct timespec *ts)
{
    return ts && ts->tv_nsec >= 0 && ts->tv_nsec < (long)UK_NSEC_PER_SEC;
}

/*
 * The monotonic deadline of an absolute time on `clock`. A CLOCK_REALTIME
 * time is converted once, now: a step of the wall clock during the wait
 * does not move it (Xen's wall clock is set at boot and rarely after).
 */
uint64_t posix_deadline(clockid_t clock, const struct timespec *abs)
{
    uint64_t t =
        abs->tv_sec < 0 ? 0 : uk_time_ns_sat((uint64_t)abs->tv_sec, (uint64_t)abs->tv_nsec);
    uint64_t real, mono;

    if (clock == CLOCK_MONOTONIC)
        return t;
    real = uk_realtime_ns();
    mono = uk_monotonic_ns();
    return t <= real ? mono : uk_time_add_sat(mono, t - real);
}

/* ---- Threads ---- */

struct key_value {
    void *value;
    unsigned long gen; /* the key's generation the value was set under */
};

struct pthread_rec {
    struct uk_thread *t;
    pthread_t id;
    void *(*fn)(void *);
    void *arg;
    void *ret;
    bool detached;
    bool counted; /* made by pthread_create: counts in live_pthreads */
    struct key_value values[KEYS_MAX];
};

static struct pthread_rec main_rec;
/* Threads made by pthread_create that have not exited: main's pthread_exit waits for none. */
static unsigned int live_pthreads;
static struct uk_waitq pthreads_exit_wq = {UK_LIST_INIT(pthreads_exit_wq.waiters)};

static void rec_free(void *p)
{
    struct pthread_rec *rec = p;

    handle_free(rec->id);
    free(rec);
}

/* The caller's record, made on first use for main and for native threads. NULL without memory. */
static struct pthread_rec *self_rec(void)
{
    struct uk_thread *t = uk_thread_self();
    struct pthread_rec *rec = sched_posix(t);

    if (rec)
        return rec;
    rec = t == sched_main_thread() ? &main_rec : calloc(1, sizeof(*rec));
    if (!rec)
        return NULL;
    rec->t = t;
    rec->id = handle_new(KIND_THREAD, rec);
    if (rec->id == HANDLE_NONE) {
        if (rec != &main_rec)
            free(rec);
        return NULL;
    }
    sched_set_posix(t, rec, rec == &main_rec ? NULL : rec_free);
    return rec;
}

static struct key {
    bool used;
    unsigned long gen;
    void (*dtor)(void *);
} keys[KEYS_MAX];

/* POSIX's rounds: a destructor may set values again, up to DESTRUCTOR_ITERATIONS times. */
static void run_key_destructors(struct pthread_rec *rec)
{
    for (int round = 0; round < DESTRUCTOR_ITERATIONS; round++) {
        bool ran = false;

        for (unsigned int k = 0; k < KEYS_MAX; k++) {
            struct key_value *v = &rec->values[k];
            void *value = v->value;

            if (!keys[k].used || !keys[k].dtor || !value || v->gen != keys[k].gen)
                continue;
            v->value = NULL;
            keys[k].dtor(value);
            ran = true;
        }
        if (!ran)
            break;
    }
}

static bool no_pthreads_left(void *unused)
{
    (void)unused;
    return live_pthreads == 0;
}

void pthread_exit(void *value)
{
    struct pthread_rec *rec = self_rec();

    if (rec) {
        rec->ret = value;
        run_key_destructors(rec);
    }
    if (uk_thread_self() == sched_main_thread()) {
        /* The process ends with its last thread (runtime threads aside): exit status 0. */
        uk_waitq_wait_cond(&pthreads_exit_wq, "pthread_exit of main", no_pthreads_left, NULL,
                           UK_TIME_NEVER);
        exit(0);
    }
    if (rec && rec->counted && --live_pthreads == 0)
        uk_waitq_wake_all(&pthreads_exit_wq);
    uk_thread_exit();
}

static void pthread_start(void *arg)
{
    struct pthread_rec *rec = arg;

    pthread_exit(rec->fn(rec->arg));
}

int pthread_attr_init(pthread_attr_t *attr)
{
    *attr = (pthread_attr_t){.is_initialized = 1,
                             .stacksize = UK_THREAD_STACK_DEFAULT,
                             .detachstate = PTHREAD_CREATE_JOINABLE};
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
    /* newlib's attribute keeps the size in an int. */
    if (!attr->is_initialized || size < STACK_MIN || size > INT_MAX)
        return EINVAL;
    attr->stacksize = (int)size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
    if (!attr->is_initialized)
        return EINVAL;
    *size = (size_t)attr->stacksize;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
    if (!attr->is_initialized ||
        (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED))
        return EINVAL;
    attr->detachstate = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
    if (!attr->is_initialized)
        return EINVAL;
    *state = attr->detachstate;
    return 0;
}

int pthread_create(pthread_t *id, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    struct pthread_rec *rec;
    size_t stack = 0;

    if (attr && !attr->is_initialized)
        return EINVAL;
    if (attr)
        stack = (size_t)attr->stacksize;
    rec = calloc(1, sizeof(*rec));
    if (!rec)
        return EAGAIN;
    rec->fn = fn;
    rec->arg = arg;
    rec->id = handle_new(KIND_THREAD, rec);
    if (rec->id == HANDLE_NONE) {
        free(rec);
        return EAGAIN;
    }
    /* It runs only once this thread blocks or yields: everything is set up by then. */
    rec->t = uk_thread_create("pthread", pthread_start, rec, stack);
    if (!rec->t) {
        rec_free(rec);
        return EAGAIN;
    }
    sched_set_posix(rec->t, rec, rec_free);
    rec->counted = true;
    live_pthreads++;
    *id = rec->id;
    if (attr && attr->detachstate == PTHREAD_CREATE_DETACHED) {
        rec->detached = true;
        uk_thread_detach(rec->t);
    }
    return 0;
}

int pthread_join(pthread_t id, void **ret)
{
    struct pthread_rec *rec = handle_get(id, KIND_THREAD);

    if (!rec)
        return ESRCH;
    if (rec->t == uk_thread_self())
        return EDEADLK;
    if (rec->detached || rec == &main_rec)
        return EINVAL;
    /* The joiner frees the record, after reading what the thread returned. */
    sched_set_posix(rec->t, rec, NULL);
    if (uk_thread_join(rec->t)) {
        sched_set_posix(rec->t, rec, rec_free);
        return EINVAL;
    }
    if (ret)
        *ret = rec->ret;
    rec_free(rec);
    return 0;
}

int pthread_detach(pthread_t id)
{
    struct pthread_rec *rec = handle_get(id, KIND_THREAD);

    if (!rec)
        return ESRCH;
    if (rec->detached || rec == &main_rec)
        return EINVAL;
    rec->detached = true;
    /* May free it (and the record) at once, if it has exited. */
    uk_thread_detach(rec->t);
    return 0;
}

pthread_t pthread_self(void)
{
    struct pthread_rec *rec = self_rec();

    /* Without memory for a native thread's record: a handle that names no thread. */
    return rec ? rec->id : HANDLE_NONE;
}

int pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}

void pthread_yield(void)
{
    uk_thread_yield();
}

int sched_yield(void)
{
    uk_thread_yield();
    return 0;
}

/*
 * Cancellation is not supported: pthread_cancel fails, and the state calls
 * (which libraries use to turn it off around their own code) only answer.
 */
int pthread_cancel(pthread_t id)
{
    (void)id;
    return ENOTSUP;
}

int pthread_setcancelstate(int state, int *old)
{
    if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
        return EINVAL;
    if (old)
        *old = PTHREAD_CANCEL_DISABLE;
    return 0;
}

int pthread_setcanceltype(int type, int *old)
{
    if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
        return EINVAL;
    if (old)
        *old = PTHREAD_CANCEL_DEFERRED;
    return 0;
}

void pthread_testcancel(void)
{
}

/* ---- Once ---- */

static struct uk_waitq once_wq = {UK_LIST_INIT(once_wq.waiters)};

enum { ONCE_NOT_RUN = 0, ONCE_DONE = 1, ONCE_RUNNING = 2 };

static bool once_not_running(void *o)
{
    return ((pthread_once_t *)o)->init_executed != ONCE_RUNNING;
}

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    if (!once || !fn || !once->is_initialized)
        return EINVAL;
    /* Another thread is in fn (it blocked there): wait for it to finish. */
    uk_waitq_wait_cond(&once_wq, "pthread_once", once_not_running, once, UK_TIME_NEVER);
    if (once->init_executed == ONCE_DONE)
        return 0;
    once->init_executed = ONCE_RUNNING;
    fn();
    once->init_executed = ONCE_DONE;
    uk_waitq_wake_all(&once_wq);
    return 0;
}

/* ---- Keys ---- */

int pthread_key_create(pthread_key_t *key, void (*dtor)(void *))
{
    for (unsigned int k = 0; k < KEYS_MAX; k++)
        if (!keys[k].used) {
            /* A new generation: values set under a deleted key of this number are not its. */
            keys[k].gen++;
            keys[k].used = true;
            keys[k].dtor = dtor;
            *key = k;
            return 0;
        }
    return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
    if (key >= KEYS_MAX || !keys[key].used)
        return EINVAL;
    keys[key].used = false;
    keys[key].dtor = NULL;
    return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
    struct pthread_rec *rec;

    if (key >= KEYS_MAX || !keys[key].used || (rec = self_rec()) == NULL)
        return NULL;
    return rec->values[key].gen == keys[key].gen ? rec->values[key].value : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    struct pthread_rec *rec;

    if (key >= KEYS_MAX || !keys[key].used)
        return EINVAL;
    rec = self_rec();
    if (!rec)
        return ENOMEM;
    rec->values[key] = (struct key_value){(void *)(uintptr_t)value, keys[key].gen};
    return 0;
}

/* ---- Mutexes ---- */

struct pmutex {
    struct uk_mutex m;
    int type;
    unsigned int depth; /* recursive: the owner's locks not yet undone */
};

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
    *attr = (pthread_mutexattr_t){.is_initialized = 1, .type = PTHREAD_MUTEX_DEFAULT};
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
    if (!attr->is_initialized || type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT)
        return EINVAL;
    attr->type = type;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
    if (!attr->is_initialized)
        return EINVAL;
    *type = attr->type;
    return 0;
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
    struct pmutex *pm;

    if (attr && !attr->is_initialized)
        return EINVAL;
    pm = calloc(1, sizeof(*pm));
    if (!pm)
        return ENOMEM;
    uk_mutex_init(&pm->m);
    pm->type = attr ? attr->type : PTHREAD_MUTEX_DEFAULT;
    return handle_publish(mutex, KIND_MUTEX, pm);
}

static int mutex_init_default(pthread_mutex_t *mutex)
{
    return pthread_mutex_init(mutex, NULL);
}

/* The mutex behind a handle, made now if it is still PTHREAD_MUTEX_INITIALIZER. */
static int mutex_of(pthread_mutex_t *mutex, struct pmutex **pm)
{
    int rc = handle_lazy(mutex, mutex_init_default, pthread_mutex_destroy);

    if (rc)
        return rc;
    *pm = handle_get(*mutex, KIND_MUTEX);
    return *pm ? 0 : EINVAL;
}

int pthread_mutex_destroy(pthread_mutex_t *mutex)
{
    struct pmutex *pm;

    if (*mutex == STATIC_INITIALIZER)
        return 0;
    pm = handle_get(*mutex, KIND_MUTEX);
    if (!pm)
        return EINVAL;
    if (pm->m.owner)
        return EBUSY;
    handle_free(*mutex);
    free(pm);
    *mutex = HANDLE_NONE;
    return 0;
}

/* 0 if the caller holds pm now (a recursive relock counted), else -1 to go on locking. */
static int mutex_relock(struct pmutex *pm, int *rc)
{
    if (pm->m.owner != uk_thread_self())
        return -1;
    if (pm->type != PTHREAD_MUTEX_RECURSIVE) {
        /* A normal mutex would hang here for ever: say so instead. */
        *rc = EDEADLK;
        return 0;
    }
    if (pm->depth == UINT_MAX) {
        *rc = EAGAIN;
        return 0;
    }
    pm->depth++;
    *rc = 0;
    return 0;
}

static int mutex_lock_until(pthread_mutex_t *mutex, const struct timespec *abs)
{
    struct pmutex *pm;
    int rc = mutex_of(mutex, &pm);

    if (rc || mutex_relock(pm, &rc) == 0)
        return rc;
    if (abs && uk_mutex_trylock(&pm->m) != 0) {
        /* POSIX checks the time only when the call would block. */
        if (!posix_timespec_valid(abs))
            return EINVAL;
        rc = -uk_mutex_lock_until(&pm->m, posix_deadline(CLOCK_REALTIME, abs));
    } else if (!abs) {
        rc = -uk_mutex_lock(&pm->m);
    }
    if (rc == 0)
        pm->depth = 1;
    return rc;
}

int pthread_mutex_lock(pthread_mutex_t *mutex)
{
    return mutex_lock_until(mutex, NULL);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *abs)
{
    return mutex_lock_until(mutex, abs);
}

int pthread_mutex_trylock(pthread_mutex_t *mutex)
{
    struct pmutex *pm;
    int rc = mutex_of(mutex, &pm);

    if (rc)
        return rc;
    if (pm->type == PTHREAD_MUTEX_RECURSIVE && mutex_relock(pm, &rc) == 0)
        return rc;
    if (uk_mutex_trylock(&pm->m))
        return EBUSY;
    pm->depth = 1;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *mutex)
{
    struct pmutex *pm;
    int rc = mutex_of(mutex, &pm);

    if (rc)
        return rc;
    if (pm->m.owner != uk_thread_self())
        return EPERM;
    if (--pm->depth > 0)
        return 0;
    return -uk_mutex_unlock(&pm->m);
}

/* ---- Condition variables ---- */

struct pcond {
    struct uk_cond c;
    clockid_t clock; /* of pthread_cond_timedwait's absolute time */
};

int pthread_condattr_init(pthread_condattr_t *attr)
{
    *attr = (pthread_condattr_t){.is_initialized = 1, .clock = CLOCK_REALTIME};
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
    if (!attr->is_initialized || (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC))
        return EINVAL;
    attr->clock = (clock_t)clock;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *restrict attr, clockid_t *restrict clock)
{
    if (!attr->is_initialized)
        return EINVAL;
    *clock = (clockid_t)attr->clock;
    return 0;
}

int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
    struct pcond *pc;

    if (attr && !attr->is_initialized)
        return EINVAL;
    pc = calloc(1, sizeof(*pc));
    if (!pc)
        return ENOMEM;
    uk_cond_init(&pc->c);
    pc->clock = attr ? (clockid_t)attr->clock : CLOCK_REALTIME;
    return handle_publish(cond, KIND_COND, pc);
}

static int cond_init_default(pthread_cond_t *cond)
{
    return pthread_cond_init(cond, NULL);
}

static int cond_of(pthread_cond_t *cond, struct pcond **pc)
{
    int rc = handle_lazy(cond, cond_init_default, pthread_cond_destroy);

    if (rc)
        return rc;
    *pc = handle_get(*cond, KIND_COND);
    return *pc ? 0 : EINVAL;
}

int pthread_cond_destroy(pthread_cond_t *cond)
{
    struct pcond *pc;

    if (*cond == STATIC_INITIALIZER)
        return 0;
    pc = handle_get(*cond, KIND_COND);
    if (!pc)
        return EINVAL;
    if (!uk_waitq_empty(&pc->c.waiters))
        return EBUSY;
    handle_free(*cond);
    free(pc);
    *cond = HANDLE_NONE;
    return 0;
}

static int cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abs)
{
    struct pmutex *pm;
    struct pcond *pc;
    unsigned int depth;
    int rc = mutex_of(mutex, &pm);

    if (rc || (rc = cond_of(cond, &pc)) != 0)
        return rc;
    if (pm->m.owner != uk_thread_self())
        return EPERM;
    if (abs && !posix_timespec_valid(abs))
        return EINVAL;
    /* A recursive mutex is released whole and comes back as deep. */
    depth = pm->depth;
    rc = -uk_cond_wait_until(&pc->c, &pm->m, abs ? posix_deadline(pc->clock, abs) : UK_TIME_NEVER);
    pm->depth = depth;
    return rc;
}

int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    return cond_wait_until(cond, mutex, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abs)
{
    if (!abs)
        return EINVAL;
    return cond_wait_until(cond, mutex, abs);
}

int pthread_cond_signal(pthread_cond_t *cond)
{
    struct pcond *pc;

    /* Still the initializer: nobody waits on it. */
    if (*cond == STATIC_INITIALIZER)
        return 0;
    pc = handle_get(*cond, KIND_COND);
    if (!pc)
        return EINVAL;
    uk_cond_signal(&pc->c);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *cond)
{
    struct pcond *pc;

    if (*cond == STATIC_INITIALIZER)
        return 0;
    pc = handle_get(*cond, KIND_COND);
    if (!pc)
        return EINVAL;
    uk_cond_broadcast(&pc->c);
    return 0;
}
