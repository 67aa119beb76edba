// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The expectation session against the real kernel, in a network namespace
 * of its own (skipped without the privilege for one): a master entry with
 * the ftp helper is created over ctnetlink, then expectations on it are
 * created, dumped, fetched, counted, deleted and flushed. Also the event
 * walk over a buffer of built messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <ctkit/expect.h>
#include <ctkit/netlink.h>
#include <ctkit/expect_nl.h>

#define MASTER_SPORT 40000
#define DATA_PORT 5000

static bool have_netns;
static struct ctk_nl *nl;

static void tuple(struct ctk_tuple *t, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	memset(t, 0, sizeof(*t));
	t->l3num = AF_INET;
	t->l4num = IPPROTO_TCP;
	t->src.v4.s_addr = htonl(src);
	t->dst.v4.s_addr = htonl(dst);
	t->sport = sport;
	t->dport = dport;
}

/*
 * An established FTP control connection 10.0.0.1:@sport -> 10.0.0.2:21 with
 * the ftp helper. The helper's policy allows one expectation per master (a
 * new one evicts the old) and sets its timeout (300 s, whatever was asked).
 */
static int create_master(uint16_t sport)
{
	struct ctk_entry e;

	memset(&e, 0, sizeof(e));
	tuple(&e.orig, 0x0a000001, 0x0a000002, sport, 21);
	tuple(&e.reply, 0x0a000002, 0x0a000001, 21, sport);
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	ctk_entry_set(&e, CTK_ATTR_REPLY);
	e.timeout = 500;
	ctk_entry_set(&e, CTK_ATTR_TIMEOUT);
	e.tcp.state = TCP_CONNTRACK_ESTABLISHED;
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	e.status = IPS_ASSURED | IPS_SEEN_REPLY;
	ctk_entry_set(&e, CTK_ATTR_STATUS);
	strcpy(e.helper_name, "ftp");
	ctk_entry_set(&e, CTK_ATTR_HELPER_NAME);
	return ctk_nl_create(nl, AF_INET, &e, NLM_F_CREATE | NLM_F_EXCL);
}

/* The data connection the server (10.0.0.2, any port) opens to the client's port @dport. */
static void make_exp(struct ctk_expect *x, uint16_t master_sport, uint16_t dport)
{
	memset(x, 0, sizeof(*x));
	tuple(&x->master, 0x0a000001, 0x0a000002, master_sport, 21);
	tuple(&x->expected, 0x0a000002, 0x0a000001, 0, dport);
	tuple(&x->mask, 0xffffffff, 0xffffffff, 0, 0xffff);
	ctk_expect_set(x, CTK_EXPECT_ATTR_MASTER);
	ctk_expect_set(x, CTK_EXPECT_ATTR_EXPECTED);
	ctk_expect_set(x, CTK_EXPECT_ATTR_MASK);
	x->timeout = 100;
	ctk_expect_set(x, CTK_EXPECT_ATTR_TIMEOUT);
}

/* Only the expected tuple: what -D expect sends, and what -G expect matches. */
static void make_key(struct ctk_expect *x, enum ctk_expect_attr which, uint16_t dport)
{
	memset(x, 0, sizeof(*x));
	tuple(which == CTK_EXPECT_ATTR_MASTER ? &x->master : &x->expected, 0x0a000002, 0x0a000001,
	      1234, dport);
	ctk_expect_set(x, which);
}

static int setup(void **state)
{
	(void)state;
	if (!have_netns)
		return 0;
	assert_int_equal(ctk_nl_expect_flush(nl, AF_UNSPEC), 0);
	assert_int_equal(ctk_nl_flush(nl, AF_UNSPEC), 0);
	for (uint16_t i = 0; i < 3; i++) {
		int ret = create_master((uint16_t)(MASTER_SPORT + i));

		if (ret < 0)
			return ret;
	}
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
	struct ctk_expect last;
	enum ctk_event ev;
};

static int collect(const struct ctk_expect *x, enum ctk_event ev, void *data)
{
	struct seen *s = data;

	s->n++;
	s->last = *x;
	s->ev = ev;
	if (s->stop_after && s->n >= s->stop_after)
		return CTK_CB_STOP;
	return CTK_CB_OK;
}

static void test_create_dump_get(void **state)
{
	struct ctk_expect x, key;
	struct seen s = {0};
	uint32_t count = 0;

	(void)state;
	NEED_NETNS();
	make_exp(&x, MASTER_SPORT, DATA_PORT);
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), 0);
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), -EEXIST);
	/* Another one for the same master replaces it. */
	make_exp(&x, MASTER_SPORT, DATA_PORT - 1);
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), 0);
	make_exp(&x, MASTER_SPORT, DATA_PORT);
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), 0);

	assert_int_equal(ctk_nl_expect_dump(nl, AF_UNSPEC, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev, CTK_EV_NONE);
	assert_true(ctk_expect_has(&s.last, CTK_EXPECT_ATTR_HELPER_NAME));
	assert_string_equal(s.last.helper_name, "ftp");
	assert_int_equal(s.last.expected.dport, DATA_PORT);
	assert_int_equal(s.last.master.sport, MASTER_SPORT);
	assert_int_equal(s.last.mask.dport, 0xffff);
	assert_true(s.last.timeout <= 300 && s.last.timeout >= 290);

	memset(&s, 0, sizeof(s));
	assert_int_equal(ctk_nl_expect_dump(nl, AF_INET6, collect, &s), 0);
	assert_int_equal(s.n, 0);

	/* Any source port matches: the mask leaves it out. */
	make_key(&key, CTK_EXPECT_ATTR_MASTER, DATA_PORT);
	memset(&s, 0, sizeof(s));
	assert_int_equal(ctk_nl_expect_get(nl, AF_UNSPEC, &key, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.expected.dport, DATA_PORT);
	make_key(&key, CTK_EXPECT_ATTR_MASTER, DATA_PORT + 1);
	assert_int_equal(ctk_nl_expect_get(nl, AF_UNSPEC, &key, collect, &s), -ENOENT);

	assert_int_equal(ctk_nl_expect_count(nl, AF_INET, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(ctk_nl_expect_count(nl, AF_INET6, &count), 0);
	assert_int_equal(count, 0);
}

static void test_create_without_master(void **state)
{
	struct ctk_expect x;

	(void)state;
	NEED_NETNS();
	make_exp(&x, MASTER_SPORT + 7, DATA_PORT);
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), -ENOENT);
}

static void test_delete_flush(void **state)
{
	struct ctk_expect x, key;
	uint32_t count = 9;

	(void)state;
	NEED_NETNS();
	make_exp(&x, MASTER_SPORT, DATA_PORT);
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), 0);
	make_exp(&x, MASTER_SPORT + 1, DATA_PORT + 1);
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), 0);

	make_key(&key, CTK_EXPECT_ATTR_EXPECTED, DATA_PORT);
	assert_int_equal(ctk_nl_expect_delete(nl, AF_UNSPEC, &key), 0);
	assert_int_equal(ctk_nl_expect_delete(nl, AF_UNSPEC, &key), -ENOENT);
	assert_int_equal(ctk_nl_expect_count(nl, AF_UNSPEC, &count), 0);
	assert_int_equal(count, 1);

	/* Neither tuple nor helper: refused, not a flush. */
	memset(&key, 0, sizeof(key));
	make_key(&key, CTK_EXPECT_ATTR_MASTER, DATA_PORT + 1);
	assert_int_equal(ctk_nl_expect_delete(nl, AF_UNSPEC, &key), -EINVAL);
	assert_int_equal(ctk_nl_expect_count(nl, AF_UNSPEC, &count), 0);
	assert_int_equal(count, 1);

	/* By helper name: every expectation the ftp helper owns. */
	memset(&key, 0, sizeof(key));
	strcpy(key.helper_name, "ftp");
	ctk_expect_set(&key, CTK_EXPECT_ATTR_HELPER_NAME);
	assert_int_equal(ctk_nl_expect_delete(nl, AF_INET, &key), 0);
	assert_int_equal(ctk_nl_expect_count(nl, AF_UNSPEC, &count), 0);
	assert_int_equal(count, 0);

	/* Version 0: "-F expect -f ipv6" empties IPv4 expectations too. */
	assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), 0);
	assert_int_equal(ctk_nl_expect_flush(nl, AF_INET6), 0);
	assert_int_equal(ctk_nl_expect_count(nl, AF_UNSPEC, &count), 0);
	assert_int_equal(count, 0);
}

static void test_dump_stop(void **state)
{
	struct ctk_expect x;
	struct seen s = {.stop_after = 1};
	uint32_t count = 0;

	(void)state;
	NEED_NETNS();
	for (uint16_t i = 0; i < 3; i++) {
		make_exp(&x, (uint16_t)(MASTER_SPORT + i), (uint16_t)(DATA_PORT + i));
		assert_int_equal(ctk_nl_expect_create(nl, AF_UNSPEC, &x), 0);
	}
	assert_int_equal(ctk_nl_expect_dump(nl, AF_UNSPEC, collect, &s), 0);
	assert_int_equal(s.n, 1);
	/* The abandoned dump does not spoil the next request. */
	assert_int_equal(ctk_nl_expect_count(nl, AF_UNSPEC, &count), 0);
	assert_int_equal(count, 3);
}

static int count_cpu(const struct ctk_cpu_stats *st, void *data)
{
	int *n = data;

	assert_true(st->present & (1u << CTK_STAT_EXP_CREATE));
	(*n)++;
	return CTK_CB_OK;
}

static void test_stats_cpu(void **state)
{
	int n = 0;

	(void)state;
	NEED_NETNS();
	assert_int_equal(ctk_nl_expect_stats_cpu(nl, count_cpu, &n), 0);
	assert_true(n >= 1);
}

/* Needs no kernel: built messages walked as a received buffer would be. */
static void test_events_decode(void **state)
{
	char buf[3 * 1024] __attribute__((aligned(4)));
	struct ctk_expect x, scratch;
	struct seen s = {0};
	struct nlmsghdr *nlh;
	size_t len;

	(void)state;
	assert_int_equal(ctk_expect_event_groups(7), 0x38);
	assert_int_equal(ctk_expect_event_groups(4), 0x20);
	memset(buf, 0, sizeof(buf));
	make_exp(&x, MASTER_SPORT, DATA_PORT);
	nlh = ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE, 1, AF_INET);
	assert_int_equal(ctk_expect_put(nlh, 1024, &x), 0);
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	/* A conntrack message in between is not an expectation: skipped. */
	nlh = ctk_entry_nlmsg(buf + len, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 2, AF_INET);
	len += NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = ctk_expect_nlmsg(buf + len, IPCTNL_MSG_EXP_DELETE, 0, 3, AF_INET);
	assert_int_equal(ctk_expect_put(nlh, 1024, &x), 0);
	len += NLMSG_ALIGN(nlh->nlmsg_len);

	assert_int_equal(ctk_expect_events_decode(buf, len, &scratch, collect, &s), 2);
	assert_int_equal(s.ev, CTK_EV_DESTROY);
	assert_int_equal(s.last.expected.dport, DATA_PORT);

	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_int_equal(ctk_expect_events_decode(buf, len, &scratch, collect, &s), 1);
	assert_int_equal(s.ev, CTK_EV_NEW);

	/* A length beyond the buffer ends the walk. */
	((struct nlmsghdr *)buf)->nlmsg_len = 0x80000000u;
	memset(&s, 0, sizeof(s));
	assert_int_equal(ctk_expect_events_decode(buf, len, &scratch, collect, &s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_create_dump_get, setup),
		cmocka_unit_test_setup(test_create_without_master, setup),
		cmocka_unit_test_setup(test_delete_flush, setup),
		cmocka_unit_test_setup(test_dump_stop, setup),
		cmocka_unit_test_setup(test_stats_cpu, setup),
		cmocka_unit_test(test_events_decode),
	};
	int ret;

	have_netns = unshare(CLONE_NEWNET) == 0;
	if (have_netns) {
		nl = ctk_nl_open();
		have_netns = nl != NULL;
	}
	if (!have_netns)
		fprintf(stderr, "test_nl_expect: no network namespace (not root?): skipping\n");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	ctk_nl_close(nl);
	return ret;
}
