// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The nat statements (nft_nat_eval, nft_masq_eval, nft_redir_eval): a
 * range from the rule, handed to the engine's nf_nat_setup_info(). A
 * capture has no interface addresses, so masquerade maps to the address
 * given with ctk_fw_set_masquerade_address() and redirect to the first
 * local address of the family (the kernel takes the incoming interface's
 * primary address).
 */
#include <errno.h>
#include <string.h>
#include "fw/fw_priv.h"

static uint16_t value_u16(const struct fw_value *v)
{
	return v->len >= 2 ? (uint16_t)(v->bytes[0] << 8 | v->bytes[1]) : 0;
}

static bool addr_of(struct fw_ctx *x, const struct fw_nat *n, struct ctk_nat_range *r)
{
	unsigned int alen = x->h.family == 4 ? 4 : 16;
	struct fw_value lo;
	const struct fw_src *s = &n->addr_lo;

	if (!s->is_key) {
		lo = s->value;
	} else {
		if (!fw_key_eval(x, &s->key, &lo))
			return false;
		if (s->map) {
			const struct fw_elem *e = fw_set_lookup(s->map, &lo);

			if (!e)
				return false;
			lo = e->data;
		}
	}
	if (lo.len == alen + 2) {
		/* a map to "address . port": the port comes with the address */
		r->min_port = r->max_port = (uint16_t)(lo.bytes[alen] << 8 | lo.bytes[alen + 1]);
		r->has_port = true;
		lo.len = (uint8_t)alen;
	}
	if (lo.len != alen)
		return false;
	memcpy(r->min_addr.byte, lo.bytes, alen);
	if (!s->is_key && n->addr_hi.len == alen)
		memcpy(r->max_addr.byte, n->addr_hi.bytes, alen);
	else
		memcpy(r->max_addr.byte, lo.bytes, alen);
	r->has_addr = true;
	return true;
}

static bool local_addr(const struct ctk_fw *fw, uint8_t family, union ctk_addr *a)
{
	for (unsigned int i = 0; i < fw->nlocal; i++)
		if (fw->local[i].family == family) {
			memcpy(a->byte, fw->local[i].addr, family == 4 ? 4 : 16);
			return true;
		}
	return false;
}

/* What a nat statement's range came to. */
enum range_res {
	RANGE_OK,
	RANGE_NO_MATCH,		/* a map without the key: the rule does not match */
	RANGE_UNKNOWN,		/* an address the capture cannot give: dropped, noted */
};

static enum range_res range_of(struct fw_ctx *x, const struct fw_nat *n, struct ctk_nat_range *r)
{
	struct ctk_fw *fw = x->fw;
	unsigned int fi = x->h.family == 6;

	memset(r, 0, sizeof(*r));
	r->random = n->flags & FW_NAT_RANDOM;
	r->fully_random = n->flags & FW_NAT_FULLY_RANDOM;
	r->persistent = n->flags & FW_NAT_PERSISTENT;
	if (n->family && n->family != x->h.family)
		return RANGE_NO_MATCH;	/* "snat ip to" in an inet chain: not for IPv6 */
	if (n->kind == FW_NAT_MASQUERADE) {
		if (!fw->has_masq[fi]) {
			fw_note(x, "masquerade: no address for IPv%u (--masquerade-address)",
				x->h.family);
			return RANGE_UNKNOWN;
		}
		memcpy(r->min_addr.byte, fw->masq[fi], fi ? 16 : 4);
		r->max_addr = r->min_addr;
		r->has_addr = true;
	} else if (n->kind == FW_NAT_REDIRECT) {
		if (!local_addr(fw, x->h.family, &r->min_addr)) {
			fw_note(x, "redirect: no local address for IPv%u (--local-address)",
				x->h.family);
			return RANGE_UNKNOWN;
		}
		r->max_addr = r->min_addr;
		r->has_addr = true;
	} else if ((n->flags & FW_NAT_HAS_ADDR) && !addr_of(x, n, r)) {
		return RANGE_NO_MATCH;
	}
	if (n->flags & FW_NAT_HAS_PORT) {
		struct fw_value p;

		if (n->port_lo.is_key) {
			if (!fw_key_eval(x, &n->port_lo.key, &p))
				return RANGE_NO_MATCH;
		} else {
			p = n->port_lo.value;
		}
		r->min_port = value_u16(&p);
		r->max_port = n->port_hi.len ? value_u16(&n->port_hi) : r->min_port;
		r->has_port = true;
	}
	return RANGE_OK;
}

enum fw_verdict_code fw_nat_eval(struct fw_ctx *x, const struct fw_nat *n)
{
	enum ctk_nat_manip manip = (n->kind == FW_NAT_SNAT || n->kind == FW_NAT_MASQUERADE) ?
					   CTK_NAT_MANIP_SRC : CTK_NAT_MANIP_DST;
	struct ctk_conn *conn = x->v->ct.conn;
	struct ctk_nat_range r;
	int err;

	if (!conn || x->notrack)
		return FW_V_ACCEPT;
	switch (range_of(x, n, &r)) {
	case RANGE_NO_MATCH:
		return FW_V_CONTINUE;
	case RANGE_UNKNOWN:
		return FW_V_DROP;
	case RANGE_OK:
		break;
	}
	/* A taken tuple is not refused here: the kernel drops such a packet at confirm. */
	err = ctk_engine_nat_setup(x->fw->eng, conn, manip, &r);
	if (err < 0 && err != -EEXIST) {
		fw_note(x, "nat: %s", strerror(-err));
		return FW_V_DROP;
	}
	return FW_V_ACCEPT;
}
