// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NOTRACK: best effort. Changes are sent once; sequence numbers are only
 * tracked to count losses; a RESYNC makes this node send everything it
 * has; an ALIVE goes out every second. (DisableInternalCache is accepted,
 * but the cache is kept: a resync is answered from it.)
 */
#include <ctkit/sync.h>

#include "ctd.h"
#include "sync.h"

static enum ctd_msg_verdict notrack_recv(struct ctd *d, const struct ctk_sync_hdr *h)
{
	enum ctd_msg_verdict v = CTD_MSG_DATA;
	uint32_t expected;

	ctd_sync_track_seq(d, h->seq, &expected);
	if (h->type == CTK_SYNC_CTL) {
		if (h->flags & CTK_SYNC_F_RESYNC)
			ctd_sync_bulk(d);
		v = h->flags & (CTK_SYNC_F_RESYNC | CTK_SYNC_F_ALIVE) ? CTD_MSG_CTL : CTD_MSG_BAD;
	} else if (h->flags) {
		v = CTD_MSG_BAD;
	}
	ctd_sync_update_seq(d, h->seq);
	return v;
}

static bool notrack_sent(struct ctd *d, struct ctd_qnode *n)
{
	(void)d;
	(void)n;
	return false;
}

static void notrack_tick(struct ctd *d)
{
	if (ctd_queue_empty(ctd_sync_txq(d)))
		ctd_sync_ctl(d, CTK_SYNC_F_ALIVE, 0, 0);
}


const struct ctd_proto ctd_proto_notrack = {
	.name = "NOTRACK",
	.resync = true,
	.recv = notrack_recv,
	.sent = notrack_sent,
	.tick = notrack_tick,
};
