/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sync queues: intrusive doubly-linked lists of what is to be sent
 * (tx) and what was sent and awaits acknowledgement (FTFW's resend queue).
 * A cached object carries its node in its cache slot's extra bytes, so an
 * object is in at most one queue and queueing it again costs nothing;
 * control messages carry their own node.
 */
#ifndef CTD_QUEUE_H
#define CTD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ctd_qkind {
	CTD_QN_CT,  /* an internal-cache conntrack object: @ref is its handle */
	CTD_QN_EXP, /* an internal-cache expectation object */
	CTD_QN_CTL, /* a control message (struct ctd_ctlmsg) */
};

struct ctd_queue;

struct ctd_qnode {
	struct ctd_qnode *prev, *next;
	struct ctd_queue *in; /* NULL: in no queue */
	uint32_t ref;
	uint32_t seq; /* the sequence number it was last sent with */
	uint8_t kind; /* enum ctd_qkind */
};

struct ctd_queue {
	struct ctd_qnode head;
	size_t len;
	size_t max; /* 0: unbounded */
	const char *name;
};

static inline void ctd_queue_init(struct ctd_queue *q, const char *name, size_t max)
{
	q->head.prev = q->head.next = &q->head;
	q->head.in = q;
	q->len = 0;
	q->max = max;
	q->name = name;
}

static inline bool ctd_queue_empty(const struct ctd_queue *q)
{
	return q->head.next == &q->head;
}

static inline struct ctd_qnode *ctd_queue_first(struct ctd_queue *q)
{
	return ctd_queue_empty(q) ? NULL : q->head.next;
}

static inline struct ctd_qnode *ctd_queue_next(struct ctd_queue *q, struct ctd_qnode *n)
{
	return n->next == &q->head ? NULL : n->next;
}

static inline void ctd_queue_del(struct ctd_qnode *n)
{
	if (!n->in)
		return;
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->in->len--;
	n->in = NULL;
	n->prev = n->next = NULL;
}

/* ctd_queue_add - append @n (taken out of any queue it is in). */
static inline void ctd_queue_add(struct ctd_queue *q, struct ctd_qnode *n)
{
	ctd_queue_del(n);
	n->prev = q->head.prev;
	n->next = &q->head;
	q->head.prev->next = n;
	q->head.prev = n;
	n->in = q;
	q->len++;
}

static inline bool ctd_queue_full(const struct ctd_queue *q)
{
	return q->max && q->len >= q->max;
}

#endif
