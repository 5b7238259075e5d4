/*
 * Per-thread newlib state. newlib keeps errno, stdio streams and strtok-like
 * state in a struct _reent reached through _impure_ptr; each thread gets its
 * own, and the scheduler points _impure_ptr at it on every switch, so two
 * threads never see each other's errno.
 */
#include <reent.h>
#include <stdlib.h>
#include <string.h> /* _REENT_INIT_PTR uses memset */

#include "kernel_private.h"

void *libc_thread_state_new(void)
{
    struct _reent *r = malloc(sizeof(*r));

    if (r)
        _REENT_INIT_PTR(r);
    return r;
}

void libc_thread_state_free(void *state)
{
    struct _reent *r = state;

    if (!r)
        return;
    /* Flushes and closes the thread's own stdio streams, frees their buffers. */
    _reclaim_reent(r);
    free(r);
}

void libc_thread_state_switch(void *state)
{
    _impure_ptr = state ? state : _global_impure_ptr;
}
