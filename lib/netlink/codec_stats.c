// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Statistics replies: IPCTNL_MSG_CT_GET_STATS_CPU (one message per CPU,
 * the CPU number in nfgenmsg's res_id) and IPCTNL_MSG_CT_GET_STATS (the
 * global entry count).
 */
#include <errno.h>
#include <limits.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/netlink.h>
#include "netlink/attr.h"

/* enum ctk_stat is enum ctattr_stats_cpu shifted down by one. */
static const struct attr_policy cpu_policy[CTA_STATS_MAX + 1] = {
	[1 ... CTA_STATS_MAX] = {MNL_TYPE_U32},
};

static const struct attr_policy global_policy[CTA_STATS_GLOBAL_MAX + 1] = {
	[CTA_STATS_GLOBAL_ENTRIES] = {MNL_TYPE_U32},
	[CTA_STATS_GLOBAL_MAX_ENTRIES] = {MNL_TYPE_U32},
};

static int walk_msg(const struct nlmsghdr *nlh, const struct attr_policy *policy, uint16_t max,
		    attr_handler fn, void *data)
{
	const size_t hdrlen = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));

	if (nlh->nlmsg_len < hdrlen || nlh->nlmsg_len > INT_MAX)
		return -EBADMSG;
	return ctknl_walk((const char *)nlh + hdrlen, nlh->nlmsg_len - hdrlen, policy, max, fn,
			  data);
}

static int cpu_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_cpu_stats *s = data;
	unsigned int stat = type - 1;

	if (stat < CTK_STAT_MAX) {
		s->value[stat] = ntohl(attr_u32(attr));
		s->present |= 1u << stat;
	}
	return 0;
}

int ctk_cpu_stats_parse(const struct nlmsghdr *nlh, struct ctk_cpu_stats *s)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	s->present = 0;
	s->cpu = 0;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*nfg))
		return -EBADMSG;
	s->cpu = ntohs(nfg->res_id);
	return walk_msg(nlh, cpu_policy, CTA_STATS_MAX, cpu_attr, s);
}

struct count_dest {
	uint32_t *count;
	bool found;
};

static int global_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct count_dest *d = data;

	if (type == CTA_STATS_GLOBAL_ENTRIES) {
		*d->count = ntohl(attr_u32(attr));
		d->found = true;
	}
	return 0;
}

int ctk_entry_count_parse(const struct nlmsghdr *nlh, uint32_t *count)
{
	struct count_dest d = {count, false};
	int ret = walk_msg(nlh, global_policy, CTA_STATS_GLOBAL_MAX, global_attr, &d);

	if (ret == 0 && !d.found)
		return -EBADMSG;
	return ret;
}
