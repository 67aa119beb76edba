// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ALARM: no acknowledgements; every entry is sent again once per
 * RefreshTime seconds, in the second of the period it drew at random
 * when it was cached (so refreshes spread over the period), and the
 * receiver forgets what was not refreshed for CacheTimeout seconds.
 */
#include <errno.h>

#include <ctkit/sync.h>

#include "ctd.h"
#include "sync.h"

static uint64_t alarm_tick_count;

static enum ctd_msg_verdict alarm_recv(struct ctd *d, const struct ctk_sync_hdr *h)
{
	uint32_t expected;

	ctd_sync_track_seq(d, h->seq, &expected);
	ctd_sync_update_seq(d, h->seq);
	/* control messages (and any flags) mean nothing here */
	if (h->type == CTK_SYNC_CTL || h->flags)
		return CTD_MSG_CTL;
	return CTD_MSG_DATA;
}

static bool alarm_sent(struct ctd *d, struct ctd_qnode *n)
{
	(void)d;
	(void)n;
	return false;
}

struct refresh_ctx {
	struct ctd *d;
	uint16_t phase;
};

static int refresh_one(struct ctk_cache *cache, uint32_t ref, void *data)
{
	struct refresh_ctx *x = data;
	struct ctd_obj *obj = ctk_cache_extra(cache, ref);

	if (obj->phase == x->phase && obj->status != CTD_OBJ_DEAD) {
		obj->status = CTD_OBJ_ALIVE;
		ctd_sync_enqueue(x->d, CTD_QN_CT, ref);
	}
	return CTK_CB_OK;
}

static void alarm_tick(struct ctd *d)
{
	unsigned int period = d->cfg->refresh_time ? d->cfg->refresh_time : 1;
	struct refresh_ctx x = {.d = d, .phase = (uint16_t)(alarm_tick_count++ % period)};

	if (d->internal_ct.c)
		ctk_cache_foreach_ref(d->internal_ct.c, 1, refresh_one, &x);
}

const struct ctd_proto ctd_proto_alarm = {
	.name = "ALARM",
	.recv = alarm_recv,
	.sent = alarm_sent,
	.tick = alarm_tick,
};
