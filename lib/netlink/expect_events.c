// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Expectation events (conntrack -E expect): the multicast groups to bind
 * and the walk over one received buffer. The socket itself is the event
 * socket of events.c; only the groups and the decoding differ.
 */
#include <errno.h>
#include <limits.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/expect.h>
#include <ctkit/netlink.h>
#include <ctkit/expect_nl.h>
#include "netlink/attr.h"

/* NF_NETLINK_CONNTRACK_EXP_NEW/UPDATE/DESTROY: the conntrack groups, three bits up. */
#define EXP_GROUP_SHIFT 3

unsigned int ctk_expect_event_groups(unsigned int ev_mask)
{
	return (ev_mask & 7u) << EXP_GROUP_SHIFT;
}

static bool is_exp_event(const struct nlmsghdr *nlh)
{
	uint16_t type = nlh->nlmsg_type;

	if (NFNL_SUBSYS_ID(type) != NFNL_SUBSYS_CTNETLINK_EXP)
		return false;
	type = NFNL_MSG_TYPE(type);
	return type == IPCTNL_MSG_EXP_NEW || type == IPCTNL_MSG_EXP_DELETE;
}

int ctk_expect_events_decode(const void *buf, size_t len, struct ctk_expect *scratch,
			  ctk_expect_cb cb, void *data)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > INT_MAX ? INT_MAX : (int)len;
	int passed = 0;

	/* mnl_nlmsg_ok() compares as int: a length of 2 GiB or more ends the walk first. */
	while (left >= (int)sizeof(*nlh) && nlh->nlmsg_len <= (uint32_t)left &&
	       mnl_nlmsg_ok(nlh, left)) {
		enum ctk_event ev;
		int verdict;

		/* Like the reference: an event it cannot parse is not shown. */
		if (is_exp_event(nlh) && ctk_expect_parse(nlh, scratch, &ev) == 0) {
			passed++;
			verdict = cb(scratch, ev, data);
			if (verdict == CTK_CB_ERROR)
				return -ECANCELED;
			if (verdict == CTK_CB_STOP)
				break;
		}
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return passed;
}
