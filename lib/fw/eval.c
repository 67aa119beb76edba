// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Running one base chain, as nft_do_chain(): rules in order, a rule's
 * expressions in order until one does not match (NFT_BREAK) or gives a
 * verdict; jump pushes the place to come back to, goto does not, return
 * (or the end of a regular chain) pops it, and the end of the base chain
 * is its policy. Statements that change the packet or its entry act on
 * the context; NAT statements go to nat.c.
 *
 * Every rule that matched and every policy applied is reported to the
 * trace callback, as `nft monitor trace` shows them; the last rule (or
 * policy) that accepted or dropped is the verdict's rule.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "fw/fw_priv.h"

enum rule_res {
	RULE_BREAK,		/* an expression did not match */
	RULE_END,		/* every expression ran, no verdict */
	RULE_VERDICT,		/* @out holds the verdict */
};

const char *fw_hook_name(enum fw_hook h)
{
	static const char *const names[] = {
		[FW_HOOK_PREROUTING] = "prerouting", [FW_HOOK_INPUT] = "input",
		[FW_HOOK_FORWARD] = "forward",	     [FW_HOOK_OUTPUT] = "output",
		[FW_HOOK_POSTROUTING] = "postrouting", [FW_HOOK_INGRESS] = "ingress",
		[FW_HOOK_NONE] = "",
	};

	return (unsigned int)h <= FW_HOOK_NONE ? names[h] : "";
}

const char *fw_family_name(enum fw_family f)
{
	static const char *const names[] = {
		[FW_FAMILY_IP] = "ip",	       [FW_FAMILY_IP6] = "ip6",
		[FW_FAMILY_INET] = "inet",     [FW_FAMILY_ARP] = "arp",
		[FW_FAMILY_BRIDGE] = "bridge", [FW_FAMILY_NETDEV] = "netdev",
	};

	return (unsigned int)f <= FW_FAMILY_NETDEV ? names[f] : "";
}

void fw_note(struct fw_ctx *x, const char *fmt, ...)
{
	struct ctk_fw_verdict *v = x->v;
	va_list ap;

	if (v->nnotes >= CTK_FW_NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(v->notes[v->nnotes++], CTK_FW_NOTE_LEN, fmt, ap);
	va_end(ap);
}

static const char *verdict_word(const struct fw_verdict_ref *r, char *buf, size_t size)
{
	switch (r->code) {
	case FW_V_ACCEPT:
		return "accept";
	case FW_V_DROP:
		return "drop";
	case FW_V_RETURN:
		return "return";
	case FW_V_JUMP:
	case FW_V_GOTO:
		snprintf(buf, size, "%s %s", r->code == FW_V_JUMP ? "jump" : "goto", r->chain->name);
		return buf;
	case FW_V_CONTINUE:
		break;
	}
	return "continue";
}

static void trace(struct fw_ctx *x, const struct fw_chain *c, const struct fw_rule *r,
		  const struct fw_verdict_ref *verdict)
{
	struct ctk_fw_trace t;
	char buf[64 + 16];

	if (!x->fw->trace_cb)
		return;
	t.hook = fw_hook_name(x->hook);
	t.family = fw_family_name(c->table->family);
	t.table = c->table->name;
	t.chain = c->name;
	t.handle = r ? r->handle : 0;
	t.text = r ? r->text : (c->policy == FW_V_DROP ? "policy drop" : "policy accept");
	t.verdict = verdict_word(verdict, buf, sizeof(buf));
	x->fw->trace_cb(&t, x->fw->trace_data);
}

/*
 * Every chain a packet crosses accepts it; the one worth naming is a rule
 * of a filter chain, then a filter chain's policy, then what a nat chain
 * did. A drop is always the one.
 */
static unsigned int accept_rank(const struct fw_chain *c, const struct fw_rule *r)
{
	return (c->type != FW_CHAIN_NAT) * 2 + (r != NULL);
}

static void decided(struct fw_ctx *x, const struct fw_chain *c, const struct fw_rule *r,
		    enum fw_verdict_code code)
{
	unsigned int rank = accept_rank(c, r);

	if (code == FW_V_ACCEPT && x->v->has_rule && rank < x->accept_rank)
		return;
	x->accept_rank = rank;
	x->v->has_rule = true;
	x->decided_chain = c;
	x->decided_rule = r;
}

void fw_decided_ref(const struct fw_ctx *x, struct ctk_fw_rule_ref *ref)
{
	const struct fw_chain *c = x->decided_chain;
	const struct fw_rule *r = x->decided_rule;

	ref->family = fw_family_name(c->table->family);
	ref->table = c->table->name;
	ref->chain = c->name;
	ref->handle = r ? r->handle : 0;
	ref->text = r ? r->text : (c->policy == FW_V_DROP ? "policy drop" : "policy accept");
}

static int cmp_masked(const struct fw_value *k, const struct fw_value *mask,
		      const struct fw_value *v)
{
	for (unsigned int i = 0; i < k->len; i++) {
		uint8_t a = k->bytes[i] & mask->bytes[i];

		if (a != v->bytes[i])
			return a < v->bytes[i] ? -1 : 1;
	}
	return 0;
}

static bool any_bit(const struct fw_value *k, const struct fw_value *mask)
{
	for (unsigned int i = 0; i < k->len; i++)
		if (k->bytes[i] & mask->bytes[i])
			return true;
	return false;
}

static bool op_holds(enum fw_op op, int cmp)
{
	switch (op) {
	case FW_OP_EQ:
	case FW_OP_IN:
		return cmp == 0;
	case FW_OP_NE:
		return cmp != 0;
	case FW_OP_LT:
		return cmp < 0;
	case FW_OP_GT:
		return cmp > 0;
	case FW_OP_LE:
		return cmp <= 0;
	case FW_OP_GE:
		return cmp >= 0;
	}
	return false;
}

bool fw_match_holds(struct fw_ctx *x, const struct fw_match *m)
{
	struct fw_value k;
	bool in;

	if (m->quick.src != FW_QUICK_NONE)
		return fw_quick_holds(x, &m->quick);
	if (!fw_key_eval(x, &m->key, &k))
		return false;
	switch (m->rhs) {
	case FW_RHS_VALUE:
		return op_holds(m->op, fw_value_cmp(k.bytes, m->value.bytes, k.len));
	case FW_RHS_MASK:
		if (m->op == FW_OP_IN)
			return any_bit(&k, &m->mask);
		return op_holds(m->op, cmp_masked(&k, &m->mask, &m->value));
	case FW_RHS_RANGE:
		in = fw_value_cmp(k.bytes, m->value.bytes, k.len) >= 0 &&
		     fw_value_cmp(k.bytes, m->hi.bytes, k.len) <= 0;
		return m->op == FW_OP_NE ? !in : in;
	case FW_RHS_SET:
		in = fw_set_lookup(m->set, &k) != NULL;
		return m->op == FW_OP_NE ? !in : in;
	}
	return false;
}

/* A statement's value: a constant, or a key, through a map, with a bit operation. */
static bool src_eval(struct fw_ctx *x, const struct fw_src *s, struct fw_value *out)
{
	if (!s->is_key) {
		*out = s->value;
	} else {
		if (!fw_key_eval(x, &s->key, out))
			return false;
		if (s->map) {
			const struct fw_elem *e = fw_set_lookup(s->map, out);

			if (!e)
				return false;
			*out = e->data;
		}
	}
	/* Any chain of &, | and ^ is (x & mask) ^ xor, as the kernel's bitwise expression. */
	for (unsigned int i = 0; s->bitop && i < out->len && i < s->mask.len; i++)
		out->bytes[i] = (uint8_t)((out->bytes[i] & s->mask.bytes[i]) ^ s->xor.bytes[i]);
	return true;
}

static uint32_t value_u32(const struct fw_value *v)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < v->len && i < 4; i++)
		n = n << 8 | v->bytes[i];
	return n;
}

static bool set_ct(struct fw_ctx *x, const struct fw_expr *e)
{
	struct ctk_conn *conn = x->v->ct.conn;
	struct fw_value val;

	if (!src_eval(x, e->u.set.src, &val))
		return false;
	switch (e->u.set.ct_key) {
	case FW_CT_ZONE:
		/* Only a packet conntrack has not seen yet gets a zone (a template). */
		if (!x->ct_done)
			x->zone = (uint16_t)value_u32(&val);
		return true;
	case FW_CT_MARK:
		if (x->ct_done && !x->notrack && conn)
			ctk_engine_conn_set_mark(x->fw->eng, conn, value_u32(&val));
		return true;
	default:
		return true;	/* the reader refuses other keys */
	}
}

/* nft_ct_helper_obj_eval(): only a new entry, of the object's family, gets a helper. */
static void set_helper(struct fw_ctx *x, const struct fw_helper *obj)
{
	struct ctk_conn *conn = x->v->ct.conn;

	if (!x->ct_done || x->notrack || !conn || !obj)
		return;
	if (obj->l3proto && obj->l3proto != (x->h.family == 4 ? AF_INET : AF_INET6))
		return;
	/* A confirmed entry, or one with a helper already, keeps what it has. */
	ctk_engine_conn_set_helper(x->fw->eng, conn, obj->type);
}

static void notrack(struct fw_ctx *x)
{
	/* nft_notrack_eval(): a packet that already has an entry keeps it. */
	if (!x->ct_done || !x->v->ct.conn)
		x->notrack = true;
}

static enum rule_res run_stmt(struct fw_ctx *x, const struct fw_expr *e,
			      struct fw_verdict_ref *out)
{
	switch (e->kind) {
	case FW_E_MATCH:
		return fw_match_holds(x, &e->u.match) ? RULE_END : RULE_BREAK;
	case FW_E_VERDICT:
		*out = e->u.verdict;
		return RULE_VERDICT;
	case FW_E_VMAP: {
		const struct fw_elem *el;
		struct fw_value k;

		if (!fw_key_eval(x, &e->u.vmap.key, &k) || !(el = fw_set_lookup(e->u.vmap.set, &k)))
			return RULE_BREAK;
		*out = *el->verdict;
		return RULE_VERDICT;
	}
	case FW_E_COUNTER:
		return RULE_END;
	case FW_E_LOG:
		fw_note(x, "log%s%s", e->u.note.text ? " prefix " : "",
			e->u.note.text ? e->u.note.text : "");
		return RULE_END;
	case FW_E_REJECT:
		fw_note(x, "reject%s%s (a drop offline)", e->u.note.text ? " with " : "",
			e->u.note.text ? e->u.note.text : "");
		out->code = FW_V_DROP;
		out->chain = NULL;
		return RULE_VERDICT;
	case FW_E_NOTRACK:
		notrack(x);
		return RULE_END;
	case FW_E_SET_CT:
		return set_ct(x, e) ? RULE_END : RULE_BREAK;
	case FW_E_SET_META: {
		struct fw_value val;

		if (!src_eval(x, e->u.set.src, &val))
			return RULE_BREAK;
		if (e->u.set.meta == FW_META_MARK)
			x->meta_mark = value_u32(&val);
		return RULE_END;
	}
	case FW_E_CT_HELPER:
		set_helper(x, e->u.helper.obj);
		return RULE_END;
	case FW_E_NAT:
		out->code = fw_nat_eval(x, e->u.nat);
		out->chain = NULL;
		return out->code == FW_V_CONTINUE ? RULE_BREAK : RULE_VERDICT;
	case FW_E_LIMIT:
		break;
	}
	return RULE_BREAK;
}

/*
 * Can the packet's input interface be @name (16 bytes, NUL padded)? As
 * the iifname key compares it: at most 15 characters. An unknown name
 * goes the long way, where the rule reports it (-ENXIO).
 */
static bool iif_may_be(const struct fw_ctx *x, const char *name)
{
	const char *mine = x->v->path_local_out ? "" : x->iifname;

	return !mine || (strncmp(mine, name, 15) == 0 && name[15] == '\0');
}

/* fw_rule_hints(): false when the rule cannot match this packet. */
static inline bool rule_may_match(const struct fw_ctx *x, const struct fw_rule *r)
{
	if ((r->need_family && r->need_family != x->h.family) ||
	    (r->need_l4 && (r->need_l4 != x->h.l4proto || !x->h.l4off)))
		return false;
	if (r->need_iifname && !iif_may_be(x, r->need_iifname))
		return false;
	return !r->has_lead || fw_quick_holds(x, &r->lead);
}

/* A rule that rule_may_match(): its expressions after the lead, in order. */
static enum rule_res run_rule(struct fw_ctx *x, const struct fw_rule *r,
			      struct fw_verdict_ref *out)
{
	enum rule_res res = RULE_END;

	for (uint32_t i = r->has_lead; i < r->nexprs && res == RULE_END; i++)
		res = run_stmt(x, &r->exprs[i], out);
	if (x->error)
		return RULE_BREAK;
	return res;
}

struct frame {
	const struct fw_chain *chain;
	uint32_t next;
};

/* The rule to visit at or after @i: every one, or the candidates of the chain's index. */
static uint32_t next_rule(const struct fw_chain *c, const uint64_t *cand, uint32_t i)
{
	return c->index ? fw_chain_index_next(c->index, cand, i) : i;
}

enum fw_verdict_code fw_chain_run(struct fw_ctx *x, const struct fw_chain *base)
{
	static const struct fw_verdict_ref cont = { FW_V_CONTINUE, NULL };
	struct frame stack[FW_JUMP_DEPTH];
	uint64_t cand[FW_INDEX_MAX_RULES / 64];
	const struct fw_chain *c = base;
	unsigned int sp = 0;
	uint32_t i = 0;

	for (;;) {
		bool entered = false;	/* a jump or goto: the walk goes on in another chain */

		if (c->index)
			fw_chain_index_candidates(x, c->index, cand);
		while ((i = next_rule(c, cand, i)) < c->nrules) {
			const struct fw_rule *r = &c->rules[i++];
			struct fw_verdict_ref v = cont;
			enum rule_res res;

			if (!rule_may_match(x, r))
				continue;
			res = run_rule(x, r, &v);

			if (x->error) {
				fw_note(x, "%s %s, chain %s, rule handle %llu: the capture does not name "
					"the interfaces this rule matches", fw_family_name(c->table->family),
					c->table->name, c->name, (unsigned long long)r->handle);
				decided(x, c, r, FW_V_DROP);
				return FW_V_DROP;
			}
			if (r->sets_keys && c->index)
				fw_chain_index_candidates(x, c->index, cand);	/* what leads read changed */
			if (res == RULE_BREAK)
				continue;
			trace(x, c, r, &v);
			if (res == RULE_END || v.code == FW_V_CONTINUE)
				continue;
			if (v.code == FW_V_ACCEPT || v.code == FW_V_DROP) {
				decided(x, c, r, v.code);
				return v.code;
			}
			if (v.code == FW_V_RETURN)
				break;
			if (v.code == FW_V_JUMP) {
				if (sp == FW_JUMP_DEPTH)
					return FW_V_DROP;	/* the kernel's stack overflow */
				stack[sp++] = (struct frame){ c, i };
			}
			c = v.chain;
			i = 0;
			entered = true;
			break;
		}
		if (entered)
			continue;
		if (sp == 0)
			break;
		sp--;
		c = stack[sp].chain;
		i = stack[sp].next;
	}
	trace(x, base, NULL, &(struct fw_verdict_ref){ base->policy, NULL });
	decided(x, base, NULL, base->policy);
	return base->policy;
}
