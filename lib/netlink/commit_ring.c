// SPDX-License-Identifier: LGPL-2.1-or-later
/* The commit pipeline's ring of slots and its worker thread: see commit_ring.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "netlink/commit_ring.h"
#include "netlink/session.h"

struct ctknl_ring {
	pthread_t thread;
	bool threaded; /* false: slots are handled in submit() */
	pthread_mutex_t lock;
	pthread_cond_t changed; /* @submitted, @handled or @closing moved */
	void **slot;
	unsigned int n;
	ctknl_ring_fn fn;
	void *data;
	/* Counters, not flags: slot i % @n is the i-th handed over. */
	unsigned long submitted; /* written by the producer */
	unsigned long handled;	 /* written by the worker */
	bool closing;
	int error; /* first failure */
};

static void *worker_main(void *arg)
{
	struct ctknl_ring *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		void *slot;
		int error, ret;

		while (r->handled == r->submitted && !r->closing)
			pthread_cond_wait(&r->changed, &r->lock);
		if (r->handled == r->submitted)
			break; /* closing, nothing left */
		slot = r->slot[r->handled % r->n];
		error = r->error;
		pthread_mutex_unlock(&r->lock);
		ret = r->fn(slot, error, r->data);
		pthread_mutex_lock(&r->lock);
		if (!r->error)
			r->error = ret;
		r->handled++;
		pthread_cond_broadcast(&r->changed);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* A second thread pays only with a second CPU to run on. */
static bool several_cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1;
}

static void ring_free(struct ctknl_ring *r)
{
	free(r->slot);
	free(r);
}

static int ring_sync_init(struct ctknl_ring *r)
{
	int ret = pthread_mutex_init(&r->lock, NULL);

	if (ret)
		return ret;
	ret = pthread_cond_init(&r->changed, NULL);
	if (ret)
		pthread_mutex_destroy(&r->lock);
	return ret;
}

struct ctknl_ring *ctknl_ring_start(void *const *slots, unsigned int n, ctknl_ring_fn fn,
				    void *data, bool threaded)
{
	struct ctknl_ring *r;
	int ret;

	if (n < 2) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->slot = calloc(n, sizeof(*r->slot));
	if (!r->slot) {
		ring_free(r);
		errno = ENOMEM;
		return NULL;
	}
	ret = ring_sync_init(r);
	if (ret) {
		ring_free(r);
		errno = ret;
		return NULL;
	}
	for (unsigned int i = 0; i < n; i++)
		r->slot[i] = slots[i];
	r->n = n;
	r->fn = fn;
	r->data = data;
	/* One CPU, or no thread (EAGAIN under a process limit): the same work, in line. */
	r->threaded =
		threaded && several_cpus() && ctknl_thread_start(&r->thread, worker_main, r) == 0;
	return r;
}

void *ctknl_ring_slot(const struct ctknl_ring *r)
{
	/* @submitted is the producer's own counter: no lock needed to read it. */
	return r->slot[r->submitted % r->n];
}

int ctknl_ring_submit(struct ctknl_ring *r)
{
	int error;

	if (!r->threaded) {
		int ret = r->fn(r->slot[r->submitted % r->n], r->error, r->data);

		if (!r->error)
			r->error = ret;
		r->submitted++;
		r->handled++;
		return r->error;
	}
	pthread_mutex_lock(&r->lock);
	r->submitted++;
	pthread_cond_broadcast(&r->changed);
	/* The next slot to fill was handed over @n submits ago: wait until it is back. */
	while (r->submitted - r->handled >= r->n)
		pthread_cond_wait(&r->changed, &r->lock);
	error = r->error;
	pthread_mutex_unlock(&r->lock);
	return error;
}

int ctknl_ring_drain(struct ctknl_ring *r)
{
	int error;

	if (!r->threaded)
		return r->error;
	pthread_mutex_lock(&r->lock);
	while (r->handled != r->submitted)
		pthread_cond_wait(&r->changed, &r->lock);
	error = r->error;
	pthread_mutex_unlock(&r->lock);
	return error;
}

int ctknl_ring_stop(struct ctknl_ring *r)
{
	int error;

	if (r->threaded) {
		pthread_mutex_lock(&r->lock);
		r->closing = true;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	error = r->error;
	pthread_cond_destroy(&r->changed);
	pthread_mutex_destroy(&r->lock);
	ring_free(r);
	return error;
}
