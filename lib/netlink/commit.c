// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The commit pipeline (commit.h): requests recorded per slot, sent as one
 * kernel batch per slot by the ring's worker (commit_ring.c), and their
 * answers turned into one result per request, in order.
 *
 * The kernel answers a batch in request order and only speaks up for
 * failures and gets, so a request without an answer before a later
 * request's answer (or before the batch's final ack) succeeded. Each slot
 * therefore delivers results as answers arrive: first the silent
 * successes before the answered request, then the answered one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include <ctkit/commit.h>
#include <ctkit/netlink.h>

#include "netlink/batch.h"
#include "netlink/commit_ring.h"
#include "netlink/session.h"

#define DEFAULT_BATCH 256
#define MAX_BATCH     1024
#define DEFAULT_SLOTS 4
#define MAX_SLOTS     64
/* Room for an update and its re-read: a request never outgrows a page. */
#define ROOM_PER_REQUEST (2 * CTKNL_SEND_SIZE)

struct commit_req {
	struct ctk_entry entry; /* the request as queued */
	void *cookie;
	unsigned long msg; /* the batch's number of its first message */
	int err;	   /* an update's failure while its re-read is on the way */
	uint8_t op;
	uint8_t nmsg; /* messages: 2 for an update with its re-read */
};

struct commit_slot {
	struct ctk_commit *c;
	struct ctk_nl *nl;
	struct ctk_nl_batch *batch;
	struct commit_req *req; /* c->batch records */
	unsigned int n;		/* requests queued */
	unsigned int next;	/* the first request without a result */
	unsigned long seq0;	/* the pipeline's number of req[0] */
	int stop;		/* the callback's errno that stopped the pipeline */
};

struct ctk_commit {
	ctk_commit_cb cb;
	void *data;
	int netns; /* borrowed from opts.netns_of during ctk_commit_new(), -1: ours */
	unsigned int batch;
	unsigned int nslots;
	struct commit_slot *slot;
	struct ctknl_ring *ring;
	unsigned long next_seq;
	int error; /* the first failure the producer has seen */
};

size_t ctk_commit_portids(const struct ctk_commit *c, uint32_t *ids, size_t max)
{
	for (unsigned int i = 0; i < c->nslots && i < max; i++)
		ids[i] = ctk_nl_portid(c->slot[i].nl);
	return c->nslots;
}

/* ---- results (on the worker, or inline) ---------------------------------- */

static void deliver(struct commit_slot *s, int err, const struct ctk_entry *e, int reread_err)
{
	struct commit_req *q = &s->req[s->next];
	struct ctk_commit_result r = {
		.seq = s->seq0 + s->next,
		.cookie = q->cookie,
		.op = (enum ctk_commit_op)q->op,
		.err = err,
		.entry = e,
		.reread_err = e ? 0 : reread_err,
		.request = &q->entry,
	};
	int ret = s->c->cb(&r, s->c->data);

	if (ret < 0 && !s->stop)
		s->stop = ret;
	s->next++;
}

/* Does request @q expect an answer of its own (a get, or an update's re-read)? */
static bool answers(const struct commit_req *q)
{
	return q->op == CTK_COMMIT_GET || q->nmsg == 2;
}

/* Requests that ended before message @msg and said nothing: done, or unanswered gets. */
static void deliver_silent(struct commit_slot *s, unsigned long msg)
{
	while (s->next < s->n) {
		struct commit_req *q = &s->req[s->next];

		if (q->msg + q->nmsg > msg)
			break;
		if (answers(q))
			deliver(s, q->nmsg == 2 ? q->err : -EPROTO, NULL, -EPROTO);
		else
			deliver(s, 0, NULL, 0);
	}
}

/* The answer to message @msg of this slot's batch: a failure or a get's entry. */
static void answer(struct commit_slot *s, unsigned long msg, int err, const struct ctk_entry *e)
{
	struct commit_req *q;

	deliver_silent(s, msg);
	if (s->next == s->n || msg < s->req[s->next].msg)
		return; /* not one of ours */
	q = &s->req[s->next];
	if (q->nmsg == 2 && msg == q->msg) {
		q->err = err; /* the update failed; its re-read comes next */
		return;
	}
	if (q->nmsg == 2)
		deliver(s, q->err, e, err);
	else
		deliver(s, e ? 0 : err, q->op == CTK_COMMIT_GET ? e : NULL, err);
}

static void batch_failed(unsigned long index, int err, void *data)
{
	answer(data, index, err, NULL);
}

static void batch_entry(unsigned long index, const struct ctk_entry *e, void *data)
{
	answer(data, index, 0, e);
}

/* Every request left without a result gets @err. */
static void deliver_rest(struct commit_slot *s, int err)
{
	while (s->next < s->n)
		deliver(s, err, NULL, err);
}

/* The ring's handler: send the slot's batch and deliver its results. */
static int slot_handle(void *slot, int error, void *data)
{
	struct commit_slot *s = slot;
	int ret = error;

	(void)data;
	s->stop = 0;
	if (error) {
		ctknl_batch_discard(s->batch);
		deliver_rest(s, -ECANCELED);
	} else {
		ret = ctk_nl_batch_send(s->batch);
		if (ret == 0)
			deliver_silent(s, (unsigned long)-1);
		else
			deliver_rest(s, ret);
	}
	s->n = s->next = 0;
	return ret ? ret : s->stop;
}

/* ---- requests (on the producer's thread) --------------------------------- */

static int submit(struct ctk_commit *c)
{
	int ret = ctknl_ring_submit(c->ring);

	if (ret < 0 && !c->error)
		c->error = ret;
	return c->error;
}

/* The slot to queue into, handing the current one over when it is full. */
static struct commit_slot *fill_slot(struct ctk_commit *c)
{
	struct commit_slot *s = ctknl_ring_slot(c->ring);

	if (s->n == c->batch || (s->n && ctknl_batch_room(s->batch) < ROOM_PER_REQUEST)) {
		if (submit(c) < 0)
			return NULL;
		s = ctknl_ring_slot(c->ring);
	}
	if (s->n == 0)
		s->seq0 = c->next_seq;
	return s;
}

static long queue_msg(struct commit_slot *s, enum ctk_commit_op op, uint8_t family,
		      const struct ctk_entry *e, uint16_t nlm_flags)
{
	switch (op) {
	case CTK_COMMIT_CREATE:
	case CTK_COMMIT_UPDATE:
		return ctk_nl_batch_create(s->batch, family, e, nlm_flags);
	case CTK_COMMIT_DELETE:
		return ctk_nl_batch_delete(s->batch, family, e);
	case CTK_COMMIT_GET:
		return ctk_nl_batch_get(s->batch, family, e);
	}
	return -EINVAL;
}

static long queue(struct ctk_commit *c, enum ctk_commit_op op, uint8_t family,
		  const struct ctk_entry *e, uint16_t nlm_flags, bool reread, void *cookie)
{
	struct commit_slot *s;
	struct commit_req *q;
	long msg;

	if (c->error)
		return c->error;
	s = fill_slot(c);
	if (!s)
		return c->error;
	msg = queue_msg(s, op, family, e, nlm_flags);
	if (msg < 0)
		return msg;
	q = &s->req[s->n];
	q->entry = *e;
	q->cookie = cookie;
	q->msg = (unsigned long)msg;
	q->err = 0;
	q->op = (uint8_t)op;
	q->nmsg = 1;
	if (reread) {
		/* Room for both was checked: the re-read cannot fail to fit. */
		if (ctk_nl_batch_get(s->batch, family, e) >= 0)
			q->nmsg = 2;
	}
	s->n++;
	return (long)c->next_seq++;
}

long ctk_commit_create(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e,
		       uint16_t nlm_flags, void *cookie)
{
	return queue(c, CTK_COMMIT_CREATE, family, e, nlm_flags, false, cookie);
}

long ctk_commit_update(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e,
		       unsigned int flags, void *cookie)
{
	if (flags & ~CTK_COMMIT_REREAD)
		return -EINVAL;
	return queue(c, CTK_COMMIT_UPDATE, family, e, 0, flags & CTK_COMMIT_REREAD, cookie);
}

long ctk_commit_delete(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e,
		       void *cookie)
{
	return queue(c, CTK_COMMIT_DELETE, family, e, 0, false, cookie);
}

long ctk_commit_get(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e, void *cookie)
{
	return queue(c, CTK_COMMIT_GET, family, e, 0, false, cookie);
}

int ctk_commit_flush(struct ctk_commit *c)
{
	struct commit_slot *s = ctknl_ring_slot(c->ring);
	int ret;

	if (s->n)
		submit(c);
	ret = ctknl_ring_drain(c->ring);
	if (ret < 0 && !c->error)
		c->error = ret;
	return c->error;
}

/* ---- life cycle ----------------------------------------------------------- */

static int slot_open(struct commit_slot *s, struct ctk_commit *c)
{
	s->c = c;
	s->req = calloc(c->batch, sizeof(*s->req));
	if (!s->req)
		return -ENOMEM;
	s->nl = ctk_nl_open_netns(c->netns);
	if (!s->nl)
		return -errno;
	s->batch = ctk_nl_batch_new(s->nl, batch_failed, s);
	if (!s->batch)
		return -ENOMEM;
	ctk_nl_batch_on_entry(s->batch, batch_entry);
	return 0;
}

static void slot_close(struct commit_slot *s)
{
	if (s->batch)
		ctk_nl_batch_free(s->batch);
	if (s->nl)
		ctk_nl_close(s->nl);
	free(s->req);
}

static void commit_free(struct ctk_commit *c)
{
	for (unsigned int i = 0; i < c->nslots; i++)
		slot_close(&c->slot[i]);
	free(c->slot);
	free(c);
}

static int commit_start(struct ctk_commit *c, bool threaded)
{
	void *ring[MAX_SLOTS];
	int ret = 0;

	for (unsigned int i = 0; i < c->nslots && ret == 0; i++) {
		ret = slot_open(&c->slot[i], c);
		ring[i] = &c->slot[i];
	}
	if (ret < 0)
		return ret;
	c->ring = ctknl_ring_start(ring, c->nslots, slot_handle, c, threaded);
	return c->ring ? 0 : -errno;
}

struct ctk_commit *ctk_commit_new(const struct ctk_commit_opts *o, ctk_commit_cb cb, void *data)
{
	struct ctk_commit_opts def = {0};
	struct ctk_commit *c;
	int ret;

	if (!o)
		o = &def;
	if (!cb || o->batch > MAX_BATCH || o->slots == 1 || o->slots > MAX_SLOTS ||
	    (o->flags & ~CTK_COMMIT_INLINE)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cb = cb;
	c->data = data;
	c->netns = o->netns_of ? o->netns_of->netns : -1;
	c->batch = o->batch ? o->batch : DEFAULT_BATCH;
	c->nslots = o->slots ? o->slots : DEFAULT_SLOTS;
	c->slot = calloc(c->nslots, sizeof(*c->slot));
	ret = c->slot ? commit_start(c, !(o->flags & CTK_COMMIT_INLINE)) : -ENOMEM;
	if (ret < 0) {
		commit_free(c);
		errno = -ret;
		return NULL;
	}
	return c;
}

int ctk_commit_close(struct ctk_commit *c)
{
	int ret;

	if (!c)
		return 0;
	ctk_commit_flush(c);
	ret = ctknl_ring_stop(c->ring);
	commit_free(c);
	return ret;
}
