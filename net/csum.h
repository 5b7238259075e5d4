/* SPDX-License-Identifier: BSD-2-Clause */
/* Completing a blank transport checksum of a received frame (csum.c). */
#ifndef NET_CSUM_H
#define NET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Fills in the TCP or UDP checksum of an IPv4 Ethernet frame whose sender
 * left it blank (NETFRONT_CSUM_BLANK: a guest on the same host may send so,
 * the field then holding only a partial sum), as Linux does for such a
 * frame: the field is zeroed and the whole checksum computed, pseudo-header
 * included. True when filled; false, frame untouched, when it is not an
 * unfragmented IPv4 TCP or UDP frame with consistent lengths (lwIP then
 * checks it as it stands and drops it if wrong).
 */
bool net_csum_fill(uint8_t *frame, size_t len);

#endif
