/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A pairing heap of timers by deadline, intrusive: the links live in struct
 * timer, so arming never allocates and cannot fail (a timed wait keeps its
 * timer on the waiter's stack and needs no memory at all). Insert is O(1),
 * removing the earliest or any timer O(log n) amortized. Ties keep no
 * particular order.
 *
 * Each node points to its first child and its next sibling; `prev` points
 * to the previous sibling, or to the parent for a first child, so a node
 * can be unlinked from the middle in O(1).
 */
#include <uk/assert.h>

#include "timer_heap.h"

/* Two detached roots into one; the later becomes the earlier's first child. */
static struct uk_timer *meld(struct uk_timer *a, struct uk_timer *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (b->deadline < a->deadline) {
        struct uk_timer *tmp = a;

        a = b;
        b = tmp;
    }
    b->prev = a;
    b->next = a->child;
    if (a->child)
        a->child->prev = b;
    a->child = b;
    return a;
}

static void detach(struct uk_timer *t)
{
    t->next = t->prev = NULL;
}

/*
 * The children of a removed node into one root: meld them in pairs left to
 * right, then the pairs right to left (the two passes that give the
 * amortized bound). The pairs are stacked through `next`, so no recursion.
 */
static struct uk_timer *merge_pairs(struct uk_timer *first)
{
    struct uk_timer *pairs = NULL, *root = NULL;

    while (first) {
        struct uk_timer *a = first, *b = first->next, *m;

        first = b ? b->next : NULL;
        detach(a);
        if (b)
            detach(b);
        m = meld(a, b);
        m->next = pairs;
        pairs = m;
    }
    while (pairs) {
        struct uk_timer *next = pairs->next;

        detach(pairs);
        root = meld(root, pairs);
        pairs = next;
    }
    return root;
}

void timer_heap_insert(struct timer_heap *h, struct uk_timer *t)
{
    /* Linked twice, it would corrupt the heap: uk_timer_arm removes it first. */
    UK_ASSERT(!t->armed);
    t->child = NULL;
    detach(t);
    t->armed = true;
    h->root = meld(h->root, t);
    h->len++;
}

void timer_heap_remove(struct timer_heap *h, struct uk_timer *t)
{
    struct uk_timer *sub;

    if (!t->armed)
        return;
    if (t == h->root) {
        h->root = merge_pairs(t->child);
    } else {
        if (t->prev->child == t)
            t->prev->child = t->next;
        else
            t->prev->next = t->next;
        if (t->next)
            t->next->prev = t->prev;
        sub = merge_pairs(t->child);
        h->root = meld(h->root, sub);
    }
    if (h->root)
        detach(h->root);
    t->child = NULL;
    detach(t);
    t->armed = false;
    h->len--;
}

struct uk_timer *timer_heap_peek(const struct timer_heap *h)
{
    return h->root;
}
