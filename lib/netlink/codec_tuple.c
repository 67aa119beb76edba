// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CTA_TUPLE_* nests: addresses (CTA_TUPLE_IP), layer-4 identity
 * (CTA_TUPLE_PROTO) and the per-direction zone (CTA_TUPLE_ZONE).
 *
 * The model keeps addresses in network order (copied as they travel) and
 * ports, ids and zones in host order. GRE keys ride in the port slots.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/l4proto.h>
#include "netlink/codec.h"

static const struct attr_policy ip_policy[CTA_IP_MAX + 1] = {
	[CTA_IP_V4_SRC] = {MNL_TYPE_U32},
	[CTA_IP_V4_DST] = {MNL_TYPE_U32},
	[CTA_IP_V6_SRC] = {MNL_TYPE_BINARY, sizeof(struct in6_addr)},
	[CTA_IP_V6_DST] = {MNL_TYPE_BINARY, sizeof(struct in6_addr)},
};

static const struct attr_policy proto_policy[CTA_PROTO_MAX + 1] = {
	[CTA_PROTO_NUM] = {MNL_TYPE_U8},	 [CTA_PROTO_SRC_PORT] = {MNL_TYPE_U16},
	[CTA_PROTO_DST_PORT] = {MNL_TYPE_U16},	 [CTA_PROTO_ICMP_ID] = {MNL_TYPE_U16},
	[CTA_PROTO_ICMP_TYPE] = {MNL_TYPE_U8},	 [CTA_PROTO_ICMP_CODE] = {MNL_TYPE_U8},
	[CTA_PROTO_ICMPV6_ID] = {MNL_TYPE_U16},	 [CTA_PROTO_ICMPV6_TYPE] = {MNL_TYPE_U8},
	[CTA_PROTO_ICMPV6_CODE] = {MNL_TYPE_U8},
};

static const struct attr_policy tuple_policy[CTA_TUPLE_MAX + 1] = {
	[CTA_TUPLE_IP] = {MNL_TYPE_NESTED},
	[CTA_TUPLE_PROTO] = {MNL_TYPE_NESTED},
	[CTA_TUPLE_ZONE] = {MNL_TYPE_U16},
};

static int ip_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_tuple *t = data;
	const void *p = attr_payload(attr);

	switch (type) {
	case CTA_IP_V4_SRC:
		memcpy(&t->src.v4, p, sizeof(t->src.v4));
		t->l3num = AF_INET;
		break;
	case CTA_IP_V4_DST:
		memcpy(&t->dst.v4, p, sizeof(t->dst.v4));
		t->l3num = AF_INET;
		break;
	case CTA_IP_V6_SRC:
		memcpy(&t->src.v6, p, sizeof(t->src.v6));
		t->l3num = AF_INET6;
		break;
	case CTA_IP_V6_DST:
		memcpy(&t->dst.v6, p, sizeof(t->dst.v6));
		t->l3num = AF_INET6;
		break;
	}
	return 0;
}

static int proto_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_tuple *t = data;

	switch (type) {
	case CTA_PROTO_NUM:
		t->l4num = attr_u8(attr);
		break;
	case CTA_PROTO_SRC_PORT:
		t->sport = ntohs(attr_u16(attr));
		t->no_ports = false;
		break;
	case CTA_PROTO_DST_PORT:
		t->dport = ntohs(attr_u16(attr));
		t->no_ports = false;
		break;
	case CTA_PROTO_ICMP_ID:
	case CTA_PROTO_ICMPV6_ID:
		t->icmp_id = ntohs(attr_u16(attr));
		break;
	case CTA_PROTO_ICMP_TYPE:
	case CTA_PROTO_ICMPV6_TYPE:
		t->icmp_type = attr_u8(attr);
		break;
	case CTA_PROTO_ICMP_CODE:
	case CTA_PROTO_ICMPV6_CODE:
		t->icmp_code = attr_u8(attr);
		break;
	}
	return 0;
}

static int tuple_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct tuple_dest *d = data;

	switch (type) {
	case CTA_TUPLE_IP:
		return ctknl_walk_nested(attr, ip_policy, CTA_IP_MAX, ip_attr, d->tuple);
	case CTA_TUPLE_PROTO:
		return ctknl_walk_nested(attr, proto_policy, CTA_PROTO_MAX, proto_attr, d->tuple);
	case CTA_TUPLE_ZONE:
		if (d->zone) {
			*d->zone = ntohs(attr_u16(attr));
			d->has_zone = true;
		}
		break;
	}
	return 0;
}

/*
 * ctknl_parse_tuple - decode one tuple nest. The tuple is zeroed first
 * (the entry is reused across a dump) and takes the message's family
 * until an address attribute says otherwise.
 */
int ctknl_parse_tuple(const struct nlattr *nest, uint8_t family, struct tuple_dest *d)
{
	int ret;

	memset(d->tuple, 0, sizeof(*d->tuple));
	d->tuple->l3num = family;
	d->tuple->no_ports = true;	/* until a port attribute shows up */
	d->has_zone = false;
	ret = ctknl_walk_nested(nest, tuple_policy, CTA_TUPLE_MAX, tuple_attr, d);
	if (!ctk_l4proto_has_ports(d->tuple->l4num))
		d->tuple->no_ports = false;
	return ret;
}

static bool put_ip(struct nlmsghdr *nlh, size_t buflen, const struct ctk_tuple *t)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, CTA_TUPLE_IP);

	if (!nest)
		return false;
	switch (t->l3num) {
	case AF_INET:
		if (!mnl_attr_put_check(nlh, buflen, CTA_IP_V4_SRC, 4, &t->src.v4) ||
		    !mnl_attr_put_check(nlh, buflen, CTA_IP_V4_DST, 4, &t->dst.v4))
			return false;
		break;
	case AF_INET6:
		if (!mnl_attr_put_check(nlh, buflen, CTA_IP_V6_SRC, 16, &t->src.v6) ||
		    !mnl_attr_put_check(nlh, buflen, CTA_IP_V6_DST, 16, &t->dst.v6))
			return false;
		break;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static bool put_ports(struct nlmsghdr *nlh, size_t buflen, const struct ctk_tuple *t)
{
	if (t->no_ports)
		return true;	/* as it came: the kernel does not track them */
	return mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_SRC_PORT, htons(t->sport)) &&
	       mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_DST_PORT, htons(t->dport));
}

/* The reference sends code, type, id: keep its order. */
static bool put_icmp(struct nlmsghdr *nlh, size_t buflen, const struct ctk_tuple *t,
		     uint16_t code_type, uint16_t type_type, uint16_t id_type)
{
	return mnl_attr_put_u8_check(nlh, buflen, code_type, t->icmp_code) &&
	       mnl_attr_put_u8_check(nlh, buflen, type_type, t->icmp_type) &&
	       mnl_attr_put_u16_check(nlh, buflen, id_type, htons(t->icmp_id));
}

static bool put_l4(struct nlmsghdr *nlh, size_t buflen, const struct ctk_tuple *t)
{
	switch (ctk_l4proto_find(t->l4num)->key) {
	case CTK_L4KEY_ICMP:
		if (t->l4num == IPPROTO_ICMP)
			return put_icmp(nlh, buflen, t, CTA_PROTO_ICMP_CODE, CTA_PROTO_ICMP_TYPE,
					CTA_PROTO_ICMP_ID);
		return put_icmp(nlh, buflen, t, CTA_PROTO_ICMPV6_CODE, CTA_PROTO_ICMPV6_TYPE,
				CTA_PROTO_ICMPV6_ID);
	case CTK_L4KEY_PORTS:
	case CTK_L4KEY_GRE:
		return put_ports(nlh, buflen, t);
	case CTK_L4KEY_NONE:
		break;
	}
	return true; /* other protocols: the number alone */
}

static bool put_proto(struct nlmsghdr *nlh, size_t buflen, const struct ctk_tuple *t)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, CTA_TUPLE_PROTO);

	if (!nest || !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_NUM, t->l4num) ||
	    !put_l4(nlh, buflen, t))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* ctknl_put_tuple - a tuple nest of @type, with CTA_TUPLE_ZONE if @zone. */
bool ctknl_put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const struct ctk_tuple *t,
		     const uint16_t *zone)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, type);

	if (!nest || !put_ip(nlh, buflen, t) || !put_proto(nlh, buflen, t))
		return false;
	if (zone && !mnl_attr_put_u16_check(nlh, buflen, CTA_TUPLE_ZONE, htons(*zone)))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}
