/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intrusive circular doubly-linked lists: O(1) insert and remove with no
 * allocation, which the scheduler's queues and the timer code rely on.
 */
#ifndef UK_LIST_H
#define UK_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct uk_list {
    struct uk_list *next, *prev;
};

#define UK_LIST_INIT(name)                                                                         \
    {                                                                                              \
        &(name), &(name)                                                                           \
    }
#define uk_list_entry(node, type, member) ((type *)((char *)(node)-offsetof(type, member)))

static inline void uk_list_init(struct uk_list *head)
{
    head->next = head->prev = head;
}

static inline bool uk_list_empty(const struct uk_list *head)
{
    return head->next == head;
}

static inline void uk_list_insert_between(struct uk_list *n, struct uk_list *prev,
                                          struct uk_list *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

/* Insert at the front (a stack); uk_list_add_tail makes a queue. */
static inline void uk_list_add(struct uk_list *head, struct uk_list *n)
{
    uk_list_insert_between(n, head, head->next);
}

static inline void uk_list_add_tail(struct uk_list *head, struct uk_list *n)
{
    uk_list_insert_between(n, head->prev, head);
}

static inline void uk_list_remove(struct uk_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

/* The first node, unlinked, or NULL when empty. */
static inline struct uk_list *uk_list_pop(struct uk_list *head)
{
    struct uk_list *n = head->next;

    if (n == head)
        return NULL;
    /*
     * uk_list_remove(n), spelt out with head for n->prev (the same node): the
     * clang analyzer does not see that one alias and reported the next pop
     * as a use after free.
     */
    head->next = n->next;
    n->next->prev = head;
    n->next = n->prev = n;
    return n;
}

#define uk_list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)

#endif
