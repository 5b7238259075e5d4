/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A new connection over one lwIP still holds in TIME_WAIT (docs/net.md,
 * "TIME_WAIT"). When the guest closed first, it keeps the connection's
 * four-tuple for 2 MSL; a client that reconnects from the same port sends a
 * SYN that lwIP answers with an old ACK, and the client's reset is ignored
 * (RFC 1337): the connect stalls for the whole TIME_WAIT. RFC 6191, as
 * Linux and the BSDs do, lets a SYN whose sequence number lies beyond what
 * the old connection received end the TIME_WAIT: the old connection can no
 * longer be confused with the new one. lwIP offers no such path, so this
 * hook ends the TIME_WAIT and drops the SYN; the client's retransmission
 * (after its 1 s initial RTO) reaches the listener.
 */
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip_hooks.h"

err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p)
{
    (void)p;
    if (pcb->state != TIME_WAIT)
        return ERR_OK;
    /* tcp_input has put seqno in host order already; the flags are not converted. */
    if ((TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN ||
        !TCP_SEQ_GT(hdr->seqno, pcb->rcv_nxt))
        return ERR_OK;
    tcp_pcb_remove(&tcp_tw_pcbs, pcb);
    tcp_free(pcb);
    return ERR_ABRT;
}
