// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Is an entry source- or destination-NATed, optionally to a given address
 * and port? Follows conntrack 1.4.7 filter_nat() on top of
 * libnetfilter_conntrack 1.0.9's NFCT_GOPT_IS_{SNAT,DNAT,SPAT,DPAT}:
 *
 *   address NATed: the NAT_DONE status bit is set (or status is absent)
 *                  and the reply tuple's address differs from the orig one;
 *   port NATed:    the same with the l4 "ports".
 *
 * With an address, it must be NATed to exactly that address; with a port,
 * the port must be NATed to exactly that port; with both, both; with
 * neither, either kind of NAT counts.
 */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/filter.h>
#include "nat.h"

enum nat_side { NAT_SRC, NAT_DST };

/*
 * The library compares the raw l4 words of the tuple: ports, GRE keys, or
 * for ICMP the id (source side) and type/code (destination side).
 */
static uint16_t l4_src(const struct ctk_tuple *t)
{
	if (ctk_l4proto_has_ports(t->l4num))
		return t->sport;
	if (ctk_l4proto_is_icmp(t->l4num))
		return t->icmp_id;
	return 0;
}

static uint16_t l4_dst(const struct ctk_tuple *t)
{
	if (ctk_l4proto_has_ports(t->l4num))
		return t->dport;
	if (ctk_l4proto_is_icmp(t->l4num))
		return (uint16_t)(t->icmp_type << 8 | t->icmp_code);
	return 0;
}

/* A missing status counts as "NAT done", as in the library. */
static bool nat_done(const struct ctk_entry *e, enum nat_side side)
{
	uint32_t bit = side == NAT_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;

	return !ctk_entry_has(e, CTK_ATTR_STATUS) || (e->status & bit);
}

/* The reply-side address/port that NAT on @side rewrites. */
static const union ctk_addr *nat_addr(const struct ctk_entry *e, enum nat_side side)
{
	return side == NAT_SRC ? &e->reply.dst : &e->reply.src;
}

/* The reply-side l4 word that NAT on @side rewrites. */
static uint16_t nat_l4(const struct ctk_entry *e, enum nat_side side)
{
	return side == NAT_SRC ? l4_dst(&e->reply) : l4_src(&e->reply);
}

/*
 * The reply port that a NAT port is compared with. conntrack reads it as
 * a port attribute, which ICMP and unknown protocols do not have: 0.
 */
static uint16_t nat_port(const struct ctk_entry *e, enum nat_side side)
{
	if (!ctk_l4proto_has_ports(e->reply.l4num))
		return 0;
	return side == NAT_SRC ? e->reply.dport : e->reply.sport;
}

static bool addr_natted(const struct ctk_entry *e, enum nat_side side)
{
	return side == NAT_SRC ? ctk_entry_src_natted(e) : ctk_entry_dst_natted(e);
}

static bool port_natted(const struct ctk_entry *e, enum nat_side side)
{
	uint16_t orig = side == NAT_SRC ? l4_src(&e->orig) : l4_dst(&e->orig);

	return nat_done(e, side) && nat_l4(e, side) != orig;
}

static bool addr_is(const struct ctk_entry *e, enum nat_side side, const union ctk_addr *ip)
{
	return ctk_addr_equal(e->orig.l3num, nat_addr(e, side), ip);
}

static bool nat_match(const struct ctk_filter_nat *n, const struct ctk_entry *e, enum nat_side side)
{
	if (!ctk_entry_has(e, CTK_ATTR_ORIG) || !ctk_entry_has(e, CTK_ATTR_REPLY))
		return false;
	if (!n->has_ip && !n->has_port)
		return addr_natted(e, side) || port_natted(e, side);
	if (n->has_ip && !(addr_natted(e, side) && addr_is(e, side, &n->ip)))
		return false;
	if (n->has_port && !(port_natted(e, side) && nat_port(e, side) == n->port))
		return false;
	return true;
}

bool ctkf_snat_match(const struct ctk_filter_nat *n, const struct ctk_entry *e)
{
	return nat_match(n, e, NAT_SRC);
}

bool ctkf_dnat_match(const struct ctk_filter_nat *n, const struct ctk_entry *e)
{
	return nat_match(n, e, NAT_DST);
}
