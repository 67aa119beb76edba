// SPDX-License-Identifier: LGPL-2.1-or-later
/* What the reply direction of a tuple looks like. */
#include <string.h>
#include <netinet/in.h>
#include <ctkit/entry.h>
#include <ctkit/l4proto.h>

/*
 * Request/reply type pairs the kernel's icmp(v6) invert_tuple knows
 * (nf_conntrack_proto_icmp.c, nf_conntrack_proto_icmpv6.c). Stored as
 * type + 1 so that 0 means "no reply type": echo reply (type 0) is a
 * valid answer. Other types stay as they are.
 */
static const uint8_t icmp_inverse[256] = {
	[8]  = 0 + 1,	/* echo request -> echo reply */
	[0]  = 8 + 1,
	[13] = 14 + 1,	/* timestamp */
	[14] = 13 + 1,
	[15] = 16 + 1,	/* information */
	[16] = 15 + 1,
	[17] = 18 + 1,	/* address mask */
	[18] = 17 + 1,
};

static const uint8_t icmpv6_inverse[256] = {
	[128] = 129 + 1,	/* echo request -> echo reply */
	[129] = 128 + 1,
	[139] = 140 + 1,	/* node information query -> response */
	[140] = 139 + 1,
};

bool ctk_icmp_reply_type(uint8_t l4num, uint8_t type, uint8_t *reply)
{
	const uint8_t *map = l4num == IPPROTO_ICMP ? icmp_inverse : icmpv6_inverse;

	if (!map[type])
		return false;
	*reply = map[type] - 1;
	return true;
}

static uint8_t invert_icmp_type(uint8_t l4num, uint8_t type)
{
	const uint8_t *map = l4num == IPPROTO_ICMP ? icmp_inverse : icmpv6_inverse;

	return map[type] ? map[type] - 1 : type;
}

void ctk_tuple_invert(struct ctk_tuple *out, const struct ctk_tuple *in)
{
	struct ctk_tuple t = *in;	/* @out may alias @in */

	t.src = in->dst;
	t.dst = in->src;
	t.sport = in->dport;
	t.dport = in->sport;
	if (ctk_l4proto_is_icmp(in->l4num))
		t.icmp_type = invert_icmp_type(in->l4num, in->icmp_type);
	*out = t;
}
