/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to events/: how evtchn.c starts the time code and hooks the
 * console onto its event channel.
 */
#ifndef EVENTS_PRIVATE_H
#define EVENTS_PRIVATE_H

int time_init(void);
int console_attach_events(void);

#endif
