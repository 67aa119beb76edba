// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Is an entry's address source- or destination-NATed? The rule of
 * libnetfilter_conntrack 1.0.9 (NFCT_GOPT_IS_SNAT / _IS_DNAT), which both
 * conntrack's NAT filters and its save format rely on: the NAT_DONE status
 * bit is set (a missing status counts as set) and the reply tuple carries
 * another address than the original one. Whole addresses are compared,
 * IPv6 included (checked against the reference binary: an IPv6 SNAT entry
 * whose addresses share their first 32 bits saves as "-n").
 */
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctkit/entry.h>

static bool addr_differs(uint8_t family, const union ctk_addr *a, const union ctk_addr *b)
{
	switch (family) {
	case AF_INET:
		return a->word[0] != b->word[0];
	case AF_INET6:
		return memcmp(a, b, sizeof(struct in6_addr)) != 0;
	default:
		return false;
	}
}

static bool nat_done(const struct ctk_entry *e, uint32_t done_bit)
{
	return !ctk_entry_has(e, CTK_ATTR_STATUS) || (e->status & done_bit);
}

bool ctk_entry_src_natted(const struct ctk_entry *e)
{
	return nat_done(e, IPS_SRC_NAT_DONE) &&
	       addr_differs(e->orig.l3num, &e->reply.dst, &e->orig.src);
}

bool ctk_entry_dst_natted(const struct ctk_entry *e)
{
	return nat_done(e, IPS_DST_NAT_DONE) &&
	       addr_differs(e->orig.l3num, &e->reply.src, &e->orig.dst);
}

bool ctk_addr_equal(uint8_t family, const union ctk_addr *a, const union ctk_addr *b)
{
	return !addr_differs(family, a, b);
}
