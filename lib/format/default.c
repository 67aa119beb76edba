// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The default one-line text format, byte-identical to
 * libnetfilter_conntrack 1.0.9 NFCT_O_DEFAULT (snprintf_default.c).
 *
 * Every field is written as "<field> " and the last byte is dropped at the
 * end, so a line never ends in a space; the only exception is the labels
 * quirk (put_labels() below).
 */
#include <time.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include "fmt.h"

static const char *const event_tags[] = {
	[CTK_EV_NEW] = "[NEW]",
	[CTK_EV_UPDATE] = "[UPDATE]",
	[CTK_EV_DESTROY] = "[DESTROY]",
};

static void put_u64_field(struct fbuf *b, const char *key, uint64_t v)
{
	fb_puts(b, key);
	fb_u64(b, v);
	fb_putc(b, ' ');
}

static void put_proto_name(struct fbuf *b, const char *name, unsigned int num)
{
	fb_pad(b, name, 8);
	fb_putc(b, ' ');
	fb_u64(b, num);
	fb_putc(b, ' ');
}

/* Ports, GRE keys or ICMP type/code/id: the tuple's own protocol decides. */
void fmt_text_l4(struct fbuf *b, const struct ctk_tuple *t)
{
	switch (ctk_l4proto_find(t->l4num)->key) {
	case CTK_L4KEY_PORTS:
		put_u64_field(b, "sport=", t->sport);
		put_u64_field(b, "dport=", t->dport);
		break;
	case CTK_L4KEY_GRE:
		fb_puts(b, "srckey=0x");
		fb_hex(b, t->sport);
		fb_puts(b, " dstkey=0x");
		fb_hex(b, t->dport);
		fb_putc(b, ' ');
		break;
	case CTK_L4KEY_ICMP:
		put_u64_field(b, "type=", t->icmp_type);
		put_u64_field(b, "code=", t->icmp_code);
		put_u64_field(b, "id=", t->icmp_id);
		break;
	case CTK_L4KEY_NONE:
		break;
	}
}

static void put_tuple(struct fbuf *b, const struct ctk_tuple *t)
{
	if (t->l3num == AF_INET || t->l3num == AF_INET6) {
		fb_puts(b, "src=");
		fb_addr(b, t->l3num, &t->src);
		fb_puts(b, " dst=");
		fb_addr(b, t->l3num, &t->dst);
		fb_putc(b, ' ');
	}
	fmt_text_l4(b, t);
}

static void put_counters(struct fbuf *b, const struct ctk_counters *c)
{
	put_u64_field(b, "packets=", c->packets);
	put_u64_field(b, "bytes=", c->bytes);
}

static void put_states(struct fbuf *b, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE)) {
		fb_puts(b, fmt_tcp_state(e->tcp.state));
		fb_putc(b, ' ');
	}
	if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE)) {
		fb_puts(b, fmt_sctp_state(e->sctp.state));
		fb_putc(b, ' ');
	}
	if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE)) {
		fb_puts(b, fmt_dccp_state(e->dccp.state));
		fb_putc(b, ' ');
	}
}

/* One flag at most, the strongest first. */
static void put_offload_flag(struct fbuf *b, uint32_t status)
{
	if (status & IPS_HW_OFFLOAD)
		fb_puts(b, "[HW_OFFLOAD] ");
	else if (status & IPS_OFFLOAD)
		fb_puts(b, "[OFFLOAD] ");
	else if (status & IPS_ASSURED)
		fb_puts(b, "[ASSURED] ");
}

static void put_ctime(struct fbuf *b, const char *key, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	char tmp[64];

	fb_puts(b, key);
	if (ctime_r(&t, tmp)) {
		size_t n = strlen(tmp);

		/* ctime() ends in a newline the reference overwrites. */
		fb_putn(b, tmp, n && tmp[n - 1] == '\n' ? n - 1 : n);
	}
	fb_puts(b, "] ");
}

/*
 * "labels=" + "name," per named bit, then the last byte becomes a space.
 * With no named bit that last byte is the '=', hence a bare "labels".
 */
static void put_labels(struct fbuf *b, const struct ctk_entry *e,
		       const struct ctk_labelmap *map)
{
	fb_puts(b, "labels=");
	for (unsigned int bit = 0; bit < CTK_LABEL_BITS; bit++) {
		const char *name;

		if (!fmt_label_test(e->labels, bit))
			continue;
		name = ctk_labelmap_name(map, bit);
		if (!name || !*name)
			continue;
		fb_puts(b, name);
		fb_putc(b, ',');
	}
	fb_unput(b);
	fb_putc(b, ' ');
}

static void put_head(struct fbuf *b, const struct ctk_entry *e, enum ctk_event ev,
		     const struct ctk_fmt *fmt)
{
	const struct ctk_tuple *orig = fmt_tuple(e, CTK_ATTR_ORIG);

	if (ev > CTK_EV_NONE && ev <= CTK_EV_DESTROY) {
		fb_lpad(b, event_tags[ev], 9);
		fb_putc(b, ' ');
	}
	if (fmt->flags & CTK_FMT_F_EXTENDED)
		put_proto_name(b, ctk_l3_name(orig->l3num), orig->l3num);
	put_proto_name(b, ctk_l4proto_name(orig->l4num), orig->l4num);
	if (ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		put_u64_field(b, "", e->timeout);
	put_states(b, e);
}

static void put_directions(struct fbuf *b, const struct ctk_entry *e)
{
	bool has_status = ctk_entry_has(e, CTK_ATTR_STATUS);

	put_tuple(b, fmt_tuple(e, CTK_ATTR_ORIG));
	if (ctk_entry_has(e, CTK_ATTR_ORIG_ZONE))
		put_u64_field(b, "zone-orig=", e->orig_zone);
	if (ctk_entry_has(e, CTK_ATTR_COUNTERS_ORIG))
		put_counters(b, &e->counters[CTK_DIR_ORIG]);
	if (has_status && !(e->status & IPS_SEEN_REPLY))
		fb_puts(b, "[UNREPLIED] ");

	put_tuple(b, fmt_tuple(e, CTK_ATTR_REPLY));
	if (ctk_entry_has(e, CTK_ATTR_REPLY_ZONE))
		put_u64_field(b, "zone-reply=", e->reply_zone);
	if (ctk_entry_has(e, CTK_ATTR_COUNTERS_REPLY))
		put_counters(b, &e->counters[CTK_DIR_REPLY]);
	if (has_status)
		put_offload_flag(b, e->status);
}

static void put_times(struct fbuf *b, const struct ctk_entry *e, const struct ctk_fmt *fmt)
{
	if (ctk_entry_has(e, CTK_ATTR_TS_START))
		put_u64_field(b, "delta-time=", fmt_delta_time(e, fmt->now));
	if (!(fmt->flags & CTK_FMT_F_KTIMESTAMP))
		return;
	if (ctk_entry_has(e, CTK_ATTR_TS_START))
		put_ctime(b, "[start=", e->ts_start);
	if (ctk_entry_has(e, CTK_ATTR_TS_STOP))
		put_ctime(b, "[stop=", e->ts_stop);
}

static void put_tail(struct fbuf *b, const struct ctk_entry *e, const struct ctk_fmt *fmt)
{
	if (ctk_entry_has(e, CTK_ATTR_MARK))
		put_u64_field(b, "mark=", e->mark);
	if (ctk_entry_has(e, CTK_ATTR_SECMARK))
		put_u64_field(b, "secmark=", e->secmark);
	if (ctk_entry_has(e, CTK_ATTR_SECCTX)) {
		fb_puts(b, "secctx=");
		fb_putn(b, e->secctx, strnlen(e->secctx, sizeof(e->secctx)));
		fb_putc(b, ' ');
	}
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		put_u64_field(b, "zone=", e->zone);
	put_times(b, e, fmt);
	if (ctk_entry_has(e, CTK_ATTR_HELPER_NAME)) {
		fb_puts(b, "helper=");
		fb_putn(b, e->helper_name, strnlen(e->helper_name, sizeof(e->helper_name)));
		fb_putc(b, ' ');
	}
	if (ctk_entry_has(e, CTK_ATTR_USE) && !(fmt->flags & CTK_FMT_F_NO_USE))
		put_u64_field(b, "use=", e->use);
	if ((fmt->flags & CTK_FMT_F_ID) && ctk_entry_has(e, CTK_ATTR_ID))
		put_u64_field(b, "id=", e->id);
	if ((fmt->flags & CTK_FMT_F_LABELS) && fmt->labels && ctk_entry_has(e, CTK_ATTR_LABELS))
		put_labels(b, e, fmt->labels);
}

void fmt_entry_default(struct fbuf *b, const struct ctk_entry *e, enum ctk_event ev,
		       const struct ctk_fmt *fmt)
{
	put_head(b, e, ev, fmt);
	put_directions(b, e);
	put_tail(b, e, fmt);
	/* The reference always drops the last byte: the trailing space. */
	fb_unput(b);
}
