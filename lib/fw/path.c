// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One packet through the firewall, hook by hook, in the kernel's order.
 * At each hook the base chains run by priority, and the kernel's own
 * hooks take their places among them: conntrack at -200 (prerouting and
 * output), the NAT chains together at -100 (dstnat: prerouting, output)
 * or 100 (srcnat: input, postrouting), confirm last (input,
 * postrouting). Defragmentation (-400) and the IP layer's checks come
 * first of all: a fragment waits for its datagram, a bad header is
 * discarded before any chain.
 *
 * Routing is the one thing a capture cannot tell: a packet is for the
 * firewall when its destination (after dstnat) is a local address, from
 * it when its source is, and forwarded otherwise.
 */
#include <errno.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "fw/fw_priv.h"

/* enum nf_ip_hook_priorities (the same numbers for IPv6) */
#define PRI_CONNTRACK (-200)
#define PRI_NAT_DST (-100)
#define PRI_NAT_SRC 100

/* The kernel's hooks placed among the chains of one netfilter hook. */
struct hook_plan {
	enum fw_hook hook;
	bool conntrack;		/* conntrack runs here (prerouting, output) */
	bool nat;		/* the nat chains run here */
	enum ctk_nat_manip manip;
	bool confirm;		/* the packet's entry is confirmed at the end */
};

static const struct hook_plan plans[] = {
	[FW_HOOK_PREROUTING] = { FW_HOOK_PREROUTING, true, true, CTK_NAT_MANIP_DST, false },
	[FW_HOOK_INPUT] = { FW_HOOK_INPUT, false, true, CTK_NAT_MANIP_SRC, true },
	[FW_HOOK_FORWARD] = { FW_HOOK_FORWARD, false, false, CTK_NAT_MANIP_SRC, false },
	[FW_HOOK_OUTPUT] = { FW_HOOK_OUTPUT, true, true, CTK_NAT_MANIP_DST, false },
	[FW_HOOK_POSTROUTING] = { FW_HOOK_POSTROUTING, false, true, CTK_NAT_MANIP_SRC, true },
};

/* Where the packet is in the path; what the hooks share. */
struct walk {
	struct fw_ctx x;
	const struct fw_hook_list *chains;	/* of this family, per hook */
	const uint8_t *dgram;			/* the datagram before conntrack */
	size_t dlen;
	bool tracked;				/* ctk_engine_track() ran */
	bool rewritten;				/* NAT changed it: read the engine's copy */
};

/* After a rewrite, the packet is the engine's copy. */
static void reparse(struct walk *w)
{
	size_t len;
	uint8_t *p;

	if (!w->tracked)
		return;
	p = ctk_engine_track_packet(w->x.fw->eng, &len);
	if (p)
		fw_hdrs_parse(&w->x.h, p, (uint32_t)len);
}

static void conntrack(struct walk *w, uint64_t now)
{
	struct fw_ctx *x = &w->x;

	x->ct_done = true;
	if (x->notrack) {
		x->v->ct.state = CTK_CT_UNTRACKED;
		return;
	}
	ctk_engine_track(x->fw->eng, w->dgram, w->dlen, now, x->zone, &x->v->ct);
	w->tracked = true;
	x->v->tracked = true;
}

static bool nat_first_packet(const struct ctk_verdict *ct)
{
	return ct->state == CTK_CT_NEW || ct->state == CTK_CT_RELATED;
}

static void add_nat_step(struct fw_ctx *x, const struct ctk_tuple *before,
			 const struct ctk_tuple *after)
{
	struct ctk_fw_verdict *v = x->v;

	if (v->nnat >= sizeof(v->nat) / sizeof(v->nat[0]))
		return;
	v->nat[v->nnat].hook = fw_hook_name(x->hook);
	v->nat[v->nnat].before = *before;
	v->nat[v->nnat].after = *after;
	v->nnat++;
}

/*
 * nf_nat_inet_fn(): the first packet of an entry runs the nat chains
 * until one makes a binding (none: the null binding); every packet is
 * then rewritten by the binding.
 */
static enum fw_verdict_code nat_slot(struct walk *w, const struct hook_plan *plan)
{
	const struct fw_hook_list *l = &w->chains[plan->hook];
	struct fw_ctx *x = &w->x;
	struct ctk_engine *eng = x->fw->eng;
	struct ctk_verdict *ct = &x->v->ct;
	struct ctk_tuple before, after;

	if (nat_first_packet(ct) && !ctk_engine_nat_done(eng, ct->conn, plan->manip)) {
		for (uint32_t i = 0; i < l->n; i++) {
			if (l->chains[i]->type != FW_CHAIN_NAT)
				continue;
			if (fw_chain_run(x, l->chains[i]) == FW_V_DROP)
				return FW_V_DROP;
			if (ctk_engine_nat_done(eng, ct->conn, plan->manip))
				break;
		}
		if (!ctk_engine_nat_done(eng, ct->conn, plan->manip) &&
		    ctk_engine_nat_setup(eng, ct->conn, plan->manip, NULL) != 0)
			return FW_V_DROP;
	}
	/* nf_nat_packet() rewrites only what a binding changed: most entries have none. */
	if (!(ctk_engine_conn_status(eng, ct->conn) & (IPS_SRC_NAT | IPS_DST_NAT)))
		return FW_V_ACCEPT;
	switch (ctk_engine_nat_packet(eng, ct, plan->manip, &before, &after)) {
	case 0:
		break;
	case 1:
		add_nat_step(x, &before, &after);
		w->rewritten = true;
		reparse(w);
		break;
	default:
		/* cut short, a bad ICMP checksum, a redirect about a NATed flow: nf_nat drops it */
		fw_note(x, "nat: the packet cannot be rewritten");
		x->v->has_rule = false;
		return FW_V_DROP;
	}
	return FW_V_ACCEPT;
}

/*
 * Has NAT anything to do with the packet? Its entry's first packet makes
 * a binding when a nat chain of its family exists; later packets are
 * rewritten only when the binding changed something.
 */
static bool nat_wanted(const struct walk *w)
{
	const struct fw_ctx *x = &w->x;
	const struct ctk_verdict *ct = &x->v->ct;

	if (!ct->conn || x->notrack || !x->fw->nat_on[x->h.family == 6])
		return false;
	return nat_first_packet(ct) ||
	       (ctk_engine_conn_status(x->fw->eng, ct->conn) & (IPS_SRC_NAT | IPS_DST_NAT));
}

/* The chains of one hook with the kernel's hooks in their places. */
static enum fw_verdict_code run_hook(struct walk *w, const struct hook_plan *plan, uint64_t now)
{
	const struct fw_hook_list *l = &w->chains[plan->hook];
	struct fw_ctx *x = &w->x;
	bool ct_pending = plan->conntrack, nat_pending = plan->nat;
	int32_t nat_prio = plan->manip == CTK_NAT_MANIP_DST ? PRI_NAT_DST : PRI_NAT_SRC;

	x->hook = plan->hook;
	x->ifkey_ok[0] = x->ifkey_ok[1] = false;	/* which devices exist depends on the hook */
	for (uint32_t i = 0; i < l->n; i++) {
		const struct fw_chain *c = l->chains[i];

		if (ct_pending && c->prio > PRI_CONNTRACK) {
			conntrack(w, now);
			ct_pending = false;
		}
		if (nat_pending && c->prio >= nat_prio) {
			if (nat_wanted(w) && nat_slot(w, plan) == FW_V_DROP)
				return FW_V_DROP;
			nat_pending = false;
		}
		if (c->type == FW_CHAIN_NAT)
			continue;
		if (fw_chain_run(x, c) == FW_V_DROP)
			return FW_V_DROP;
	}
	if (ct_pending)
		conntrack(w, now);
	if (nat_pending && nat_wanted(w) && nat_slot(w, plan) == FW_V_DROP)
		return FW_V_DROP;
	return FW_V_ACCEPT;
}

static bool is_local(const struct ctk_fw *fw, uint8_t family, const uint8_t *addr)
{
	unsigned int alen = family == 4 ? 4 : 16;

	for (unsigned int i = 0; i < fw->nlocal; i++)
		if (fw->local[i].family == family && !memcmp(fw->local[i].addr, addr, alen))
			return true;
	return false;
}

/* Is the raw packet's source a local address? (Read before any check: a short one is not.) */
static bool from_local_raw(const struct ctk_fw *fw, const uint8_t *l3, size_t len)
{
	if (len >= 20 && l3[0] >> 4 == 4)
		return is_local(fw, 4, l3 + 12);
	return len >= 40 && l3[0] >> 4 == 6 && is_local(fw, 6, l3 + 8);
}

static const uint8_t *saddr(const struct fw_hdrs *h)
{
	return h->l3 + (h->family == 4 ? 12 : 8);
}

static const uint8_t *daddr(const struct fw_hdrs *h)
{
	return h->l3 + (h->family == 4 ? 16 : 24);
}

/* Multicast and broadcast are delivered to the firewall itself, never forwarded. */
static bool for_all(const struct fw_hdrs *h)
{
	const uint8_t *d = daddr(h);

	if (h->family == 6)
		return d[0] == 0xff;
	return (d[0] >= 224 && d[0] < 240) || (d[0] == 255 && d[1] == 255 && d[2] == 255 &&
					       d[3] == 255);
}

/* The hooks after the first, once routing has decided. */
static enum fw_verdict_code route_and_run(struct walk *w, bool from_local, uint64_t now)
{
	struct fw_ctx *x = &w->x;

	/* the route is looked up when a rule asks for oifname (eval_key.c) */
	x->routed = x->fw->nroutes > 0;

	if (!from_local && (is_local(x->fw, x->h.family, daddr(&x->h)) || for_all(&x->h))) {
		x->v->path_local_in = true;
		return run_hook(w, &plans[FW_HOOK_INPUT], now);
	}
	if (!from_local && run_hook(w, &plans[FW_HOOK_FORWARD], now) == FW_V_DROP)
		return FW_V_DROP;
	return run_hook(w, &plans[FW_HOOK_POSTROUTING], now);
}

static void verdict_reset(struct ctk_fw_verdict *v)
{
	memset(&v->ct, 0, offsetof(struct ctk_verdict, reason));
	v->ct.reason[0] = '\0';
	v->verdict = CTK_FW_ACCEPT;
	v->tracked = v->path_local_in = v->path_local_out = v->has_rule = false;
	v->nnat = 0;
	v->nnotes = 0;
}

/* Conntrack's end of the packet: the entry enters the table, or not. */
static enum ctk_fw_verdict_code finish(struct walk *w, enum fw_verdict_code code)
{
	struct ctk_fw *fw = w->x.fw;
	struct ctk_fw_verdict *v = w->x.v;

	if (code == FW_V_ACCEPT && v->ct.dropped) {
		code = FW_V_DROP;	/* conntrack itself dropped it (table full) */
		v->has_rule = false;
	}
	if (w->tracked) {
		int err = code == FW_V_ACCEPT ? ctk_engine_confirm(fw->eng, &v->ct) : 0;

		if (err) {
			/* Not a rule's doing: the entry could not be confirmed. */
			code = FW_V_DROP;
			v->has_rule = false;
			fw_note(&w->x, err == -EEXIST ? "conntrack: its tuple is taken (insert failed)" :
				"conntrack: its helper dropped it");
		} else if (code == FW_V_DROP) {
			ctk_engine_drop(fw->eng, &v->ct);
		}
		if (w->rewritten || (v->ct.conn && ctk_engine_conn_helper(fw->eng, v->ct.conn)[0]))
			reparse(w);	/* NAT or a helper rewrote it */
	}
	if (v->has_rule)
		fw_decided_ref(&w->x, &v->rule);
	fw->accepted = code == FW_V_ACCEPT;
	fw->out = w->x.h.l3;
	fw->out_len = w->x.h.len;
	return code == FW_V_ACCEPT ? CTK_FW_ACCEPT : CTK_FW_DROP;
}

/*
 * Field by field: a packet's context is set up for every packet, and a
 * zeroing of the whole (interface keys included) costs more than the
 * fields it needs.
 */
static void walk_init(struct walk *w, struct ctk_fw *fw, const struct ctk_fw_packet *p,
		      struct ctk_fw_verdict *v)
{
	struct fw_ctx *x = &w->x;

	x->fw = fw;
	x->v = v;
	x->now = p->now_ns;
	x->hook = FW_HOOK_PREROUTING;
	x->iifname = p->iifname;
	x->oifname = p->oifname;
	x->meta_mark = 0;
	x->ct_done = x->notrack = false;
	x->zone = 0;
	x->error = 0;
	x->accept_rank = 0;
	x->ifkey_ok[0] = x->ifkey_ok[1] = false;
	x->routed = false;
	w->chains = NULL;
	w->tracked = w->rewritten = false;
}

int ctk_fw_packet(struct ctk_fw *fw, const struct ctk_fw_packet *p, struct ctk_fw_verdict *v)
{
	struct walk w;
	bool from_local;
	int ready;

	walk_init(&w, fw, p, v);
	verdict_reset(v);
	fw->accepted = false;
	/* the forwarded copy: its verdict was given on the way in (not even defrag sees it) */
	if (p->outgoing && !from_local_raw(fw, p->l3, p->len))
		return 1;
	ready = ctk_engine_prepare(fw->eng, p->l3, p->len, p->now_ns, &v->ct, &w.dgram, &w.dlen);
	if (ready <= 0) {
		v->verdict = v->ct.held ? CTK_FW_HELD : CTK_FW_DISCARD;
		return 0;
	}
	if (!fw_hdrs_parse(&w.x.h, w.dgram, (uint32_t)w.dlen)) {
		v->verdict = CTK_FW_DISCARD;
		return 0;
	}
	from_local = is_local(fw, w.x.h.family, saddr(&w.x.h));
	w.chains = fw->rs ? fw->rs->hooks[w.x.h.family == 6] : fw->no_chains;
	if (!w.x.iifname && fw->iifname[0])
		w.x.iifname = fw->iifname;
	v->path_local_out = from_local;
	if (from_local)
		w.x.iifname = NULL;
	if (run_hook(&w, &plans[from_local ? FW_HOOK_OUTPUT : FW_HOOK_PREROUTING], p->now_ns) ==
	    FW_V_DROP)
		v->verdict = finish(&w, FW_V_DROP);
	else
		v->verdict = finish(&w, route_and_run(&w, from_local, p->now_ns));
	if (w.x.notrack)
		v->ct.state = CTK_CT_UNTRACKED;
	return w.x.error;
}

const uint8_t *ctk_fw_out_packet(const struct ctk_fw *fw, size_t *len)
{
	if (!fw->accepted)
		return NULL;
	*len = fw->out_len;
	return fw->out;
}
