// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CTA_NAT_SRC / CTA_NAT_DST: a NAT binding request. Only requests carry
 * it; we decode it too so a request can be checked by reading it back.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "netlink/codec.h"

static const struct attr_policy nat_policy[CTA_NAT_MAX + 1] = {
	[CTA_NAT_V4_MINIP] = {MNL_TYPE_U32},
	[CTA_NAT_V4_MAXIP] = {MNL_TYPE_U32},
	[CTA_NAT_V6_MINIP] = {MNL_TYPE_BINARY, sizeof(struct in6_addr)},
	[CTA_NAT_V6_MAXIP] = {MNL_TYPE_BINARY, sizeof(struct in6_addr)},
	[CTA_NAT_PROTO] = {MNL_TYPE_NESTED},
};

static const struct attr_policy protonat_policy[CTA_PROTONAT_MAX + 1] = {
	[CTA_PROTONAT_PORT_MIN] = {MNL_TYPE_U16},
	[CTA_PROTONAT_PORT_MAX] = {MNL_TYPE_U16},
};

static int protonat_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_nat *nat = data;

	if (type == CTA_PROTONAT_PORT_MIN) {
		nat->min_port = ntohs(attr_u16(attr));
		nat->has_port = true;
	} else {
		nat->max_port = ntohs(attr_u16(attr));
		nat->has_max_port = true;
	}
	return 0;
}

static int nat_attr(const struct nlattr *attr, uint16_t type, void *data)
{
	struct ctk_nat *nat = data;
	const void *p = attr_payload(attr);

	switch (type) {
	case CTA_NAT_V4_MINIP:
		memcpy(&nat->min_ip.v4, p, 4);
		break;
	case CTA_NAT_V6_MINIP:
		memcpy(&nat->min_ip.v6, p, 16);
		break;
	case CTA_NAT_V4_MAXIP:
		memcpy(&nat->max_ip.v4, p, 4);
		nat->has_max_ip = true;
		break;
	case CTA_NAT_V6_MAXIP:
		memcpy(&nat->max_ip.v6, p, 16);
		nat->has_max_ip = true;
		break;
	case CTA_NAT_PROTO:
		return ctknl_walk_nested(attr, protonat_policy, CTA_PROTONAT_MAX, protonat_attr,
					 nat);
	}
	return 0;
}

int ctknl_parse_nat(const struct nlattr *nest, struct ctk_nat *nat)
{
	memset(nat, 0, sizeof(*nat));
	return ctknl_walk_nested(nest, nat_policy, CTA_NAT_MAX, nat_attr, nat);
}

static bool addr_is_zero(const union ctk_addr *a, uint8_t l3num)
{
	if (l3num != AF_INET6)
		return !a->word[0];
	return !(a->word[0] | a->word[1] | a->word[2] | a->word[3]);
}

static bool put_ip(struct nlmsghdr *nlh, size_t buflen, uint16_t v4, uint16_t v6,
		   const union ctk_addr *a, uint8_t l3num)
{
	if (l3num == AF_INET6)
		return mnl_attr_put_check(nlh, buflen, v6, sizeof(a->v6), &a->v6);
	return mnl_attr_put_check(nlh, buflen, v4, sizeof(a->v4), &a->v4);
}

/* A port range without an explicit maximum is the single port. */
static bool put_ports(struct nlmsghdr *nlh, size_t buflen, const struct ctk_nat *nat)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, CTA_NAT_PROTO);
	uint16_t max = nat->has_max_port ? nat->max_port : nat->min_port;

	if (!nest ||
	    !mnl_attr_put_u16_check(nlh, buflen, CTA_PROTONAT_PORT_MIN, htons(nat->min_port)) ||
	    !mnl_attr_put_u16_check(nlh, buflen, CTA_PROTONAT_PORT_MAX, htons(max)))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/*
 * ctknl_put_nat - the minimum address (as the reference), the maximum only
 * when the caller asked for a range, then the port range if any. A zero
 * address with a port is a port-only binding: the kernel would take a sent
 * 0.0.0.0 as the address to map to, so it is left out.
 */
bool ctknl_put_nat(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const struct ctk_nat *nat,
		   uint8_t l3num)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, type);

	if (!nest)
		return false;
	if (!(nat->has_port && addr_is_zero(&nat->min_ip, l3num)) &&
	    !put_ip(nlh, buflen, CTA_NAT_V4_MINIP, CTA_NAT_V6_MINIP, &nat->min_ip, l3num))
		return false;
	if (nat->has_max_ip &&
	    !put_ip(nlh, buflen, CTA_NAT_V4_MAXIP, CTA_NAT_V6_MAXIP, &nat->max_ip, l3num))
		return false;
	if (nat->has_port && !put_ports(nlh, buflen, nat))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}
