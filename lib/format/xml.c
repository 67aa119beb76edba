// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One <flow> element, byte-identical to libnetfilter_conntrack 1.0.9
 * NFCT_O_XML (snprintf_xml.c), bugs included:
 *  - except one deliberate fix: the reference looks SCTP and DCCP states
 *    up in the TCP state table (ESTABLISHED SCTP printed as FIN_WAIT);
 *    ctkit uses each protocol's own names (docs/COMPATIBILITY.md);
 *  - the reply <counters> are printed when the ORIG counters are present;
 *  - <id> is printed without -o id, and there is no offload flag.
 * Nothing is escaped: the reference does not escape secctx or helper names
 * either, and a consumer of this output expects exactly its bytes.
 */
#include <time.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include "fmt.h"

static void put_elem_u64(struct fbuf *b, const char *tag, uint64_t v)
{
	fb_putc(b, '<');
	fb_puts(b, tag);
	fb_putc(b, '>');
	fb_u64(b, v);
	fb_puts(b, "</");
	fb_puts(b, tag);
	fb_putc(b, '>');
}

static void put_elem_str(struct fbuf *b, const char *tag, const char *s, size_t max)
{
	fb_putc(b, '<');
	fb_puts(b, tag);
	fb_putc(b, '>');
	fb_putn(b, s, strnlen(s, max));
	fb_puts(b, "</");
	fb_puts(b, tag);
	fb_putc(b, '>');
}

static void put_proto_attrs(struct fbuf *b, const char *elem, unsigned int num,
			    const char *name)
{
	fb_putc(b, '<');
	fb_puts(b, elem);
	fb_puts(b, " protonum=\"");
	fb_u64(b, num);
	fb_puts(b, "\" protoname=\"");
	fb_puts(b, name);
	fb_puts(b, "\">");
}

void fmt_xml_l4(struct fbuf *b, const struct ctk_tuple *t)
{
	switch (ctk_l4proto_find(t->l4num)->key) {
	case CTK_L4KEY_PORTS:
		put_elem_u64(b, "sport", t->sport);
		put_elem_u64(b, "dport", t->dport);
		break;
	case CTK_L4KEY_GRE:
		fb_puts(b, "<srckey>0x");
		fb_hex(b, t->sport);
		fb_puts(b, "</srckey><dstkey>0x");
		fb_hex(b, t->dport);
		fb_puts(b, "</dstkey>");
		break;
	case CTK_L4KEY_ICMP: /* libnetfilter_conntrack's XML has no ICMP fields */
	case CTK_L4KEY_NONE:
		break;
	}
}

static void put_meta_dir(struct fbuf *b, const struct ctk_entry *e, enum ctk_dir dir)
{
	const struct ctk_tuple *t = fmt_tuple(e, dir == CTK_DIR_ORIG ? CTK_ATTR_ORIG : CTK_ATTR_REPLY);
	enum ctk_attr zone_attr = dir == CTK_DIR_ORIG ? CTK_ATTR_ORIG_ZONE : CTK_ATTR_REPLY_ZONE;

	fb_puts(b, dir == CTK_DIR_ORIG ? "<meta direction=\"original\">" : "<meta direction=\"reply\">");
	put_proto_attrs(b, "layer3", t->l3num, ctk_l3_name(t->l3num));
	fb_puts(b, "<src>");
	fb_addr(b, t->l3num, &t->src);
	fb_puts(b, "</src><dst>");
	fb_addr(b, t->l3num, &t->dst);
	fb_puts(b, "</dst></layer3>");
	put_proto_attrs(b, "layer4", t->l4num, ctk_l4proto_name(t->l4num));
	fmt_xml_l4(b, t);
	fb_puts(b, "</layer4>");
	if (ctk_entry_has(e, zone_attr))
		put_elem_u64(b, "zone", dir == CTK_DIR_ORIG ? e->orig_zone : e->reply_zone);
	/*
	 * Both directions test the ORIG counters, as the reference does; a
	 * missing reply pair then prints as zeros, as the library's unset
	 * fields do.
	 */
	if (ctk_entry_has(e, CTK_ATTR_COUNTERS_ORIG)) {
		bool have = ctk_entry_has(e, dir == CTK_DIR_ORIG ? CTK_ATTR_COUNTERS_ORIG :
							       CTK_ATTR_COUNTERS_REPLY);

		fb_puts(b, "<counters>");
		put_elem_u64(b, "packets", have ? e->counters[dir].packets : 0);
		put_elem_u64(b, "bytes", have ? e->counters[dir].bytes : 0);
		fb_puts(b, "</counters>");
	}
	fb_puts(b, "</meta>");
}

static bool has_independent(const struct ctk_entry *e)
{
	static const enum ctk_attr attrs[] = {
		CTK_ATTR_TCP_STATE, CTK_ATTR_SCTP_STATE, CTK_ATTR_DCCP_STATE,
		CTK_ATTR_TIMEOUT, CTK_ATTR_MARK, CTK_ATTR_SECMARK, CTK_ATTR_ZONE,
		CTK_ATTR_USE, CTK_ATTR_STATUS, CTK_ATTR_ID, CTK_ATTR_LABELS,
		CTK_ATTR_TS_START, CTK_ATTR_TS_STOP,
	};

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (ctk_entry_has(e, attrs[i]))
			return true;
	}
	return false;
}

static void put_labels(struct fbuf *b, const struct ctk_entry *e, const struct ctk_labelmap *map)
{
	fb_puts(b, "<labels>");
	for (unsigned int bit = 0; bit < CTK_LABEL_BITS; bit++) {
		const char *name;

		if (!fmt_label_test(e->labels, bit))
			continue;
		name = ctk_labelmap_name(map, bit);
		if (!name || !*name)
			continue;
		put_elem_str(b, "label", name, SIZE_MAX);
	}
	fb_puts(b, "</labels>");
}

/*
 * Unlike the text format, the XML one subtracts in nanoseconds when a stop
 * time is present (wrapping when stop < start) and only then divides.
 */
static uint64_t xml_delta_time(const struct ctk_entry *e, int64_t now)
{
	if (ctk_entry_has(e, CTK_ATTR_TS_STOP))
		return (e->ts_stop - e->ts_start) / 1000000000ULL;
	return (uint64_t)(now - (int64_t)(e->ts_start / 1000000000ULL));
}

static void put_timestamps(struct fbuf *b, const struct ctk_entry *e, const struct ctk_fmt *fmt)
{
	bool start = ctk_entry_has(e, CTK_ATTR_TS_START);
	bool stop = ctk_entry_has(e, CTK_ATTR_TS_STOP);

	if ((fmt->flags & CTK_FMT_F_KTIMESTAMP) && (start || stop)) {
		fb_puts(b, "<timestamp>");
		if (start)
			put_elem_u64(b, "start", e->ts_start);
		if (stop)
			put_elem_u64(b, "stop", e->ts_stop);
		fb_puts(b, "</timestamp>");
	}
	if (start)
		put_elem_u64(b, "deltatime", xml_delta_time(e, fmt->now));
}

/* The state element, each protocol with its own names (a deliberate fix). */
static void put_states(struct fbuf *b, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE))
		put_elem_str(b, "state", fmt_tcp_state(e->tcp.state), SIZE_MAX);
	if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE))
		put_elem_str(b, "state", fmt_sctp_state(e->sctp.state), SIZE_MAX);
	if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE))
		put_elem_str(b, "state", fmt_dccp_state(e->dccp.state), SIZE_MAX);
}

static void put_independent(struct fbuf *b, const struct ctk_entry *e, const struct ctk_fmt *fmt)
{
	bool has_status = ctk_entry_has(e, CTK_ATTR_STATUS);
	bool framed = has_independent(e);

	/*
	 * The frame depends on a list of attributes that lacks secctx, whose
	 * element is printed anyway: bare after </meta> when it is alone.
	 */
	if (framed)
		fb_puts(b, "<meta direction=\"independent\">");
	put_states(b, e);
	if (ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		put_elem_u64(b, "timeout", e->timeout);
	if (ctk_entry_has(e, CTK_ATTR_MARK))
		put_elem_u64(b, "mark", e->mark);
	if ((fmt->flags & CTK_FMT_F_LABELS) && fmt->labels && ctk_entry_has(e, CTK_ATTR_LABELS))
		put_labels(b, e, fmt->labels);
	if (ctk_entry_has(e, CTK_ATTR_SECMARK))
		put_elem_u64(b, "secmark", e->secmark);
	if (ctk_entry_has(e, CTK_ATTR_SECCTX))
		put_elem_str(b, "secctx", e->secctx, sizeof(e->secctx));
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		put_elem_u64(b, "zone", e->zone);
	if (ctk_entry_has(e, CTK_ATTR_USE) && !(fmt->flags & CTK_FMT_F_NO_USE))
		put_elem_u64(b, "use", e->use);
	if (ctk_entry_has(e, CTK_ATTR_ID))
		put_elem_u64(b, "id", e->id);
	if (has_status && (e->status & IPS_ASSURED))
		fb_puts(b, "<assured/>");
	if (has_status && !(e->status & IPS_SEEN_REPLY))
		fb_puts(b, "<unreplied/>");
	put_timestamps(b, e, fmt);
	if (framed)
		fb_puts(b, "</meta>");
}

/* Local wall-clock time of the event; wday counts from 1 (Sunday). */
void fmt_xml_when(struct fbuf *b, int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return;
	fb_puts(b, "<when>");
	put_elem_u64(b, "hour", (unsigned int)tm.tm_hour);
	fb_puts(b, "<min>");
	fb_dec2(b, (unsigned int)tm.tm_min);
	fb_puts(b, "</min><sec>");
	fb_dec2(b, (unsigned int)tm.tm_sec);
	fb_puts(b, "</sec>");
	put_elem_u64(b, "wday", (unsigned int)tm.tm_wday + 1);
	put_elem_u64(b, "day", (unsigned int)tm.tm_mday);
	put_elem_u64(b, "month", (unsigned int)tm.tm_mon + 1);
	fb_puts(b, "<year>");
	fb_i64(b, 1900 + (int64_t)tm.tm_year);
	fb_puts(b, "</year></when>");
}

void fmt_entry_xml(struct fbuf *b, const struct ctk_entry *e, enum ctk_event ev,
		   const struct ctk_fmt *fmt)
{
	static const char *const open_tags[] = {
		[CTK_EV_NONE] = "<flow>",
		[CTK_EV_NEW] = "<flow type=\"new\">",
		[CTK_EV_UPDATE] = "<flow type=\"update\">",
		[CTK_EV_DESTROY] = "<flow type=\"destroy\">",
	};

	fb_puts(b, ev <= CTK_EV_DESTROY ? open_tags[ev] : open_tags[CTK_EV_NONE]);
	put_meta_dir(b, e, CTK_DIR_ORIG);
	put_meta_dir(b, e, CTK_DIR_REPLY);
	put_independent(b, e, fmt);
	if ((fmt->flags & CTK_FMT_F_TIMESTAMP) && ev != CTK_EV_NONE)
		fmt_xml_when(b, fmt->now);
	if (ctk_entry_has(e, CTK_ATTR_HELPER_NAME))
		put_elem_str(b, "helper", e->helper_name, sizeof(e->helper_name));
	fb_puts(b, "</flow>");
}
