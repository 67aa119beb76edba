/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layer-4 protocols as data: one descriptor per protocol conntrack knows
 * (tcp, udp, udplite, icmp, icmpv6, sctp, dccp, gre), and one for every
 * other number (the generic tracker). Parsers, codecs, formatters, filters
 * and the engine ask the descriptor what a protocol's tuple holds and how
 * its states are named, instead of each keeping a switch of its own; a
 * new protocol is one more descriptor in lib/model/l4proto.c.
 */
#ifndef CTKIT_L4PROTO_H
#define CTKIT_L4PROTO_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ctk_timeout_proto;

/* What the layer-4 part of a tuple (struct ctk_tuple) holds. */
enum ctk_l4key {
	CTK_L4KEY_NONE,		/* nothing: only addresses and the number */
	CTK_L4KEY_PORTS,	/* sport, dport */
	CTK_L4KEY_GRE,		/* the PPTP call ids (GRE keys), kept in the port slots */
	CTK_L4KEY_ICMP,		/* icmp_type, icmp_code, icmp_id */
};

struct ctk_l4proto {
	uint8_t num;			/* IPPROTO_*; 0 in the generic descriptor */
	const char *name;		/* as conntrack prints and parses it; "unknown" */
	enum ctk_l4key key;
	/*
	 * Tracker states as ctnetlink reports them (CTA_PROTOINFO_*_STATE),
	 * libnetfilter_conntrack's names indexed by value; none: nstates 0.
	 * conntrack --state accepts the first nstates_parse of them.
	 */
	const char *const *states;
	uint8_t nstates;
	uint8_t nstates_parse;
	/* Timeout policy states (nfct timeout), or NULL when it takes none. */
	const struct ctk_timeout_proto *timeouts;
};

/*
 * ctk_l4proto_find - the descriptor of protocol @num; for a number conntrack
 * has no tracker for, the generic descriptor ("unknown", no key). Never NULL.
 */
const struct ctk_l4proto *ctk_l4proto_find(uint8_t num);
/*
 * ctk_l4proto_find_name - the descriptor called @name (any case), or NULL
 * when no known protocol has that name.
 */
const struct ctk_l4proto *ctk_l4proto_find_name(const char *name);
/* ctk_l4proto_at - the known protocols in a fixed order, index 0.. until NULL. */
const struct ctk_l4proto *ctk_l4proto_at(unsigned int index);

/* ctk_l4proto_name - ctk_l4proto_find(@num)->name: "tcp", ..., "unknown". Never NULL. */
const char *ctk_l4proto_name(uint8_t num);
/* ctk_l4proto_has_ports - does @num's tuple carry ports (or GRE keys in their place)? */
bool ctk_l4proto_has_ports(uint8_t num);
/* ctk_l4proto_is_icmp - is @num ICMP or ICMPv6 (type, code and id in the tuple)? */
bool ctk_l4proto_is_icmp(uint8_t num);

/* ctk_l4proto_state_name - the name of state @state, or NULL when out of range. */
static inline const char *ctk_l4proto_state_name(const struct ctk_l4proto *p, unsigned int state)
{
	return state < p->nstates ? p->states[state] : (const char *)0;
}

#ifdef __cplusplus
}
#endif
#endif
