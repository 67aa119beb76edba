// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The layer-4 words libnetfilter_conntrack 1.0.9 compares for IS_SPAT and
 * IS_DPAT (l4src and l4dst of its tuples), as host-order numbers: the
 * source word is the source port or the ICMP id, the destination word the
 * destination port or the ICMP type and code (type in the high byte, as
 * they lie in memory in network order). Protocols without ports have
 * zero words, so they never carry port NAT.
 *
 * conntrackd 1.4.7 copies entries into its cache attribute by attribute,
 * and the reply direction of an ICMP tuple has no attribute of its own:
 * the cached reply words are 0 (verified in captures: an ICMP entry with
 * both NAT_DONE bits goes out with SPAT 0 and DPAT 0). So the reply words
 * of ICMP are 0 when sending, and SPAT/DPAT say nothing about ICMP when
 * receiving.
 */
#include <ctkit/l4proto.h>
#include "sync/nat.h"

/* The caller has checked that @e has a status (ct_build.c put_nat). */
bool sync_nat_done(const struct ctk_entry *e, uint32_t done_bit)
{
	return (e->status & done_bit) != 0;
}

static enum ctk_l4key key_of(const struct ctk_tuple *t)
{
	enum ctk_l4key key = ctk_l4proto_find(t->l4num)->key;

	if ((key == CTK_L4KEY_PORTS || key == CTK_L4KEY_GRE) && t->no_ports)
		return CTK_L4KEY_NONE;
	return key;
}

uint16_t sync_l4_src_word(const struct ctk_tuple *t, bool reply)
{
	switch (key_of(t)) {
	case CTK_L4KEY_PORTS:
	case CTK_L4KEY_GRE:
		return t->sport;
	case CTK_L4KEY_ICMP:
		return reply ? 0 : t->icmp_id;
	default:
		return 0;
	}
}

uint16_t sync_l4_dst_word(const struct ctk_tuple *t, bool reply)
{
	switch (key_of(t)) {
	case CTK_L4KEY_PORTS:
	case CTK_L4KEY_GRE:
		return t->dport;
	case CTK_L4KEY_ICMP:
		return reply ? 0 : (uint16_t)(t->icmp_type << 8 | t->icmp_code);
	default:
		return 0;
	}
}

/* Receiving: only ports (and GRE keys) take SPAT/DPAT, see above. */
void sync_set_l4_src_word(struct ctk_tuple *t, uint16_t v)
{
	enum ctk_l4key key = key_of(t);

	if (key == CTK_L4KEY_PORTS || key == CTK_L4KEY_GRE)
		t->sport = v;
}

void sync_set_l4_dst_word(struct ctk_tuple *t, uint16_t v)
{
	enum ctk_l4key key = key_of(t);

	if (key == CTK_L4KEY_PORTS || key == CTK_L4KEY_GRE)
		t->dport = v;
}
