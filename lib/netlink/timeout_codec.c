// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cttimeout messages (NFNL_SUBSYS_CTNETLINK_TIMEOUT) into a struct
 * ctk_timeout and back.
 *
 *   nlmsghdr | nfgenmsg (AF_UNSPEC) | CTA_TIMEOUT_NAME      string
 *                                   | CTA_TIMEOUT_L3PROTO   u16, network order
 *                                   | CTA_TIMEOUT_L4PROTO   u8
 *                                   | CTA_TIMEOUT_DATA      nest: attr i + 1 = state i,
 *                                   |                       u32 seconds, network order
 *                                   | CTA_TIMEOUT_USE       u32, network order (replies)
 *
 * Requests carry the attributes in libnetfilter_cttimeout's order, so the
 * kernel sees what nfct 1.4.7 sends.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>
#include <ctkit/timeout.h>
#include <ctkit/timeout_nl.h>
#include "netlink/attr.h"
#include "netlink/codec.h"

#define NFGEN_HDRLEN (MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)))

struct nlmsghdr *ctk_timeout_nlmsg(char *buf, uint16_t msg_type, uint16_t flags, uint32_t seq)
{
	return ctknl_nfnl_msg(buf, NFNL_SUBSYS_CTNETLINK_TIMEOUT, msg_type, flags, seq, AF_UNSPEC);
}

static int put_states(struct nlmsghdr *nlh, size_t buflen, const struct ctk_timeout *t)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, CTA_TIMEOUT_DATA);

	if (!nest)
		return -EMSGSIZE;
	for (unsigned int i = 0; i < CTK_TIMEOUT_STATES; i++) {
		if (!(t->states & (1u << i)))
			continue;
		if (!mnl_attr_put_u32_check(nlh, buflen, (uint16_t)(i + 1), htonl(t->secs[i])))
			return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

int ctk_timeout_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_timeout *t)
{
	if ((t->present & CTK_TIMEOUT_ATTR_NAME) &&
	    !mnl_attr_put_strz_check(nlh, buflen, CTA_TIMEOUT_NAME, t->name))
		return -EMSGSIZE;
	if ((t->present & CTK_TIMEOUT_ATTR_L3PROTO) &&
	    !mnl_attr_put_u16_check(nlh, buflen, CTA_TIMEOUT_L3PROTO, htons(t->l3proto)))
		return -EMSGSIZE;
	if ((t->present & CTK_TIMEOUT_ATTR_L4PROTO) &&
	    !mnl_attr_put_u8_check(nlh, buflen, CTA_TIMEOUT_L4PROTO, t->l4proto))
		return -EMSGSIZE;
	return t->states ? put_states(nlh, buflen, t) : 0;
}

static const struct attr_policy timeout_policy[CTA_TIMEOUT_MAX + 1] = {
	[CTA_TIMEOUT_NAME] = { MNL_TYPE_STRING },
	[CTA_TIMEOUT_L3PROTO] = { MNL_TYPE_U16 },
	[CTA_TIMEOUT_L4PROTO] = { MNL_TYPE_U8 },
	[CTA_TIMEOUT_DATA] = { MNL_TYPE_NESTED },
	[CTA_TIMEOUT_USE] = { MNL_TYPE_U32 },
};

/* Every state attribute is a u32; types past the table are skipped. */
static const struct attr_policy state_policy[CTK_TIMEOUT_STATES + 1] = {
	[1 ... CTK_TIMEOUT_STATES] = { MNL_TYPE_U32 },
};

struct timeout_parse {
	struct ctk_timeout *t;
	const struct nlattr *data;	/* decoded once the l4proto is known */
};

static int timeout_attr_cb(const struct nlattr *attr, uint16_t type, void *data)
{
	struct timeout_parse *p = data;
	struct ctk_timeout *t = p->t;

	switch (type) {
	case CTA_TIMEOUT_NAME:
		/* A repeated name replaces the whole buffer: no bytes of the first remain. */
		memset(t->name, 0, sizeof(t->name));
		ctknl_get_string(attr, t->name, sizeof(t->name));
		t->present |= CTK_TIMEOUT_ATTR_NAME;
		break;
	case CTA_TIMEOUT_L3PROTO:
		t->l3proto = ntohs(attr_u16(attr));
		t->present |= CTK_TIMEOUT_ATTR_L3PROTO;
		break;
	case CTA_TIMEOUT_L4PROTO:
		t->l4proto = attr_u8(attr);
		t->present |= CTK_TIMEOUT_ATTR_L4PROTO;
		break;
	case CTA_TIMEOUT_DATA:
		p->data = attr;
		break;
	case CTA_TIMEOUT_USE:
		t->use = ntohl(attr_u32(attr));
		t->present |= CTK_TIMEOUT_ATTR_USE;
		break;
	}
	return 0;
}

static int state_attr_cb(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_timeout *t = data;

	t->secs[type - 1] = ntohl(attr_u32(attr));
	t->states |= 1u << (type - 1);
	return 0;
}

int ctk_timeout_parse(const struct nlmsghdr *nlh, struct ctk_timeout *t)
{
	struct timeout_parse p = {.t = t};
	const struct ctk_timeout_proto *proto;
	int ret;

	memset(t, 0, sizeof(*t));
	if (nlh->nlmsg_len < NFGEN_HDRLEN)
		return -EBADMSG;
	ret = ctknl_walk((const char *)nlh + NFGEN_HDRLEN, (int)(nlh->nlmsg_len - NFGEN_HDRLEN),
			 timeout_policy, CTA_TIMEOUT_MAX, timeout_attr_cb, &p);
	if (ret < 0 || !p.data)
		return ret;
	ret = ctknl_walk_nested(p.data, state_policy, CTK_TIMEOUT_STATES, state_attr_cb, t);
	if (ret < 0)
		return ret;
	/* As the library: no policy for a protocol without a tracker. */
	proto = (t->present & CTK_TIMEOUT_ATTR_L4PROTO) ? ctk_timeout_proto(t->l4proto) : NULL;
	if (!proto) {
		t->states = 0;
		memset(t->secs, 0, sizeof(t->secs));
	}
	return 0;
}
