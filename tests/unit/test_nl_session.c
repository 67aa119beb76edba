// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The netlink session against the real kernel. The test process moves
 * itself into a new network namespace first (so it never sees the host's
 * table); without the privilege for that, every test is skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <ctkit/filter.h>
#include <ctkit/netlink.h>

#include "netns_helper.h"

static bool have_netns;
static struct ctk_nl *nl, *nl2;

static void make(struct ctk_entry *e, uint8_t l3, uint8_t l4, uint32_t n, uint32_t mark)
{
	struct ctk_tuple *o = &e->orig, *r = &e->reply;

	memset(e, 0, sizeof(*e));
	o->l3num = r->l3num = l3;
	o->l4num = r->l4num = l4;
	if (l3 == AF_INET) {
		o->src.v4.s_addr = r->dst.v4.s_addr = htonl(0x0a000000 + n);
		o->dst.v4.s_addr = r->src.v4.s_addr = htonl(0xc0a80001);
	} else {
		o->src.byte[0] = r->dst.byte[0] = 0xfd;
		o->src.word[3] = r->dst.word[3] = htonl(n);
		o->dst.byte[0] = r->src.byte[0] = 0xfe;
	}
	o->sport = r->dport = 1000;
	o->dport = r->sport = 80;
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	e->timeout = 500;
	ctk_entry_set(e, CTK_ATTR_TIMEOUT);
	e->mark = mark;
	ctk_entry_set(e, CTK_ATTR_MARK);
	if (l4 == IPPROTO_TCP) {
		e->tcp.state = TCP_CONNTRACK_ESTABLISHED;
		ctk_entry_set(e, CTK_ATTR_TCP_STATE);
		e->status = IPS_ASSURED | IPS_SEEN_REPLY;
		ctk_entry_set(e, CTK_ATTR_STATUS);
	}
}

static int setup(void **state)
{
	(void)state;
	if (!have_netns)
		return 0;
	assert_int_equal(ctk_nl_flush(nl, AF_UNSPEC), 0);
	return 0;
}

#define NEED_NETNS()                                                                               \
	do {                                                                                       \
		if (!have_netns)                                                                   \
			skip();                                                                    \
	} while (0)

struct seen {
	int n;
	int stop_after;
	bool fail;
	struct ctk_entry last;
	enum ctk_event ev;
	bool delete;
	int delete_err;
};

static int collect(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct seen *s = data;

	s->n++;
	s->last = *e;
	s->ev = ev;
	if (s->delete) {
		int ret = ctk_nl_delete(nl2, e->orig.l3num, e);

		if (ret < 0)
			s->delete_err = ret;
	}
	if (s->fail)
		return CTK_CB_ERROR;
	if (s->stop_after && s->n >= s->stop_after)
		return CTK_CB_STOP;
	return CTK_CB_OK;
}

static int dump_count(const struct ctk_dump_opts *o)
{
	struct seen s = {0};

	assert_int_equal(ctk_nl_dump(nl, o, collect, &s), 0);
	return s.n;
}

static uint32_t count(void)
{
	uint32_t n = 0;

	assert_int_equal(ctk_nl_count(nl, &n), 0);
	return n;
}

static void test_create_get_update(void **state)
{
	struct ctk_entry e, key = {0};
	struct seen s = {0};

	(void)state;
	NEED_NETNS();
	make(&e, AF_INET, IPPROTO_TCP, 1, 7);
	assert_int_equal(ctk_nl_create(nl, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL), 0);
	assert_int_equal(ctk_nl_create(nl, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL), -EEXIST);
	/* Get by the reply tuple alone. */
	key.reply = e.reply;
	ctk_entry_set(&key, CTK_ATTR_REPLY);
	assert_int_equal(ctk_nl_get(nl, AF_INET, &key, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev, CTK_EV_NONE);
	assert_int_equal(s.last.mark, 7);
	assert_int_equal(s.last.tcp.state, TCP_CONNTRACK_ESTABLISHED);
	assert_true(s.last.status & IPS_ASSURED);
	assert_memory_equal(&s.last.orig, &e.orig, sizeof(e.orig));
	assert_true(ctk_entry_has(&s.last, CTK_ATTR_ID));
	/* Update the mark (no NLM_F_CREATE). */
	e.mark = 9;
	assert_int_equal(ctk_nl_create(nl, AF_INET, &e, 0), 0);
	s.n = 0;
	assert_int_equal(ctk_nl_get(nl, AF_INET, &e, collect, &s), 0);
	assert_int_equal(s.last.mark, 9);
	assert_int_equal(count(), 1);
	/* A missing entry. */
	make(&e, AF_INET, IPPROTO_TCP, 2, 7);
	assert_int_equal(ctk_nl_get(nl, AF_INET, &e, collect, &s), -ENOENT);
	assert_int_equal(ctk_nl_delete(nl, AF_INET, &e), -ENOENT);
	ctk_entry_clear(&key);
	assert_int_equal(ctk_nl_get(nl, AF_INET, &key, collect, &s), -EINVAL);
}

static void fill(int n)
{
	struct ctk_entry e;

	for (int i = 0; i < n; i++) {
		uint8_t l3 = i % 4 == 0 ? AF_INET6 : AF_INET;

		make(&e, l3, i % 2 ? IPPROTO_UDP : IPPROTO_TCP, i + 1, i % 10);
		assert_int_equal(ctk_nl_create(nl, l3, &e, NLM_F_CREATE | NLM_F_EXCL), 0);
	}
}

static void test_dump_filters(void **state)
{
	struct ctk_dump_opts o = {0};

	(void)state;
	NEED_NETNS();
	fill(1000);
	assert_int_equal(count(), 1000);
	assert_int_equal(dump_count(NULL), 1000);
	o.family = AF_INET6;
	assert_int_equal(dump_count(&o), 250);
	o.family = AF_INET;
	assert_int_equal(dump_count(&o), 750);
	o = (struct ctk_dump_opts){.has_mark = true, .mark = 5, .mark_mask = 0xffffffff};
	assert_int_equal(dump_count(&o), 100);
	o = (struct ctk_dump_opts){
		.has_status = true, .status = IPS_ASSURED, .status_mask = IPS_ASSURED};
	assert_int_equal(dump_count(&o), 500);
	o = (struct ctk_dump_opts){.table = CTK_TABLE_DYING};
	assert_int_equal(dump_count(&o), 0);
	o = (struct ctk_dump_opts){.table = CTK_TABLE_UNCONFIRMED};
	assert_int_equal(dump_count(&o), 0);
	o = (struct ctk_dump_opts){.zero = true};
	assert_int_equal(dump_count(&o), 1000);
}

static int dump_filtered(uint8_t family, struct ctk_filter *f, uint64_t fields)
{
	struct ctk_dump_opts o = {.family = family, .filter = f, .filter_fields = fields};

	return dump_count(&o);
}

#define BIT(x) (UINT64_C(1) << (x))

/* Tuple fields compared in the kernel (CTA_FILTER), and the zone. */
static void test_dump_kernel_filter(void **state)
{
	struct ctk_filter f;
	struct ctk_entry e;
	struct ctk_dump_opts o = {.has_zone = true, .zone = 7};

	(void)state;
	NEED_NETNS();
	/* 25 IPv6 (i % 4 == 0), 25 tcp and 50 udp over IPv4, all to port 80. */
	fill(100);
	make(&e, AF_INET, IPPROTO_ICMP, 500, 0);
	e.orig.icmp_type = 8;
	e.orig.icmp_id = 42;
	e.reply.icmp_id = 42;
	assert_int_equal(ctk_nl_create(nl, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL), 0);
	make(&e, AF_INET, IPPROTO_UDP, 600, 0);
	e.zone = 7;
	ctk_entry_set(&e, CTK_ATTR_ZONE);
	assert_int_equal(ctk_nl_create(nl, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL), 0);

	ctk_filter_init(&f);
	make(&e, AF_INET, IPPROTO_TCP, 3, 0);
	f.orig = e.orig;
	f.reply = e.reply;
	assert_int_equal(dump_filtered(AF_INET, &f, BIT(CTK_F_ORIG_SRC)), 1);
	assert_int_equal(dump_filtered(AF_INET, &f, BIT(CTK_F_REPLY_DST)), 1);
	/* Every IPv4 entry but the two extra ones goes to 192.168.0.1. */
	assert_int_equal(dump_filtered(AF_INET, &f, BIT(CTK_F_ORIG_DST)), 77);
	assert_int_equal(dump_filtered(AF_INET, &f, BIT(CTK_F_L4PROTO)), 25);
	f.orig.l4num = IPPROTO_UDP;
	assert_int_equal(dump_filtered(AF_INET6, &f, BIT(CTK_F_L4PROTO) | BIT(CTK_F_ORIG_DPORT)),
			 0);
	f.orig.dport = 80;
	assert_int_equal(dump_filtered(AF_INET, &f, BIT(CTK_F_L4PROTO) | BIT(CTK_F_ORIG_DPORT)),
			 51);
	f.reply.sport = 80;
	assert_int_equal(dump_filtered(AF_INET, &f, BIT(CTK_F_L4PROTO) | BIT(CTK_F_REPLY_SPORT)),
			 51);
	f.orig.l4num = IPPROTO_ICMP;
	f.orig.icmp_type = 8;
	f.orig.icmp_id = 42;
	assert_int_equal(
		dump_filtered(AF_INET, &f,
			      BIT(CTK_F_L4PROTO) | BIT(CTK_F_ICMP_TYPE) | BIT(CTK_F_ICMP_ID)),
		1);
	/* No family: the tuple filter is not sent, everything comes. */
	assert_int_equal(dump_filtered(AF_UNSPEC, &f, BIT(CTK_F_L4PROTO)), 102);
	assert_int_equal(dump_count(&o), 1);
}

/* Stopping or failing mid-dump leaves the session usable. */
static void test_dump_stop_and_cancel(void **state)
{
	struct seen s = {.stop_after = 3};

	(void)state;
	NEED_NETNS();
	fill(2000);
	assert_int_equal(ctk_nl_dump(nl, NULL, collect, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(dump_count(NULL), 2000);
	s = (struct seen){.fail = true};
	assert_int_equal(ctk_nl_dump(nl, NULL, collect, &s), -ECANCELED);
	assert_int_equal(s.n, 1);
	assert_int_equal(count(), 2000);
	assert_int_equal(dump_count(NULL), 2000);
}

/* conntrack -D: delete every entry from inside the dump, on a second session. */
static void test_delete_during_dump(void **state)
{
	struct seen s = {.delete = true};

	(void)state;
	NEED_NETNS();
	fill(1500);
	assert_int_equal(ctk_nl_dump(nl, NULL, collect, &s), 0);
	assert_int_equal(s.delete_err, 0);
	assert_int_equal(s.n, 1500);
	assert_int_equal(count(), 0);
}

static void test_delete_by_id(void **state)
{
	struct ctk_entry e;
	struct seen s = {0};

	(void)state;
	NEED_NETNS();
	make(&e, AF_INET6, IPPROTO_UDP, 1, 0);
	assert_int_equal(ctk_nl_create(nl, AF_INET6, &e, NLM_F_CREATE | NLM_F_EXCL), 0);
	assert_int_equal(ctk_nl_get(nl, AF_INET6, &e, collect, &s), 0);
	e = s.last;
	e.id ^= 1;
	assert_int_equal(ctk_nl_delete(nl, AF_INET6, &e), -ENOENT);
	e.id ^= 1;
	assert_int_equal(ctk_nl_delete(nl, AF_INET6, &e), 0);
	assert_int_equal(count(), 0);
}

static void test_zone(void **state)
{
	struct ctk_entry e, key;
	struct seen s = {0};

	(void)state;
	NEED_NETNS();
	make(&e, AF_INET, IPPROTO_TCP, 1, 0);
	e.zone = 3;
	ctk_entry_set(&e, CTK_ATTR_ZONE);
	assert_int_equal(ctk_nl_create(nl, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL), 0);
	key = e;
	ctk_entry_unset(&key, CTK_ATTR_ZONE);
	assert_int_equal(ctk_nl_get(nl, AF_INET, &key, collect, &s), -ENOENT);
	assert_int_equal(ctk_nl_get(nl, AF_INET, &e, collect, &s), 0);
	assert_true(ctk_entry_has(&s.last, CTK_ATTR_ZONE));
	assert_int_equal(s.last.zone, 3);
	assert_int_equal(ctk_nl_delete(nl, AF_INET, &e), 0);
}

static void test_flush_family(void **state)
{
	struct ctk_dump_opts o = {.family = AF_INET6};

	(void)state;
	NEED_NETNS();
	fill(40);
	assert_int_equal(ctk_nl_flush_family(nl, AF_INET6), 0);
	assert_int_equal(dump_count(&o), 0);
	assert_int_equal(count(), 30);
	/* As the reference: IPv6 is sent, and the IPv4 entries go too. */
	assert_int_equal(ctk_nl_flush(nl, AF_INET6), 0);
	assert_int_equal(count(), 0);
}

struct batch_errs {
	int n;
	unsigned long index[8];
	int err[8];
};

static void batch_err(unsigned long index, int err, void *data)
{
	struct batch_errs *be = data;

	if (be->n < 8) {
		be->index[be->n] = index;
		be->err[be->n] = err;
	}
	be->n++;
}

/* Thousands of requests in a few batches; failures come back numbered. */
static void test_batch(void **state)
{
	struct batch_errs be = {0};
	struct ctk_nl_batch *b = ctk_nl_batch_new(nl2, batch_err, &be);
	struct ctk_entry e;
	const int n = 5000;

	(void)state;
	NEED_NETNS();
	assert_non_null(b);
	for (int i = 0; i < n; i++) {
		uint8_t l3 = i % 3 ? AF_INET : AF_INET6;

		make(&e, l3, IPPROTO_TCP, i, 1);
		assert_int_equal(ctk_nl_batch_create(b, l3, &e, NLM_F_CREATE | NLM_F_EXCL), i);
	}
	assert_int_equal(ctk_nl_batch_send(b), 0);
	assert_int_equal(be.n, 0);
	assert_int_equal(count(), n);
	/* Delete them all, plus two that do not exist, numbered n and n + 2. */
	for (int i = 0; i < n + 3; i++) {
		uint8_t l3 = i % 3 ? AF_INET : AF_INET6;

		make(&e, l3, IPPROTO_TCP, i == n + 1 ? 1 : i, 1);
		assert_int_equal(ctk_nl_batch_delete(b, l3, &e), n + i);
	}
	assert_int_equal(ctk_nl_batch_send(b), 0);
	assert_int_equal(be.n, 3);
	assert_int_equal(be.index[0], 2 * n);
	assert_int_equal(be.err[0], -ENOENT);
	assert_int_equal(be.index[1], 2 * n + 1); /* entry 1 again: already gone */
	assert_int_equal(be.index[2], 2 * n + 2);
	assert_int_equal(count(), 0);
	/* The session still works for single requests. */
	make(&e, AF_INET, IPPROTO_UDP, 1, 0);
	assert_int_equal(ctk_nl_create(nl2, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL), 0);
	assert_int_equal(ctk_nl_delete(nl2, AF_INET, &e), 0);
	assert_int_equal(ctk_nl_batch_send(b), 0); /* nothing queued */
	ctk_nl_batch_free(b);
}

static int cpu_cb(const struct ctk_cpu_stats *st, void *data)
{
	(void)st;
	++*(int *)data;
	return CTK_CB_OK;
}

static void test_stats_cpu(void **state)
{
	int cpus = 0;

	(void)state;
	NEED_NETNS();
	assert_int_equal(ctk_nl_stats_cpu(nl, cpu_cb, &cpus), 0);
	assert_true(cpus >= 1);
	assert_true(cpus <= sysconf(_SC_NPROCESSORS_CONF));
}

/* @n TCP entries 10.0.x.y -> 192.168.0.1 through @on, one batch. */
static void fill_tcp(struct ctk_nl *on, int n)
{
	struct ctk_nl_batch *b = ctk_nl_batch_new(on, NULL, NULL);
	struct ctk_entry e;

	assert_non_null(b);
	for (int i = 1; i <= n; i++) {
		make(&e, AF_INET, IPPROTO_TCP, (uint32_t)i, 0);
		assert_true(ctk_nl_batch_create(b, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL) >= 0);
	}
	assert_int_equal(ctk_nl_batch_send(b), 0);
	ctk_nl_batch_free(b);
}

static void test_dump_async(void **state)
{
	struct pollfd pfd = {.events = POLLIN};
	struct seen s = {0};
	bool budget_hit = false;
	uint32_t n = 0;
	int ret;

	(void)state;
	NEED_NETNS();
	fill_tcp(nl2, 3000);
	assert_int_equal(ctk_nl_dump_continue(nl), -EINVAL); /* nothing started */
	assert_int_equal(ctk_nl_dump_start(nl, NULL, collect, &s), 0);
	assert_int_equal(ctk_nl_dump_start(nl, NULL, collect, &s), -EBUSY);
	assert_int_equal(ctk_nl_count(nl, &n), -EBUSY);
	pfd.fd = ctk_nl_fd(nl);
	for (;;) {
		ret = ctk_nl_dump_continue(nl);
		if (ret == -EINPROGRESS) {
			budget_hit = true;
			continue;
		}
		if (ret != -EAGAIN)
			break;
		assert_int_equal(poll(&pfd, 1, 5000), 1);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(s.n, 3000);
	/* 3 000 entries take more receives than one call's budget. */
	assert_true(budget_hit);
	assert_int_equal(ctk_nl_count(nl, &n), 0);
	assert_int_equal(n, 3000);

	/* Stopped by its callback, then abandoned: the session works on. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 5;
	assert_int_equal(ctk_nl_dump_start(nl, NULL, collect, &s), 0);
	do {
		ret = ctk_nl_dump_continue(nl);
		if (ret == -EAGAIN)
			assert_int_equal(poll(&pfd, 1, 5000), 1);
	} while (ret == -EAGAIN || ret == -EINPROGRESS);
	assert_int_equal(ret, 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(dump_count(NULL), 3000);

	/* Aborted mid-way. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(ctk_nl_dump_start(nl, NULL, collect, &s), 0);
	ctk_nl_dump_abort(nl);
	assert_int_equal(ctk_nl_dump_continue(nl), -EINVAL);
	assert_int_equal(dump_count(NULL), 3000);
}

static void test_open_netns(void **state)
{
	struct ctk_nl *other;
	struct seen s = {.stop_after = 1};
	uint32_t n = 0;
	int there;

	(void)state;
	NEED_NETNS();
	there = other_netns();
	assert_true(there >= 0);

	other = ctk_nl_open_netns(there);
	assert_non_null(other);
	close(there); /* the session keeps its own copy */
	fill_tcp(other, 500);
	assert_int_equal(ctk_nl_count(other, &n), 0);
	assert_int_equal(n, 500);
	assert_int_equal(ctk_nl_count(nl, &n), 0);
	assert_int_equal(n, 0);

	/* An abandoned dump renews the socket: still there, still close-on-exec. */
	assert_int_equal(ctk_nl_dump(other, NULL, collect, &s), 0);
	assert_int_equal(ctk_nl_count(other, &n), 0);
	assert_int_equal(n, 500);
	assert_true(fcntl(ctk_nl_fd(other), F_GETFD) & FD_CLOEXEC);
	assert_int_equal(ctk_nl_count(nl, &n), 0);
	assert_int_equal(n, 0);
	ctk_nl_close(other);

	/* Not a network namespace. */
	errno = 0;
	assert_null(ctk_nl_open_netns(STDIN_FILENO));
	assert_true(errno != 0);
}

static void test_rcvbuf(void **state)
{
	(void)state;
	NEED_NETNS();
	assert_true(ctk_nl_set_rcvbuf(nl, 1 << 20) >= 1 << 20);
	assert_true(ctk_nl_fd(nl) >= 0);
	assert_true(ctk_nl_portid(nl) != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_create_get_update, setup),
		cmocka_unit_test_setup(test_dump_filters, setup),
		cmocka_unit_test_setup(test_dump_kernel_filter, setup),
		cmocka_unit_test_setup(test_dump_stop_and_cancel, setup),
		cmocka_unit_test_setup(test_delete_during_dump, setup),
		cmocka_unit_test_setup(test_delete_by_id, setup),
		cmocka_unit_test_setup(test_zone, setup),
		cmocka_unit_test_setup(test_flush_family, setup),
		cmocka_unit_test_setup(test_batch, setup),
		cmocka_unit_test_setup(test_stats_cpu, setup),
		cmocka_unit_test_setup(test_rcvbuf, setup),
		cmocka_unit_test_setup(test_dump_async, setup),
		cmocka_unit_test_setup(test_open_netns, setup),
	};
	int ret;

	have_netns = unshare(CLONE_NEWNET) == 0;
	if (have_netns) {
		nl = ctk_nl_open();
		nl2 = ctk_nl_open();
		have_netns = nl && nl2;
	}
	if (!have_netns)
		fprintf(stderr, "test_nl_session: no network namespace (not root?): skipping\n");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	ctk_nl_close(nl);
	ctk_nl_close(nl2);
	return ret;
}
