// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CTA_PROTOINFO: per-protocol state (TCP, SCTP, DCCP). Each field has its
 * own presence bit, because the kernel may send only some of them and a
 * request should carry only the ones the caller set.
 */
#include <endian.h>
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include "netlink/codec.h"

static const struct attr_policy protoinfo_policy[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP] = {MNL_TYPE_NESTED},
	[CTA_PROTOINFO_DCCP] = {MNL_TYPE_NESTED},
	[CTA_PROTOINFO_SCTP] = {MNL_TYPE_NESTED},
};

static const struct attr_policy tcp_policy[CTA_PROTOINFO_TCP_MAX + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = {MNL_TYPE_U8},
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = {MNL_TYPE_U8},
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = {MNL_TYPE_U8},
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = {MNL_TYPE_BINARY, sizeof(struct nf_ct_tcp_flags)},
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = {MNL_TYPE_BINARY, sizeof(struct nf_ct_tcp_flags)},
};

static const struct attr_policy sctp_policy[CTA_PROTOINFO_SCTP_MAX + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] = {MNL_TYPE_U8},
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = {MNL_TYPE_U32},
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = {MNL_TYPE_U32},
};

static const struct attr_policy dccp_policy[CTA_PROTOINFO_DCCP_MAX + 1] = {
	[CTA_PROTOINFO_DCCP_STATE] = {MNL_TYPE_U8},
	[CTA_PROTOINFO_DCCP_ROLE] = {MNL_TYPE_U8},
	[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ] = {MNL_TYPE_U64},
};

static void tcp_flags(struct ctk_entry *e, const struct nlattr *attr, int dir, enum ctk_attr bit)
{
	const struct nf_ct_tcp_flags *f = attr_payload(attr);

	e->tcp.flags[dir] = f->flags;
	e->tcp.flags_mask[dir] = f->mask;
	ctk_entry_set(e, bit);
}

static int tcp_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_entry *e = data;

	switch (type) {
	case CTA_PROTOINFO_TCP_STATE:
		e->tcp.state = attr_u8(attr);
		ctk_entry_set(e, CTK_ATTR_TCP_STATE);
		break;
	case CTA_PROTOINFO_TCP_WSCALE_ORIGINAL:
		e->tcp.wscale[CTK_DIR_ORIG] = attr_u8(attr);
		ctk_entry_set(e, CTK_ATTR_TCP_WSCALE_ORIG);
		break;
	case CTA_PROTOINFO_TCP_WSCALE_REPLY:
		e->tcp.wscale[CTK_DIR_REPLY] = attr_u8(attr);
		ctk_entry_set(e, CTK_ATTR_TCP_WSCALE_REPLY);
		break;
	case CTA_PROTOINFO_TCP_FLAGS_ORIGINAL:
		tcp_flags(e, attr, CTK_DIR_ORIG, CTK_ATTR_TCP_FLAGS_ORIG);
		break;
	case CTA_PROTOINFO_TCP_FLAGS_REPLY:
		tcp_flags(e, attr, CTK_DIR_REPLY, CTK_ATTR_TCP_FLAGS_REPLY);
		break;
	}
	return 0;
}

static int sctp_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_entry *e = data;

	switch (type) {
	case CTA_PROTOINFO_SCTP_STATE:
		e->sctp.state = attr_u8(attr);
		ctk_entry_set(e, CTK_ATTR_SCTP_STATE);
		break;
	case CTA_PROTOINFO_SCTP_VTAG_ORIGINAL:
		e->sctp.vtag[CTK_DIR_ORIG] = ntohl(attr_u32(attr));
		ctk_entry_set(e, CTK_ATTR_SCTP_VTAG_ORIG);
		break;
	case CTA_PROTOINFO_SCTP_VTAG_REPLY:
		e->sctp.vtag[CTK_DIR_REPLY] = ntohl(attr_u32(attr));
		ctk_entry_set(e, CTK_ATTR_SCTP_VTAG_REPLY);
		break;
	}
	return 0;
}

static int dccp_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_entry *e = data;

	switch (type) {
	case CTA_PROTOINFO_DCCP_STATE:
		e->dccp.state = attr_u8(attr);
		ctk_entry_set(e, CTK_ATTR_DCCP_STATE);
		break;
	case CTA_PROTOINFO_DCCP_ROLE:
		e->dccp.role = attr_u8(attr);
		ctk_entry_set(e, CTK_ATTR_DCCP_ROLE);
		break;
	case CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ:
		e->dccp.handshake_seq = be64toh(attr_u64(attr));
		ctk_entry_set(e, CTK_ATTR_DCCP_HANDSHAKE_SEQ);
		break;
	}
	return 0;
}

static int protoinfo_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	switch (type) {
	case CTA_PROTOINFO_TCP:
		return ctknl_walk_nested(attr, tcp_policy, CTA_PROTOINFO_TCP_MAX, tcp_attr, data);
	case CTA_PROTOINFO_SCTP:
		return ctknl_walk_nested(attr, sctp_policy, CTA_PROTOINFO_SCTP_MAX, sctp_attr,
					 data);
	case CTA_PROTOINFO_DCCP:
		return ctknl_walk_nested(attr, dccp_policy, CTA_PROTOINFO_DCCP_MAX, dccp_attr,
					 data);
	}
	return 0;
}

int ctknl_parse_protoinfo(const struct nlattr *nest, struct ctk_entry *e)
{
	return ctknl_walk_nested(nest, protoinfo_policy, CTA_PROTOINFO_MAX, protoinfo_attr, e);
}

static bool any(const struct ctk_entry *e, enum ctk_attr first, enum ctk_attr last)
{
	uint64_t span = ((UINT64_C(2) << last) - 1) & ~((UINT64_C(1) << first) - 1);

	return e->present & span;
}

static bool put_tcp_flags(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e, int dir,
			  uint16_t type)
{
	struct nf_ct_tcp_flags f = {
		.flags = e->tcp.flags[dir],
		.mask = e->tcp.flags_mask[dir],
	};

	return mnl_attr_put_check(nlh, buflen, type, sizeof(f), &f);
}

/* Order as the reference: state, flags orig/reply, wscale orig/reply. */
static bool put_tcp(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE) &&
	    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTOINFO_TCP_STATE, e->tcp.state))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_TCP_FLAGS_ORIG) &&
	    !put_tcp_flags(nlh, buflen, e, CTK_DIR_ORIG, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_TCP_FLAGS_REPLY) &&
	    !put_tcp_flags(nlh, buflen, e, CTK_DIR_REPLY, CTA_PROTOINFO_TCP_FLAGS_REPLY))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_TCP_WSCALE_ORIG) &&
	    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL,
				   e->tcp.wscale[CTK_DIR_ORIG]))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_TCP_WSCALE_REPLY) &&
	    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTOINFO_TCP_WSCALE_REPLY,
				   e->tcp.wscale[CTK_DIR_REPLY]))
		return false;
	return true;
}

static bool put_sctp(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE) &&
	    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTOINFO_SCTP_STATE, e->sctp.state))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_SCTP_VTAG_ORIG) &&
	    !mnl_attr_put_u32_check(nlh, buflen, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL,
				    htonl(e->sctp.vtag[CTK_DIR_ORIG])))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_SCTP_VTAG_REPLY) &&
	    !mnl_attr_put_u32_check(nlh, buflen, CTA_PROTOINFO_SCTP_VTAG_REPLY,
				    htonl(e->sctp.vtag[CTK_DIR_REPLY])))
		return false;
	return true;
}

static bool put_dccp(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE) &&
	    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTOINFO_DCCP_STATE, e->dccp.state))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_DCCP_ROLE) &&
	    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTOINFO_DCCP_ROLE, e->dccp.role))
		return false;
	if (ctk_entry_has(e, CTK_ATTR_DCCP_HANDSHAKE_SEQ) &&
	    !mnl_attr_put_u64_check(nlh, buflen, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ,
				    htobe64(e->dccp.handshake_seq)))
		return false;
	return true;
}

typedef bool (*put_fn)(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e);

static bool put_sub(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e, uint16_t type,
		    put_fn fn)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, type);

	if (!nest || !fn(nlh, buflen, e))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/*
 * ctknl_put_protoinfo - CTA_PROTOINFO with one sub-nest per protocol that
 * has a field set. Nothing set, nothing sent: an empty nest is EINVAL on
 * old kernels.
 */
bool ctknl_put_protoinfo(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e)
{
	bool tcp = any(e, CTK_ATTR_TCP_STATE, CTK_ATTR_TCP_FLAGS_REPLY);
	bool sctp = any(e, CTK_ATTR_SCTP_STATE, CTK_ATTR_SCTP_VTAG_REPLY);
	bool dccp = any(e, CTK_ATTR_DCCP_STATE, CTK_ATTR_DCCP_HANDSHAKE_SEQ);
	struct nlattr *nest;

	if (!tcp && !sctp && !dccp)
		return true;
	nest = mnl_attr_nest_start_check(nlh, buflen, CTA_PROTOINFO);
	if (!nest)
		return false;
	if (tcp && !put_sub(nlh, buflen, e, CTA_PROTOINFO_TCP, put_tcp))
		return false;
	if (sctp && !put_sub(nlh, buflen, e, CTA_PROTOINFO_SCTP, put_sctp))
		return false;
	if (dccp && !put_sub(nlh, buflen, e, CTA_PROTOINFO_DCCP, put_dccp))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}
