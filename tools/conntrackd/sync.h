/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sync mode: the internal cache's changes go out to the peers, the peers'
 * messages come in and land in the external cache. The protocol (FTFW,
 * NOTRACK, ALARM) decides what is acknowledged and resent.
 */
#ifndef CTD_SYNC_H
#define CTD_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include <ctkit/sync.h>

#include "ctd.h"

struct ctk_out;

/* Message verdicts of a protocol's recv, as the reference's MSG_*. */
enum ctd_msg_verdict {
	CTD_MSG_DATA, /* apply it */
	CTD_MSG_CTL,  /* handled */
	CTD_MSG_DROP, /* old or duplicate: ignore */
	CTD_MSG_BAD,  /* malformed control message */
};

struct ctd_proto {
	const char *name;
	bool resync; /* answers -n (asks the peer for everything) and -B */
	int (*init)(struct ctd *d);
	void (*fini)(struct ctd *d);
	/* @h: the header of a received message. */
	enum ctd_msg_verdict (*recv)(struct ctd *d, const struct ctk_sync_hdr *h);
	/* an object was sent with @seq; returns true if the protocol keeps it queued */
	bool (*sent)(struct ctd *d, struct ctd_qnode *n);
	/* a control request only this protocol answers (STATS_RSQUEUE) */
	int (*request)(struct ctd *d, int request, struct ctk_out *o);
	/* every second */
	void (*tick)(struct ctd *d);
	/* flags every data message gets (FTFW: HELLO while saying hello) */
	uint8_t (*tx_flags)(struct ctd *d, uint8_t flags);
};

/* A control message waiting in a queue. */
struct ctd_ctlmsg {
	struct ctd_qnode node;
	uint8_t flags;
	uint32_t from, to;
};

extern const struct ctd_proto ctd_proto_ftfw, ctd_proto_notrack, ctd_proto_alarm;

int ctd_sync_open(struct ctd *d);
void ctd_sync_close(struct ctd *d);

/* ctd_sync_enqueue - send the current state of internal object @ref soon. */
void ctd_sync_enqueue(struct ctd *d, enum ctd_qkind kind, uint32_t ref);
/* ctd_sync_forget - @n leaves whatever queue it is in (its object is going away). */
void ctd_sync_forget(struct ctd *d, struct ctd_qnode *n);
/* ctd_sync_ctl - queue a control message (ACK/NACK with a range, RESYNC, ALIVE). */
void ctd_sync_ctl(struct ctd *d, uint8_t flags, uint32_t from, uint32_t to);
/* ctd_sync_bulk - every internal object to the tx queue (RESYNC, -B). */
void ctd_sync_bulk(struct ctd *d);
/* ctd_sync_request - a control request sync mode answers; -ENOTSUP if none. */
int ctd_sync_request(struct ctd *d, int request, struct ctk_out *o);
void ctd_sync_stats(struct ctd *d, struct ctk_out *o, int request);

/* What the protocols share with sync.c. */
struct ctd_seq_track {
	bool set;
	uint32_t last; /* last sequence number received */
};

enum ctd_seq_verdict {
	CTD_SEQ_UNSET, /* first message */
	CTD_SEQ_IN_SYNC,
	CTD_SEQ_AFTER,	/* a gap: messages were lost */
	CTD_SEQ_BEFORE, /* old or replayed */
};

enum ctd_seq_verdict ctd_sync_track_seq(struct ctd *d, uint32_t seq, uint32_t *expected);
void ctd_sync_update_seq(struct ctd *d, uint32_t seq);
/* ctd_sync_last_seq - the last sequence number received; false before any. */
bool ctd_sync_last_seq(struct ctd *d, uint32_t *seq);
/* ctd_sync_xmit - a transmit round (the loop's idle work). */
void ctd_sync_xmit(struct ctd *d);
struct ctd_queue *ctd_sync_txq(struct ctd *d);

/* Serial-number comparison (RFC 1982), as TCP's before()/after(). */
static inline bool ctd_seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool ctd_seq_after(uint32_t a, uint32_t b)
{
	return ctd_seq_before(b, a);
}

#endif
