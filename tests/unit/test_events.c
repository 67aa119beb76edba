// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Event decoding (ctk_events_decode): the event type comes from the
 * message type and flags, the port id and family from the headers, other
 * messages are skipped, a malformed one is skipped, a bad framing ends the
 * walk, and callback verdicts are honoured. (The set of live entries a
 * resync compares is the library's cache: test_cache.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/events.h>
#include <ctkit/netlink.h>

#include "event.h"

static char buf[16384] __attribute__((aligned(8)));
static size_t used;
static struct ctk_entry scratch;

struct seen_events {
	int count;
	struct ctk_event_info info[8];
	uint16_t sport[8];
	int verdict; /* what the callback answers */
};

static void make_entry(struct ctk_entry *e, uint8_t l4, uint16_t sport, uint16_t zone)
{
	memset(e, 0, sizeof(*e));
	e->orig.l3num = AF_INET;
	e->orig.l4num = l4;
	e->orig.src.v4.s_addr = htonl(0x0a000001);
	e->orig.dst.v4.s_addr = htonl(0x0a000002);
	e->orig.sport = sport;
	e->orig.dport = 53;
	ctk_tuple_invert(&e->reply, &e->orig);
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	e->id = 1000u + sport;
	ctk_entry_set(e, CTK_ATTR_ID);
	if (zone) {
		e->zone = zone;
		ctk_entry_set(e, CTK_ATTR_ZONE);
	}
}

/* Append one ctnetlink message to buf. */
static void append(uint16_t msg_type, uint16_t flags, uint32_t portid, uint8_t family,
		   uint16_t sport)
{
	struct ctk_entry e;
	struct nlmsghdr *nlh = ctk_entry_nlmsg(buf + used, msg_type, flags, 0, family);

	make_entry(&e, IPPROTO_UDP, sport, 0);
	assert_int_equal(ctk_entry_put(nlh, sizeof(buf) - used, &e), 0);
	nlh->nlmsg_flags &= ~NLM_F_REQUEST;
	nlh->nlmsg_pid = portid;
	used += MNL_ALIGN(nlh->nlmsg_len);
}

static int record(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct seen_events *s = data;

	if (s->count < 8) {
		s->info[s->count] = *info;
		s->sport[s->count] = e->orig.sport;
	}
	s->count++;
	return s->verdict;
}

static void test_types_portid_family(void **state)
{
	struct seen_events s = {.verdict = CTK_CB_OK};

	(void)state;
	used = 0;
	append(IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL, 0, AF_INET, 1);
	append(IPCTNL_MSG_CT_NEW, 0, 4242, AF_INET, 2);
	append(IPCTNL_MSG_CT_DELETE, 0, 7, AF_INET6, 3);
	assert_int_equal(ctk_events_decode(buf, used, &scratch, record, &s), 3);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.info[0].type, CTK_EV_NEW);
	assert_int_equal(s.info[0].portid, 0);
	assert_int_equal(s.info[1].type, CTK_EV_UPDATE);
	assert_int_equal(s.info[1].portid, 4242);
	assert_int_equal(s.info[2].type, CTK_EV_DESTROY);
	assert_int_equal(s.info[2].family, AF_INET6);
	assert_int_equal(s.sport[2], 3);
}

static void test_skips_other_messages(void **state)
{
	struct seen_events s = {.verdict = CTK_CB_OK};
	struct nlmsghdr *nlh;

	(void)state;
	used = 0;
	/* An expectation event and a NOOP around a conntrack event. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_NEW;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	used += MNL_ALIGN(nlh->nlmsg_len);
	nlh = mnl_nlmsg_put_header(buf + used);
	nlh->nlmsg_type = NLMSG_NOOP;
	used += MNL_ALIGN(nlh->nlmsg_len);
	append(IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 0, AF_INET, 9);
	assert_int_equal(ctk_events_decode(buf, used, &scratch, record, &s), 1);
	assert_int_equal(s.sport[0], 9);
}

static void test_malformed_and_framing(void **state)
{
	struct seen_events s = {.verdict = CTK_CB_OK};
	struct nlmsghdr *nlh, *bad;

	(void)state;
	used = 0;
	/* A conntrack message whose attribute claims more than the message: skipped. */
	bad = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 0, AF_INET);
	mnl_attr_put_u32(bad, CTA_MARK, 1);
	((struct nlattr *)((char *)bad + MNL_ALIGN(bad->nlmsg_len) - 8))->nla_len = 200;
	used += MNL_ALIGN(bad->nlmsg_len);
	append(IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 0, AF_INET, 5);
	assert_int_equal(ctk_events_decode(buf, used, &scratch, record, &s), 1);
	assert_int_equal(s.sport[0], 5);

	/* A length beyond the buffer (or 2 GiB) ends the walk, not the program. */
	nlh = (struct nlmsghdr *)(buf + used);
	append(IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 0, AF_INET, 6);
	nlh->nlmsg_len = 0x80000010u;
	s.count = 0;
	assert_int_equal(ctk_events_decode(buf, used, &scratch, record, &s), 1);
	assert_int_equal(ctk_events_decode(buf, 7, &scratch, record, &s), 0);
}

static void test_verdicts(void **state)
{
	struct seen_events s = {.verdict = CTK_CB_STOP};

	(void)state;
	used = 0;
	append(IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 0, AF_INET, 1);
	append(IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 0, AF_INET, 2);
	assert_int_equal(ctk_events_decode(buf, used, &scratch, record, &s), 1);
	s = (struct seen_events){.verdict = CTK_CB_ERROR};
	assert_int_equal(ctk_events_decode(buf, used, &scratch, record, &s), -ECANCELED);
	assert_int_equal(s.count, 1);
}

/* The [USERSPACE] lookup finds this very program behind its own socket. */
static void test_progname_of_own_socket(void **state)
{
	struct mnl_socket *sock = mnl_socket_open(NETLINK_NETFILTER);
	const char *name;

	(void)state;
	if (!sock || mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		if (sock)
			mnl_socket_close(sock);
		skip();
	}
	name = ct_portid_progname(mnl_socket_get_portid(sock));
	assert_non_null(name);
	assert_string_equal(name, "test_events");
	/* Cached by port id and inode: asking again gives the same answer. */
	assert_ptr_equal(ct_portid_progname(mnl_socket_get_portid(sock)), name);
	mnl_socket_close(sock);
	/* A port id nobody holds has no name. */
	assert_null(ct_portid_progname(0xfffffff0u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_portid_family),
		cmocka_unit_test(test_skips_other_messages),
		cmocka_unit_test(test_malformed_and_framing),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_progname_of_own_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
