// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack --pcap FILE: replay a capture through the userspace engine
 * and run the command against it (see run_pcap.h, docs/pcap.md).
 *
 * The engine's clock is the capture's: -L lists the table as of the last
 * packet (timeouts relative to it), -E prints events when the trace made
 * them (DESTROY on expiry included, since expiry runs before each
 * packet), and -o timestamp prints packet times. Outputs reuse the
 * kernel path's formatters and filters, so a replayed table reads like
 * a kernel dump. Two lines are ctkit's own: [INVALID] in -E and the
 * per-packet verdicts of --packets.
 *
 * Commands that print only once the capture is replayed (-L, -C, -S,
 * -G) feed the engine CTK_ENGINE_BATCH packets at a time, several times
 * faster on large tables; a batch never crosses a moment at which an
 * entry could expire, so the table, counters and output are those of one
 * packet at a time (CTKIT_PCAP_BATCH=0 forces that path, for tests).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctkit/engine.h>
#include <ctkit/engine_hook.h>
#include <ctkit/filter.h>
#include <ctkit/fw.h>
#include <ctkit/ruleset.h>

#include "group_print.h"
#include "pcap_policy.h"
#include "pcap_sink.h"
#include "pcap_source.h"
#include "pcap_verdict.h"
#include "report.h"
#include "run.h"
#include "run_pcap.h"

/* -E walks gaps between packets in these steps, up to this long. */
#define EXPIRY_STEP_NS 1000000000ull
#define EXPIRY_WALK_MAX_NS (7ull * 86400 * EXPIRY_STEP_NS)

struct replay_batch;

struct ct_replay {
	const struct ct_cli *cli;
	struct ctk_out *out;
	struct ctk_fmt fmt;
	struct ctk_engine *eng;
	struct ctk_fw *fw;		/* per-packet commands and any firewall option */
	struct ctk_ruleset *rs;		/* --ruleset, NULL without */
	struct ct_pcap_sink *sink;	/* --pcap-out */
	struct ct_pcap *src;
	uint64_t now;			/* engine clock: the latest packet time */
	uint64_t packet;		/* number of the packet being tracked, 0 during expiry */
	unsigned int counter;		/* entries, events or verdicts shown */
	bool xml_open;
	bool live;			/* stdin: flush after each packet's lines */
	struct replay_batch *batch;	/* NULL: one packet at a time */
	struct lookahead *ahead;	/* one at a time from a file: frames read ahead */
	/*
	 * One packet at a time: before this time nothing can expire (as a
	 * batch's horizon), so the clock moves without asking the engine.
	 */
	uint64_t expiry_fence;
	uint64_t min_timeout;		/* ns: the shortest timeout a packet can give an entry */
	struct ctk_groups *groups;	/* --group-by: the table counted, not listed */
	int group_err;
	uint64_t ip_packets;
	uint64_t bad_csum;		/* layer-4 checksum failures, for the hint at the end */
	struct ctk_entry scratch;	/* -G, and tuples of packets without an entry */
	char line[16384];
};

/* ---- small output helpers ---------------------------------------------------------- */

/* Packet times as seconds with microseconds, as tcpdump and -o timestamp print them. */
static void put_time(struct ct_replay *r, const char *pre, uint64_t ns, const char *post)
{
	ctk_out_printf(r->out, "%s%llu.%06llu%s", pre, (unsigned long long)(ns / 1000000000ull),
		(unsigned long long)(ns % 1000000000ull / 1000), post);
}

/* Format @e into r->line; returns its length (cut at the buffer's end). */
static size_t format_entry(struct ct_replay *r, const struct ctk_entry *e, enum ctk_event ev)
{
	size_t n = ctk_format_entry(r->line, sizeof(r->line), e, ev, &r->fmt);

	return n < sizeof(r->line) ? n : sizeof(r->line) - 1;
}

/*
 * The caller has opened an object and written its own members; the
 * formatted entry in r->line (one JSON object) adds its members after
 * them, then the packet time (@with_time), then the closing brace.
 */
static void put_json_spliced(struct ct_replay *r, size_t len, bool with_time)
{
	const char *obj = r->line;

	/* The formatter always writes one object; anything else would be cut off ("{}"). */
	if (len > 2 && obj[0] == '{' && obj[len - 1] == '}') {
		ctk_out_puts(r->out, ",");
		ctk_out_write(r->out, obj + 1, len - 2);
	}
	if (with_time)
		put_time(r, ",\"time\":", r->now, "");
	ctk_out_puts(r->out, "}");
}

static bool selected(const struct ct_replay *r, const struct ctk_entry *e)
{
	const struct ct_cli *cli = r->cli;

	if (cli->family != AF_UNSPEC && e->orig.l3num != cli->family)
		return false;
	return ct_selected(cli, e);
}

static bool expect_table(const struct ct_replay *r)
{
	return r->cli->table == CT_TABLE_EXPECT;
}

static void open_xml(struct ct_replay *r)
{
	if (r->fmt.kind == CTK_FMT_XML && !r->xml_open) {
		ctk_out_puts(r->out, expect_table(r) ? CTK_XML_EXP_HEADER : CTK_XML_HEADER);
		r->xml_open = true;
	}
}

static void close_xml(struct ct_replay *r)
{
	if (r->xml_open)
		ctk_out_puts(r->out, expect_table(r) ? CTK_XML_EXP_FOOTER : CTK_XML_FOOTER);
}

/* As the kernel path: without -f, the IPv4 expectations only (COMPATIBILITY.md). */
static bool expect_selected(const struct ct_replay *r, const struct ctk_expect *x)
{
	uint8_t family = r->cli->family != AF_UNSPEC ? r->cli->family : AF_INET;

	return ctk_expect_family(x) == family;
}

/* An entry holding only the tuple of a packet the engine kept no entry for. */
static const struct ctk_entry *packet_entry(struct ct_replay *r, const struct ctk_verdict *v)
{
	ctk_entry_clear(&r->scratch);
	if (v->tuple.l3num) {
		r->scratch.orig = v->tuple;
		ctk_entry_set(&r->scratch, CTK_ATTR_ORIG);
	}
	return &r->scratch;
}

/* ---- -E: events and [INVALID] lines, in trace time ------------------------------- */

static unsigned int event_bit(enum ctk_event ev)
{
	return ev == CTK_EV_NEW ? CT_EVENT_NEW
	       : ev == CTK_EV_UPDATE ? CT_EVENT_UPDATE
	       : ev == CTK_EV_DESTROY ? CT_EVENT_DESTROY : 0;
}

static int on_event(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ct_replay *r = data;
	size_t len;

	if (!(r->cli->event_mask & event_bit(ev)) || !selected(r, e))
		return CTK_CB_OK;
	open_xml(r);
	if (r->cli->output_timestamp && r->fmt.kind == CTK_FMT_DEFAULT)
		put_time(r, "[", r->now, "]\t");
	len = format_entry(r, e, ev);
	if (r->fmt.kind == CTK_FMT_JSON) {
		ctk_out_puts(r->out, "{");
		if (r->packet)
			ctk_out_printf(r->out, "\"packet\":%llu", (unsigned long long)r->packet);
		else
			ctk_out_puts(r->out, "\"expired\":true");
		put_json_spliced(r, len, true);
	} else {
		ctk_out_write(r->out, r->line, len);
	}
	ctk_out_puts(r->out, "\n");
	r->counter++;
	return CTK_CB_OK;
}

/* -E expect: expectations made, taken and expired, in trace time. */
static int on_expect_event(const struct ctk_expect *x, enum ctk_event ev, void *data)
{
	struct ct_replay *r = data;

	if (!(r->cli->event_mask & event_bit(ev)) || !expect_selected(r, x))
		return CTK_CB_OK;
	open_xml(r);
	ctk_out_expect(r->out, x, ev, &r->fmt);
	r->counter++;
	return CTK_CB_OK;
}

/*
 * "[INVALID] packet=N <the packet's tuple> reason="..."": the tag fits
 * the event tag column; text and JSON only (XML and save describe
 * entries, and an invalid packet has none). Shown unless -e was given.
 */
static void print_invalid(struct ct_replay *r, const struct ctk_verdict *v)
{
	const struct ctk_entry *e = packet_entry(r, v);
	size_t n;

	if (!selected(r, e))
		return;
	if (r->fmt.kind == CTK_FMT_JSON) {
		n = format_entry(r, e, CTK_EV_NONE);
		ctk_out_printf(r->out, "{\"event\":\"invalid\",\"packet\":%llu,\"reason\":",
			(unsigned long long)r->packet);
		ct_json_string(r->out, v->reason);
		put_json_spliced(r, n, true);
	} else if (r->fmt.kind == CTK_FMT_DEFAULT) {
		if (r->cli->output_timestamp)
			put_time(r, "[", r->now, "]\t");
		n = format_entry(r, e, CTK_EV_NONE);
		ctk_out_printf(r->out, "[INVALID] packet=%llu ", (unsigned long long)r->packet);
		ctk_out_write(r->out, r->line, n);
		if (n && r->line[n - 1] != ' ')
			ctk_out_puts(r->out, " ");
		ctk_out_printf(r->out, "reason=\"%s\"", v->reason);
	} else {
		return;
	}
	ctk_out_puts(r->out, "\n");
}

/* ---- --packets: one verdict per packet ----------------------------------------- */

/* ct direction: only packets with an entry have one (a dropped NEW packet had one). */
static const char *dir_name(const struct ctk_verdict *v)
{
	if (v->state != CTK_CT_NEW && v->state != CTK_CT_ESTABLISHED &&
	    v->state != CTK_CT_RELATED)
		return NULL;
	return v->dir == CTK_DIR_REPLY ? "reply" : "original";
}

static const struct ctk_entry *verdict_entry(struct ct_replay *r, const struct ctk_verdict *v)
{
	if (!v->conn)
		return packet_entry(r, v);
	/* Only the orig tuple is shown: the entry's identity, not its state. */
	ctk_engine_conn_entry(r->eng, v->conn, r->now, &r->scratch);
	r->scratch.present = 0;
	ctk_entry_set(&r->scratch, CTK_ATTR_ORIG);
	return &r->scratch;
}

static const char *state_name(const struct ctk_fw_verdict *v)
{
	/* Held, discarded and raw-dropped packets never met conntrack. */
	if (!v->tracked && v->ct.state != CTK_CT_UNTRACKED)
		return NULL;
	return ctk_ct_state_name(v->ct.state);
}

static void packets_json(struct ct_replay *r, const struct ctk_fw_verdict *fv,
			 const struct ctk_entry *e)
{
	const struct ctk_verdict *v = &fv->ct;
	const char *dir = dir_name(v), *state = state_name(fv);
	size_t n = format_entry(r, e, CTK_EV_NONE);

	ctk_out_printf(r->out, "{\"packet\":%llu", (unsigned long long)r->packet);
	put_time(r, ",\"time\":", r->now, "");
	ctk_out_puts(r->out, ",\"state\":");
	ctk_out_printf(r->out, state ? "\"%s\"" : "null", state);
	ctk_out_puts(r->out, ",\"direction\":");
	if (dir)
		ctk_out_printf(r->out, "\"%s\"", dir);
	else
		ctk_out_puts(r->out, "null");
	ctk_out_puts(r->out, ",\"reason\":");
	if (v->reason[0])
		ct_json_string(r->out, v->reason);
	else
		ctk_out_puts(r->out, "null");
	ct_verdict_json(r->out, fv, r->rs != NULL);
	if (v->killed)
		ctk_out_puts(r->out, ",\"killed\":true");
	if (v->dropped)
		ctk_out_puts(r->out, ",\"dropped\":true");
	put_json_spliced(r, n, false);
}

static void packets_text(struct ct_replay *r, const struct ctk_fw_verdict *fv,
			 const struct ctk_entry *e)
{
	const struct ctk_verdict *v = &fv->ct;
	const char *dir = dir_name(v), *state = state_name(fv);
	size_t n = format_entry(r, e, CTK_EV_NONE);

	ctk_out_printf(r->out, "%llu ", (unsigned long long)r->packet);
	put_time(r, "", r->now, " ");
	ctk_out_printf(r->out, "%-11s %-8s %-7s ", state ? state : "-", dir ? dir : "-",
		       ctk_fw_verdict_name(fv->verdict));
	ctk_out_write(r->out, r->line, n);
	if (v->reason[0]) {
		if (n && r->line[n - 1] != ' ')
			ctk_out_puts(r->out, " ");
		ctk_out_printf(r->out, "reason=\"%s\"", v->reason);
	}
	if (v->killed)
		ctk_out_puts(r->out, " [KILLED]");
	if (v->dropped)
		ctk_out_puts(r->out, " [DROPPED]");
	ct_verdict_text(r->out, fv, r->rs != NULL);
}

static void print_verdict(struct ct_replay *r, const struct ctk_fw_verdict *v)
{
	const struct ctk_entry *e = verdict_entry(r, &v->ct);

	if (!selected(r, e))
		return;
	if (r->fmt.kind == CTK_FMT_JSON)
		packets_json(r, v, e);
	else
		packets_text(r, v, e);
	ctk_out_puts(r->out, "\n");
	r->counter++;
}

static void on_trace(const struct ctk_fw_trace *t, void *data)
{
	struct ct_replay *r = data;

	ct_trace_line(r->out, r->packet, t, r->fmt.kind == CTK_FMT_JSON);
}

/* ---- the replay loop ------------------------------------------------------------- */

static void set_clock(struct ct_replay *r, uint64_t now)
{
	r->now = now;
	r->fmt.now = (int64_t)(now / 1000000000ull);
	r->packet = 0;
}

static void expire_at(struct ct_replay *r, uint64_t now)
{
	set_clock(r, now);
	ctk_engine_expire(r->eng, now);
}

/*
 * The first time expiry could destroy something after @ts: entries there
 * now are due no sooner than ctk_engine_next_expiry(), and a packet from
 * @ts on gives an entry no deadline sooner than its time plus the
 * shortest timeout. Expectations have deadlines (and masters) the
 * engine's next expiry does not count: with any, there is no fence.
 */
static uint64_t expiry_fence(const struct ct_replay *r, uint64_t ts)
{
	uint64_t next = ctk_engine_next_expiry(r->eng);
	uint64_t due = ts + r->min_timeout < ts ? UINT64_MAX : ts + r->min_timeout;

	if (ctk_engine_expect_count(r->eng))
		return 0;
	return next < due ? next : due;
}

/*
 * Move the engine's clock to a packet's time. It never goes back
 * (captures merged from several interfaces can). For -E, a gap is
 * walked a second at a time so that a DESTROY is printed within a second
 * of its deadline, not at the next packet; very long gaps are jumped.
 */
static void advance_clock(struct ct_replay *r, uint64_t ts)
{
	if (ts < r->now)
		ts = r->now;
	if (ts < r->expiry_fence && !ctk_engine_expect_count(r->eng)) {
		set_clock(r, ts);	/* expiry now, or a walk to now, would do nothing */
		return;
	}
	if (r->cli->cmd == CT_CMD_EVENT && r->now && ts - r->now <= EXPIRY_WALK_MAX_NS)
		for (uint64_t t = r->now + EXPIRY_STEP_NS; t < ts; t += EXPIRY_STEP_NS)
			expire_at(r, t);
	expire_at(r, ts);
	r->expiry_fence = expiry_fence(r, ts);
}

/* The counters every tracked packet feeds, batched or not. */
static void count_verdict(struct ct_replay *r, const struct ctk_verdict *v)
{
	r->ip_packets++;
	if (v->state == CTK_CT_INVALID && v->reason[0] != '(' && strstr(v->reason, "checksum"))
		r->bad_csum++;
}

/* ---- batches: packets with no expiry moment among them ------------------------------ */

/*
 * pcap reuses its buffer at the next read: a batch's frames are copied
 * here (1 MiB, reused; a frame too large for it is tracked alone).
 */
#define BATCH_ARENA_BYTES ((size_t)CTK_ENGINE_BATCH * 4096)

struct replay_batch {
	struct ctk_packet pkt[CTK_ENGINE_BATCH];
	struct ctk_verdict v[CTK_ENGINE_BATCH];
	unsigned int n;
	size_t used;		/* arena bytes taken by pkt[0..n) */
	uint64_t horizon;	/* a frame at or after this time starts a batch, after expiry */
	uint8_t arena[BATCH_ARENA_BYTES];
};

static void batch_run(struct ct_replay *r)
{
	struct replay_batch *b = r->batch;

	if (!b->n)
		return;
	ctk_engine_packets(r->eng, b->pkt, b->n, b->v);
	for (unsigned int i = 0; i < b->n; i++)
		count_verdict(r, &b->v[i]);
	b->n = 0;
	b->used = 0;
}

/*
 * A batch starts as a packet of the one-packet path does, with expiry at
 * its time. Until the horizon (expiry_fence()) nothing can expire, so the
 * expiry the one-packet path runs before each later packet of the batch
 * would do nothing; time never goes back (advance_clock).
 */
static void batch_start(struct ct_replay *r, uint64_t ts)
{
	struct replay_batch *b = r->batch;

	expire_at(r, ts);
	if (ts >= b->horizon)
		b->horizon = expiry_fence(r, ts);
}

static void batch_frame(struct ct_replay *r, const uint8_t *l3, size_t len, uint64_t ts)
{
	struct replay_batch *b = r->batch;
	struct ctk_packet *p;

	if (ts < r->now)
		ts = r->now;
	if (b->n && (b->n == CTK_ENGINE_BATCH || ts >= b->horizon ||
		     len > sizeof(b->arena) - b->used))
		batch_run(r);
	if (!b->n)
		batch_start(r, ts);
	r->now = ts;
	if (len > sizeof(b->arena)) {
		ctk_engine_packet(r->eng, l3, len, ts, &b->v[0]);
		count_verdict(r, &b->v[0]);
		return;
	}
	p = &b->pkt[b->n++];
	memcpy(b->arena + b->used, l3, len);
	p->l3 = b->arena + b->used;
	p->len = (uint32_t)len;
	p->now_ns = ts;
	b->used += len;
}

/* ---- one packet at a time: -E and --packets print as the trace goes ---------------- */

/*
 * The firewall path takes packets one at a time, so at a large table each
 * would wait for its own cache misses. Frames are read ahead in groups:
 * the engine is told of a group (ctk_engine_prefetch) one group before
 * its packets are tracked, so their entries are in the cache by then;
 * they are still taken in order, one at a time. Not for live input, whose
 * lines must not wait for later packets.
 */
#define AHEAD_GROUP 16
#define AHEAD_SLOTS (2 * AHEAD_GROUP)
#define AHEAD_FRAME_MAX 2048	/* a longer frame is taken alone, after the others */

struct lookahead {
	struct ct_pcap_frame f[AHEAD_SLOTS];
	char ifname[AHEAD_SLOTS][IF_NAMESIZE];
	/* a cache line more than a frame: 2 KiB apart, every header would fall in the same sets */
	uint8_t data[AHEAD_SLOTS][AHEAD_FRAME_MAX + 64];
	int32_t off[AHEAD_SLOTS];	/* where the IP packet starts, -1: not IP */
	unsigned int head;	/* the oldest frame's slot */
	unsigned int n;		/* frames held */
	unsigned int hinted;	/* of them, told to the engine */
};

/* Batches are for the plain engine; any firewall option goes packet by packet. */
static bool firewall_wanted(const struct ct_cli *cli)
{
	return cli->ruleset || cli->n_local_addr || cli->n_masq_addr || cli->pcap_out ||
	       cli->trace_packet || cli->n_routes || cli->iifname;
}

/* Through the firewall: the verdict, the trace, the packet as it leaves. */
static int fw_frame(struct ct_replay *r, const struct ct_pcap_frame *f, const uint8_t *l3,
		    size_t len)
{
	const struct ct_cli *cli = r->cli;
	/*
	 * A firewall's outbound copies of what it forwarded are skipped; without
	 * firewall options every frame is tracked, as before there was one.
	 */
	struct ctk_fw_packet p = { .l3 = l3, .len = (uint32_t)len, .now_ns = r->now,
				   .outgoing = f->dir == CT_PCAP_DIR_OUT && firewall_wanted(cli) };
	struct ctk_fw_verdict v;
	const uint8_t *out;
	size_t out_len;
	int ret;

	if (f->dir != CT_PCAP_DIR_OUT)
		p.iifname = f->ifname;
	ctk_fw_set_trace_cb(r->fw, cli->trace_packet == f->num ? on_trace : NULL, r);
	ret = ctk_fw_packet(r->fw, &p, &v);
	if (ret == 1)
		return 0;	/* a forwarded packet leaving: shown when it came in */
	if (ret == -ENXIO) {
		/* The ruleset needs what the capture does not hold: no answer would be right. */
		ctk_out_flush(r->out);
		ct_say("packet %llu: %s; give --iifname NAME, --route PREFIX=NAME, or a capture "
		       "that names interfaces (pcapng, tcpdump -i any)",
		       (unsigned long long)f->num, v.nnotes ? v.notes[v.nnotes - 1] : "");
		return -1;
	}
	count_verdict(r, &v.ct);
	if (cli->pcap_packets && (!cli->trace_only || f->num == cli->trace_packet))
		print_verdict(r, &v);
	else if (cli->cmd == CT_CMD_EVENT && !expect_table(r) && v.tracked &&
		 v.ct.state == CTK_CT_INVALID && !(cli->opts & (1u << CT_OPT_EVENT_MASK)))
		print_invalid(r, &v.ct);
	out = ctk_fw_out_packet(r->fw, &out_len);
	if (r->sink && out && ct_pcap_sink_write(r->sink, out, out_len, f->ts_ns) < 0) {
		ct_say("--pcap-out `%s': %s", cli->pcap_out, strerror(errno));
		return -1;
	}
	return 0;
}

/* A frame whose IP packet starts @off bytes in. */
static int track_l3(struct ct_replay *r, const struct ct_pcap_frame *f, size_t off)
{
	size_t len = f->caplen - off;

	if (r->batch) {
		batch_frame(r, f->data + off, len, f->ts_ns);
		return 0;
	}
	advance_clock(r, f->ts_ns);
	r->packet = f->num;
	if (fw_frame(r, f, f->data + off, len) < 0)
		return -1;
	if (r->live)
		ctk_out_flush(r->out);
	return 0;
}

static int track_frame(struct ct_replay *r, const struct ct_pcap_frame *f)
{
	size_t off;

	if (ctk_frame_l3(f->linktype, f->data, f->caplen, &off) != 0)
		return 0;	/* not IP (ARP, LLDP...) or a cut link header: conntrack never sees it */
	return track_l3(r, f, off);
}

/* Tell the engine of the frames not told of yet (at most a group). */
static void ahead_hint(struct ct_replay *r)
{
	struct lookahead *a = r->ahead;
	struct ctk_packet pkts[AHEAD_GROUP];
	unsigned int n = 0;

	while (a->hinted < a->n && n < AHEAD_GROUP) {
		unsigned int slot = (a->head + a->hinted++) % AHEAD_SLOTS;
		const struct ct_pcap_frame *f = &a->f[slot];

		if (a->off[slot] >= 0)
			pkts[n++] = (struct ctk_packet){ f->data + a->off[slot],
							 (uint32_t)(f->caplen - (size_t)a->off[slot]),
							 0 };
	}
	ctk_engine_prefetch(r->eng, pkts, n);
}

/* Track the @count oldest frames held. */
static int ahead_take(struct ct_replay *r, unsigned int count)
{
	struct lookahead *a = r->ahead;

	while (count-- && a->n) {
		int ret = a->off[a->head] < 0 ? 0 : track_l3(r, &a->f[a->head], (size_t)a->off[a->head]);

		a->head = (a->head + 1) % AHEAD_SLOTS;
		a->n--;
		a->hinted--;
		if (ret < 0)
			return -1;
	}
	return 0;
}

static int ahead_flush(struct ct_replay *r)
{
	struct lookahead *a = r->ahead;

	while (a->hinted < a->n)
		ahead_hint(r);
	return ahead_take(r, a->n);
}

/* Keep a copy of @f (pcap reuses its buffer); a frame too big is taken alone. */
static int ahead_add(struct ct_replay *r, const struct ct_pcap_frame *f)
{
	struct lookahead *a = r->ahead;
	unsigned int slot = (a->head + a->n) % AHEAD_SLOTS;
	struct ct_pcap_frame *k = &a->f[slot];
	size_t off;

	if (f->caplen > AHEAD_FRAME_MAX) {
		if (ahead_flush(r) < 0)
			return -1;
		return track_frame(r, f);
	}
	*k = *f;
	memcpy(a->data[slot], f->data, f->caplen);
	k->data = a->data[slot];
	/* where its IP packet starts, -1 for none (ARP...): found once, for the hint and the track */
	a->off[slot] = ctk_frame_l3(f->linktype, k->data, f->caplen, &off) == 0 ? (int32_t)off : -1;
	if (f->ifname) {
		snprintf(a->ifname[slot], IF_NAMESIZE, "%s", f->ifname);
		k->ifname = a->ifname[slot];
	}
	a->n++;
	if (a->n - a->hinted == AHEAD_GROUP)
		ahead_hint(r);
	/* Two groups held: the older one was told of a group ago, take it. */
	return a->n == AHEAD_SLOTS ? ahead_take(r, AHEAD_GROUP) : 0;
}

static int next_frame(struct ct_replay *r, const struct ct_pcap_frame *f)
{
	return r->ahead ? ahead_add(r, f) : track_frame(r, f);
}

/*
 * A live capture without packets for a while: -E moves the clock to
 * the time now, so a DESTROY on expiry is not held back until the next
 * packet. The other commands print at the end, where expiry runs anyway.
 */
static void idle(struct ct_replay *r, uint64_t now)
{
	if (r->cli->cmd != CT_CMD_EVENT || r->cli->pcap_packets || !r->now)
		return;
	advance_clock(r, now);
	ctk_out_flush(r->out);
}

/*
 * Up to @max frames of the capture. 1: more may come (a live capture also
 * returns after a quiet while); 0: the capture ended; -1: a packet could
 * not be handled (reported); CT_ERR_REPORTED: the capture could not be
 * read, its message in @err, not yet printed.
 */
static int replay_step(struct ct_replay *r, unsigned int max, char err[CT_PCAP_ERR_MAX])
{
	struct ct_pcap_frame f;
	int ret = 1;

	for (unsigned int i = 0; i < max; i++) {
		ret = ct_pcap_next(r->src, &f, err);
		if (ret <= 0)
			break;
		if (ret == CT_PCAP_IDLE) {
			idle(r, f.ts_ns);	/* live input only: nothing is read ahead */
			return 1;
		}
		if (next_frame(r, &f) < 0)
			return -1;
	}
	return ret < 0 ? CT_ERR_REPORTED : ret > 0;
}

/* Track what is held back: frames read ahead, a batch not yet run. */
static int replay_drain(struct ct_replay *r)
{
	if (r->ahead && ahead_flush(r) < 0)
		return -1;
	if (r->batch)
		batch_run(r);
	return 0;
}

static int replay(struct ct_replay *r)
{
	char err[CT_PCAP_ERR_MAX];
	int ret;

	while ((ret = replay_step(r, UINT_MAX, err)) > 0)
		;
	if (ret == -1 || replay_drain(r) < 0)
		return -1;
	if (ret == CT_ERR_REPORTED) {
		ctk_out_flush(r->out);
		ct_say("%s", err);
		return CT_ERR_REPORTED;
	}
	/* Entries due at the last packet are gone from -L, -C and -E alike. */
	expire_at(r, r->now);
	/*
	 * The usual cause: a capture taken on a host that sent the packets
	 * holds the partial checksums of tx offload, which its own kernel
	 * never verified. A stray bad packet is no reason to say so.
	 */
	if (r->bad_csum > 1 && r->bad_csum * 10 >= r->ip_packets)
		fprintf(stderr, "NOTICE: %llu packets had bad checksums; if the capture was taken on "
			"a sending host (checksum offload), try --sysctl "
			"net.netfilter.nf_conntrack_checksum=0\n", (unsigned long long)r->bad_csum);
	return 0;
}

/* ---- the commands, once the capture is replayed -------------------------------------- */

static int list_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ct_replay *r = data;

	(void)ev;
	if (!selected(r, e))
		return CTK_CB_OK;
	open_xml(r);
	ctk_out_entry(r->out, e, CTK_EV_NONE, &r->fmt);
	r->counter++;
	return CTK_CB_OK;
}

/* --group-by: the engine's table counted, as the kernel's (run_list.c). */
static int group_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ct_replay *r = data;

	(void)ev;
	if (!selected(r, e))
		return CTK_CB_OK;
	if (ctk_groups_add(r->groups, e, NULL) < 0) {
		r->group_err = -ENOMEM;
		return CTK_CB_STOP;
	}
	r->counter++;
	return CTK_CB_OK;
}

static int list_groups(struct ct_replay *r)
{
	int ret = 0;

	r->groups = ctk_groups_new(&r->cli->group_spec);
	if (!r->groups)
		return -ENOMEM;
	ctk_engine_foreach(r->eng, r->now, group_cb, r);
	if (r->group_err || ct_group_print(r->out, r->groups, r->cli, r->fmt.labels) < 0)
		ret = -ENOMEM;
	ctk_groups_free(r->groups);
	r->groups = NULL;
	return ret;
}

static int run_list(struct ct_replay *r)
{
	r->fmt.flags &= ~CTK_FMT_F_TIMESTAMP;
	if (!r->cli->group_by) {
		ctk_engine_foreach(r->eng, r->now, list_cb, r);
	} else if (list_groups(r) < 0) {
		ctk_out_flush(r->out);
		ct_say("%s", strerror(ENOMEM));
		return CT_EXIT_OTHER;
	}
	close_xml(r);
	ctk_out_flush(r->out);
	ct_say("%u flow entries have been shown.", r->counter);
	return CT_EXIT_OK;
}

static int expect_list_cb(const struct ctk_expect *x, enum ctk_event ev, void *data)
{
	struct ct_replay *r = data;

	(void)ev;
	if (!expect_selected(r, x))
		return CTK_CB_OK;
	open_xml(r);
	ctk_out_expect(r->out, x, CTK_EV_NONE, &r->fmt);
	r->counter++;
	return CTK_CB_OK;
}

static int run_expect_list(struct ct_replay *r)
{
	ctk_engine_expect_foreach(r->eng, r->now, expect_list_cb, r);
	close_xml(r);
	ctk_out_flush(r->out);
	ct_say("%u expectations have been shown.", r->counter);
	return CT_EXIT_OK;
}

static int run_get(struct ct_replay *r)
{
	const struct ctk_entry *t = &r->cli->tmpl;
	const struct ctk_tuple *key = ctk_entry_has(t, CTK_ATTR_ORIG) ? &t->orig : &t->reply;
	struct ctk_conn *conn = ctk_engine_lookup(r->eng, key, r->now, NULL);

	if (!conn) {
		ct_say("Operation failed: %s", ct_err2str(ENOENT, CT_CMD_GET));
		return CT_EXIT_OTHER;
	}
	r->fmt.flags &= ~CTK_FMT_F_TIMESTAMP;
	ctk_engine_conn_entry(r->eng, conn, r->now, &r->scratch);
	open_xml(r);
	ctk_out_entry(r->out, &r->scratch, CTK_EV_NONE, &r->fmt);
	ctk_out_flush(r->out);
	ct_say("1 flow entries have been shown.");
	return CT_EXIT_OK;
}

static int run_stats(struct ct_replay *r)
{
	struct ctk_cpu_stats s;
	size_t n;

	ctk_engine_stats(r->eng, &s);
	n = ctk_format_cpu_stats(r->line, sizeof(r->line) - 1, &s, &r->fmt);
	if (n >= sizeof(r->line) - 1)
		n = sizeof(r->line) - 2;
	r->line[n++] = '\n';
	ctk_out_write(r->out, r->line, n);
	return CT_EXIT_OK;
}

static int finish(struct ct_replay *r)
{
	switch (r->cli->cmd) {
	case CT_CMD_COUNT:
		/* As the kernel path's -C (docs/json.md, "Counts"). */
		ctk_out_printf(r->out, r->fmt.kind == CTK_FMT_JSON ? "{\"count\":%u}\n" : "%u\n",
			ctk_engine_count(r->eng));
		return CT_EXIT_OK;
	case CT_CMD_STATS:
		return run_stats(r);
	case CT_CMD_GET:
		return run_get(r);
	case CT_CMD_EVENT:
		close_xml(r);
		ctk_out_flush(r->out);
		ct_say(expect_table(r) ? "%u expectation events have been shown." :
					 "%u flow events have been shown.", r->counter);
		return CT_EXIT_OK;
	default:
		if (expect_table(r))
			return run_expect_list(r);
		if (r->cli->pcap_packets) {
			ctk_out_flush(r->out);
			ct_say("%u packets have been shown.", r->counter);
			return CT_EXIT_OK;
		}
		return run_list(r);
	}
}

/* ---- setup -------------------------------------------------------------------------- */

/* --sysctl NAME=VALUE, each checked by the engine's own table of knobs. */
static int apply_sysctls(const struct ct_cli *cli, struct ctk_engine_config *cfg)
{
	for (unsigned int i = 0; i < cli->n_sysctl; i++) {
		const char *arg = cli->sysctl[i];
		const char *eq = strchr(arg, '=');
		char name[128];
		int ret;

		if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
			ct_say("--sysctl `%s': expected NAME=VALUE", arg);
			return -1;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
		ret = ctk_engine_config_set(cfg, name, eq + 1);
		if (ret == -ENOENT) {
			ct_say("--sysctl `%s': unknown knob `%s'", arg, name);
			return -1;
		}
		if (ret < 0) {
			ct_say("--sysctl `%s': invalid value `%s'", arg, eq + 1);
			return -1;
		}
	}
	return 0;
}

/* --timeout-policy FILE: applied before --sysctl, so the command line wins. */
static int apply_policy_file(const struct ct_cli *cli, struct ctk_engine_config *cfg)
{
	FILE *f;
	int ret;

	if (!cli->timeout_policy)
		return 0;
	f = fopen(cli->timeout_policy, "r");
	if (!f) {
		ct_say("--timeout-policy `%s': %s", cli->timeout_policy, strerror(errno));
		return -1;
	}
	ret = ct_policy_load(f, cli->timeout_policy, cfg);
	fclose(f);
	return ret;
}

static int setup_addresses(struct ct_replay *r)
{
	const struct ct_cli *cli = r->cli;

	for (unsigned int i = 0; i < cli->n_local_addr; i++)
		if (ctk_fw_add_local_address(r->fw, cli->local_addr[i]) < 0) {
			ct_say("--local-address `%s': not an IPv4 or IPv6 address",
			       cli->local_addr[i]);
			return CT_EXIT_PARAM;
		}
	for (unsigned int i = 0; i < cli->n_routes; i++) {
		const char *eq = strchr(cli->routes[i], '=');
		char prefix[INET6_ADDRSTRLEN + 8];

		if (!eq || (size_t)(eq - cli->routes[i]) >= sizeof(prefix)) {
			ct_say("--route `%s': expected PREFIX=IFNAME", cli->routes[i]);
			return CT_EXIT_PARAM;
		}
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(eq - cli->routes[i]), cli->routes[i]);
		if (ctk_fw_add_route(r->fw, prefix, eq + 1) < 0) {
			ct_say("--route `%s': not an address prefix and an interface name",
			       cli->routes[i]);
			return CT_EXIT_PARAM;
		}
	}
	if (cli->iifname && ctk_fw_set_iifname(r->fw, cli->iifname) < 0) {
		ct_say("--iifname `%s': not an interface name", cli->iifname);
		return CT_EXIT_PARAM;
	}
	for (unsigned int i = 0; i < cli->n_masq_addr; i++)
		if (ctk_fw_set_masquerade_address(r->fw, cli->masq_addr[i]) < 0) {
			ct_say("--masquerade-address `%s': not an IPv4 or IPv6 address",
			       cli->masq_addr[i]);
			return CT_EXIT_PARAM;
		}
	return CT_EXIT_OK;
}

/* The firewall around the engine: always for per-packet output, or when asked for. */
static int setup_firewall(struct ct_replay *r)
{
	const struct ct_cli *cli = r->cli;
	char err[CTK_RULESET_ERR_MAX];
	int rc;

	if (cli->ruleset) {
		r->rs = ctk_ruleset_load(cli->ruleset, err);
		if (!r->rs) {
			ct_say("%s", err);
			return errno == EINVAL ? CT_EXIT_PARAM : CT_EXIT_OTHER;
		}
	}
	r->fw = ctk_fw_new(r->eng, r->rs);
	if (!r->fw) {
		ct_say("can't create the firewall: %s", strerror(errno));
		return CT_EXIT_OTHER;
	}
	rc = setup_addresses(r);
	if (rc != CT_EXIT_OK)
		return rc;
	if (cli->pcap_out) {
		r->sink = ct_pcap_sink_open(cli->pcap_out, err, sizeof(err));
		if (!r->sink) {
			ct_say("%s", err);
			return CT_EXIT_OTHER;
		}
	}
	return CT_EXIT_OK;
}

static int setup(struct ct_replay *r)
{
	const struct ct_cli *cli = r->cli;
	struct ctk_engine_config cfg;
	char err[CT_PCAP_ERR_MAX];
	bool streaming = cli->cmd == CT_CMD_EVENT || cli->pcap_packets;
	const char *batch;
	int rc;

	ctk_engine_config_init(&cfg);
	if (apply_policy_file(cli, &cfg) < 0 || apply_sysctls(cli, &cfg) < 0)
		return CT_EXIT_PARAM;
	r->eng = ctk_engine_new(&cfg);
	if (!r->eng) {
		ct_say("can't create the engine: %s", strerror(errno));
		return CT_EXIT_OTHER;
	}
	if (cli->cmd == CT_CMD_EVENT && cli->table == CT_TABLE_EXPECT)
		ctk_engine_set_expect_cb(r->eng, on_expect_event, r);
	else if (cli->cmd == CT_CMD_EVENT && !cli->pcap_packets)
		ctk_engine_set_event_cb(r->eng, on_event, r);
	rc = setup_firewall(r);
	if (rc != CT_EXIT_OK)
		return rc;
	/* A progress line would tear streamed lines on the same terminal. */
	if (cli->capture_iface)
		r->src = ct_pcap_open_live(cli->capture_iface, cli->capture_filter, err);
	else
		r->src = ct_pcap_open(cli->pcap_file, !streaming || !isatty(STDOUT_FILENO), err);
	if (!r->src) {
		/* A filter that does not compile is a usage error, as a bad --sysctl. */
		rc = cli->capture_iface && errno == EINVAL ? CT_EXIT_PARAM : CT_EXIT_OTHER;
		ct_say("%s", err);
		return rc;
	}
	r->live = streaming && (cli->capture_iface || !strcmp(cli->pcap_file, "-"));
	r->min_timeout = ctk_engine_min_timeout(r->eng);
	batch = getenv("CTKIT_PCAP_BATCH");
	/* The firewall path takes one packet at a time. */
	if (!streaming && !firewall_wanted(cli) && !(batch && !strcmp(batch, "0"))) {
		r->batch = malloc(sizeof(*r->batch));
		if (!r->batch) {
			ct_say("%s", strerror(ENOMEM));
			return CT_EXIT_OTHER;
		}
		r->batch->n = 0;
		r->batch->used = 0;
		r->batch->horizon = 0;
	} else if (!r->live) {
		r->ahead = calloc(1, sizeof(*r->ahead));
		if (!r->ahead) {
			ct_say("%s", strerror(ENOMEM));
			return CT_EXIT_OTHER;
		}
	}
	return CT_EXIT_OK;
}

void ct_replay_close(struct ct_replay *r)
{
	if (!r)
		return;
	ct_pcap_sink_close(r->sink);
	ct_pcap_close(r->src);
	ctk_fw_free(r->fw);
	ctk_ruleset_free(r->rs);
	ctk_engine_free(r->eng);
	free(r->batch);
	free(r->ahead);
	free(r);
}

struct ct_replay *ct_replay_open(const struct ct_cli *cli, struct ctk_out *out, int *rc)
{
	struct ct_replay *r = calloc(1, sizeof(*r));

	if (!r) {
		ct_say("%s", strerror(ENOMEM));
		*rc = CT_EXIT_OTHER;
		return NULL;
	}
	r->cli = cli;
	r->out = out;
	r->fmt = cli->fmt;
	r->fmt.labels = cli->labelmap;
	/* Verdict lines are text or JSON; XML and save describe entries, not packets. */
	if (cli->pcap_packets && r->fmt.kind != CTK_FMT_JSON)
		r->fmt.kind = CTK_FMT_DEFAULT;
	*rc = setup(r);
	if (*rc == CT_EXIT_OK)
		return r;
	ct_replay_close(r);
	return NULL;
}

int ct_replay_step(struct ct_replay *r, unsigned int max_frames)
{
	char err[CT_PCAP_ERR_MAX];
	int ret = replay_step(r, max_frames, err);

	if (ret == CT_ERR_REPORTED) {
		replay_drain(r);
		ctk_out_flush(r->out);
		ct_say("%s", err);
		return -1;
	}
	return ret;
}

int ct_replay_settle(struct ct_replay *r, uint64_t now_ns)
{
	if (replay_drain(r) < 0)
		return -1;
	expire_at(r, now_ns > r->now ? now_ns : r->now);
	return 0;
}

struct ctk_engine *ct_replay_engine(const struct ct_replay *r)
{
	return r->eng;
}

uint64_t ct_replay_now(const struct ct_replay *r)
{
	return r->now;
}

int ct_run_pcap(const struct ct_cli *cli, struct ctk_out *out)
{
	int rc;
	struct ct_replay *r = ct_replay_open(cli, out, &rc);

	if (!r)
		return rc;
	rc = replay(r) == 0 ? finish(r) : CT_EXIT_OTHER;
	if (ct_pcap_sink_close(r->sink) < 0 && rc == CT_EXIT_OK) {
		ct_say("--pcap-out `%s': %s", cli->pcap_out, strerror(errno));
		rc = CT_EXIT_OTHER;
	}
	r->sink = NULL;
	ct_replay_close(r);
	return rc;
}
