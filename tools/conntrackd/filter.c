// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Filter section as a predicate. The addresses compared are the
 * connection's real endpoints: the original source and the reply source
 * (the destination as the server sees it, after DNAT). One address or
 * prefix listed matches: with Accept the entry must match, with Ignore it
 * must not. (The reference demands, with Accept, a match in its exact
 * list and in its prefix list at once, which refuses every connection
 * when only prefixes are listed; ctkit takes either.)
 */
#include <string.h>

#include "filter.h"

static bool prefix_match(const struct ctd_filter_addr *a, int family, const union ctk_addr *x)
{
	const uint8_t *p = (const uint8_t *)&a->addr;
	unsigned int bits = a->prefix, full = bits / 8, rest = bits % 8;

	if (a->family != family)
		return false;
	if (memcmp(p, x->byte, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (p[full] & mask) == (x->byte[full] & mask);
	}
	return true;
}

static bool address_listed(const struct ctd_filter_conf *f, const struct ctk_entry *e)
{
	int family = e->orig.l3num;
	const union ctk_addr *src = &e->orig.src;
	const union ctk_addr *dst = ctk_entry_has(e, CTK_ATTR_REPLY) ? &e->reply.src : &e->orig.dst;

	for (unsigned int i = 0; i < f->n_addrs; i++)
		if (prefix_match(&f->addrs[i], family, src) ||
		    prefix_match(&f->addrs[i], family, dst))
			return true;
	return false;
}

static bool passes(enum ctd_filter_policy policy, bool listed)
{
	switch (policy) {
	case CTD_FILTER_ACCEPT:
		return listed;
	case CTD_FILTER_IGNORE:
		return !listed;
	default:
		return true;
	}
}

bool ctd_filter_pass(const struct ctd_filter_conf *f, const struct ctk_entry *e)
{
	if (!f->present)
		return true;
	if (!passes(f->proto_policy, f->protos[e->orig.l4num]))
		return false;
	if (f->addr_policy != CTD_FILTER_UNSET &&
	    (e->orig.l3num == AF_INET || e->orig.l3num == AF_INET6) &&
	    !passes(f->addr_policy, address_listed(f, e)))
		return false;
	/* only TCP has states to filter on */
	if (f->state_policy != CTD_FILTER_UNSET && e->orig.l4num == IPPROTO_TCP &&
	    ctk_entry_has(e, CTK_ATTR_TCP_STATE) && e->tcp.state < 16 &&
	    !passes(f->state_policy, (f->tcp_states >> e->tcp.state) & 1))
		return false;
	return true;
}
