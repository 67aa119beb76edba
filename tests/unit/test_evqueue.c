// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event mirror's queue (lib/cache/evqueue.c): records come out in
 * order and intact across many wraps of the ring, the descriptor is
 * readable exactly while records wait, a full queue makes the producer
 * wait (never drop), closing wakes a waiting producer, and the memory of
 * a burst is given back once the queue is empty.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>

#include "cache/evqueue.h"

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1;
}

static void fill_pattern(unsigned char *b, size_t len, unsigned int seq)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (unsigned char)(seq * 31 + i);
}

static void expect_record(struct evqueue *q, unsigned int seq, size_t len)
{
	unsigned char want[2048];
	struct evq_rec r;

	assert_true(evq_peek(q, &r));
	assert_int_equal(r.kind, EVQ_EVENT);
	assert_int_equal(r.len, len);
	fill_pattern(want, len, seq);
	assert_memory_equal(r.data, want, len);
	evq_release(q, &r);
}

static size_t len_of(unsigned int seq)
{
	return 1 + (seq * 97) % 1500;
}

static void test_order_and_wrap(void **state)
{
	unsigned char buf[2400];
	struct evqueue q;

	(void)state;
	/* Two records and a wrap gap of up to one record fit. */
	assert_int_equal(evq_init(&q, 3 * 1512), 0);
	assert_false(readable(q.efd));
	/* Sizes that do not divide the ring: records wrap at every offset. */
	for (unsigned int seq = 0; seq < 6000; seq++) {
		fill_pattern(buf, len_of(seq), seq);
		assert_int_equal(evq_push(&q, EVQ_EVENT, 0, buf, len_of(seq)), 0);
		assert_true(readable(q.efd));
		if (seq % 2)
			for (unsigned int k = seq - 1; k <= seq; k++)
				expect_record(&q, k, len_of(k));
	}
	/* More than half the ring could never be guaranteed room. */
	assert_int_equal(evq_push(&q, EVQ_EVENT, 0, buf, 2400), -EMSGSIZE);
	evq_destroy(&q);
}

static void test_fd_follows_records(void **state)
{
	struct evqueue q;
	struct evq_rec r;

	(void)state;
	assert_int_equal(evq_init(&q, 4096), 0);
	assert_int_equal(evq_push(&q, EVQ_OVERRUN, 0, NULL, 0), 0);
	assert_int_equal(evq_push(&q, EVQ_ERROR, EPERM, NULL, 0), 0);
	assert_true(readable(q.efd));
	assert_true(evq_peek(&q, &r));
	assert_int_equal(r.kind, EVQ_OVERRUN);
	evq_release(&q, &r);
	assert_true(readable(q.efd));
	assert_true(evq_peek(&q, &r));
	assert_int_equal(r.kind, EVQ_ERROR);
	assert_int_equal(r.err, EPERM);
	evq_release(&q, &r);
	assert_false(evq_peek(&q, &r));
	assert_false(readable(q.efd));
	/* A stop request makes it readable with nothing queued. */
	evq_wake(&q);
	assert_true(readable(q.efd));
	assert_false(evq_peek(&q, &r));
	assert_false(readable(q.efd));
	evq_destroy(&q);
}

struct producer {
	struct evqueue *q;
	unsigned int n;
	int last;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	unsigned char buf[1000];

	for (unsigned int seq = 0; seq < p->n; seq++) {
		fill_pattern(buf, sizeof(buf), seq);
		p->last = evq_push(p->q, EVQ_EVENT, 0, buf, sizeof(buf));
		if (p->last < 0)
			break;
	}
	return NULL;
}

/* 300 records of 1000 bytes through 4 KiB: the producer waits, nothing is lost. */
static void test_full_queue_waits(void **state)
{
	struct evqueue q;
	struct producer p = {.q = &q, .n = 300};
	pthread_t t;
	unsigned int seq = 0;

	(void)state;
	assert_int_equal(evq_init(&q, 4096), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
	while (seq < p.n) {
		struct pollfd pf = {.fd = q.efd, .events = POLLIN};

		assert_true(poll(&pf, 1, 5000) == 1);
		while (seq < p.n && readable(q.efd)) {
			struct evq_rec r;

			if (!evq_peek(&q, &r))
				break;
			evq_release(&q, &r);
			assert_int_equal(r.len, 1000);
			seq++;
		}
	}
	pthread_join(t, NULL);
	assert_int_equal(p.last, 0);
	assert_true(q.waits > 0);
	assert_int_equal(q.pushed, 300);
	assert_int_equal(q.popped, 300);
	evq_destroy(&q);
}

/* A producer waiting on a full queue is released by evq_close(). */
static void test_close_wakes_producer(void **state)
{
	struct evqueue q;
	struct producer p = {.q = &q, .n = 1000};
	pthread_t t;

	(void)state;
	assert_int_equal(evq_init(&q, 4096), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
	while (!readable(q.efd))
		poll(NULL, 0, 1);
	evq_close(&q);
	pthread_join(t, NULL);
	assert_int_equal(p.last, -ECANCELED);
	evq_destroy(&q);
}

/* After a burst the pages beyond the first MiB are given back; the queue still works. */
static void test_trim_after_burst(void **state)
{
	unsigned char buf[1500];
	struct evqueue q;
	struct evq_rec r;

	(void)state;
	assert_int_equal(evq_init(&q, 4u << 20), 0);
	for (unsigned int seq = 0; seq < 2000; seq++) {
		fill_pattern(buf, sizeof(buf), seq);
		assert_int_equal(evq_push(&q, EVQ_EVENT, 0, buf, sizeof(buf)), 0);
	}
	assert_true(q.touched > (1u << 20));
	for (unsigned int seq = 0; seq < 2000; seq++)
		expect_record(&q, seq, sizeof(buf));
	assert_false(evq_peek(&q, &r));
	assert_int_equal(q.touched, 0);
	fill_pattern(buf, sizeof(buf), 7);
	assert_int_equal(evq_push(&q, EVQ_EVENT, 0, buf, sizeof(buf)), 0);
	expect_record(&q, 7, sizeof(buf));
	evq_destroy(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_wrap),
		cmocka_unit_test(test_fd_follows_records),
		cmocka_unit_test(test_full_queue_waits),
		cmocka_unit_test(test_close_wakes_producer),
		cmocka_unit_test(test_trim_after_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
