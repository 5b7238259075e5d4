/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console: the PV console ring served by xenconsoled (what `xl console`
 * and the per-guest log show), with the debug port 0xE9 before the ring is
 * up and, in emergencies, alongside it.
 */
#ifndef INTERNAL_CONSOLE_H
#define INTERNAL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <internal/kernel.h>

/* Find the ring (HVM params). Returns 0 or a negative errno. */
int console_init(void);

/* The ring's event channel in *port; false when there is no ring. */
bool console_evtchn(uint32_t *port);
/*
 * Installed by events/: sleep until the backend signals (0) or a timeout
 * (negative). Without it a full ring is polled.
 */
void console_set_waiter(int (*wait)(void));

/*
 * Write all of `buf`. Blocks while the ring is full; if xenconsoled takes
 * nothing for a long time the rest is dropped (once reported on 0xE9) so
 * that a dead backend cannot hang the guest. Returns bytes accepted.
 */
size_t console_write(const char *buf, size_t len);

/* Both to the ring and to 0xE9: crash reports must get out. */
void console_write_emergency(const char *buf, size_t len);

/* Wait (bounded) until xenconsoled has consumed everything written. */
void console_flush(void);

#endif
