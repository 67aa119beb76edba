// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Layer 4 tuples, as the kernel's nf_ct_get_tuple(): ports for TCP, UDP,
 * UDP-Lite, SCTP and DCCP (the first four bytes of the header); id, type
 * and code for ICMP and ICMPv6 (eight bytes); the PPTP call id for GRE
 * version 1 carrying PPP, nothing for GRE version 0 and for every other
 * protocol. A header too short for its tuple makes the packet invalid
 * without a log line, as in the kernel.
 */
#include <string.h>
#include <netinet/in.h>
#include "engine/eng.h"

static void tuple_addrs(const uint8_t *iph, uint8_t l3num, struct eng_tuple *t)
{
	memset(&t->src, 0, sizeof(t->src));
	memset(&t->dst, 0, sizeof(t->dst));
	if (l3num == AF_INET) {
		memcpy(&t->src, iph + 12, 4);
		memcpy(&t->dst, iph + 16, 4);
	} else {
		memcpy(&t->src, iph + 8, 16);
		memcpy(&t->dst, iph + 24, 16);
	}
}

static bool gre_tuple(const uint8_t *h, uint32_t avail, struct eng_tuple *t)
{
	if (avail < 4 || (h[1] & 0x07) != 1)
		return true;		/* version 0: like the generic tracker */
	if (avail < 8)
		return true;
	if (get16(h + 2) != 0x880b)	/* only PPTP's PPP is keyed */
		return false;
	t->dport = get16(h + 6);
	return true;
}

bool eng_parse_tuple(const uint8_t *l3, uint32_t len, const uint8_t *iph, uint8_t l3num,
		     uint32_t l4off, uint8_t l4num, struct eng_tuple *t)
{
	const uint8_t *h = l3 + l4off;
	uint32_t avail = len > l4off ? len - l4off : 0;

	tuple_addrs(iph, l3num, t);
	t->l3 = l3num;
	t->l4 = l4num;
	t->sport = t->dport = 0;
	t->type = t->code = 0;
	switch (l4num) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		if (avail < 4)
			return false;
		t->sport = get16(h);
		t->dport = get16(h + 2);
		return true;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (avail < 8)
			return false;
		t->type = h[0];
		t->code = h[1];
		t->sport = t->dport = get16(h + 4);
		return true;
	case IPPROTO_GRE:
		return gre_tuple(h, avail, t);
	default:
		return true;
	}
}
