// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The expectation half of ctnetlink (NFNL_SUBSYS_CTNETLINK_EXP): one
 * IPCTNL_MSG_EXP_* message into a struct ctk_expect and back, plus the
 * per-CPU expectation statistics.
 *
 * Tuples go through the entry codec's tuple functions (codec.h), so an
 * expectation's tuples are validated exactly as an entry's. Requests are
 * built in the order libnetfilter_conntrack 1.0.9 (nfexp_nlmsg_build)
 * uses, so they match the reference's on the wire.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/expect.h>
#include <ctkit/expect_nl.h>
#include "netlink/codec.h"

#define NFGEN_HDRLEN (MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)))

static const struct attr_policy exp_policy[CTA_EXPECT_MAX + 1] = {
	[CTA_EXPECT_MASTER] = { MNL_TYPE_NESTED },
	[CTA_EXPECT_TUPLE] = { MNL_TYPE_NESTED },
	[CTA_EXPECT_MASK] = { MNL_TYPE_NESTED },
	[CTA_EXPECT_TIMEOUT] = { MNL_TYPE_U32 },
	[CTA_EXPECT_ID] = { MNL_TYPE_U32 },
	[CTA_EXPECT_HELP_NAME] = { MNL_TYPE_STRING },
	[CTA_EXPECT_ZONE] = { MNL_TYPE_U16 },
	[CTA_EXPECT_FLAGS] = { MNL_TYPE_U32 },
	[CTA_EXPECT_CLASS] = { MNL_TYPE_U32 },
	[CTA_EXPECT_NAT] = { MNL_TYPE_NESTED },
	[CTA_EXPECT_FN] = { MNL_TYPE_STRING },
};

static const struct attr_policy nat_policy[CTA_EXPECT_NAT_MAX + 1] = {
	[CTA_EXPECT_NAT_DIR] = { MNL_TYPE_U32 },
	[CTA_EXPECT_NAT_TUPLE] = { MNL_TYPE_NESTED },
};

struct exp_ctx {
	struct ctk_expect *x;
	uint8_t family;
};

/* Expectation tuples carry no CTA_TUPLE_ZONE: the zone is CTA_EXPECT_ZONE. */
static int parse_tuple(const struct nlattr *nest, struct exp_ctx *ctx, struct ctk_tuple *t,
		       enum ctk_expect_attr bit)
{
	struct tuple_dest d = { .tuple = t, .zone = NULL };

	ctk_expect_set(ctx->x, bit);
	return ctknl_parse_tuple(nest, ctx->family, &d);
}

static int nat_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct exp_ctx *ctx = data;

	switch (type) {
	case CTA_EXPECT_NAT_DIR:
		ctx->x->nat_dir = ntohl(attr_u32(attr));
		ctk_expect_set(ctx->x, CTK_EXPECT_ATTR_NAT_DIR);
		break;
	case CTA_EXPECT_NAT_TUPLE:
		return parse_tuple(attr, ctx, &ctx->x->nat_tuple, CTK_EXPECT_ATTR_NAT_TUPLE);
	}
	return 0;
}

static void get_u32(struct ctk_expect *x, const struct nlattr *attr, uint32_t *dst,
		    enum ctk_expect_attr bit)
{
	*dst = ntohl(attr_u32(attr));
	ctk_expect_set(x, bit);
}

static int exp_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct exp_ctx *ctx = data;
	struct ctk_expect *x = ctx->x;

	switch (type) {
	case CTA_EXPECT_MASTER:
		return parse_tuple(attr, ctx, &x->master, CTK_EXPECT_ATTR_MASTER);
	case CTA_EXPECT_TUPLE:
		return parse_tuple(attr, ctx, &x->expected, CTK_EXPECT_ATTR_EXPECTED);
	case CTA_EXPECT_MASK:
		return parse_tuple(attr, ctx, &x->mask, CTK_EXPECT_ATTR_MASK);
	case CTA_EXPECT_NAT:
		return ctknl_walk_nested(attr, nat_policy, CTA_EXPECT_NAT_MAX, nat_attr, ctx);
	case CTA_EXPECT_TIMEOUT:
		get_u32(x, attr, &x->timeout, CTK_EXPECT_ATTR_TIMEOUT);
		break;
	case CTA_EXPECT_ID:
		get_u32(x, attr, &x->id, CTK_EXPECT_ATTR_ID);
		break;
	case CTA_EXPECT_FLAGS:
		get_u32(x, attr, &x->flags, CTK_EXPECT_ATTR_FLAGS);
		break;
	case CTA_EXPECT_CLASS:
		get_u32(x, attr, &x->exp_class, CTK_EXPECT_ATTR_CLASS);
		break;
	case CTA_EXPECT_ZONE:
		x->zone = ntohs(attr_u16(attr));
		ctk_expect_set(x, CTK_EXPECT_ATTR_ZONE);
		break;
	case CTA_EXPECT_HELP_NAME:
		ctknl_get_string(attr, x->helper_name, sizeof(x->helper_name));
		ctk_expect_set(x, CTK_EXPECT_ATTR_HELPER_NAME);
		break;
	case CTA_EXPECT_FN:
		ctknl_get_string(attr, x->fn, sizeof(x->fn));
		ctk_expect_set(x, CTK_EXPECT_ATTR_FN);
		break;
	}
	return 0;
}

static enum ctk_event event_of(const struct nlmsghdr *nlh)
{
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case IPCTNL_MSG_EXP_NEW:
		return nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL) ? CTK_EV_NEW : CTK_EV_UPDATE;
	case IPCTNL_MSG_EXP_DELETE:
		return CTK_EV_DESTROY;
	}
	return CTK_EV_NONE;
}

int ctk_expect_parse(const struct nlmsghdr *nlh, struct ctk_expect *x, enum ctk_event *ev)
{
	const struct nfgenmsg *nfg;
	struct exp_ctx ctx = { .x = x };

	ctk_expect_clear(x);
	if (ev)
		*ev = CTK_EV_NONE;
	if (nlh->nlmsg_len < NFGEN_HDRLEN || nlh->nlmsg_len > INT_MAX)
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	ctx.family = nfg->nfgen_family;
	if (ev)
		*ev = event_of(nlh);
	return ctknl_walk((const char *)nlh + NFGEN_HDRLEN, nlh->nlmsg_len - NFGEN_HDRLEN,
			  exp_policy, CTA_EXPECT_MAX, exp_attr, &ctx);
}

struct nlmsghdr *ctk_expect_nlmsg(char *buf, uint16_t msg_type, uint16_t flags,
			       uint32_t seq, uint8_t family)
{
	return ctknl_nfnl_msg(buf, NFNL_SUBSYS_CTNETLINK_EXP, msg_type, flags, seq, family);
}

static bool put_tuple(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x,
		      enum ctk_expect_attr bit, uint16_t type, const struct ctk_tuple *t)
{
	return !ctk_expect_has(x, bit) || ctknl_put_tuple(nlh, buflen, type, t, NULL);
}

static bool put_u32(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x,
		    enum ctk_expect_attr bit, uint16_t type, uint32_t v)
{
	return !ctk_expect_has(x, bit) || mnl_attr_put_u32_check(nlh, buflen, type, htonl(v));
}

/* The caller's buffer need not be terminated: send at most size - 1 bytes. */
static bool put_name(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x,
		     enum ctk_expect_attr bit, uint16_t type, const char *name, size_t size)
{
	char tmp[CTK_HELPER_NAME_MAX > CTK_EXPECT_FN_MAX ? CTK_HELPER_NAME_MAX : CTK_EXPECT_FN_MAX];
	size_t len = strnlen(name, size - 1);

	if (!ctk_expect_has(x, bit))
		return true;
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	return mnl_attr_put_strz_check(nlh, buflen, type, tmp);
}

/* The library sends the NAT nest only when both of its parts are set. */
static bool put_nat(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x)
{
	struct nlattr *nest;

	if (!ctk_expect_has(x, CTK_EXPECT_ATTR_NAT_DIR) || !ctk_expect_has(x, CTK_EXPECT_ATTR_NAT_TUPLE))
		return true;
	nest = mnl_attr_nest_start_check(nlh, buflen, CTA_EXPECT_NAT);
	if (!nest || !mnl_attr_put_u32_check(nlh, buflen, CTA_EXPECT_NAT_DIR, htonl(x->nat_dir)) ||
	    !ctknl_put_tuple(nlh, buflen, CTA_EXPECT_NAT_TUPLE, &x->nat_tuple, NULL))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static bool put_tuples(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x)
{
	return put_tuple(nlh, buflen, x, CTK_EXPECT_ATTR_EXPECTED, CTA_EXPECT_TUPLE, &x->expected) &&
	       put_tuple(nlh, buflen, x, CTK_EXPECT_ATTR_MASTER, CTA_EXPECT_MASTER, &x->master) &&
	       put_tuple(nlh, buflen, x, CTK_EXPECT_ATTR_MASK, CTA_EXPECT_MASK, &x->mask);
}

static bool put_scalars(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x)
{
	return put_u32(nlh, buflen, x, CTK_EXPECT_ATTR_TIMEOUT, CTA_EXPECT_TIMEOUT, x->timeout) &&
	       put_u32(nlh, buflen, x, CTK_EXPECT_ATTR_FLAGS, CTA_EXPECT_FLAGS, x->flags) &&
	       (!ctk_expect_has(x, CTK_EXPECT_ATTR_ZONE) ||
		mnl_attr_put_u16_check(nlh, buflen, CTA_EXPECT_ZONE, htons(x->zone))) &&
	       put_name(nlh, buflen, x, CTK_EXPECT_ATTR_HELPER_NAME, CTA_EXPECT_HELP_NAME,
			x->helper_name, sizeof(x->helper_name)) &&
	       put_u32(nlh, buflen, x, CTK_EXPECT_ATTR_CLASS, CTA_EXPECT_CLASS, x->exp_class);
}

int ctk_expect_put(struct nlmsghdr *nlh, size_t buflen, const struct ctk_expect *x)
{
	if (!put_tuples(nlh, buflen, x) || !put_scalars(nlh, buflen, x) ||
	    !put_nat(nlh, buflen, x) ||
	    !put_name(nlh, buflen, x, CTK_EXPECT_ATTR_FN, CTA_EXPECT_FN, x->fn, sizeof(x->fn)) ||
	    !put_u32(nlh, buflen, x, CTK_EXPECT_ATTR_ID, CTA_EXPECT_ID, x->id))
		return -EMSGSIZE;
	return 0;
}
