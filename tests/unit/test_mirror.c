// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event mirror (ctkit/mirror.h) against the kernel, in a network
 * namespace of this process's own (skipped without the privilege): the
 * baseline dump fills the cache, real events reach the callback through
 * the descriptor and dispatch, a resync after lost events reports the
 * missed NEW and DESTROY as repaired, and ctk_mirror_run() returns when a
 * callback says stop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <ctkit/mirror.h>
#include <ctkit/netlink.h>

#include "netns_helper.h"

static bool have_netns;
static struct ctk_nl *nl;

struct seen {
	int real_new, real_destroy, repaired_new, repaired_destroy;
	int stop_after; /* 0: never */
};

static int on_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct seen *s = data;

	(void)e;
	if (info->type == CTK_EV_NEW)
		++*(info->repaired ? &s->repaired_new : &s->real_new);
	else if (info->type == CTK_EV_DESTROY)
		++*(info->repaired ? &s->repaired_destroy : &s->real_destroy);
	if (s->stop_after && s->real_new + s->real_destroy >= s->stop_after)
		return CTK_CB_STOP;
	return CTK_CB_OK;
}

static void create(uint32_t n)
{
	struct ctk_entry e;

	udp_entry(&e, n);
	assert_int_equal(ctk_nl_create(nl, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL), 0);
}

static void destroy(uint32_t n)
{
	struct ctk_entry e;

	udp_entry(&e, n);
	assert_int_equal(ctk_nl_delete(nl, AF_INET, &e), 0);
}

static struct ctk_mirror *open_mirror(struct seen *s)
{
	struct ctk_mirror_opts o = {
		.groups = CTK_EVENTS_ALL,
		.resync = true,
		.nl = nl,
		.cb = on_event,
		.data = s,
	};
	struct ctk_mirror *m = ctk_mirror_new(&o);

	assert_non_null(m);
	return m;
}

/* Dispatch until @want real events came (or 5 s without any). */
static void pump(struct ctk_mirror *m, struct seen *s, int want)
{
	struct pollfd p = {.fd = ctk_mirror_fd(m), .events = POLLIN};

	while (s->real_new + s->real_destroy < want) {
		if (poll(&p, 1, 5000) != 1)
			fail_msg("events: %d NEW %d DESTROY, %d+%d repaired", s->real_new,
				 s->real_destroy, s->repaired_new, s->repaired_destroy);
		assert_true(ctk_mirror_dispatch(m, 16) >= 0);
	}
}

/*
 * cmocka counts a skip() inside a setup as a failed setup (an error), so
 * without a namespace the setup does nothing and each test skips itself.
 */
static int setup(void **state)
{
	(void)state;
	if (!have_netns)
		return 0;
	return ctk_nl_flush(nl, AF_UNSPEC);
}

#define NEED_NETNS()                                                                               \
	do {                                                                                       \
		if (!have_netns)                                                                   \
			skip();                                                                    \
	} while (0)

static void test_baseline_and_events(void **state)
{
	struct seen s = {0};
	struct ctk_mirror_stats st;
	struct ctk_mirror *m;

	(void)state;
	NEED_NETNS();
	create(1);
	create(2);
	create(3);
	m = open_mirror(&s);
	assert_int_equal(ctk_mirror_start(m), 0);
	assert_int_equal(ctk_mirror_start(m), -EALREADY);
	assert_int_equal(ctk_cache_count(ctk_mirror_cache(m)), 3);
	/*
	 * With nf_conntrack_events=2 (the default) only entries created while
	 * a listener exists send events: destroy one of those.
	 */
	create(4);
	create(5);
	destroy(4);
	pump(m, &s, 3);
	assert_int_equal(s.real_new, 2);
	assert_int_equal(s.real_destroy, 1);
	assert_int_equal(ctk_cache_count(ctk_mirror_cache(m)), 4);
	ctk_mirror_stats(m, &st);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.overruns, 0);
	ctk_mirror_free(m);
}

/* A socket filter that drops every event stands in for an overrun. */
static void drop_all(struct ctk_mirror *m)
{
	struct sock_filter ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog fp = {.len = 1, .filter = &ret0};

	assert_int_equal(setsockopt(ctk_events_fd(ctk_mirror_events(m)), SOL_SOCKET,
				    SO_ATTACH_FILTER, &fp, sizeof(fp)),
			 0);
}

static void test_resync_repairs(void **state)
{
	struct seen s = {0};
	struct ctk_mirror_stats st;
	struct ctk_mirror *m;

	(void)state;
	NEED_NETNS();
	create(1);
	create(2);
	m = open_mirror(&s);
	drop_all(m);
	assert_int_equal(ctk_mirror_start(m), 0);
	create(3);
	create(4);
	destroy(1);
	assert_int_equal(ctk_mirror_resync(m), 0);
	assert_int_equal(s.repaired_new, 2);
	assert_int_equal(s.repaired_destroy, 1);
	assert_int_equal(s.real_new + s.real_destroy, 0);
	ctk_mirror_stats(m, &st);
	assert_int_equal(st.repaired_new, 2);
	assert_int_equal(st.repaired_destroy, 1);
	assert_int_equal(st.resyncs, 1);
	/* Nothing more to repair. */
	assert_int_equal(ctk_mirror_resync(m), 0);
	assert_int_equal(s.repaired_new + s.repaired_destroy, 3);
	ctk_mirror_free(m);
}

static void test_run_until_stop(void **state)
{
	struct seen s = {.stop_after = 2};
	struct ctk_mirror *m;

	(void)state;
	NEED_NETNS();
	m = open_mirror(&s);
	assert_int_equal(ctk_mirror_start(m), 0);
	create(7);
	create(8);
	assert_int_equal(ctk_mirror_run(m), 0);
	assert_int_equal(s.real_new, 2);
	/* A stop that comes before the run (a signal during start-up) is not lost. */
	ctk_mirror_stop(m);
	alarm(20); /* a lost stop would block the run: fail instead of hanging */
	assert_int_equal(ctk_mirror_run(m), 0);
	alarm(0);
	ctk_mirror_free(m);
}

static void test_bad_options(void **state)
{
	struct ctk_mirror_opts o = {.resync = true, .cb = on_event};

	(void)state;
	errno = 0;
	assert_null(ctk_mirror_new(&o));
	assert_int_equal(errno, EINVAL);
	o.cb = NULL;
	o.resync = false;
	assert_null(ctk_mirror_new(&o));
	assert_null(ctk_mirror_new(NULL));
	ctk_mirror_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test_setup(test_baseline_and_events, setup),
		cmocka_unit_test_setup(test_resync_repairs, setup),
		cmocka_unit_test_setup(test_run_until_stop, setup),
	};
	int ret;

	have_netns = unshare(CLONE_NEWNET) == 0;
	if (have_netns) {
		nl = ctk_nl_open();
		have_netns = nl != NULL;
	}
	if (!have_netns)
		fprintf(stderr, "test_mirror: no network namespace (not root?): skipping\n");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	ctk_nl_close(nl);
	return ret;
}
