// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IPCTNL_MSG_EXP_GET_STATS_CPU replies: one message per CPU (the CPU number
 * in nfgenmsg's res_id) with CTA_STATS_EXP_NEW/CREATE/DELETE, stored in the
 * CTK_STAT_EXP_* slots of struct ctk_cpu_stats so that the one formatter
 * prints both tables' statistics.
 */
#include <errno.h>
#include <limits.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/expect.h>
#include <ctkit/format.h>
#include <ctkit/expect_nl.h>
#include "netlink/attr.h"

#define NFGEN_HDRLEN (MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)))

static const struct attr_policy exp_stats_policy[CTA_STATS_EXP_MAX + 1] = {
	[CTA_STATS_EXP_NEW] = { MNL_TYPE_U32 },
	[CTA_STATS_EXP_CREATE] = { MNL_TYPE_U32 },
	[CTA_STATS_EXP_DELETE] = { MNL_TYPE_U32 },
};

static const enum ctk_stat exp_stat_slot[CTA_STATS_EXP_MAX + 1] = {
	[CTA_STATS_EXP_NEW] = CTK_STAT_EXP_NEW,
	[CTA_STATS_EXP_CREATE] = CTK_STAT_EXP_CREATE,
	[CTA_STATS_EXP_DELETE] = CTK_STAT_EXP_DELETE,
};

static int exp_stat_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_cpu_stats *s = data;
	enum ctk_stat slot = exp_stat_slot[type];

	s->value[slot] = ntohl(attr_u32(attr));
	s->present |= 1u << slot;
	return 0;
}

int ctk_expect_cpu_stats_parse(const struct nlmsghdr *nlh, struct ctk_cpu_stats *s)
{
	const struct nfgenmsg *nfg;

	s->present = 0;
	s->cpu = 0;
	if (nlh->nlmsg_len < NFGEN_HDRLEN || nlh->nlmsg_len > INT_MAX)
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	s->cpu = ntohs(nfg->res_id);
	return ctknl_walk((const char *)nlh + NFGEN_HDRLEN, nlh->nlmsg_len - NFGEN_HDRLEN,
			  exp_stats_policy, CTA_STATS_EXP_MAX, exp_stat_attr, s);
}
