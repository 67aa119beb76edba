// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-packet path, in the order of the kernel's nf_conntrack_in():
 * find the transport header, let ICMP errors attach to the connection
 * they quote, look the tuple up (creating an unconfirmed entry if none),
 * let the protocol tracker judge the packet, note the first reply, then
 * confirm a new entry and deliver at most one event.
 *
 * Which stats a packet bumps also follows the kernel: "invalid" for
 * packets without a usable tuple or judged invalid by a tracker, "error"
 * for failed ICMP error checks, "drop" when the table is full.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/eng.h"
#include "engine/expect.h"
#include "engine/fwext.h"

const char *ctk_ct_state_name(enum ctk_ct_state s)
{
	static const char *const names[] = {
		[CTK_CT_INVALID] = "invalid",
		[CTK_CT_NEW] = "new",
		[CTK_CT_ESTABLISHED] = "established",
		[CTK_CT_RELATED] = "related",
		[CTK_CT_UNTRACKED] = "untracked",
	};

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "invalid";
}

static uint64_t secs(uint32_t s)
{
	return (uint64_t)s * NSEC_PER_SEC;
}

static void load_timeouts(struct ctk_engine *eng)
{
	const struct ctk_engine_config *c = &eng->cfg;
	uint64_t *t = eng->tcp_timeouts;

	t[TCP_S_NONE] = secs(c->tcp_timeout_syn_sent);
	t[TCP_S_SYN_SENT] = secs(c->tcp_timeout_syn_sent);
	t[TCP_S_SYN_RECV] = secs(c->tcp_timeout_syn_recv);
	t[TCP_S_ESTABLISHED] = secs(c->tcp_timeout_established);
	t[TCP_S_FIN_WAIT] = secs(c->tcp_timeout_fin_wait);
	t[TCP_S_CLOSE_WAIT] = secs(c->tcp_timeout_close_wait);
	t[TCP_S_LAST_ACK] = secs(c->tcp_timeout_last_ack);
	t[TCP_S_TIME_WAIT] = secs(c->tcp_timeout_time_wait);
	t[TCP_S_CLOSE] = secs(c->tcp_timeout_close);
	/* The kernel has no SYN_SENT2 sysctl: it follows syn_sent. */
	t[TCP_S_SYN_SENT2] = secs(c->tcp_timeout_syn_sent);
	t[TCP_S_RETRANS] = secs(c->tcp_timeout_max_retrans);
	t[TCP_S_UNACK] = secs(c->tcp_timeout_unacknowledged);
	eng->udp_timeouts[0] = secs(c->udp_timeout);
	eng->udp_timeouts[1] = secs(c->udp_timeout_stream);
	eng->icmp_timeout = secs(c->icmp_timeout);
	eng->icmpv6_timeout = secs(c->icmpv6_timeout);
	eng->generic_timeout = secs(c->generic_timeout);
	eng->gre_timeouts[0] = secs(c->gre_timeout);
	eng->gre_timeouts[1] = secs(c->gre_timeout_stream);
}

struct ctk_engine *ctk_engine_new(const struct ctk_engine_config *cfg)
{
	struct ctk_engine *eng = calloc(1, sizeof(*eng));

	if (!eng)
		return NULL;
	if (cfg)
		eng->cfg = *cfg;
	else
		ctk_engine_config_init(&eng->cfg);
	if (!eng->cfg.buckets) {
		free(eng);
		errno = EINVAL;
		return NULL;
	}
	eng->seed = eng->cfg.hash_seed ? eng->cfg.hash_seed : 0x6a09e667f3bcc908ull;
	load_timeouts(eng);
	if (eng_table_init(eng) != 0) {
		ctk_engine_free(eng);
		errno = ENOMEM;
		return NULL;
	}
	return eng;
}

void ctk_engine_free(struct ctk_engine *eng)
{
	if (!eng)
		return;
	eng_table_fini(eng);
	eng_defrag_free(eng);
	eng_expect_free(eng);
	free(eng);
}

void ctk_engine_reset(struct ctk_engine *eng)
{
	eng_table_reset(eng);
	eng_defrag_reset(eng);
	eng_expect_reset(eng);
	eng->nahead = 0;
	memset(eng->stats, 0, sizeof(eng->stats));
	memset(eng->invalid, 0, sizeof(eng->invalid));
	eng->ev_mask = 0;
	eng->v = NULL;
	eng->hooked = false;
	eng->cur_zone = 0;
}

/* Every *_timeout knob is a timeout some entry can get: the table of knobs says which exist. */
uint64_t ctk_engine_min_timeout(const struct ctk_engine *eng)
{
	uint64_t best = UINT64_MAX / NSEC_PER_SEC, secs;
	const char *name;

	for (unsigned int i = 0; (name = ctk_engine_config_name(i)); i++)
		if (strstr(name, "timeout") && ctk_engine_config_get(&eng->cfg, name, &secs) == 0 &&
		    secs < best)
			best = secs;
	return best * NSEC_PER_SEC;
}

const struct ctk_engine_config *ctk_engine_config(const struct ctk_engine *eng)
{
	return &eng->cfg;
}

void ctk_engine_set_event_cb(struct ctk_engine *eng, ctk_entry_cb cb, void *data)
{
	eng->ev_cb = cb;
	eng->ev_data = data;
}

void ctk_engine_stats(const struct ctk_engine *eng, struct ctk_cpu_stats *s)
{
	/* The fields ctnetlink_ct_stat_cpu_fill_info() sends. */
	static const enum ctk_stat sent[] = {
		CTK_STAT_FOUND, CTK_STAT_INVALID, CTK_STAT_INSERT, CTK_STAT_INSERT_FAILED,
		CTK_STAT_DROP, CTK_STAT_EARLY_DROP, CTK_STAT_ERROR, CTK_STAT_SEARCH_RESTART,
		CTK_STAT_CLASH_RESOLVE, CTK_STAT_CHAIN_TOOLONG,
	};

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++) {
		s->present |= 1u << sent[i];
		s->value[sent[i]] = eng->stats[sent[i]];
	}
}

void eng_acct(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
	      enum ctk_dir dir)
{
	struct ctk_counters *cnt;

	if (!eng->cfg.acct)
		return;
	cnt = &eng_ext(eng, c)->cnt[dir];
	cnt->packets++;
	cnt->bytes += p->len;
}

void eng_refresh_acct(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
		      enum ctk_dir dir, uint64_t timeout)
{
	if (!(c->status & IPS_FIXED_TIMEOUT))
		eng_set_timeout(eng, c, p->now, timeout);
	eng_acct(eng, c, p, dir);
}

static enum ctk_ct_state finish(struct ctk_verdict *v, enum ctk_ct_state st)
{
	v->state = st;
	return st;
}

static enum ctk_ct_state count_invalid(struct ctk_engine *eng, struct ctk_verdict *v)
{
	eng->stats[CTK_STAT_INVALID]++;
	v->conn = NULL;
	return finish(v, CTK_CT_INVALID);
}

static enum eng_res handle_packet(struct ctk_engine *eng, struct ctk_conn *c,
				  const struct eng_pkt *p, enum ctk_dir dir, bool *kill)
{
	switch (c->l4) {
	case IPPROTO_TCP:
		return eng_tcp_packet(eng, c, p, dir, kill);
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return eng_udp_packet(eng, c, p, dir);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return eng_icmp_packet(eng, c, p, dir);
	case IPPROTO_SCTP:
		return eng_sctp_packet(eng, c, p, dir);
	case IPPROTO_GRE:
		return eng_gre_packet(eng, c, p, dir);
	default:
		return eng_generic_packet(eng, c, p, dir);
	}
}

/* A fresh, unconfirmed entry for @t; NULL (verdict filled) if impossible. */
static struct ctk_conn *new_conn(struct ctk_engine *eng, const struct eng_tuple *t, uint32_t hash,
				 uint64_t now, struct ctk_verdict *v)
{
	uint8_t reply_type = t->type;
	struct ctk_conn *c;

	/* nf_ct_invert_tuple(): ICMP types without an answer type cannot start one. */
	if ((t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6) &&
	    !eng_icmp_invert_type(t->l4, t->type, &reply_type)) {
		eng_invalid(eng, ENG_INVALID, CTK_INVALID_NO_REPLY_TYPE, t->type);
		return NULL;
	}
	c = eng_alloc(eng, t, hash, now);
	if (!c) {
		eng->stats[CTK_STAT_DROP]++;
		v->dropped = true;
		eng_invalid(eng, ENG_INVALID, CTK_INVALID_TABLE_FULL);
		return NULL;
	}
	c->reply_type = reply_type;
	return c;
}

static enum ctk_ct_state ctinfo_state(const struct ctk_conn *c, enum ctk_dir dir)
{
	if (dir == CTK_DIR_REPLY || (c->status & IPS_SEEN_REPLY))
		return CTK_CT_ESTABLISHED;
	if (c->status & IPS_EXPECTED)
		return CTK_CT_RELATED;
	return CTK_CT_NEW;
}

static void deliver_events(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now)
{
	uint32_t ev = eng->ev_mask;

	eng->ev_mask = 0;
	/* Events a dropped packet left behind go out with this one's (ctk_engine_drop). */
	if (c->flags & CONN_PEND_MASK) {
		ev |= (uint32_t)(c->flags & CONN_PEND_MASK) >> CONN_PEND_SHIFT;
		c->flags &= (uint8_t)~CONN_PEND_MASK;
	}
	if (!ev || !(c->flags & CONN_LINKED))
		return;
	eng_emit(eng, c, (ev & EV_NEW) ? CTK_EV_NEW : CTK_EV_UPDATE, ev, now);
}

enum ctk_ct_state eng_track(struct ctk_engine *eng, const struct eng_pkt *p,
			    const struct eng_tuple *t, uint32_t hash, struct ctk_verdict *v)
{
	enum ctk_dir dir = CTK_DIR_ORIG;
	struct ctk_conn *c;
	enum eng_res res;
	bool kill;

	for (int tries = 0;; tries++) {
		c = eng_find(eng, t, hash, p->now, &dir);
		if (!c) {
			c = new_conn(eng, t, hash, p->now, v);
			if (!c)
				return v->dropped ? finish(v, CTK_CT_INVALID) : count_invalid(eng, v);
			dir = CTK_DIR_ORIG;
			if (eng->nexp)
				eng_expect_apply(eng, c, t, p->now);
		}
		v->conn = c;
		v->dir = dir;
		v->state = ctinfo_state(c, dir);
		kill = false;
		res = handle_packet(eng, c, p, dir, &kill);
		/* -NF_REPEAT: the old entry is gone, the packet starts a new one. */
		if (res != ENG_REPEAT || tries > 0)
			break;
		eng->ev_mask = 0;
	}
	if (res != ENG_ACCEPT) {
		if (!(c->flags & CONN_LINKED))
			eng_release(eng, c);
		eng->ev_mask = 0;
		return count_invalid(eng, v);
	}
	eng_tuple_to_ctk(t, &v->tuple);
	if (kill) {
		v->killed = true;
		eng->ev_mask = 0;
		if (c->flags & CONN_LINKED)
			eng_kill(eng, c, p->now);
		else
			eng_release(eng, c);
		return v->state;
	}
	if (dir == CTK_DIR_REPLY && !(c->status & IPS_SEEN_REPLY)) {
		c->status |= IPS_SEEN_REPLY;
		eng->ev_mask |= EV_REPLY;
	}
	/* Hook by hook, ctk_engine_confirm() does the rest when the packet leaves. */
	if (eng->hooked)
		return v->state;
	if (!(c->flags & CONN_LINKED)) {
		eng_confirm(eng, c, hash);
		eng->ev_mask |= EV_NEW;
	}
	deliver_events(eng, c, p->now);
	return v->state;
}

void eng_deliver_events(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now)
{
	deliver_events(eng, c, now);
}

/*
 * A fragment: hold it, or go on with the whole datagram in @p. Held and
 * dropped fragments never reach conntrack (no stats), as with the kernel's
 * defrag in front of it.
 */
static bool reassemble(struct ctk_engine *eng, struct eng_pkt *p, struct ctk_verdict *v)
{
	const uint8_t *whole;
	uint32_t len;

	switch (eng_defrag(eng, p, &whole, &len)) {
	case DEFRAG_HELD:
		v->held = true;
		return false;
	case DEFRAG_BAD:
		return false;
	case DEFRAG_DONE:
		break;
	}
	eng->whole = whole;
	eng->whole_len = len;
	memset(p, 0, offsetof(struct eng_pkt, now));
	if (!eng_parse_ip(eng, whole, len, p) || p->frag)
		return false;
	return true;
}

static enum ctk_ct_state packet_path(struct ctk_engine *eng, const uint8_t *l3, size_t len,
				     uint64_t now_ns, struct ctk_verdict *v)
{
	struct eng_pkt p = { .now = now_ns };
	struct eng_tuple t;
	enum ctk_dir dir = CTK_DIR_ORIG;
	const struct eng_ahead *a = eng->nahead ? eng_ahead_take(eng, l3, len) : NULL;

	if (a) {
		/* parsed and hashed by ctk_engine_prefetch(): not a fragment, not ICMP */
		p = a->p;
		p.now = now_ns;
		v->l3num = p.l3num;
		v->l4num = p.l4num;
		return eng_track(eng, &p, &a->t, a->hash, v);
	}
	if (!eng_parse_ip(eng, l3, len, &p)) {
		v->l3num = p.l3num;
		return p.tracked ? count_invalid(eng, v) : finish(v, CTK_CT_INVALID);
	}
	v->l3num = p.l3num;
	if (p.frag && !reassemble(eng, &p, v))
		return finish(v, CTK_CT_INVALID);
	v->l4num = p.l4num;
	if ((p.l4num == IPPROTO_ICMP && p.l3num == AF_INET) ||
	    (p.l4num == IPPROTO_ICMPV6 && p.l3num == AF_INET6)) {
		switch (eng_icmp_error(eng, &p, &v->conn, &dir)) {
		case ICMP_PRE_ERROR:
			eng->stats[CTK_STAT_ERROR]++;
			v->conn = NULL;
			return finish(v, CTK_CT_INVALID);
		case ICMP_PRE_RELATED:
			v->dir = dir;
			return finish(v, CTK_CT_RELATED);
		case ICMP_PRE_UNTRACKED:
			return finish(v, CTK_CT_UNTRACKED);
		case ICMP_PRE_TRACK:
			break;
		}
	}
	if (!eng_parse_tuple(p.l3, p.len, p.l3, p.l3num, p.l4off, p.l4num, &t)) {
		eng_invalid(eng, ENG_INVALID, CTK_INVALID_NO_TUPLE);
		return count_invalid(eng, v);
	}
	return eng_track(eng, &p, &t, eng_hash(eng, &t), v);
}

/*
 * A verdict without the tracker's tuple (no entry, or an ICMP error
 * related to one) reads it from the packet as given, not from a
 * reassembled datagram: the tuple names the packet the caller passed.
 */
void eng_verdict_tuple(struct ctk_verdict *v, const uint8_t *l3, size_t len)
{
	if (!v->tuple.l3num)
		eng_raw_tuple(l3, len, &v->tuple);
}

void eng_verdict_init(struct ctk_engine *eng, struct ctk_verdict *v)
{
	v->state = CTK_CT_INVALID;
	v->dir = CTK_DIR_ORIG;
	v->conn = NULL;
	v->killed = v->dropped = v->held = false;
	v->l3num = v->l4num = 0;
	v->why = CTK_INVALID_NONE;
	v->tuple.l3num = 0;	/* filled once known (eng_verdict_tuple) */
	v->reason[0] = '\0';
	eng->v = v;
	eng->ev_mask = 0;
	eng->whole = NULL;
}

enum ctk_ct_state eng_packet(struct ctk_engine *eng, const uint8_t *l3, size_t len,
			     uint64_t now_ns, struct ctk_verdict *v)
{
	enum ctk_ct_state st;

	eng_verdict_init(eng, v);
	st = packet_path(eng, l3, len, now_ns, v);
	eng_verdict_tuple(v, l3, len);
	eng->v = NULL;	/* reasons belong to this packet only */
	return st;
}

enum ctk_ct_state ctk_engine_packet(struct ctk_engine *eng, const uint8_t *l3, size_t len,
				    uint64_t now_ns, struct ctk_verdict *v)
{
	eng_flush_deferred(eng);
	return eng_packet(eng, l3, len, now_ns, v);
}

struct ctk_conn *ctk_engine_lookup(struct ctk_engine *eng, const struct ctk_tuple *ct,
				   uint64_t now_ns, enum ctk_dir *dir)
{
	struct eng_tuple t;

	eng_tuple_from_ctk(ct, &t);
	eng_flush_deferred(eng);
	return eng_find(eng, &t, eng_hash(eng, &t), now_ns, dir);
}
