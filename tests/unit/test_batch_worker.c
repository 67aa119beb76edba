// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The -D/-U batch worker: slots are handled in the order they were handed
 * over, never while the caller fills them, and nothing after a failure.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "batch_worker.h"

#define ROUNDS 2000

struct slot {
	int value;     /* written by the caller before handing over */
	int in_worker; /* set while the worker holds the slot */
};

struct log {
	int handled[ROUNDS];
	int n;
	int fail_at; /* value whose handling fails, -1: none */
};

static int record(void *slot_, void *data)
{
	struct slot *s = slot_;
	struct log *log = data;

	s->in_worker = 1;
	if (s->value % 7 == 0)
		usleep(50); /* let the caller catch up and wait */
	log->handled[log->n++] = s->value;
	s->in_worker = 0;
	return s->value == log->fail_at ? -EIO : 0;
}

static void test_in_order(void **state)
{
	struct slot slots[2] = {0};
	void *ring[] = {&slots[0], &slots[1]};
	struct log log = {.fail_at = -1};
	struct ct_batch_worker *w = ct_batch_worker_start(ring, 2, record, &log);

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < ROUNDS; i++) {
		struct slot *s = ct_batch_worker_slot(w);

		assert_int_equal(s->in_worker, 0);
		s->value = i;
		assert_int_equal(ct_batch_worker_submit(w), 0);
	}
	assert_int_equal(ct_batch_worker_finish(w), 0);
	assert_int_equal(log.n, ROUNDS);
	for (int i = 0; i < ROUNDS; i++)
		assert_int_equal(log.handled[i], i);
}

static void test_stops_after_failure(void **state)
{
	struct slot slots[2] = {0};
	void *ring[] = {&slots[0], &slots[1]};
	struct log log = {.fail_at = 5};
	struct ct_batch_worker *w = ct_batch_worker_start(ring, 2, record, &log);
	int i, ret = 0;

	(void)state;
	assert_non_null(w);
	for (i = 0; i < 20 && ret == 0; i++) {
		struct slot *s = ct_batch_worker_slot(w);

		s->value = i;
		ret = ct_batch_worker_submit(w);
	}
	assert_int_equal(ret, -EIO);
	/* Seen at the latest when the slot after the failed one is handed over. */
	assert_true(i <= 7);
	assert_int_equal(ct_batch_worker_finish(w), -EIO);
	assert_int_equal(log.n, 6); /* 0..5: nothing after the failure */
	assert_int_equal(log.handled[5], 5);
}

static void test_finish_idle(void **state)
{
	struct slot slots[2] = {0};
	void *ring[] = {&slots[0], &slots[1]};
	struct log log = {.fail_at = -1};
	struct ct_batch_worker *w = ct_batch_worker_start(ring, 2, record, &log);

	(void)state;
	assert_non_null(w);
	assert_ptr_equal(ct_batch_worker_slot(w), &slots[0]);
	assert_int_equal(ct_batch_worker_finish(w), 0);
	assert_int_equal(log.n, 0);
}

/* Pinned to one CPU, the worker handles each slot in line: same results. */
static void test_one_cpu_in_line(void **state)
{
	struct slot slots[3] = {0};
	void *ring[] = {&slots[0], &slots[1], &slots[2]};
	struct log log = {.fail_at = 9};
	struct ct_batch_worker *w;
	cpu_set_t all, one;
	int ret = 0, i;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	CPU_ZERO(&one);
	for (i = 0; !CPU_ISSET(i, &all); i++)
		;
	CPU_SET(i, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	w = ct_batch_worker_start(ring, 3, record, &log);
	assert_int_equal(sched_setaffinity(0, sizeof(all), &all), 0);
	assert_non_null(w);
	for (i = 0; i < 20 && ret == 0; i++) {
		struct slot *s = ct_batch_worker_slot(w);

		assert_ptr_equal(s, &slots[i % 3]);
		s->value = i;
		ret = ct_batch_worker_submit(w);
	}
	assert_int_equal(i, 10); /* in line: the failure shows at once */
	assert_int_equal(ret, -EIO);
	assert_int_equal(ct_batch_worker_finish(w), -EIO);
	assert_int_equal(log.n, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(log.handled[i], i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_stops_after_failure),
		cmocka_unit_test(test_finish_idle),
		cmocka_unit_test(test_one_cpu_in_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
