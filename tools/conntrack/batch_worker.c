// SPDX-License-Identifier: LGPL-2.1-or-later
/* Batches sent on a second thread while the dump goes on: see batch_worker.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>

#include "batch_worker.h"

struct ct_batch_worker {
	pthread_t thread;
	bool threaded; /* false: slots are handled in submit() */
	pthread_mutex_t lock;
	pthread_cond_t changed; /* @submitted, @handled or @closing moved */
	void **slot;
	unsigned int n;
	ct_batch_fn fn;
	void *data;
	/* Counters, not flags: slot i % @n is the i-th handed over. */
	unsigned long submitted; /* written by the caller */
	unsigned long handled;	 /* written by the worker */
	bool closing;
	int error; /* first failure; later slots are dropped */
};

/* Run @fn on @slot unless an earlier slot failed; under no lock. */
static int handle(struct ct_batch_worker *w, void *slot, int error)
{
	return error ? error : w->fn(slot, w->data);
}

static void *worker_main(void *arg)
{
	struct ct_batch_worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		void *slot;
		int error, ret;

		while (w->handled == w->submitted && !w->closing)
			pthread_cond_wait(&w->changed, &w->lock);
		if (w->handled == w->submitted)
			break; /* closing, nothing left */
		slot = w->slot[w->handled % w->n];
		error = w->error;
		pthread_mutex_unlock(&w->lock);
		ret = handle(w, slot, error);
		pthread_mutex_lock(&w->lock);
		if (!w->error)
			w->error = ret;
		w->handled++;
		pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* A second thread pays only with a second CPU to run on. */
static bool several_cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1;
}

static void worker_free(struct ct_batch_worker *w)
{
	free(w->slot);
	free(w);
}

struct ct_batch_worker *ct_batch_worker_start(void *const *slots, unsigned int n, ct_batch_fn fn,
					      void *data)
{
	struct ct_batch_worker *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->slot = calloc(n, sizeof(*w->slot));
	if (!w->slot || pthread_mutex_init(&w->lock, NULL) != 0) {
		worker_free(w);
		errno = ENOMEM;
		return NULL;
	}
	if (pthread_cond_init(&w->changed, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		worker_free(w);
		errno = ENOMEM;
		return NULL;
	}
	for (unsigned int i = 0; i < n; i++)
		w->slot[i] = slots[i];
	w->n = n;
	w->fn = fn;
	w->data = data;
	/* One CPU, or no thread (EAGAIN under a process limit): the same work, in line. */
	w->threaded = several_cpus() && pthread_create(&w->thread, NULL, worker_main, w) == 0;
	return w;
}

void *ct_batch_worker_slot(const struct ct_batch_worker *w)
{
	/* @submitted is the caller's own counter: no lock needed to read it. */
	return w->slot[w->submitted % w->n];
}

int ct_batch_worker_submit(struct ct_batch_worker *w)
{
	int error;

	if (!w->threaded) {
		void *slot = w->slot[w->submitted % w->n];

		w->error = handle(w, slot, w->error);
		w->submitted++;
		w->handled++;
		return w->error;
	}
	pthread_mutex_lock(&w->lock);
	w->submitted++;
	pthread_cond_broadcast(&w->changed);
	/* The next slot to fill was handed over @n submits ago: wait until it is back. */
	while (w->submitted - w->handled >= w->n)
		pthread_cond_wait(&w->changed, &w->lock);
	error = w->error;
	pthread_mutex_unlock(&w->lock);
	return error;
}

int ct_batch_worker_finish(struct ct_batch_worker *w)
{
	int error;

	if (w->threaded) {
		pthread_mutex_lock(&w->lock);
		w->closing = true;
		pthread_cond_broadcast(&w->changed);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	error = w->error;
	pthread_cond_destroy(&w->changed);
	pthread_mutex_destroy(&w->lock);
	worker_free(w);
	return error;
}
