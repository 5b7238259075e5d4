/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for kernel/console.c over a stand-in ring and a scripted
 * backend: the stall (xenconsoled takes nothing) and the recovery when it
 * moves again, the bound on polling in an event handler, uk_printf's long
 * lines. The console's state lives across tests: each leaves it unstalled.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/console.h>
#include <internal/hypercall.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>

#include "check.h"

static struct xencons_interface ring_page __attribute__((aligned(4096)));
static bool irqs_on = true;
static unsigned long yields, waits, notifies;
static long consume_after = -1; /* the backend takes everything after this many yields */
static char debug_out[4096];
static size_t debug_len;

/* The backend: takes everything written so far. */
static void backend_consumes(void)
{
    ring_page.out_cons = ring_page.out_prod;
}

int hvm_get_param(uint32_t index, uint64_t *value)
{
    *value = index == HVM_PARAM_CONSOLE_PFN ? (uintptr_t)&ring_page >> 12 : 7;
    return 0;
}

long hypercall_event_channel_op(int cmd, void *arg)
{
    (void)cmd;
    (void)arg;
    notifies++;
    return 0;
}

void xen_yield(void)
{
    yields++;
    if (consume_after >= 0 && (long)yields >= consume_after)
        backend_consumes();
}

/* A TSC at 1 MHz that advances 1 ms per look: a handler gives up after about 100 looks. */
uint64_t arch_tsc_khz(void)
{
    return 1000;
}

uint64_t arch_cycles(void)
{
    static uint64_t tsc;

    return tsc += 1000;
}

bool arch_irq_enabled(void)
{
    return irqs_on;
}

unsigned long arch_irq_save(void)
{
    unsigned long was = irqs_on;

    irqs_on = false;
    return was;
}

void arch_irq_restore(unsigned long flags)
{
    irqs_on = flags != 0;
}

void arch_debug_write(const char *buf, size_t len)
{
    /* Kept NUL-terminated for strstr. */
    if (len > sizeof(debug_out) - 1 - debug_len)
        len = sizeof(debug_out) - 1 - debug_len;
    memcpy(debug_out + debug_len, buf, len);
    debug_len += len;
    debug_out[debug_len] = 0;
}

/* A thread's wait for the backend that always times out. */
static int wait_times_out(void)
{
    waits++;
    return -ETIMEDOUT;
}

/* The ring's bytes from index `from` to the producer, as a string. */
static const char *ring_text(XENCONS_RING_IDX from)
{
    static char text[sizeof(ring_page.out) + 1];
    size_t n = 0;

    for (XENCONS_RING_IDX i = from; i != ring_page.out_prod; i++)
        text[n++] = ring_page.out[MASK_XENCONS_IDX(i, ring_page.out)];
    text[n] = 0;
    return text;
}

static void setup(void)
{
    CHECK_EQ(console_init(), 0);
    console_set_waiter(NULL);
    irqs_on = true;
    consume_after = -1;
    yields = waits = 0;
    debug_len = 0;
    debug_out[0] = 0;
}

static void fill_ring(void)
{
    static char full[sizeof(ring_page.out)];

    backend_consumes();
    memset(full, '=', sizeof(full));
    CHECK_EQ(console_write(full, sizeof(full)), sizeof(full));
    CHECK_EQ(ring_page.out_prod - ring_page.out_cons, sizeof(ring_page.out));
}

TEST(output_lands_in_the_ring)
{
    XENCONS_RING_IDX start;

    setup();
    start = ring_page.out_prod;
    CHECK_EQ(console_write("hello\n", 6), 6);
    CHECK_STR(ring_text(start), "hello\n");
    CHECK(notifies > 0);
}

TEST(boot_output_waits_for_a_slow_backend)
{
    XENCONS_RING_IDX start;

    setup();
    fill_ring();
    start = ring_page.out_prod;
    consume_after = 10000; /* slow, but within the boot-time patience */
    CHECK_EQ(console_write("late\n", 5), 5);
    CHECK_STR(ring_text(start), "late\n");
}

TEST(stuck_backend_drops_then_output_resumes_with_a_note)
{
    XENCONS_RING_IDX start;
    unsigned long waited;

    setup();
    console_set_waiter(wait_times_out);
    fill_ring();
    start = ring_page.out_prod;
    CHECK_EQ(console_write("lost one\n", 9), 9);
    CHECK(waits == 3);
    CHECK(strstr(debug_out, "output dropped") != NULL);
    /* Stuck: no more waiting, the bytes are counted. */
    waited = waits;
    CHECK_EQ(console_write("lost two\n", 9), 9);
    CHECK_EQ(waits, waited);
    CHECK_EQ(ring_page.out_prod, start);

    /* xenconsoled moves again: a note of the 18 bytes, then the new line. */
    backend_consumes();
    start = ring_page.out_prod;
    CHECK_EQ(console_write("back\n", 5), 5);
    CHECK_STR(ring_text(start), "\n[console] 18 bytes of output were dropped\nback\n");
    console_set_waiter(NULL);
}

TEST(event_handler_polls_are_bounded_and_do_not_stall)
{
    XENCONS_RING_IDX start;

    setup();
    console_set_waiter(wait_times_out);
    fill_ring();
    irqs_on = false; /* an event handler */
    CHECK_EQ(console_write("from a handler\n", 15), 15);
    CHECK(yields > 50 && yields <= 150);
    CHECK_EQ(waits, 0);
    /* Only that message suffered: a thread still waits for the backend. */
    irqs_on = true;
    backend_consumes();
    start = ring_page.out_prod;
    CHECK_EQ(console_write("thread\n", 7), 7);
    CHECK_STR(ring_text(start), "\n[console] 15 bytes of output were dropped\nthread\n");
    console_set_waiter(NULL);
}

TEST(kprintf_cuts_long_lines_visibly_and_keeps_the_newline)
{
    char word[301];
    XENCONS_RING_IDX start;
    const char *text;

    setup();
    backend_consumes();
    start = ring_page.out_prod;
    memset(word, 'x', 300);
    word[300] = 0;
    uk_printf("long %s\n", word);
    uk_printf("next\n");
    text = ring_text(start);
    CHECK_EQ(strlen(text), 255 + 5);
    CHECK(strstr(text, "x [...]\nnext\n") != NULL);
    backend_consumes();
}
