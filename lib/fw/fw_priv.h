/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The firewall path's internals, shared by lib/fw/ (path.c drives the
 * hooks, eval.c runs chains, eval_key.c reads keys, eval_set.c looks up
 * sets, pkt.c finds headers).
 *
 * Threading: none; one struct ctk_fw per thread, as its engine.
 */
#ifndef CTK_FW_PRIV_H
#define CTK_FW_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <ctkit/engine_hook.h>
#include <ctkit/fw.h>
#include "fw/ir.h"

#define FW_JUMP_DEPTH 16	/* NFT_JUMP_STACK_SIZE */
#define FW_LOCAL_MAX 64
#define FW_ROUTE_MAX 64

/* Where the headers of the packet being evaluated are. */
struct fw_hdrs {
	const uint8_t *l3;
	uint32_t len;
	uint8_t family;		/* 4 or 6 */
	uint8_t l4proto;	/* after IPv6 extension headers */
	uint32_t l4off;		/* 0: no transport header (a non-first fragment) */
};

/*
 * One packet at one hook: what the keys read and the statements change.
 * @meta_mark is the packet's own mark (skb->mark), alive for the packet.
 */
struct fw_ctx {
	struct ctk_fw *fw;
	struct ctk_fw_verdict *v;
	struct fw_hdrs h;
	uint64_t now;		/* the packet's time, ns */
	enum fw_hook hook;
	const char *iifname;
	const char *oifname;
	uint32_t meta_mark;
	/* conntrack as the rules see it */
	bool ct_done;		/* conntrack has run (chains before it see no ct) */
	bool notrack;		/* untracked: raw's notrack, or no ct and notrack later */
	uint16_t zone;		/* ct zone set before conntrack */
	int error;		/* a rule needed what the packet cannot give (-ENXIO) */
	bool routed;		/* past routing, with --route entries: oifname from them */
	unsigned int accept_rank;	/* how telling the accepting rule named so far is */
	/* the verdict's rule (NULL: the chain's policy), named by fw_decided_ref() at the end */
	const struct fw_chain *decided_chain;
	const struct fw_rule *decided_rule;
	/* interface names as keys, made once per hook (rules test them often) */
	bool ifkey_ok[2];
	struct fw_value ifkey[2];	/* [0] iifname, [1] oifname */
};

struct ctk_fw {
	struct ctk_engine *eng;
	const struct ctk_ruleset *rs;
	unsigned int nlocal;
	struct {
		uint8_t family;
		uint8_t addr[16];
	} local[FW_LOCAL_MAX];
	unsigned int nroutes;
	struct fw_route {
		uint8_t family;
		uint8_t plen;
		uint8_t addr[16];
		char ifname[16];
	} routes[FW_ROUTE_MAX];
	char iifname[16];		/* "" unless set */
	bool nat_on[2];			/* a nat chain exists for IPv4 / IPv6 */
	bool has_masq[2];		/* [0] IPv4, [1] IPv6 */
	uint8_t masq[2][16];
	struct fw_hook_list no_chains[FW_HOOK_NONE];	/* without a ruleset */
	ctk_fw_trace_cb trace_cb;
	void *trace_data;
	bool accepted;			/* the last packet left: out_packet is valid */
	const uint8_t *out;
	size_t out_len;
};

/* fw.c: the interface a route sends @dst out of, NULL if none. */
const char *fw_route_lookup(const struct ctk_fw *fw, uint8_t family, const uint8_t *dst);

/*
 * Values compare as big-endian numbers, byte by byte: keys are 1 to 16
 * bytes, too short for a libc call to pay off on every rule.
 */
static inline int fw_value_cmp(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* eval_key.c: the FW_CTSTATE_* bit of the packet, as `ct state` reads it. */
uint32_t fw_ct_state_bit(const struct fw_ctx *x);

/*
 * Does a match's quick form hold (fw_match_quicken())? Inline: the chain
 * walk tests one for most rules it passes.
 */
/* The key's word, or false when the key has no value for this packet. */
/* The largest value a quick form's word of @len bytes (1, 2 or 4) can have. */
static inline uint32_t fw_quick_max(unsigned int len)
{
	return len == 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
}

static inline bool fw_quick_read(const struct fw_ctx *x, const struct fw_quick *q, uint32_t *out)
{
	const struct fw_hdrs *h = &x->h;
	const uint8_t *p = h->l3;
	uint32_t avail = h->len;

	switch (q->src) {
	case FW_QUICK_CT_STATE:
		*out = fw_ct_state_bit(x);
		return true;
	case FW_QUICK_CT_MARK:
		if (!x->ct_done || x->notrack || !x->v->ct.conn)
			return false;
		*out = ctk_engine_conn_mark(x->fw->eng, x->v->ct.conn);
		return true;
	case FW_QUICK_META_MARK:
		*out = x->meta_mark;
		return true;
	case FW_QUICK_META_L4PROTO:
		*out = h->l4proto;
		return true;
	case FW_QUICK_META_NFPROTO:
		*out = h->family == 4 ? 2 : 10;	/* NFPROTO_IPV4, NFPROTO_IPV6 */
		return true;
	case FW_QUICK_NH:
		if (q->family && h->family != q->family)
			return false;
		break;
	case FW_QUICK_TH:
		/* nft's implicit dependency: the protocol the header belongs to */
		if (!h->l4off || (q->l4 && h->l4proto != q->l4) ||
		    (q->family && h->family != q->family))
			return false;
		p += h->l4off;
		avail -= h->l4off;
		break;
	default:
		return false;
	}
	if ((uint32_t)q->off + q->len > avail)
		return false;
	p += q->off;
	switch (q->len) {
	case 1:
		*out = p[0];
		break;
	case 2:
		*out = (uint32_t)p[0] << 8 | p[1];
		break;
	default:
		*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		break;
	}
	return true;
}

static inline bool fw_quick_holds(const struct fw_ctx *x, const struct fw_quick *q)
{
	uint32_t v;

	if (!fw_quick_read(x, q, &v))
		return false;
	v &= q->mask;
	return (v >= q->lo && v <= q->hi) != q->negate;
}

/* pkt.c: headers of an IP datagram (false: not one nft can read). */
bool fw_hdrs_parse(struct fw_hdrs *h, const uint8_t *l3, uint32_t len);

/* eval_key.c: read @k into @out; false when it has no value (nft's NFT_BREAK). */
bool fw_key_eval(struct fw_ctx *x, const struct fw_key *k, struct fw_value *out);

/* eval_key.c: where a payload field lies (bits from its header's start); false: no such field. */
bool fw_field_loc(enum fw_field f, unsigned int *off, unsigned int *bits);

/* eval_set.c: the element of @s that holds @key, or NULL. */
const struct fw_elem *fw_set_lookup(const struct fw_set *s, const struct fw_value *key);

/*
 * index.c: the rules of the chain indexed by @ix that the packet may
 * match, as bits (FW_INDEX_MAX_RULES / 64 words at most) in @out; the
 * first set bit at or after @i, UINT32_MAX if none.
 */
void fw_chain_index_candidates(const struct fw_ctx *x, const struct fw_chain_index *ix,
			       uint64_t *out);
uint32_t fw_chain_index_next(const struct fw_chain_index *ix, const uint64_t *cand, uint32_t i);

/* eval.c: does @m hold for the packet (by its quick form when it has one)? */
bool fw_match_holds(struct fw_ctx *x, const struct fw_match *m);

/* eval.c: run the base chain @c for @x; returns FW_V_ACCEPT or FW_V_DROP. */
enum fw_verdict_code fw_chain_run(struct fw_ctx *x, const struct fw_chain *c);

/* eval.c: name the rule that decided (when v->has_rule) in @ref. */
void fw_decided_ref(const struct fw_ctx *x, struct ctk_fw_rule_ref *ref);

/* eval.c: a note on the verdict ("log prefix ..."), cut to fit. */
void fw_note(struct fw_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* eval.c: the names nft uses, for traces and references. */
const char *fw_hook_name(enum fw_hook h);
const char *fw_family_name(enum fw_family f);

/* nat.c: a nat statement for the packet's entry; FW_V_ACCEPT or FW_V_DROP. */
enum fw_verdict_code fw_nat_eval(struct fw_ctx *x, const struct fw_nat *n);

#endif
