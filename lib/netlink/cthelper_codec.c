// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cthelper messages (NFNL_SUBSYS_CTHELPER) into a struct ctk_helper and
 * back. Numbers travel in network order.
 *
 *   NFCTH_NAME           string
 *   NFCTH_QUEUE_NUM      u32
 *   NFCTH_TUPLE          nest: NFCTH_TUPLE_L3PROTONUM u16, NFCTH_TUPLE_L4PROTONUM u8
 *   NFCTH_POLICY         nest: NFCTH_POLICY_SET_NUM u32, then NFCTH_POLICY_SET + i:
 *                        nest: NFCTH_POLICY_NAME string, _EXPECT_MAX u32, _EXPECT_TIMEOUT u32
 *   NFCTH_PRIV_DATA_LEN  u32
 *   NFCTH_STATUS         u32
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cthelper.h>
#include "netlink/codec.h"
#include <ctkit/helper_nl.h>
#include "netlink/attr.h"

#define NFGEN_HDRLEN (MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)))

void ctk_helper_set_name(struct ctk_helper *h, const char *name)
{
	size_t len = strnlen(name, CTK_HELPER_NAME_LEN - 1);

	memcpy(h->name, name, len);
	h->name[len] = '\0';
	h->present |= CTK_HELPER_ATTR_NAME;
}

struct nlmsghdr *ctk_helper_nlmsg(char *buf, uint16_t msg_type, uint16_t flags, uint32_t seq,
				  uint8_t family)
{
	return ctknl_nfnl_msg(buf, NFNL_SUBSYS_CTHELPER, msg_type, flags, seq, family);
}

static int put_tuple(struct nlmsghdr *nlh, size_t buflen, const struct ctk_helper *h)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, NFCTH_TUPLE);

	if (!nest)
		return -EMSGSIZE;
	if ((h->present & CTK_HELPER_ATTR_L3PROTO) &&
	    !mnl_attr_put_u16_check(nlh, buflen, NFCTH_TUPLE_L3PROTONUM, htons(h->l3proto)))
		return -EMSGSIZE;
	if ((h->present & CTK_HELPER_ATTR_L4PROTO) &&
	    !mnl_attr_put_u8_check(nlh, buflen, NFCTH_TUPLE_L4PROTONUM, h->l4proto))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int put_class(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
		     const struct ctk_helper_policy *p)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, type);

	if (!nest || !mnl_attr_put_strz_check(nlh, buflen, NFCTH_POLICY_NAME, p->name) ||
	    !mnl_attr_put_u32_check(nlh, buflen, NFCTH_POLICY_EXPECT_MAX, htonl(p->expect_max)) ||
	    !mnl_attr_put_u32_check(nlh, buflen, NFCTH_POLICY_EXPECT_TIMEOUT,
				    htonl(p->expect_timeout)))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int put_policy(struct nlmsghdr *nlh, size_t buflen, const struct ctk_helper *h)
{
	struct nlattr *nest;

	if (h->npolicies > CTK_HELPER_POLICY_MAX)
		return -EINVAL;
	nest = mnl_attr_nest_start_check(nlh, buflen, NFCTH_POLICY);
	if (!nest || !mnl_attr_put_u32_check(nlh, buflen, NFCTH_POLICY_SET_NUM, htonl(h->npolicies)))
		return -EMSGSIZE;
	for (uint32_t i = 0; i < h->npolicies; i++) {
		int ret = put_class(nlh, buflen, (uint16_t)(NFCTH_POLICY_SET + i), &h->policy[i]);

		if (ret < 0)
			return ret;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static bool put_u32(struct nlmsghdr *nlh, size_t buflen, const struct ctk_helper *h,
		    uint32_t bit, uint16_t type, uint32_t v)
{
	return !(h->present & bit) || mnl_attr_put_u32_check(nlh, buflen, type, htonl(v));
}

int ctk_helper_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_helper *h)
{
	int ret = 0;

	if ((h->present & CTK_HELPER_ATTR_NAME) &&
	    !mnl_attr_put_strz_check(nlh, buflen, NFCTH_NAME, h->name))
		return -EMSGSIZE;
	if (!put_u32(nlh, buflen, h, CTK_HELPER_ATTR_QUEUE, NFCTH_QUEUE_NUM, h->queue))
		return -EMSGSIZE;
	if (h->present & (CTK_HELPER_ATTR_L3PROTO | CTK_HELPER_ATTR_L4PROTO))
		ret = put_tuple(nlh, buflen, h);
	if (ret == 0 && (h->present & CTK_HELPER_ATTR_POLICY))
		ret = put_policy(nlh, buflen, h);
	if (ret < 0)
		return ret;
	if (!put_u32(nlh, buflen, h, CTK_HELPER_ATTR_PRIV_LEN, NFCTH_PRIV_DATA_LEN,
		     h->priv_data_len) ||
	    !put_u32(nlh, buflen, h, CTK_HELPER_ATTR_STATUS, NFCTH_STATUS, h->status))
		return -EMSGSIZE;
	return 0;
}

/* ---- decoding ------------------------------------------------------------ */

static const struct attr_policy helper_policy[NFCTH_MAX + 1] = {
	[NFCTH_NAME] = { MNL_TYPE_STRING },
	[NFCTH_TUPLE] = { MNL_TYPE_NESTED },
	[NFCTH_QUEUE_NUM] = { MNL_TYPE_U32 },
	[NFCTH_POLICY] = { MNL_TYPE_NESTED },
	[NFCTH_PRIV_DATA_LEN] = { MNL_TYPE_U32 },
	[NFCTH_STATUS] = { MNL_TYPE_U32 },
};

static const struct attr_policy tuple_policy[NFCTH_TUPLE_MAX + 1] = {
	[NFCTH_TUPLE_L3PROTONUM] = { MNL_TYPE_U16 },
	[NFCTH_TUPLE_L4PROTONUM] = { MNL_TYPE_U8 },
};

static const struct attr_policy set_policy[NFCTH_POLICY_SET_MAX + 1] = {
	[NFCTH_POLICY_SET_NUM] = { MNL_TYPE_U32 },
	[NFCTH_POLICY_SET1] = { MNL_TYPE_NESTED },
	[NFCTH_POLICY_SET2] = { MNL_TYPE_NESTED },
	[NFCTH_POLICY_SET3] = { MNL_TYPE_NESTED },
	[NFCTH_POLICY_SET4] = { MNL_TYPE_NESTED },
};

static const struct attr_policy class_policy[NFCTH_POLICY_MAX + 1] = {
	[NFCTH_POLICY_NAME] = { MNL_TYPE_STRING },
	[NFCTH_POLICY_EXPECT_MAX] = { MNL_TYPE_U32 },
	[NFCTH_POLICY_EXPECT_TIMEOUT] = { MNL_TYPE_U32 },
};

/* A repeated name replaces the whole buffer: no bytes of the first remain. */
static void get_name(const struct nlattr *attr, char name[CTK_HELPER_NAME_LEN])
{
	memset(name, 0, CTK_HELPER_NAME_LEN);
	ctknl_get_string(attr, name, CTK_HELPER_NAME_LEN);
}

static int tuple_cb(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_helper *h = data;

	if (type == NFCTH_TUPLE_L3PROTONUM) {
		h->l3proto = ntohs(attr_u16(attr));
		h->present |= CTK_HELPER_ATTR_L3PROTO;
	} else {
		h->l4proto = attr_u8(attr);
		h->present |= CTK_HELPER_ATTR_L4PROTO;
	}
	return 0;
}

static int class_cb(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_helper_policy *p = data;

	if (type == NFCTH_POLICY_NAME)
		get_name(attr, p->name);
	else if (type == NFCTH_POLICY_EXPECT_MAX)
		p->expect_max = ntohl(attr_u32(attr));
	else
		p->expect_timeout = ntohl(attr_u32(attr));
	return 0;
}

/* The classes are numbered by their attribute type; SET_NUM only says how many. */
static int set_cb(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_helper *h = data;
	uint32_t i;

	if (type == NFCTH_POLICY_SET_NUM)
		return 0;
	i = type - NFCTH_POLICY_SET;
	if (i + 1 > h->npolicies)
		h->npolicies = i + 1;
	return ctknl_walk_nested(attr, class_policy, NFCTH_POLICY_MAX, class_cb, &h->policy[i]);
}

static int helper_cb(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_helper *h = data;

	switch (type) {
	case NFCTH_NAME:
		get_name(attr, h->name);
		h->present |= CTK_HELPER_ATTR_NAME;
		return 0;
	case NFCTH_TUPLE:
		return ctknl_walk_nested(attr, tuple_policy, NFCTH_TUPLE_MAX, tuple_cb, h);
	case NFCTH_QUEUE_NUM:
		h->queue = ntohl(attr_u32(attr));
		h->present |= CTK_HELPER_ATTR_QUEUE;
		return 0;
	case NFCTH_POLICY:
		h->present |= CTK_HELPER_ATTR_POLICY;
		return ctknl_walk_nested(attr, set_policy, NFCTH_POLICY_SET_MAX, set_cb, h);
	case NFCTH_PRIV_DATA_LEN:
		h->priv_data_len = ntohl(attr_u32(attr));
		h->present |= CTK_HELPER_ATTR_PRIV_LEN;
		return 0;
	default:
		h->status = ntohl(attr_u32(attr));
		h->present |= CTK_HELPER_ATTR_STATUS;
		return 0;
	}
}

int ctk_helper_parse(const struct nlmsghdr *nlh, struct ctk_helper *h)
{
	memset(h, 0, sizeof(*h));
	if (nlh->nlmsg_len < NFGEN_HDRLEN)
		return -EBADMSG;
	return ctknl_walk((const char *)nlh + NFGEN_HDRLEN, (int)(nlh->nlmsg_len - NFGEN_HDRLEN),
			  helper_policy, NFCTH_MAX, helper_cb, h);
}
