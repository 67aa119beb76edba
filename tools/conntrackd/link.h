/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dedicated links: the sockets sync messages travel on (UDP, multicast or
 * TCP; up to four links, one active, the next taking over when the
 * active one's interface goes down). Messages are packed into datagrams
 * of the interface's MTU, as the reference does, and flushed at the end
 * of each transmit round.
 */
#ifndef CTD_LINK_H
#define CTD_LINK_H

#include <stddef.h>
#include <stdint.h>

struct ctd;
struct ctk_out;

struct ctd_link_stats {
	uint64_t bytes_sent, packets_sent, send_errors;
	uint64_t bytes_recv, packets_recv, recv_errors;
};

int ctd_links_open(struct ctd *d);
void ctd_links_close(struct ctd *d);
/* ctd_links_send - one whole message into the active link's buffer. Returns 0 or -errno. */
int ctd_links_send(struct ctd *d, const void *msg, size_t len);
/* ctd_links_flush - send what is buffered. */
void ctd_links_flush(struct ctd *d);
/* ctd_links_stats_text - the "-s" paragraphs of the links (basic, or -s link). */
void ctd_links_stats_text(struct ctd *d, struct ctk_out *o, int extended);
/* ctd_links_received - a link got something from a peer: make it the active one (reference
 * behaviour). */
void ctd_links_received(struct ctd *d, int index);
/* totals, for metrics */
void ctd_links_totals(struct ctd *d, struct ctd_link_stats *st);

/* sync.c: a received payload of whole messages */
void ctd_sync_recv(struct ctd *d, int link, const uint8_t *buf, size_t len);

#endif
