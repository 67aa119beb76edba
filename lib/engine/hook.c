// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Conntrack hook by hook (ctkit/engine_hook.h): nf_conntrack_in at
 * ctk_engine_track(), nf_confirm at ctk_engine_confirm(). The tracking
 * itself is the plain path's (core.c) with eng->hooked set, which stops
 * it before the confirmation and the events; the zone of the lookup is
 * eng->cur_zone. A dropped packet's new entry is released unseen, and a
 * confirmed entry keeps the events of a dropped packet in its flags
 * until its next packet is confirmed (the kernel's event cache).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/engine_hook.h>
#include <stdio.h>
#include "engine/fwext.h"
#include "engine/helper.h"

/* A writable copy of the datagram the tracker saw, with room to grow. */
static bool keep_packet(struct eng_fw *fw, const uint8_t *l3, size_t len)
{
	size_t need = len + CTK_ENGINE_MANGLE_ROOM;

	if (need > fw->buf_cap) {
		uint8_t *b = realloc(fw->buf, need);

		if (!b)
			return false;
		fw->buf = b;
		fw->buf_cap = need;
	}
	memcpy(fw->buf, l3, len);
	fw->buf_len = len;
	return true;
}

/* A packet whose confirm or drop never came is taken as dropped. */
static void abandon(struct ctk_engine *eng, struct eng_fw *fw)
{
	struct ctk_verdict v = { .conn = fw->pkt_conn };

	ctk_engine_drop(eng, &v);
}

/* A new entry in another zone than 0 carries it from its creation. */
static bool set_zone(struct ctk_engine *eng, struct ctk_conn *c, uint16_t zone)
{
	struct eng_fwext *x;

	if (!zone || (c->flags & CONN_LINKED) || !(c->flags & CONN_IN_USE))
		return true;
	x = eng_fwext_get(eng, c);
	if (!x)
		return false;
	x->zone = zone;
	return true;
}

enum ctk_ct_state ctk_engine_track(struct ctk_engine *eng, const uint8_t *l3, size_t len,
				   uint64_t now_ns, uint16_t zone, struct ctk_verdict *v)
{
	struct eng_fw *fw = eng_fw_get(eng);
	enum ctk_ct_state st;

	if (!fw) {
		eng_verdict_init(eng, v);
		eng->v = NULL;
		v->dropped = true;
		return CTK_CT_INVALID;
	}
	if (fw->in_packet)
		abandon(eng, fw);
	eng_flush_deferred(eng);
	fw->buf_valid = false;
	fw->src = NULL;
	eng->hooked = true;
	eng->cur_zone = zone;
	st = eng_packet(eng, l3, len, now_ns, v);
	eng->hooked = false;
	eng->cur_zone = 0;
	fw->pkt_ev = eng->ev_mask;
	eng->ev_mask = 0;
	fw->pkt_conn = v->killed ? NULL : v->conn;
	fw->pkt_now = now_ns;
	fw->in_packet = !v->held;
	if (v->held)
		return st;
	fw->src = eng->whole ? eng->whole : l3;
	fw->src_len = eng->whole ? eng->whole_len : len;
	if (fw->pkt_conn && !set_zone(eng, fw->pkt_conn, zone)) {
		/* No memory for what the firewall path needs: the kernel would drop it. */
		v->dropped = true;
		ctk_engine_drop(eng, v);
		return st;
	}
	return st;
}

bool eng_fw_writable(struct eng_fw *fw)
{
	if (fw->buf_valid)
		return true;
	if (!fw->src || !keep_packet(fw, fw->src, fw->src_len))
		return false;
	fw->buf_valid = true;
	return true;
}

uint8_t *ctk_engine_track_packet(struct ctk_engine *eng, size_t *len)
{
	if (!eng->fw || !eng_fw_writable(eng->fw))
		return NULL;
	*len = eng->fw->buf_len;
	return eng->fw->buf;
}

/* __nf_conntrack_confirm's clash check: either tuple already in the table (in the zone). */
static bool clashes(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now)
{
	struct eng_tuple t;
	bool taken;

	eng->cur_zone = eng_conn_zone(eng, c);
	eng_conn_tuple(c, &t);
	taken = eng_find(eng, &t, eng_hash(eng, &t), now, NULL) != NULL;
	if (!taken) {
		eng_conn_reply(eng, c, &t);
		taken = eng_find(eng, &t, eng_hash(eng, &t), now, NULL) != NULL;
	}
	eng->cur_zone = 0;
	return taken;
}

/*
 * nf_confirm() runs the entry's helper first (it may create expectations
 * and, with NAT, rewrite the packet), then the sequence adjustment. A
 * helper's drop is logged by the kernel: it becomes the verdict's reason.
 */
static bool run_helper(struct ctk_engine *eng, struct eng_fw *fw, struct ctk_conn *c,
		       struct ctk_verdict *v)
{
	struct eng_help *h = eng_conn_help(eng, c);
	struct eng_pkt parsed = { .now = fw->pkt_now };
	struct eng_help_pkt p;
	struct eng_help_out out;
	struct ctk_verdict *saved = eng->v;

	if (!h || !eng_fw_writable(fw))
		return true;
	eng->v = NULL;	/* the packet was judged at track time: nothing more to log */
	if (!eng_parse_ip(eng, fw->buf, fw->buf_len, &parsed) || parsed.frag) {
		eng->v = saved;
		return true;
	}
	eng->v = saved;
	p = (struct eng_help_pkt){ .l3 = fw->buf, .len = fw->buf_len, .cap = fw->buf_cap,
				   .l4off = parsed.l4off, .dir = v->dir,
				   .established = v->state == CTK_CT_ESTABLISHED,
				   .now = fw->pkt_now };
	eng_helper_confirm(eng, c, h, &p, &out);
	fw->buf_len = p.len;
	if (!out.drop)
		return true;
	snprintf(v->reason, sizeof(v->reason), "%s: dropping packet: %.*s",
		 eng_helper_name((enum eng_helper_kind)h->kind), 64, out.note);
	return false;
}

int ctk_engine_confirm(struct ctk_engine *eng, struct ctk_verdict *v)
{
	struct eng_fw *fw = eng->fw;
	struct ctk_conn *c;
	struct eng_tuple t;

	if (!fw || !fw->in_packet)
		return 0;
	fw->in_packet = false;
	c = fw->pkt_conn;
	if (!c)
		return 0;
	if (!run_helper(eng, fw, c, v)) {
		fw->in_packet = true;
		ctk_engine_drop(eng, v);
		return -EPERM;
	}
	eng->ev_mask = fw->pkt_ev;
	if (!(c->flags & CONN_LINKED)) {
		if (clashes(eng, c, fw->pkt_now)) {
			eng->stats[CTK_STAT_DROP]++;
			eng->stats[CTK_STAT_INSERT_FAILED]++;
			eng->ev_mask = 0;
			eng_release(eng, c);
			v->conn = NULL;
			v->dropped = true;
			return -EEXIST;
		}
		eng_conn_tuple(c, &t);
		eng_confirm(eng, c, eng_hash(eng, &t));
		eng_nat_link(eng, c);
		eng->ev_mask |= EV_NEW;
	}
	eng_deliver_events(eng, c, fw->pkt_now);
	return 0;
}

void ctk_engine_drop(struct ctk_engine *eng, struct ctk_verdict *v)
{
	struct eng_fw *fw = eng->fw;
	struct ctk_conn *c;

	if (!fw || !fw->in_packet)
		return;
	fw->in_packet = false;
	c = fw->pkt_conn;
	if (!c)
		return;
	if (!(c->flags & CONN_LINKED)) {
		eng_release(eng, c);
		v->conn = NULL;	/* gone: the verdict keeps only the packet's tuple */
		return;
	}
	/* NEW never waits: only an unconfirmed entry has it, and that one is gone. */
	c->flags |= (uint8_t)((fw->pkt_ev & ~(uint32_t)EV_NEW) << CONN_PEND_SHIFT);
}
