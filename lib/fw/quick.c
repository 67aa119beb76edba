// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Quick forms of matches (struct fw_quick), made when a ruleset is read
 * and tested by fw_quick_holds() (fw_priv.h). A quick form is a key that
 * is one word (a header field of 1, 2 or 4 whole bytes, the ct state or
 * mark, the packet's mark or protocol) and a right-hand side that is a
 * range of that word once masked. Every operator folds into the range:
 * == is [v, v], < is [0, v - 1], a prefix or a flag test is a mask, !=
 * negates. Sets keep the long way.
 *
 * A quick form must hold exactly when the match does; a key without a
 * value (another protocol's header, a non-first fragment's ports, a
 * short packet) fails it as it fails the match, whatever the operator.
 */
#include <stdint.h>
#include <stdlib.h>
#include "fw/fw_priv.h"

/* @v as a number, when it is @len bytes long. */
static bool word(const struct fw_value *v, unsigned int len, uint32_t *out)
{
	uint32_t n = 0;

	if (v->len != len)
		return false;
	for (unsigned int i = 0; i < len; i++)
		n = n << 8 | v->bytes[i];
	*out = n;
	return true;
}

static bool whole_word(unsigned int off, unsigned int bits)
{
	return off % 8 == 0 && (bits == 8 || bits == 16 || bits == 32);
}

static bool quick_meta(enum fw_meta m, struct fw_quick *q)
{
	switch (m) {
	case FW_META_MARK:
		q->src = FW_QUICK_META_MARK;
		q->len = 4;
		return true;
	case FW_META_L4PROTO:
	case FW_META_NFPROTO:
		q->src = m == FW_META_L4PROTO ? FW_QUICK_META_L4PROTO : FW_QUICK_META_NFPROTO;
		q->len = 1;
		return true;
	default:
		return false;
	}
}

/* Where the key's word is read from; false if it is not one word. */
static bool quick_key(const struct fw_key *k, struct fw_quick *q)
{
	unsigned int off, bits;

	switch (k->kind) {
	case FW_KEY_PAYLOAD:
		if (!fw_field_loc(k->u.payload.field, &off, &bits) || !whole_word(off, bits))
			return false;
		if (k->u.payload.proto == FW_P_IP || k->u.payload.proto == FW_P_IP6) {
			q->src = FW_QUICK_NH;
			q->family = k->u.payload.proto == FW_P_IP ? 4 : 6;
		} else {
			q->src = FW_QUICK_TH;
			q->family = fw_proto_family(k->u.payload.proto);
			q->l4 = fw_proto_l4(k->u.payload.proto);
		}
		break;
	case FW_KEY_RAW:
		off = k->u.raw.offset;
		bits = k->u.raw.bits;
		if ((k->u.raw.base != 1 && k->u.raw.base != 2) || !whole_word(off, bits))
			return false;
		q->src = k->u.raw.base == 1 ? FW_QUICK_NH : FW_QUICK_TH;
		break;
	case FW_KEY_CT:
		if (k->u.ct.key != FW_CT_STATE && k->u.ct.key != FW_CT_MARK)
			return false;
		q->src = k->u.ct.key == FW_CT_STATE ? FW_QUICK_CT_STATE : FW_QUICK_CT_MARK;
		q->len = 4;
		return true;
	case FW_KEY_META:
		return quick_meta(k->u.meta, q);
	default:
		return false;
	}
	q->off = (uint16_t)(off / 8);
	q->len = (uint8_t)(bits / 8);
	return true;
}

/* `key @op v` as a range of the masked key; an empty range (lo > hi) never holds. */
static void op_range(enum fw_op op, uint32_t v, uint32_t max, struct fw_quick *q)
{
	q->lo = 0;
	q->hi = max;
	switch (op) {
	case FW_OP_EQ:
	case FW_OP_IN:
		q->lo = q->hi = v;
		break;
	case FW_OP_NE:
		q->lo = q->hi = v;
		q->negate = true;
		break;
	case FW_OP_LT:
		if (v == 0) {
			q->lo = 1; /* nothing is below 0: an empty range */
			q->hi = 0;
		} else {
			q->hi = v - 1;
		}
		break;
	case FW_OP_GT:
		if (v == max) {
			q->lo = 1; /* nothing is above max: an empty range */
			q->hi = 0;
		} else {
			q->lo = v + 1;
		}
		break;
	case FW_OP_LE:
		q->hi = v;
		break;
	case FW_OP_GE:
		q->lo = v;
		break;
	}
}

void fw_match_quicken(struct fw_match *m)
{
	struct fw_quick q = {.src = FW_QUICK_NONE};
	uint32_t max, v;

	m->quick = q;
	if (m->rhs == FW_RHS_SET || !quick_key(&m->key, &q))
		return;
	max = fw_quick_max(q.len);
	q.mask = max;
	if (m->rhs == FW_RHS_MASK && !word(&m->mask, q.len, &q.mask))
		return;
	if (m->rhs == FW_RHS_RANGE) {
		if (!word(&m->value, q.len, &q.lo) || !word(&m->hi, q.len, &q.hi))
			return;
		q.negate = m->op == FW_OP_NE;
	} else if (m->rhs == FW_RHS_MASK && m->op == FW_OP_IN) {
		q.lo = 1; /* any of the mask's bits */
		q.hi = max;
	} else {
		/* a value, or (key & mask) compared with one */
		if (!word(&m->value, q.len, &v))
			return;
		op_range(m->op, v, max, &q);
	}
	m->quick = q;
}

void fw_key_quicken(struct fw_key *k)
{
	struct fw_quick *words;

	if (k->kind != FW_KEY_CONCAT || k->u.concat.words)
		return;
	words = calloc(k->u.concat.n, sizeof(*words));
	if (!words)
		return;	/* the long way still reads it */
	for (unsigned int i = 0; i < k->u.concat.n; i++) {
		if (!quick_key(&k->u.concat.sub[i], &words[i]) ||
		    words[i].len != k->u.concat.sub[i].len) {
			free(words);
			return;
		}
		words[i].mask = fw_quick_max(words[i].len);
	}
	k->u.concat.words = words;
}
