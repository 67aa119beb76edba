/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to lib/cache: the event mirror's bounded queue between one
 * producer thread (the socket reader) and one consumer. Records are
 * copied into a byte ring; the consumer reads them in place. A descriptor
 * (eventfd) is readable while records wait.
 */
#ifndef CTK_EVQUEUE_H
#define CTK_EVQUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Not part of the shared library's interface. */
#pragma GCC visibility push(hidden)

enum evq_kind {
	EVQ_EVENT = 1, /* netlink messages as received */
	EVQ_OVERRUN,   /* the socket said ENOBUFS here */
	EVQ_ERROR,     /* the reader stopped on this errno */
};

struct evq_rec {
	enum evq_kind kind;
	int err;	  /* EVQ_ERROR: positive errno */
	const void *data; /* EVQ_EVENT */
	size_t len;
	size_t size; /* bytes to release */
};

struct evqueue {
	pthread_mutex_t lock;
	pthread_cond_t space;
	char *ring;
	size_t cap, head, tail, used;
	size_t records;
	uint64_t pushed, popped; /* records ever */
	uint64_t waits;		 /* pushes that had to wait */
	size_t peak;
	size_t touched; /* highest ring offset written since the last trim */
	bool signalled; /* the eventfd holds a count */
	bool closing;
	int efd;
};

/* evq_init - a queue of @cap bytes (rounded to 8); 0 or -errno. */
int evq_init(struct evqueue *q, size_t cap);
void evq_destroy(struct evqueue *q);
/*
 * evq_push - append a record, waiting while the queue is full. Returns 0,
 * or -ECANCELED once evq_close() was called.
 */
int evq_push(struct evqueue *q, enum evq_kind kind, int err, const void *data, size_t len);
/* evq_peek - the oldest record without removing it; false when empty (and the fd cleared). */
bool evq_peek(struct evqueue *q, struct evq_rec *r);
/* evq_release - remove the record evq_peek() returned. */
void evq_release(struct evqueue *q, const struct evq_rec *r);
/* evq_close - wake and refuse the producer (before joining it). */
void evq_close(struct evqueue *q);
/* evq_wake - make the descriptor readable (a stop request). */
void evq_wake(struct evqueue *q);

#pragma GCC visibility pop

#endif
