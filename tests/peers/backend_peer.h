/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The plumbing every hostile dom0 backend peer shares (netback_evil,
 * blkback_evil): the handles to XenStore, grant tables and event channels,
 * the say/fail log lines, the clock and the nap on the event channel,
 * XenStore reads and writes, the backend's state, the frontend and backend
 * directories made in one transaction, the guest's grants mapped and its
 * channel bound, and the directories removed at the end. Each peer keeps
 * what is its device's own: its nodes, its rings, its phases.
 *
 * One peer per process, so the state is plain globals the peer sets in
 * main: domid, be and fe before bp_create_nodes; bp_prefix, what starts
 * every say/fail line ("netback_evil: ", "blkback_evil: xvdb: ").
 */
#ifndef BACKEND_PEER_H
#define BACKEND_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/io/xenbus.h>

extern struct xs_handle *xs;
extern xengnttab_handle *gt;
extern xenevtchn_handle *ev;
extern int domid;
extern char be[128], fe[128];
extern char bp_prefix[64];
extern int failed, failures;     /* failures: FAIL lines so far, to tell a phase's own */
extern evtchn_port_t local_port; /* ~0u until bp_bind */

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A FAIL line; the peer's exit status becomes 1. */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t now_ms(void);
/* Sleep until the guest notifies us or `ms` pass; the pending event is cleared. */
void nap(int ms);
void notify(void);

char *xread(const char *dir, const char *key);
long xread_long(const char *dir, const char *key, long dflt);
bool xwrite(xs_transaction_t t, const char *dir, const char *key, const char *val);
void set_state(enum xenbus_state s);
/* The frontend's state is one of `mask` (bits) within 10 s: the state, or -1. */
long wait_frontend(unsigned int mask);

/* Open XenStore, gnttab (quiet) and evtchn: 0, or 1 with a line saying why. */
int bp_open(const char *prog);
void bp_close(void);
/*
 * be and fe in one transaction with the nodes both have and libxl's
 * permissions; `nodes` writes the device's own in the same transaction.
 * 0, or -1 after a FAIL line.
 */
int bp_create_nodes(bool (*nodes)(xs_transaction_t t));
/* Map `n` grants of the guest as one writable area, or NULL (errno set). */
void *bp_map(unsigned int n, uint32_t *refs);
/* Bind the guest's event channel `port` (local_port): 0, or -1 after a FAIL line. */
int bp_bind(long port);
/* 20,000 events (at most 3 s) with nothing on the rings, and a line saying how fast. */
void bp_notify_flood(void);
/* refuse: Closing instead of Connected, then Closed once the frontend is: 0, or -1. */
int bp_refuse(void);
/* The end: Closing, and the frontend's answer (Closing or Closed) awaited and said. */
void bp_closing(void);
/* Run each phase of `argv` ("all": each of `all`) until one says -1. */
void bp_run_phases(char **argv, int argc, const char *const *all, size_t nall,
                   int (*run)(const char *phase));
/*
 * keep-mapped: until dom0 writes be/release (the case does once the guest
 * said it keeps the pages), at most 60 s from t0, calling `tick` (if any)
 * every `tick_ms`: the ms since t0, or -1 after a FAIL line.
 */
long bp_wait_release(uint64_t t0, void (*tick)(void), int tick_ms);
/* Remove fe and be: true, or false after a FAIL line. */
bool bp_remove(void);

#endif
