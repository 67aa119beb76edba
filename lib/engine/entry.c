// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * From engine entries to the shared entry model: what a ctnetlink dump
 * or event of a 6.18 kernel would carry (ctnetlink_fill_info and
 * ctnetlink_conntrack_event), so that the CLI prints both alike.
 *
 * Dumps carry tuples, status, timeout, protoinfo, mark, use and id (plus
 * counters with nf_conntrack_acct, start time with nf_conntrack_timestamp).
 * Events carry no use; NEW/UPDATE carry a timeout, the full protoinfo only
 * when the TCP state changed with this packet (IPCT_PROTOINFO), the mark
 * only when it is not zero; DESTROY carries counters and times but no
 * timeout, and only the TCP state of the protoinfo.
 */
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include "engine/eng.h"
#include <stdio.h>
#include "engine/fwext.h"
#include "engine/helper.h"

void eng_tuple_to_ctk(const struct eng_tuple *t, struct ctk_tuple *out)
{
	memset(out, 0, sizeof(*out));
	out->src = t->src;
	out->dst = t->dst;
	out->l3num = t->l3;
	out->l4num = t->l4;
	if (t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6) {
		out->icmp_id = t->sport;
		out->icmp_type = t->type;
		out->icmp_code = t->code;
	} else {
		out->sport = t->sport;
		out->dport = t->dport;
	}
}

/* As the engine keys a tuple: ICMP's id in both port slots, no ports where the protocol has none. */
void eng_tuple_from_ctk(const struct ctk_tuple *in, struct eng_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->src = in->src;
	t->dst = in->dst;
	t->l3 = in->l3num;
	t->l4 = in->l4num;
	if (in->l4num == IPPROTO_ICMP || in->l4num == IPPROTO_ICMPV6) {
		t->sport = t->dport = in->icmp_id;
		t->type = in->icmp_type;
		t->code = in->icmp_code;
	} else if (ctk_l4proto_has_ports(in->l4num)) {
		t->sport = in->sport;
		t->dport = in->dport;
	}
}

void eng_tuple_invert(const struct eng_tuple *t, uint8_t reply_type, struct eng_tuple *out)
{
	struct eng_tuple r = *t;

	r.src = t->dst;
	r.dst = t->src;
	r.sport = t->dport;
	r.dport = t->sport;
	r.type = reply_type;
	*out = r;
}

static void fill_tcp(const struct ctk_conn *c, bool full, struct ctk_entry *e)
{
	const struct eng_tcp *tcp = &c->p.tcp;

	e->tcp.state = tcp->state;
	ctk_entry_set(e, CTK_ATTR_TCP_STATE);
	if (!full)
		return;
	for (int d = 0; d < 2; d++) {
		e->tcp.wscale[d] = tcp->seen[d].td_scale;
		e->tcp.flags[d] = tcp->seen[d].flags;
		e->tcp.flags_mask[d] = 0;
	}
	ctk_entry_set(e, CTK_ATTR_TCP_WSCALE_ORIG);
	ctk_entry_set(e, CTK_ATTR_TCP_WSCALE_REPLY);
	ctk_entry_set(e, CTK_ATTR_TCP_FLAGS_ORIG);
	ctk_entry_set(e, CTK_ATTR_TCP_FLAGS_REPLY);
}

static void fill_sctp(const struct ctk_conn *c, bool full, struct ctk_entry *e)
{
	e->sctp.state = c->p.sctp.state;
	ctk_entry_set(e, CTK_ATTR_SCTP_STATE);
	if (!full)
		return;
	e->sctp.vtag[0] = c->p.sctp.vtag[0];
	e->sctp.vtag[1] = c->p.sctp.vtag[1];
	ctk_entry_set(e, CTK_ATTR_SCTP_VTAG_ORIG);
	ctk_entry_set(e, CTK_ATTR_SCTP_VTAG_REPLY);
}

/* A dump names the entry's helper, and its sequence shifts once a NAT helper made some. */
static void fill_help(const struct eng_help *h, const struct ctk_conn *c, struct ctk_entry *e)
{
	snprintf(e->helper_name, sizeof(e->helper_name), "%s",
		 eng_helper_name((enum eng_helper_kind)h->kind));
	ctk_entry_set(e, CTK_ATTR_HELPER_NAME);
	if (!(c->status & IPS_SEQ_ADJUST))
		return;
	for (int d = 0; d < 2; d++) {
		e->seqadj[d].correction_pos = h->seq[d].correction_pos;
		e->seqadj[d].offset_before = (uint32_t)h->seq[d].offset_before;
		e->seqadj[d].offset_after = (uint32_t)h->seq[d].offset_after;
	}
	ctk_entry_set(e, CTK_ATTR_SEQADJ_ORIG);
	ctk_entry_set(e, CTK_ATTR_SEQADJ_REPLY);
}

/*
 * Mark and zone as ctnetlink puts them: a dump always has the mark, an
 * event only when it is not zero or changed (IPCT_MARK); the zone only
 * when it is not the default one.
 */
static void fill_fw(const struct ctk_engine *eng, const struct ctk_conn *c, enum ctk_event ev,
		    uint32_t ev_mask, struct ctk_entry *e)
{
	const struct eng_fwext *x = (c->flags & CONN_FW) ? eng_fwext(eng, c) : NULL;

	e->mark = x ? x->mark : 0;
	if (ev == CTK_EV_NONE || e->mark || (ev_mask & EV_MARK))
		ctk_entry_set(e, CTK_ATTR_MARK);
	if (x && x->zone) {
		e->zone = x->zone;
		ctk_entry_set(e, CTK_ATTR_ZONE);
	}
	if (x && x->help && ev == CTK_EV_NONE)
		fill_help(x->help, c, e);
}

/* Remaining seconds as nf_ct_expires() / HZ: rounded down, never negative. */
static uint32_t remaining(const struct ctk_conn *c, uint64_t now)
{
	if (c->expires <= now)
		return 0;
	return (uint32_t)((c->expires - now) / NSEC_PER_SEC);
}

void eng_fill_entry(const struct ctk_engine *eng, const struct ctk_conn *c, uint64_t now,
		    enum ctk_event ev, uint32_t ev_mask, struct ctk_entry *e)
{
	struct eng_tuple orig, reply;

	ctk_entry_clear(e);
	eng_conn_tuple(c, &orig);
	eng_tuple_to_ctk(&orig, &e->orig);
	if (c->flags & CONN_FW)
		eng_conn_reply(eng, c, &reply);
	else
		eng_tuple_invert(&orig, c->reply_type, &reply);
	eng_tuple_to_ctk(&reply, &e->reply);
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	/* nf_ct_delete() sets IPS_DYING before the DESTROY event: only it shows the bit */
	e->status = ev == CTK_EV_DESTROY ? c->status : c->status & ~IPS_DYING;
	ctk_entry_set(e, CTK_ATTR_STATUS);
	e->id = c->id;
	ctk_entry_set(e, CTK_ATTR_ID);
	fill_fw(eng, c, ev, ev_mask, e);
	if (ev == CTK_EV_NONE) {
		e->use = 1 + eng_helper_refs(eng, c);
		ctk_entry_set(e, CTK_ATTR_USE);
	}
	if (ev != CTK_EV_DESTROY) {
		e->timeout = remaining(c, now);
		ctk_entry_set(e, CTK_ATTR_TIMEOUT);
	}
	if (c->l4 == IPPROTO_TCP &&
	    (ev == CTK_EV_NONE || ev == CTK_EV_DESTROY || (ev_mask & EV_PROTOINFO)))
		fill_tcp(c, ev != CTK_EV_DESTROY, e);
	if (c->l4 == IPPROTO_SCTP &&
	    (ev == CTK_EV_NONE || ev == CTK_EV_DESTROY || (ev_mask & EV_PROTOINFO)))
		fill_sctp(c, ev != CTK_EV_DESTROY, e);
	if (eng->cfg.acct && (ev == CTK_EV_NONE || ev == CTK_EV_DESTROY)) {
		e->counters[0] = eng_ext(eng, c)->cnt[0];
		e->counters[1] = eng_ext(eng, c)->cnt[1];
		ctk_entry_set(e, CTK_ATTR_COUNTERS_ORIG);
		ctk_entry_set(e, CTK_ATTR_COUNTERS_REPLY);
	}
	if (eng->cfg.timestamp && (ev == CTK_EV_NONE || ev == CTK_EV_DESTROY)) {
		e->ts_start = eng_ext(eng, c)->start;
		ctk_entry_set(e, CTK_ATTR_TS_START);
		if (ev == CTK_EV_DESTROY) {
			e->ts_stop = now;
			ctk_entry_set(e, CTK_ATTR_TS_STOP);
		}
	}
}

void eng_emit(struct ctk_engine *eng, struct ctk_conn *c, enum ctk_event ev, uint32_t ev_mask,
	      uint64_t now)
{
	if (!eng->ev_cb || !eng->cfg.events)
		return;
	eng_fill_entry(eng, c, now, ev, ev_mask, &eng->ev_entry);
	eng->ev_cb(&eng->ev_entry, ev, eng->ev_data);
}

void ctk_engine_conn_entry(const struct ctk_engine *eng, const struct ctk_conn *conn,
			   uint64_t now_ns, struct ctk_entry *e)
{
	eng_fill_entry(eng, conn, now_ns, CTK_EV_NONE, 0, e);
}
