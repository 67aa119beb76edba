// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hints that let the evaluator skip a rule without reading a key: a
 * header match of another family or transport protocol than the
 * packet's never holds (the key has no value: NFT_BREAK, whatever the
 * operator), and an `iifname "NAME"` another interface than the packet's
 * never holds either. Only matches before the rule's first statement count, so a
 * skipped rule can have done nothing (a counter or a mark set before the
 * match would have run in the kernel).
 */
#include <netinet/in.h>
#include "fw/ir.h"

/* What a header's protocol implies: its family (4, 6; 0 either) and transport protocol (0 any). */

uint8_t fw_proto_family(enum fw_proto p)
{
	switch (p) {
	case FW_P_IP:
	case FW_P_ICMP:
		return 4;
	case FW_P_IP6:
	case FW_P_ICMPV6:
		return 6;
	default:
		return 0;
	}
}

uint8_t fw_proto_l4(enum fw_proto p)
{
	switch (p) {
	case FW_P_TCP:
		return IPPROTO_TCP;
	case FW_P_UDP:
		return IPPROTO_UDP;
	case FW_P_UDPLITE:
		return IPPROTO_UDPLITE;
	case FW_P_ICMP:
		return IPPROTO_ICMP;
	case FW_P_ICMPV6:
		return IPPROTO_ICMPV6;
	case FW_P_SCTP:
		return IPPROTO_SCTP;
	default:
		return 0;
	}
}

void fw_rule_hints(struct fw_rule *r)
{
	r->sets_keys = false;
	for (uint32_t i = 0; i < r->nexprs; i++) {
		enum fw_expr_kind kind = r->exprs[i].kind;

		if (kind == FW_E_MATCH)
			fw_match_quicken(&r->exprs[i].u.match);
		if (kind == FW_E_SET_CT || kind == FW_E_SET_META || kind == FW_E_NOTRACK)
			r->sets_keys = true;
	}
	r->has_lead = r->nexprs && r->exprs[0].kind == FW_E_MATCH &&
		      r->exprs[0].u.match.quick.src != FW_QUICK_NONE;
	if (r->has_lead)
		r->lead = r->exprs[0].u.match.quick;

	r->need_family = 0;
	r->need_l4 = 0;
	r->need_iifname = NULL;
	for (uint32_t i = 0; i < r->nexprs && r->exprs[i].kind == FW_E_MATCH; i++) {
		const struct fw_match *m = &r->exprs[i].u.match;
		const struct fw_key *k = &m->key;

		if (k->kind == FW_KEY_META && k->u.meta == FW_META_IIFNAME && m->op == FW_OP_EQ &&
		    m->rhs == FW_RHS_VALUE && !r->need_iifname)
			r->need_iifname = (const char *)m->value.bytes;	/* NUL padded to 16 */

		if (k->kind != FW_KEY_PAYLOAD)
			continue;
		if (!r->need_family)
			r->need_family = fw_proto_family(k->u.payload.proto);
		if (!r->need_l4)
			r->need_l4 = fw_proto_l4(k->u.payload.proto);
	}
}
