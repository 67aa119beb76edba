// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event mirror's queue (evqueue.h). Records are 8-byte aligned with an
 * 8-byte header; one that does not fit before the end of the ring goes to
 * its start, the tail gap marked by a WRAP header (the gap is at least 8
 * bytes, as every size is a multiple of 8). The producer only writes
 * outside [head, head + used), so the consumer reads records in place
 * without the lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "cache/evqueue.h"

#define EVQ_WRAP 0xffff
/* Kept resident when the queue empties; the rest is given back after a burst. */
#define EVQ_KEEP (1u << 20)

struct evq_hdr {
	uint32_t len;
	uint16_t kind;
	uint16_t err;
};

static size_t rec_size(size_t len)
{
	return (sizeof(struct evq_hdr) + len + 7) & ~(size_t)7;
}

int evq_init(struct evqueue *q, size_t cap)
{
	int ret;

	memset(q, 0, sizeof(*q));
	q->cap = cap & ~(size_t)7;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0)
		return -errno;
	/* Pages are touched only as the queue fills. */
	q->ring = mmap(NULL, q->cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->ring == MAP_FAILED) {
		q->ring = NULL;
		close(q->efd);
		q->efd = -1;
		return -ENOMEM;
	}
	ret = pthread_mutex_init(&q->lock, NULL);
	if (ret == 0) {
		ret = pthread_cond_init(&q->space, NULL);
		if (ret)
			pthread_mutex_destroy(&q->lock);
	}
	if (ret) {
		munmap(q->ring, q->cap);
		q->ring = NULL;
		close(q->efd);
		q->efd = -1;
		return -ret;
	}
	return 0;
}

void evq_destroy(struct evqueue *q)
{
	pthread_cond_destroy(&q->space);
	pthread_mutex_destroy(&q->lock);
	munmap(q->ring, q->cap);
	close(q->efd);
}

static void signal_fd(struct evqueue *q)
{
	uint64_t one = 1;

	if (q->signalled)
		return;
	/* Cannot fail short of a counter overflow, which one write per empty spell rules out. */
	if (write(q->efd, &one, sizeof(one)) == (ssize_t)sizeof(one))
		q->signalled = true;
}

static void clear_fd(struct evqueue *q)
{
	uint64_t n;

	/* Read even when not signalled: evq_wake() may have added a count. */
	if (read(q->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	q->signalled = false;
}

/* Bytes a record of @size needs at the tail now, gap included; 0 if it cannot go there yet. */
static size_t room_needed(const struct evqueue *q, size_t size)
{
	size_t to_end = q->cap - q->tail;

	if (size <= to_end)
		return size;
	return to_end + size;
}

int evq_push(struct evqueue *q, enum evq_kind kind, int err, const void *data, size_t len)
{
	size_t size = rec_size(len);
	struct evq_hdr h = {.len = (uint32_t)len, .kind = (uint16_t)kind, .err = (uint16_t)err};
	bool waited = false;

	if (size > q->cap / 2)
		return -EMSGSIZE;
	pthread_mutex_lock(&q->lock);
	while (!q->closing && room_needed(q, size) > q->cap - q->used) {
		waited = true;
		pthread_cond_wait(&q->space, &q->lock);
	}
	if (q->closing) {
		pthread_mutex_unlock(&q->lock);
		return -ECANCELED;
	}
	q->waits += waited;
	if (size > q->cap - q->tail) {
		struct evq_hdr wrap = {.kind = EVQ_WRAP};

		memcpy(q->ring + q->tail, &wrap, sizeof(wrap));
		q->used += q->cap - q->tail;
		q->tail = 0;
	}
	memcpy(q->ring + q->tail, &h, sizeof(h));
	if (len)
		memcpy(q->ring + q->tail + sizeof(h), data, len);
	q->tail = (q->tail + size) % q->cap;
	q->used += size;
	if (q->used > q->peak)
		q->peak = q->used;
	if (q->tail > q->touched || q->tail == 0)
		q->touched = q->tail ? q->tail : q->cap;
	q->records++;
	q->pushed++;
	signal_fd(q);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* After a burst, give back the pages beyond EVQ_KEEP (the queue is empty). */
static void trim(struct evqueue *q)
{
	if (q->touched <= EVQ_KEEP || q->cap <= EVQ_KEEP)
		return;
	if (madvise(q->ring + EVQ_KEEP, q->cap - EVQ_KEEP, MADV_DONTNEED) == 0)
		q->touched = 0;
}

bool evq_peek(struct evqueue *q, struct evq_rec *r)
{
	struct evq_hdr h;

	pthread_mutex_lock(&q->lock);
	if (q->records == 0) {
		/* Back to the start: a quiet stream keeps touching the same pages. */
		q->head = q->tail = q->used = 0;
		trim(q);
		clear_fd(q);
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	memcpy(&h, q->ring + q->head, sizeof(h));
	if (h.kind == EVQ_WRAP) {
		q->used -= q->cap - q->head;
		q->head = 0;
		memcpy(&h, q->ring, sizeof(h));
	}
	pthread_mutex_unlock(&q->lock);
	r->kind = (enum evq_kind)h.kind;
	r->err = h.err;
	r->len = h.len;
	r->data = q->ring + q->head + sizeof(h);
	r->size = rec_size(h.len);
	return true;
}

void evq_release(struct evqueue *q, const struct evq_rec *r)
{
	pthread_mutex_lock(&q->lock);
	q->head = (q->head + r->size) % q->cap;
	q->used -= r->size;
	q->records--;
	q->popped++;
	pthread_cond_signal(&q->space);
	pthread_mutex_unlock(&q->lock);
}

void evq_close(struct evqueue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closing = true;
	pthread_cond_broadcast(&q->space);
	pthread_mutex_unlock(&q->lock);
}

void evq_wake(struct evqueue *q)
{
	uint64_t one = 1;

	/* No lock: called from signal handlers; an extra count is harmless. */
	if (write(q->efd, &one, sizeof(one)) < 0)
		return;
}
