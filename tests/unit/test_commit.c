// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The commit pipeline against the real kernel: one result per request, in
 * order, the kernel's errors mid-stream, nothing sent after a stop,
 * bounded memory, the same results inline. The test process moves itself
 * into a new network namespace first (it never sees the host's table);
 * without the privilege for that, every test is skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <ctkit/commit.h>
#include <ctkit/netlink.h>

#include "netns_helper.h"

#define N 3000

static bool have_netns;
static struct ctk_nl *nl;

struct log {
	unsigned long base; /* seq of the round's first request */
	unsigned long n;    /* results seen this round */
	int err[N];
	uint32_t mark[N]; /* of the answered entry; 0: none */
	void *cookie[N];
	bool in_order;
	atomic_ulong queued;	 /* requests queued so far (producer) */
	unsigned long max_ahead; /* most requests ever queued without a result */
	unsigned long stop_at;	 /* seq whose result stops the pipeline; 0: never */
	pthread_t thread;	 /* where the last result ran */
};

static void make(struct ctk_entry *e, uint32_t n, uint32_t mark)
{
	udp_entry(e, n);
	e->mark = mark;
	ctk_entry_set(e, CTK_ATTR_MARK);
}

static int record(const struct ctk_commit_result *r, void *data)
{
	struct log *log = data;
	unsigned long i = r->seq - log->base;
	unsigned long ahead = atomic_load(&log->queued) - i;

	if (i != log->n)
		log->in_order = false;
	if (ahead > log->max_ahead)
		log->max_ahead = ahead;
	if (i < N) {
		log->err[i] = r->err;
		log->mark[i] = r->entry ? r->entry->mark : 0;
		log->cookie[i] = r->cookie;
	}
	log->thread = pthread_self();
	log->n++;
	return log->stop_at && r->seq == log->stop_at ? -EIO : 0;
}

static struct log *new_log(void)
{
	struct log *log = calloc(1, sizeof(*log));

	assert_non_null(log);
	log->in_order = true;
	return log;
}

static int setup(void **state)
{
	(void)state;
	have_netns = unshare(CLONE_NEWNET) == 0;
	if (have_netns) {
		nl = ctk_nl_open();
		have_netns = nl != NULL;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (nl)
		ctk_nl_close(nl);
	return 0;
}

static int empty_table(void **state)
{
	(void)state;
	if (have_netns)
		assert_int_equal(ctk_nl_flush(nl, AF_UNSPEC), 0);
	return 0;
}

#define NEED_NETNS()                                                                               \
	do {                                                                                       \
		if (!have_netns)                                                                   \
			skip();                                                                    \
	} while (0)

/* Creates, every 10th a duplicate of the one before (EEXIST mid-batch). */
static void run_creates(struct ctk_commit *c, struct log *log)
{
	struct ctk_entry e;

	for (uint32_t i = 0; i < N; i++) {
		make(&e, i % 10 == 9 ? i - 1 : i, 1);
		assert_int_equal(ctk_commit_create(c, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL,
						   (void *)(uintptr_t)(i + 1)),
				 log->base + i);
		atomic_fetch_add(&log->queued, 1);
	}
	assert_int_equal(ctk_commit_flush(c), 0);
	assert_int_equal(log->n, N);
	assert_true(log->in_order);
	for (uint32_t i = 0; i < N; i++) {
		assert_int_equal(log->err[i], i % 10 == 9 ? -EEXIST : 0);
		assert_ptr_equal(log->cookie[i], (void *)(uintptr_t)(i + 1));
	}
}

static void check_cycle(unsigned int flags)
{
	struct ctk_commit_opts o = {.batch = 64, .slots = 3, .flags = flags};
	struct log *log = new_log();
	struct ctk_commit *c = ctk_commit_new(&o, record, log);
	struct ctk_entry e;

	assert_non_null(c);
	run_creates(c, log);
	/* Updates with a re-read: the answer carries the new mark; the duplicates' are gone. */
	memset(log, 0, sizeof(*log));
	log->in_order = true;
	log->base = N;
	for (uint32_t i = 0; i < N; i++) {
		make(&e, i, 7);
		ctk_entry_unset(&e, CTK_ATTR_REPLY);
		assert_true(ctk_commit_update(c, AF_INET, &e, CTK_COMMIT_REREAD, NULL) >= 0);
		atomic_fetch_add(&log->queued, 1);
	}
	assert_int_equal(ctk_commit_flush(c), 0);
	assert_int_equal(log->n, N);
	assert_true(log->in_order);
	for (uint32_t i = 0; i < N; i++) {
		assert_int_equal(log->err[i], i % 10 == 9 ? -ENOENT : 0);
		assert_int_equal(log->mark[i], i % 10 == 9 ? 0 : 7);
	}
	/* Deletes then gets: a get of a deleted entry is ENOENT, in its place. */
	memset(log, 0, sizeof(*log));
	log->in_order = true;
	log->base = 2 * N;
	for (uint32_t i = 0; i < N; i++) {
		make(&e, i, 0);
		if (i % 2)
			assert_true(ctk_commit_delete(c, AF_INET, &e, NULL) >= 0);
		else
			assert_true(ctk_commit_get(c, AF_INET, &e, NULL) >= 0);
		atomic_fetch_add(&log->queued, 1);
	}
	assert_int_equal(ctk_commit_close(c), 0);
	assert_int_equal(log->n, N);
	assert_true(log->in_order);
	for (uint32_t i = 0; i < N; i++) {
		int want = i % 10 == 9 ? -ENOENT : 0;

		assert_int_equal(log->err[i], want);
		assert_int_equal(log->mark[i], i % 2 || want ? 0 : 7);
	}
	free(log);
}

static void test_in_order_threaded(void **state)
{
	(void)state;
	NEED_NETNS();
	check_cycle(0);
}

/* Inline: the same results, on the producer's own thread. */
static void test_in_order_inline(void **state)
{
	struct log *log = new_log();
	struct ctk_commit_opts o = {.batch = 16, .flags = CTK_COMMIT_INLINE};
	struct ctk_commit *c;

	(void)state;
	NEED_NETNS();
	check_cycle(CTK_COMMIT_INLINE);
	assert_int_equal(ctk_nl_flush(nl, AF_UNSPEC), 0);
	c = ctk_commit_new(&o, record, log);
	assert_non_null(c);
	run_creates(c, log);
	assert_true(pthread_equal(log->thread, pthread_self()));
	assert_int_equal(ctk_commit_close(c), 0);
	free(log);
}

/* A ring of 2 batches of 8: never more than 16 requests (and the one being queued) without a
 * result. */
static void test_bounded(void **state)
{
	struct ctk_commit_opts o = {.batch = 8, .slots = 2};
	struct log *log = new_log();
	struct ctk_commit *c = ctk_commit_new(&o, record, log);

	(void)state;
	NEED_NETNS();
	assert_non_null(c);
	run_creates(c, log);
	assert_true(log->max_ahead <= 17);
	assert_int_equal(ctk_commit_close(c), 0);
	free(log);
}

/*
 * A callback's failure stops the pipeline: the rest of its batch has the
 * kernel's results, later requests -ECANCELED and nothing of them sent.
 */
static void check_stop(unsigned int flags)
{
	struct ctk_commit_opts o = {.batch = 16, .slots = 2, .flags = flags};
	struct log *log = new_log();
	struct ctk_commit *c = ctk_commit_new(&o, record, log);
	struct ctk_entry e;
	unsigned long queued = 0;
	uint32_t count = 0;
	long ret = 0;

	assert_non_null(c);
	log->stop_at = 100;
	for (uint32_t i = 0; i < N && ret >= 0; i++) {
		make(&e, i, 1);
		ret = ctk_commit_create(c, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL, NULL);
		if (ret >= 0)
			queued++;
	}
	assert_int_equal(ret, -EIO);
	assert_int_equal(ctk_commit_create(c, AF_INET, &e, NLM_F_CREATE, NULL), -EIO);
	assert_int_equal(ctk_commit_close(c), -EIO);
	assert_int_equal(log->n, queued);
	assert_true(log->in_order);
	for (unsigned long i = 0; i < queued; i++)
		assert_int_equal(log->err[i], i < 112 ? 0 : -ECANCELED);
	/* Requests 96..111 went in one batch with request 100: the kernel ran them all. */
	assert_int_equal(ctk_nl_count(nl, &count), 0);
	assert_int_equal(count, 112);
	free(log);
}

static void test_stop_threaded(void **state)
{
	(void)state;
	NEED_NETNS();
	check_stop(0);
}

static void test_stop_inline(void **state)
{
	(void)state;
	NEED_NETNS();
	check_stop(CTK_COMMIT_INLINE);
}

/* A pipeline told to work in another session's namespace changes that table only. */
static void test_netns_of(void **state)
{
	struct ctk_commit_opts o = {.batch = 64};
	struct log *log = new_log();
	struct ctk_commit *c;
	struct ctk_nl *other;
	uint32_t n = 0;
	int there;

	(void)state;
	NEED_NETNS();
	there = other_netns();
	assert_true(there >= 0);
	other = ctk_nl_open_netns(there);
	assert_non_null(other);
	close(there);

	o.netns_of = other;
	c = ctk_commit_new(&o, record, log);
	assert_non_null(c);
	run_creates(c, log);
	assert_int_equal(ctk_commit_close(c), 0);
	assert_int_equal(ctk_nl_count(other, &n), 0);
	assert_int_equal(n, N - N / 10);
	assert_int_equal(ctk_nl_count(nl, &n), 0);
	assert_int_equal(n, 0);
	ctk_nl_close(other);
	free(log);
}

static void test_bad_options(void **state)
{
	struct ctk_commit_opts o = {.slots = 1};

	(void)state;
	errno = 0;
	assert_null(ctk_commit_new(&o, record, NULL));
	assert_int_equal(errno, EINVAL);
	o.slots = 0;
	o.batch = 100000;
	assert_null(ctk_commit_new(&o, record, NULL));
	assert_null(ctk_commit_new(NULL, NULL, NULL));
	assert_int_equal(ctk_commit_close(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_in_order_threaded, empty_table),
		cmocka_unit_test_setup(test_in_order_inline, empty_table),
		cmocka_unit_test_setup(test_bounded, empty_table),
		cmocka_unit_test_setup(test_stop_threaded, empty_table),
		cmocka_unit_test_setup(test_stop_inline, empty_table),
		cmocka_unit_test_setup(test_netns_of, empty_table),
		cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
