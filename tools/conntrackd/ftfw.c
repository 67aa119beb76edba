// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FTFW, the reliable protocol, wire-compatible with conntrackd 1.4.7.
 * The sender keeps what it sent in the resend queue until the peer
 * acknowledges a range of sequence numbers (every ACKWindowSize messages,
 * or on the one-second alive timer); a gap the receiver sees is NACKed
 * and the sender resends those objects with their current state and new
 * numbers. A HELLO starts a session (the peer restarted): both sides
 * forget what the other cannot know about.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <ctkit/output.h>
#include <ctkit/sync.h>

#include "ctd.h"
#include "log.h"
#include "request.h"
#include "sync.h"

enum hello_state {
	HELLO_INIT,
	HELLO_SAY,
	HELLO_DONE,
};

struct ftfw {
	struct ctd_queue rsq;
	int window;
	uint32_t ack_from;
	bool ack_from_set;
	enum hello_state hello;
	bool say_hello_back;
	bool peer_says_hello; /* the peer's last message carried HELLO */
	uint64_t rs_dropped;  /* sent but pushed out of a full resend queue before any ACK */
};

static struct ftfw ftfw_state;

static bool ctl_needs_ack(const struct ctd_qnode *n)
{
	const struct ctd_ctlmsg *m = (const struct ctd_ctlmsg *)n;

	return ctk_sync_hdr_has_range(m->flags);
}

static void forget(struct ctd *d, struct ctd_qnode *n)
{
	ctd_queue_del(n);
	if (n->kind == CTD_QN_CTL)
		free(n);
	else
		ctd_internal_release(d, n->kind, n->ref);
}

static int ftfw_init(struct ctd *d)
{
	struct ftfw *f = &ftfw_state;

	ctd_queue_init(&f->rsq, "rsqueue", d->cfg->resend_queue_size);
	f->window = (int)d->cfg->ack_window_size;
	f->ack_from_set = false;
	f->hello = HELLO_INIT;
	f->say_hello_back = false;
	f->peer_says_hello = false;
	return 0;
}

static void empty_rsq(struct ctd *d)
{
	struct ctd_qnode *n;

	while ((n = ctd_queue_first(&ftfw_state.rsq)))
		forget(d, n);
}

static void ftfw_fini(struct ctd *d)
{
	empty_rsq(d);
}

static uint8_t ftfw_tx_flags(struct ctd *d, uint8_t flags)
{
	struct ftfw *f = &ftfw_state;

	(void)d;
	if (f->hello == HELLO_INIT)
		f->hello = HELLO_SAY;
	if (f->hello == HELLO_SAY)
		flags |= CTK_SYNC_F_HELLO;
	if (f->say_hello_back) {
		flags |= CTK_SYNC_F_HELLO_BACK;
		f->say_hello_back = false;
	}
	return flags;
}

static bool ftfw_sent(struct ctd *d, struct ctd_qnode *n)
{
	struct ftfw *f = &ftfw_state;
	struct ctd_qnode *oldest;

	if (n->kind == CTD_QN_CTL && !ctl_needs_ack(n))
		return false;
	if (ctd_queue_full(&f->rsq) && (oldest = ctd_queue_first(&f->rsq))) {
		f->rs_dropped++;
		forget(d, oldest);
	}
	ctd_queue_add(&f->rsq, n);
	return true;
}

/* ACK [from, to]: the peer has those; NACK: send them again. */
static void ack_range(struct ctd *d, uint32_t from, uint32_t to, bool resend)
{
	struct ftfw *f = &ftfw_state;
	struct ctd_qnode *n = ctd_queue_first(&f->rsq), *next;

	for (; n; n = next) {
		next = ctd_queue_next(&f->rsq, n);
		if (ctd_seq_before(n->seq, from))
			continue;
		if (ctd_seq_after(n->seq, to))
			break;
		if (resend)
			ctd_queue_add(ctd_sync_txq(d), n);
		else
			forget(d, n);
	}
	if (resend)
		ctd_loop_busy(d->loop);
}

static enum ctd_msg_verdict digest(struct ctd *d, const struct ctk_sync_hdr *h)
{
	if (h->type != CTK_SYNC_CTL) {
		/* data: only HELLO/HELLO_BACK may ride along */
		if (h->flags & ~(CTK_SYNC_F_HELLO | CTK_SYNC_F_HELLO_BACK))
			return CTD_MSG_BAD;
		return CTD_MSG_DATA;
	}
	if (h->flags & CTK_SYNC_F_ACK) {
		if (ctd_seq_before(h->to, h->from))
			return CTD_MSG_BAD;
		ack_range(d, h->from, h->to, false);
		return CTD_MSG_CTL;
	}
	if (h->flags & CTK_SYNC_F_NACK) {
		if (ctd_seq_before(h->to, h->from))
			return CTD_MSG_BAD;
		ack_range(d, h->from, h->to, true);
		return CTD_MSG_CTL;
	}
	if (h->flags & CTK_SYNC_F_RESYNC) {
		ctd_sync_bulk(d);
		return CTD_MSG_CTL;
	}
	if (h->flags & CTK_SYNC_F_ALIVE)
		return CTD_MSG_CTL;
	return CTD_MSG_BAD;
}

static bool digest_hello(const struct ctk_sync_hdr *h)
{
	struct ftfw *f = &ftfw_state;
	bool hello = false;

	if (h->flags & CTK_SYNC_F_HELLO) {
		f->say_hello_back = true;
		hello = true;
	}
	if ((h->flags & CTK_SYNC_F_HELLO_BACK) && f->hello == HELLO_SAY)
		f->hello = HELLO_DONE;
	return hello;
}

static enum ctd_msg_verdict in_order(struct ctd *d, const struct ctk_sync_hdr *h)
{
	struct ftfw *f = &ftfw_state;
	enum ctd_msg_verdict v = digest(d, h);

	if (v == CTD_MSG_BAD)
		return v;
	if (!f->ack_from_set) {
		f->ack_from_set = true;
		f->ack_from = h->seq;
	}
	if (--f->window <= 0) {
		ctd_sync_ctl(d, CTK_SYNC_F_ACK, f->ack_from, h->seq);
		f->window = (int)d->cfg->ack_window_size;
		f->ack_from_set = false;
	}
	return v;
}

static enum ctd_msg_verdict after_gap(struct ctd *d, const struct ctk_sync_hdr *h,
				      uint32_t expected)
{
	struct ftfw *f = &ftfw_state;
	enum ctd_msg_verdict v = digest(d, h);

	if (v == CTD_MSG_BAD)
		return v;
	if (f->ack_from_set) {
		ctd_sync_ctl(d, CTK_SYNC_F_ACK, f->ack_from, expected - 1);
		f->ack_from_set = false;
	}
	ctd_sync_ctl(d, CTK_SYNC_F_NACK, expected, h->seq - 1);
	/* this message is the first of the new window */
	f->window = (int)d->cfg->ack_window_size - 1;
	f->ack_from = h->seq;
	f->ack_from_set = true;
	return v;
}

static enum ctd_msg_verdict ftfw_recv(struct ctd *d, const struct ctk_sync_hdr *h)
{
	struct ftfw *f = &ftfw_state;
	bool hello = digest_hello(h);
	enum ctd_msg_verdict v;
	uint32_t expected;

	if (hello && !f->peer_says_hello) {
		/*
		 * The peer (re)started and knows nothing of what we kept for
		 * it; its numbering starts anew. It says HELLO until our
		 * HELLO_BACK reaches it, so only the first HELLO of a run means
		 * that: the reference took every one for a restart (emptying
		 * its resend queue and skipping gap detection), and with a
		 * HELLO_BACK lost, what was sent meanwhile was lost for good.
		 */
		if (f->ack_from_set && ctd_seq_before(h->seq, f->ack_from)) {
			f->window = (int)d->cfg->ack_window_size - 1;
			f->ack_from = h->seq;
		}
		empty_rsq(d);
		f->peer_says_hello = true;
		v = in_order(d, h);
	} else {
		f->peer_says_hello = hello;
		switch (ctd_sync_track_seq(d, h->seq, &expected)) {
		case CTD_SEQ_AFTER:
			v = after_gap(d, h, expected);
			break;
		case CTD_SEQ_BEFORE:
			return CTD_MSG_DROP; /* delayed packets are not accepted */
		default:
			v = in_order(d, h);
			break;
		}
	}
	if (v == CTD_MSG_DATA || v == CTD_MSG_CTL)
		ctd_sync_update_seq(d, h->seq);
	return v;
}

static void ftfw_tick(struct ctd *d)
{
	struct ftfw *f = &ftfw_state;
	uint32_t last;

	if (f->ack_from_set && ctd_sync_last_seq(d, &last)) {
		ctd_sync_ctl(d, CTK_SYNC_F_ACK, f->ack_from, last);
		f->ack_from_set = false;
	} else {
		ctd_sync_ctl(d, CTK_SYNC_F_ALIVE, 0, 0);
	}
}

static void rsq_text(struct ctk_out *o)
{
	struct ftfw *f = &ftfw_state;
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "resent queue (len=%zu)\n", f->rsq.len);

	ctk_out_write(o, buf, (size_t)n);
	for (struct ctd_qnode *q = ctd_queue_first(&f->rsq); q; q = ctd_queue_next(&f->rsq, q)) {
		if (q->kind == CTD_QN_CTL)
			n = snprintf(buf, sizeof(buf), "control -> seq:%u flags:%u\n", q->seq,
				     ((struct ctd_ctlmsg *)q)->flags);
		else
			n = snprintf(buf, sizeof(buf), "object -> seq:%u\n", q->seq);
		ctk_out_write(o, buf, (size_t)n);
	}
}

static int ftfw_request(struct ctd *d, int request, struct ctk_out *o)
{
	(void)d;
	if (request != CTD_REQ_STATS_RSQUEUE)
		return -ENOTSUP;
	rsq_text(o);
	return 0;
}

size_t ctd_ftfw_rsq_len(void)
{
	return ftfw_state.rsq.len;
}

uint64_t ctd_ftfw_rs_dropped(void)
{
	return ftfw_state.rs_dropped;
}

const struct ctd_proto ctd_proto_ftfw = {
	.name = "FTFW",
	.resync = true,
	.init = ftfw_init,
	.fini = ftfw_fini,
	.recv = ftfw_recv,
	.sent = ftfw_sent,
	.request = ftfw_request,
	.tick = ftfw_tick,
	.tx_flags = ftfw_tx_flags,
};
