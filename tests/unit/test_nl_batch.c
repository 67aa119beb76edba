// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A batched get whose answer the codec refuses still gets a result: an
 * -EBADMSG error, never the entry callback. The kernel never sends such an
 * answer, so a second netlink socket of the test sends it to the batch's
 * socket under the get's sequence number before the batch goes out; the
 * kernel's own answer (not found) follows it. Runs in a network namespace
 * of its own; without the privilege for that, it is skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libmnl/libmnl.h>
#include <ctkit/netlink.h>

#include "netlink/session.h"

struct log {
	int err[4];
	int n_err;
	int n_entry;
};

static void on_err(unsigned long index, int err, void *data)
{
	struct log *log = data;

	(void)index;
	if (log->n_err < 4)
		log->err[log->n_err] = err;
	log->n_err++;
}

static void on_entry(unsigned long index, const struct ctk_entry *e, void *data)
{
	struct log *log = data;

	(void)index;
	(void)e;
	log->n_entry++;
}

/* A conntrack message whose first attribute claims more bytes than it has. */
static size_t bad_answer(char *buf, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *attr;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	attr = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	attr->nla_type = CTA_TUPLE_ORIG | NLA_F_NESTED;
	attr->nla_len = 200;
	nlh->nlmsg_len += 8;
	return nlh->nlmsg_len;
}

static void test_unparseable_get_answer(void **state)
{
	struct ctk_entry e;
	struct log log = { { 0 }, 0, 0 };
	struct ctk_nl *nl;
	struct ctk_nl_batch *b;
	struct mnl_socket *peer;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	char buf[256];
	size_t len;

	(void)state;
	if (unshare(CLONE_NEWNET) != 0)
		skip();
	nl = ctk_nl_open();
	assert_non_null(nl);
	peer = mnl_socket_open(NETLINK_NETFILTER);
	assert_non_null(peer);
	assert_int_equal(mnl_socket_bind(peer, 0, MNL_SOCKET_AUTOPID), 0);
	b = ctk_nl_batch_new(nl, on_err, &log);
	assert_non_null(b);
	ctk_nl_batch_on_entry(b, on_entry);

	memset(&e, 0, sizeof(e));
	e.orig.l3num = AF_INET;
	e.orig.l4num = IPPROTO_UDP;
	e.orig.src.v4.s_addr = htonl(0x0a000001);
	e.orig.dst.v4.s_addr = htonl(0x0a000002);
	e.orig.sport = 1;
	e.orig.dport = 2;
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	assert_int_equal(ctk_nl_batch_get(b, AF_INET, &e), 0);

	/* The get was numbered with the session's last sequence number. */
	len = bad_answer(buf, nl->seq);
	to.nl_pid = nl->portid;
	assert_int_equal(sendto(mnl_socket_get_fd(peer), buf, len, 0, (struct sockaddr *)&to,
				sizeof(to)),
			 (ssize_t)len);

	assert_int_equal(ctk_nl_batch_send(b), 0);
	assert_int_equal(log.n_entry, 0);
	assert_true(log.n_err >= 1);
	assert_int_equal(log.err[0], -EBADMSG);

	ctk_nl_batch_free(b);
	mnl_socket_close(peer);
	ctk_nl_close(nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unparseable_get_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
