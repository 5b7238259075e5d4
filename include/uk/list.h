/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intrusive circular doubly-linked lists: O(1) insert and remove with no
 * allocation, which the scheduler's queues and the timer code rely on.
 */
#ifndef UK_LIST_H
#define UK_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *next, *prev;
};

#define LIST_INIT(name)                                                                            \
    {                                                                                              \
        &(name), &(name)                                                                           \
    }
#define list_entry(node, type, member) ((type *)((char *)(node)-offsetof(type, member)))

static inline void list_init(struct list_node *head)
{
    head->next = head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
    return head->next == head;
}

static inline void list_insert_between(struct list_node *n, struct list_node *prev,
                                       struct list_node *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

static inline void list_add_tail(struct list_node *head, struct list_node *n)
{
    list_insert_between(n, head->prev, head);
}

static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

/* The first node, unlinked, or NULL when empty. */
static inline struct list_node *list_pop(struct list_node *head)
{
    struct list_node *n = head->next;

    if (n == head)
        return NULL;
    /*
     * list_remove(n), spelt out with head for n->prev (the same node): the
     * clang analyzer does not see that one alias and reported the next pop
     * as a use after free.
     */
    head->next = n->next;
    n->next->prev = head;
    n->next = n->prev = n;
    return n;
}

#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)

#endif
