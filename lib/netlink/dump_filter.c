// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel-side filter of a dump request: mark, status and zone at the
 * top level, and tuple fields through CTA_FILTER. The kernel then skips
 * non-matching entries before it serializes them, which is most of the
 * cost of a dump.
 *
 * CTA_FILTER carries two flag words (host order) naming the fields of
 * CTA_TUPLE_ORIG / CTA_TUPLE_REPLY to compare; the kernel parses only the
 * named fields and wants CTA_PROTO_NUM named whenever a port or ICMP field
 * is. The flag values are the kernel's (net/netfilter/nf_internals.h),
 * which no uapi header exports.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/filter.h>
#include "netlink/codec.h"
#include "netlink/session.h"

#define F_IP_SRC      (1u << 0)
#define F_IP_DST      (1u << 1)
#define F_PROTO_NUM   (1u << 3)
#define F_SRC_PORT    (1u << 4)
#define F_DST_PORT    (1u << 5)
#define F_ICMP_TYPE   (1u << 6)
#define F_ICMP_CODE   (1u << 7)
#define F_ICMP_ID     (1u << 8)
#define F_ICMPV6_TYPE (1u << 9)
#define F_ICMPV6_CODE (1u << 10)
#define F_ICMPV6_ID   (1u << 11)
#define F_L4                                                                                       \
	(F_SRC_PORT | F_DST_PORT | F_ICMP_TYPE | F_ICMP_CODE | F_ICMP_ID | F_ICMPV6_TYPE |         \
	 F_ICMPV6_CODE | F_ICMPV6_ID)

#define HAS(fields, x) (((fields) >> (x)) & 1)

static uint32_t flag_if(uint64_t fields, enum ctk_filter_field x, uint32_t flag)
{
	return HAS(fields, x) ? flag : 0;
}

/* ICMP fields live in the orig tuple of the filter; ICMPv6 has its own flags. */
static uint32_t icmp_flags(uint64_t fields, uint8_t l4num)
{
	bool v6 = l4num == IPPROTO_ICMPV6;

	return flag_if(fields, CTK_F_ICMP_TYPE, v6 ? F_ICMPV6_TYPE : F_ICMP_TYPE) |
	       flag_if(fields, CTK_F_ICMP_CODE, v6 ? F_ICMPV6_CODE : F_ICMP_CODE) |
	       flag_if(fields, CTK_F_ICMP_ID, v6 ? F_ICMPV6_ID : F_ICMP_ID);
}

static uint32_t orig_flags(uint64_t fields, uint8_t l4num)
{
	return flag_if(fields, CTK_F_ORIG_SRC, F_IP_SRC) |
	       flag_if(fields, CTK_F_ORIG_DST, F_IP_DST) |
	       flag_if(fields, CTK_F_L4PROTO, F_PROTO_NUM) |
	       flag_if(fields, CTK_F_ORIG_SPORT, F_SRC_PORT) |
	       flag_if(fields, CTK_F_ORIG_DPORT, F_DST_PORT) | icmp_flags(fields, l4num);
}

static uint32_t reply_flags(uint64_t fields)
{
	return flag_if(fields, CTK_F_REPLY_SRC, F_IP_SRC) |
	       flag_if(fields, CTK_F_REPLY_DST, F_IP_DST) |
	       flag_if(fields, CTK_F_REPLY_SPORT, F_SRC_PORT) |
	       flag_if(fields, CTK_F_REPLY_DPORT, F_DST_PORT);
}

/* Layer-4 fields are parsed only along with the protocol number. */
static uint32_t with_proto(uint32_t flags)
{
	return flags & F_L4 ? flags | F_PROTO_NUM : flags;
}

static bool put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
		      const struct ctk_tuple *values, const struct ctk_dump_opts *o)
{
	struct ctk_tuple t = *values;

	t.l3num = o->family;
	t.l4num = o->filter->orig.l4num;
	return ctknl_put_tuple(nlh, buflen, type, &t, NULL);
}

static int put_tuple_filter(struct nlmsghdr *nlh, size_t buflen, const struct ctk_dump_opts *o)
{
	const struct ctk_filter *f = o->filter;
	uint32_t orig = with_proto(orig_flags(o->filter_fields, f->orig.l4num));
	uint32_t reply = with_proto(reply_flags(o->filter_fields));
	struct nlattr *nest;

	if ((!orig && !reply) || (o->family != AF_INET && o->family != AF_INET6))
		return 0;
	if (orig && !put_tuple(nlh, buflen, CTA_TUPLE_ORIG, &f->orig, o))
		return -EMSGSIZE;
	if (reply && !put_tuple(nlh, buflen, CTA_TUPLE_REPLY, &f->reply, o))
		return -EMSGSIZE;
	nest = mnl_attr_nest_start_check(nlh, buflen, CTA_FILTER);
	if (!nest || !mnl_attr_put_u32_check(nlh, buflen, CTA_FILTER_ORIG_FLAGS, orig) ||
	    !mnl_attr_put_u32_check(nlh, buflen, CTA_FILTER_REPLY_FLAGS, reply))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static bool put_pair(struct nlmsghdr *nlh, size_t buflen, uint16_t type, uint32_t value,
		     uint16_t mask_type, uint32_t mask)
{
	return mnl_attr_put_u32_check(nlh, buflen, type, htonl(value)) &&
	       mnl_attr_put_u32_check(nlh, buflen, mask_type, htonl(mask));
}

int ctknl_put_dump_filter(struct nlmsghdr *nlh, size_t buflen, const struct ctk_dump_opts *o)
{
	if (o->has_mark && !put_pair(nlh, buflen, CTA_MARK, o->mark, CTA_MARK_MASK, o->mark_mask))
		return -EMSGSIZE;
	if (o->has_status &&
	    !put_pair(nlh, buflen, CTA_STATUS, o->status, CTA_STATUS_MASK, o->status_mask))
		return -EMSGSIZE;
	if (o->has_zone && !mnl_attr_put_u16_check(nlh, buflen, CTA_ZONE, htons(o->zone)))
		return -EMSGSIZE;
	return o->filter ? put_tuple_filter(nlh, buflen, o) : 0;
}
