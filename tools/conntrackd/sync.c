// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sync mode's engine room. Out: objects of the internal cache wait in the
 * tx queue (one node each, so a burst of changes to one connection sends
 * its latest state once); each transmit round builds their messages from
 * the cache's current state, stamps the sequence number and hands them to
 * the active link, then asks the protocol whether to keep them for
 * resending. In: payloads are cut into messages, counted and refused as
 * the reference does, passed to the protocol for sequence tracking, and
 * data is applied to the external cache.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ctkit/events.h>
#include <ctkit/output.h>
#include <ctkit/sync.h>

#include "auth.h"
#include "commit.h"
#include "expect.h"
#include "ctd.h"
#include "link.h"
#include "log.h"
#include "request.h"
#include "sync.h"

#define XMIT_BUDGET 4096 /* messages per loop round: the rest go next round */
#define TICK_MS	    1000

struct ctd_sync_errors {
	uint64_t malformed, lost, before;
	uint32_t bad_version, bad_header, bad_payload, bad_type, truncated, bad_size;
	uint32_t snd_malformed;
};

struct ctd_sync {
	const struct ctd_proto *proto;
	struct ctd_queue txq;
	bool seq_set;
	uint32_t seq_next;
	struct ctd_seq_track rx;
	struct ctd_sync_errors err;
	struct ctd_timer tick;
	uint64_t ticks;
	uint64_t msgs_sent, msgs_recv;
	time_t last_recv;
};

struct ctd_queue *ctd_sync_txq(struct ctd *d)
{
	return &d->sync->txq;
}

/* ---- out ------------------------------------------------------------------ */

static struct ctd_obj *obj_of(struct ctd *d, enum ctd_qkind kind, uint32_t ref)
{
	return kind == CTD_QN_EXP ? ctd_expect_obj(d, ref) : ctd_obj_of(&d->internal_ct, ref);
}

void ctd_sync_enqueue(struct ctd *d, enum ctd_qkind kind, uint32_t ref)
{
	struct ctd_obj *obj = obj_of(d, kind, ref);

	if (!obj)
		return;
	if (obj->node.in != &d->sync->txq)
		ctd_queue_add(&d->sync->txq, &obj->node);
	ctd_loop_busy(d->loop);
}

void ctd_sync_forget(struct ctd *d, struct ctd_qnode *n)
{
	(void)d;
	ctd_queue_del(n);
}

void ctd_sync_ctl(struct ctd *d, uint8_t flags, uint32_t from, uint32_t to)
{
	struct ctd_ctlmsg *m = calloc(1, sizeof(*m));

	if (!m)
		return;
	m->node.kind = CTD_QN_CTL;
	m->flags = flags;
	m->from = from;
	m->to = to;
	ctd_queue_add(&d->sync->txq, &m->node);
	ctd_loop_busy(d->loop);
}

static int bulk_one(struct ctk_cache *cache, uint32_t ref, void *data)
{
	struct ctd *d = data;
	struct ctd_obj *obj = ctk_cache_extra(cache, ref);

	if (obj->node.in != &d->sync->txq)
		ctd_queue_add(&d->sync->txq, &obj->node);
	return CTK_CB_OK;
}

void ctd_sync_bulk(struct ctd *d)
{
	if (d->internal_ct.c)
		ctk_cache_foreach_ref(d->internal_ct.c, 1, bulk_one, d);
	ctd_expect_bulk(d);
	ctd_loop_busy(d->loop);
}

static uint32_t next_seq(struct ctd_sync *s)
{
	/* as the reference: the first message's time, so a restart starts elsewhere */
	if (!s->seq_set) {
		s->seq_set = true;
		s->seq_next = (uint32_t)time(NULL);
	}
	return s->seq_next++;
}

static void set_flags(uint8_t *msg, uint8_t flags)
{
	msg[1] = flags; /* the header's flags byte (ctkit/sync.h) */
}

/* The message type of an object: NEW until it changed, DEL once dead. */
static enum ctk_sync_type type_of(const struct ctd_obj *obj, bool exp)
{
	enum ctk_sync_type base = exp ? CTK_SYNC_EXP_NEW : CTK_SYNC_CT_NEW;

	switch (obj->status) {
	case CTD_OBJ_NEW:
		return base;
	case CTD_OBJ_DEAD:
		return base + 2;
	default:
		return base + 1;
	}
}

static int build_obj(struct ctd *d, struct ctd_qnode *n, uint8_t *buf, size_t cap)
{
	struct ctd_obj *obj = obj_of(d, n->kind, n->ref);
	unsigned int flags = 0;

	if (!obj)
		return -ENOENT;
	if (d->cfg->commit_timeout)
		flags |= CTK_SYNC_NO_TIMEOUT;
	if (d->cfg->tcp_window_tracking)
		flags |= CTK_SYNC_TCP_WSCALE;
	if (n->kind == CTD_QN_EXP)
		return ctk_sync_expect_build(buf, cap, type_of(obj, true),
					     ctd_expect_get(d, n->ref), flags);
	return ctk_sync_ct_build(buf, cap, type_of(obj, false),
				 ctk_cache_get(d->internal_ct.c, n->ref), flags);
}

static int build_ctl(struct ctd_qnode *n, uint8_t *buf, size_t cap)
{
	struct ctd_ctlmsg *m = (struct ctd_ctlmsg *)n;
	struct ctk_sync_hdr h = {
		.type = CTK_SYNC_CTL, .flags = m->flags, .from = m->from, .to = m->to};

	return ctk_sync_ctl_build(buf, cap, &h);
}

/* After sending: the protocol keeps the node for resending, or it is done. */
static void done_with(struct ctd *d, struct ctd_qnode *n)
{
	if (d->sync->proto->sent(d, n))
		return;
	ctd_queue_del(n);
	if (n->kind == CTD_QN_CTL)
		free(n);
	else
		ctd_internal_release(d, n->kind, n->ref);
}

static void send_one(struct ctd *d, struct ctd_qnode *n)
{
	struct ctd_sync *s = d->sync;
	uint8_t buf[CTK_SYNC_MSG_MAX + CTD_AUTH_TAG_MAX];
	int len = n->kind == CTD_QN_CTL ? build_ctl(n, buf, CTK_SYNC_MSG_MAX)
					: build_obj(d, n, buf, CTK_SYNC_MSG_MAX);

	if (len < 0) {
		if (len != -ENOENT)
			s->err.snd_malformed++;
		ctd_queue_del(n);
		if (n->kind == CTD_QN_CTL)
			free(n);
		return;
	}
	set_flags(buf, s->proto->tx_flags ? s->proto->tx_flags(d, buf[1]) : buf[1]);
	n->seq = next_seq(s);
	ctk_sync_hdr_set_seq(buf, n->seq);
	len = ctd_auth_sign(d, buf, (size_t)len, sizeof(buf));
	if (len > 0 && ctd_links_send(d, buf, (size_t)len) == 0)
		s->msgs_sent++;
	done_with(d, n);
}

/* The loop's idle work: a round of transmission. */
void ctd_sync_xmit(struct ctd *d)
{
	struct ctd_sync *s = d->sync;
	unsigned int budget = XMIT_BUDGET;
	struct ctd_qnode *n;

	if (!s)
		return;
	while (budget-- && (n = ctd_queue_first(&s->txq)))
		send_one(d, n);
	ctd_links_flush(d);
	if (!ctd_queue_empty(&s->txq))
		ctd_loop_busy(d->loop);
}

/* ---- in ------------------------------------------------------------------- */

enum ctd_seq_verdict ctd_sync_track_seq(struct ctd *d, uint32_t seq, uint32_t *expected)
{
	struct ctd_sync *s = d->sync;
	enum ctd_seq_verdict v;

	if (!s->rx.set)
		v = CTD_SEQ_UNSET;
	else if (seq == s->rx.last + 1)
		v = CTD_SEQ_IN_SYNC;
	else if (ctd_seq_after(seq, s->rx.last + 1)) {
		s->err.lost += seq - (s->rx.last + 1);
		v = CTD_SEQ_AFTER;
	} else {
		s->err.before++;
		v = CTD_SEQ_BEFORE;
	}
	*expected = s->rx.last + 1;
	return v;
}

bool ctd_sync_last_seq(struct ctd *d, uint32_t *seq)
{
	*seq = d->sync->rx.last;
	return d->sync->rx.set;
}

void ctd_sync_update_seq(struct ctd *d, uint32_t seq)
{
	d->sync->rx.set = true;
	d->sync->rx.last = seq;
}

static void apply_data(struct ctd *d, const struct ctk_sync_hdr *h, const uint8_t *msg)
{
	struct ctd_sync *s = d->sync;
	struct ctk_entry e;
	struct ctk_expect x;

	switch (h->type) {
	case CTK_SYNC_CT_NEW:
	case CTK_SYNC_CT_UPD:
	case CTK_SYNC_CT_DEL:
		if (ctk_sync_ct_parse(msg, h->len, &e) < 0)
			break;
		ctd_external_ct(d, h->type, &e);
		return;
	case CTK_SYNC_EXP_NEW:
	case CTK_SYNC_EXP_UPD:
	case CTK_SYNC_EXP_DEL:
		if (!d->cfg->expectation_sync)
			return;
		if (ctk_sync_expect_parse(msg, h->len, &x) < 0)
			break;
		ctd_expect_external(d, h->type, &x);
		return;
	default:
		s->err.malformed++;
		s->err.bad_type++;
		return;
	}
	s->err.malformed++;
	s->err.bad_payload++;
}

static void one_message(struct ctd *d, int link, const struct ctk_sync_hdr *h, const uint8_t *msg)
{
	struct ctd_sync *s = d->sync;

	switch (s->proto->recv(d, h)) {
	case CTD_MSG_DATA:
		ctd_links_received(d, link);
		break;
	case CTD_MSG_CTL:
		ctd_links_received(d, link);
		return;
	case CTD_MSG_BAD:
		s->err.malformed++;
		s->err.bad_header++;
		return;
	case CTD_MSG_DROP:
		return;
	}
	apply_data(d, h, msg);
}

static void count_frame_error(struct ctd_sync *s, int err)
{
	s->err.malformed++;
	switch (-err) {
	case CTK_SYNC_ERR_TRUNCATED:
		s->err.truncated++;
		break;
	case CTK_SYNC_ERR_VERSION:
		s->err.bad_version++;
		break;
	case CTK_SYNC_ERR_BAD_TYPE:
		s->err.bad_type++;
		break;
	default:
		s->err.bad_size++;
		break;
	}
}

void ctd_sync_recv(struct ctd *d, int link, const uint8_t *buf, size_t len)
{
	struct ctd_sync *s = d->sync;

	s->last_recv = time(NULL);
	while (len > 0) {
		struct ctk_sync_hdr h;
		int n = ctk_sync_hdr_parse(buf, len, &h);
		int body;

		if (n < 0) {
			count_frame_error(s, n);
			/* a wrong version or type is skipped; anything else ends the framing */
			if ((n != -CTK_SYNC_ERR_VERSION && n != -CTK_SYNC_ERR_BAD_TYPE) ||
			    h.len > len)
				return;
			n = h.len + (ctd_auth_enabled(d) ? CTD_AUTH_TAG_MAX : 0);
			if ((size_t)n > len)
				return;
			buf += n;
			len -= (size_t)n;
			continue;
		}
		body = ctd_auth_verify(d, buf, (size_t)n, len);
		if (body < 0)
			return; /* counted by auth.c; the framing is lost with it */
		s->msgs_recv++;
		one_message(d, link, &h, buf);
		buf += n + (size_t)body;
		len -= (size_t)n + (size_t)body;
	}
}

void ctd_sync_counters(struct ctd *d, uint64_t *sent, uint64_t *recv, uint64_t *lost,
		       uint64_t *malformed, time_t *last_recv)
{
	struct ctd_sync *s = d->sync;

	*sent = s->msgs_sent;
	*recv = s->msgs_recv;
	*lost = s->err.lost;
	*malformed = s->err.malformed;
	*last_recv = s->last_recv;
}

/* ---- life ----------------------------------------------------------------- */

static void on_tick(void *data)
{
	struct ctd *d = data;

	d->sync->ticks++;
	if (d->sync->proto->tick)
		d->sync->proto->tick(d);
	if (d->cfg->sync_proto == CTD_SYNC_ALARM)
		ctd_external_expire(d);
	ctd_timer_arm(d->loop, &d->sync->tick, TICK_MS);
}

int ctd_sync_open(struct ctd *d)
{
	struct ctd_sync *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	d->sync = s;
	if (!d->cfg->sync_modes)
		fprintf(stderr, "WARNING: No synchronization mode specified. "
				"Defaulting to FT-FW mode.\n");
	switch (d->cfg->sync_proto) {
	case CTD_SYNC_NOTRACK:
		s->proto = &ctd_proto_notrack;
		break;
	case CTD_SYNC_ALARM:
		s->proto = &ctd_proto_alarm;
		break;
	default:
		s->proto = &ctd_proto_ftfw;
		break;
	}
	ctd_queue_init(&s->txq, "txqueue", 0);
	ret = ctd_auth_open(d);
	if (ret == 0)
		ret = ctd_links_open(d);
	if (ret == 0 && s->proto->init)
		ret = s->proto->init(d);
	if (ret < 0)
		return ret;
	ctd_timer_init(&s->tick, on_tick, d);
	ctd_timer_arm(d->loop, &s->tick, TICK_MS);
	if (d->cfg->startup_resync && d->cfg->sync_proto != CTD_SYNC_ALARM)
		ctd_sync_ctl(d, CTK_SYNC_F_RESYNC, 0, 0);
	return 0;
}

void ctd_sync_close(struct ctd *d)
{
	struct ctd_sync *s = d->sync;
	struct ctd_qnode *n;

	if (!s)
		return;
	if (s->proto->fini)
		s->proto->fini(d);
	while ((n = ctd_queue_first(&s->txq))) {
		ctd_queue_del(n);
		if (n->kind == CTD_QN_CTL)
			free(n);
	}
	ctd_timer_disarm(d->loop, &s->tick);
	ctd_links_close(d);
	ctd_auth_close(d);
	free(s);
	d->sync = NULL;
}

/* ---- requests and statistics ---------------------------------------------- */

int ctd_sync_request(struct ctd *d, int request, struct ctk_out *o)
{
	const struct ctd_proto *proto = d->sync ? d->sync->proto : NULL;

	if (!proto)
		return -ENOTSUP;
	switch (request) {
	case CTD_REQ_REQUEST_DUMP:
		if (!proto->resync)
			return -ENOTSUP;
		ctd_log(LOG_NOTICE, "request resync");
		ctd_sync_ctl(d, CTK_SYNC_F_RESYNC, 0, 0);
		return 0;
	case CTD_REQ_SEND_BULK:
		if (!proto->resync)
			return -ENOTSUP;
		ctd_log(LOG_NOTICE, "sending bulk update");
		ctd_sync_bulk(d);
		return 0;
	default:
		return proto->request ? proto->request(d, request, o) : -ENOTSUP;
	}
}

void ctd_sync_stats(struct ctd *d, struct ctk_out *o, int extended)
{
	struct ctd_sync_errors *e = &d->sync->err;
	char buf[2048];
	int n;

	if (!extended) {
		n = snprintf(buf, sizeof(buf),
			     "message tracking:\n"
			     "%20llu Malformed msgs %20llu Lost msgs\n\n",
			     (unsigned long long)e->malformed, (unsigned long long)e->lost);
	} else {
		n = snprintf(buf, sizeof(buf),
			     "network statistics:\n"
			     "\trecv:\n"
			     "\t\tMalformed messages:\t%20llu\n"
			     "\t\tWrong protocol version:\t%20u\n"
			     "\t\tMalformed header:\t%20u\n"
			     "\t\tMalformed payload:\t%20u\n"
			     "\t\tBad message type:\t%20u\n"
			     "\t\tTruncated message:\t%20u\n"
			     "\t\tBad message size:\t%20u\n"
			     "\tsend:\n"
			     "\t\tMalformed messages:\t%20u\n\n"
			     "sequence tracking statistics:\n"
			     "\trecv:\n"
			     "\t\tPackets lost:\t\t%20llu\n"
			     "\t\tPackets before:\t\t%20llu\n\n",
			     (unsigned long long)e->malformed, e->bad_version, e->bad_header,
			     e->bad_payload, e->bad_type, e->truncated, e->bad_size,
			     e->snd_malformed, (unsigned long long)e->lost,
			     (unsigned long long)e->before);
	}
	ctk_out_write(o, buf, (size_t)n);
}
