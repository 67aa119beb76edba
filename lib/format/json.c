// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * "-o json": one JSON object per entry, ctkit's own format. The schema is
 * documented in docs/json.md; keep the two in step. A key is present
 * exactly when its attribute is present in the entry.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include "fmt.h"

void fmt_jobj_open(struct jobj *o, struct fbuf *b)
{
	o->b = b;
	o->first = true;
	fb_putc(b, '{');
}

void fmt_jobj_close(struct jobj *o)
{
	fb_putc(o->b, '}');
}

void fmt_jkey(struct jobj *o, const char *key)
{
	if (!o->first)
		fb_putc(o->b, ',');
	o->first = false;
	fb_putc(o->b, '"');
	fb_puts(o->b, key);
	fb_puts(o->b, "\":");
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void put_escaped_byte(struct fbuf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

	fb_putn(b, esc, sizeof(esc));
}

/* One byte that cannot be copied: the short escapes where JSON has them. */
static void put_escape(struct fbuf *b, unsigned char c)
{
	static const char *const short_escapes[128] = {
		['"'] = "\\\"",
		['\\'] = "\\\\",
		['\n'] = "\\n",
		['\t'] = "\\t",
		['\r'] = "\\r",
	};

	if (c < 128 && short_escapes[c])
		fb_puts(b, short_escapes[c]);
	else
		put_escaped_byte(b, c);
}

/*
 * A JSON string. Kernel strings (secctx, helper) and label names may hold
 * any byte: control characters are escaped, valid UTF-8 is kept, and each
 * byte of an invalid sequence becomes \u00XX (its Latin-1 reading).
 */
void fmt_jstr_raw(struct fbuf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, max);

	fb_putc(b, '"');
	while (n) {
		size_t run = 0, seq;

		while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
			run++;
		fb_putn(b, (const char *)p, run);
		p += run;
		n -= run;
		if (!n)
			break;
		if (*p >= 0x80 && (seq = utf8_len(p, n))) {
			fb_putn(b, (const char *)p, seq);
			p += seq;
			n -= seq;
			continue;
		}
		put_escape(b, *p);
		p++;
		n--;
	}
	fb_putc(b, '"');
}

void fmt_jnum(struct jobj *o, const char *key, uint64_t v)
{
	fmt_jkey(o, key);
	fb_u64(o->b, v);
}

void fmt_jstr(struct jobj *o, const char *key, const char *s, size_t max)
{
	fmt_jkey(o, key);
	fmt_jstr_raw(o->b, s, max);
}

void fmt_jaddr(struct jobj *o, const char *key, uint8_t l3num, const union ctk_addr *a)
{
	if (l3num != AF_INET && l3num != AF_INET6)
		return;
	fmt_jkey(o, key);
	fb_putc(o->b, '"');
	fb_addr(o->b, l3num, a);
	fb_putc(o->b, '"');
}

void fmt_jtuple_l4(struct jobj *o, const struct ctk_tuple *t)
{
	switch (ctk_l4proto_find(t->l4num)->key) {
	case CTK_L4KEY_ICMP:
		fmt_jnum(o, "type", t->icmp_type);
		fmt_jnum(o, "code", t->icmp_code);
		fmt_jnum(o, "id", t->icmp_id);
		break;
	case CTK_L4KEY_GRE:
		fmt_jnum(o, "srckey", t->sport);
		fmt_jnum(o, "dstkey", t->dport);
		break;
	case CTK_L4KEY_PORTS:
		fmt_jnum(o, "sport", t->sport);
		fmt_jnum(o, "dport", t->dport);
		break;
	case CTK_L4KEY_NONE:
		break;
	}
}

void fmt_jproto_ids(struct jobj *o, const struct ctk_tuple *t)
{
	fmt_jstr(o, "l3proto", ctk_l3_name(t->l3num), SIZE_MAX);
	fmt_jnum(o, "l3protonum", t->l3num);
	fmt_jstr(o, "l4proto", ctk_l4proto_name(t->l4num), SIZE_MAX);
	fmt_jnum(o, "l4protonum", t->l4num);
}

/* One direction: addresses, l4 fields, its zone and counters. */
static void put_direction(struct jobj *top, const struct ctk_entry *e, enum ctk_dir dir)
{
	enum ctk_attr tuple_attr = dir == CTK_DIR_ORIG ? CTK_ATTR_ORIG : CTK_ATTR_REPLY;
	enum ctk_attr zone_attr = dir == CTK_DIR_ORIG ? CTK_ATTR_ORIG_ZONE : CTK_ATTR_REPLY_ZONE;
	enum ctk_attr cnt_attr = dir == CTK_DIR_ORIG ? CTK_ATTR_COUNTERS_ORIG : CTK_ATTR_COUNTERS_REPLY;
	const struct ctk_tuple *t = dir == CTK_DIR_ORIG ? &e->orig : &e->reply;
	struct jobj o;

	if (!ctk_entry_has(e, tuple_attr) && !ctk_entry_has(e, zone_attr) &&
	    !ctk_entry_has(e, cnt_attr))
		return;
	fmt_jkey(top, dir == CTK_DIR_ORIG ? "orig" : "reply");
	fmt_jobj_open(&o, top->b);
	if (ctk_entry_has(e, tuple_attr)) {
		fmt_jaddr(&o, "src", t->l3num, &t->src);
		fmt_jaddr(&o, "dst", t->l3num, &t->dst);
		fmt_jtuple_l4(&o, t);
	}
	if (ctk_entry_has(e, zone_attr))
		fmt_jnum(&o, "zone", dir == CTK_DIR_ORIG ? e->orig_zone : e->reply_zone);
	if (ctk_entry_has(e, cnt_attr)) {
		fmt_jnum(&o, "packets", e->counters[dir].packets);
		fmt_jnum(&o, "bytes", e->counters[dir].bytes);
	}
	fmt_jobj_close(&o);
}

static void put_master(struct jobj *top, const struct ctk_entry *e)
{
	struct jobj o;

	if (!ctk_entry_has(e, CTK_ATTR_MASTER))
		return;
	fmt_jkey(top, "master");
	fmt_jobj_open(&o, top->b);
	fmt_jproto_ids(&o, &e->master);
	fmt_jaddr(&o, "src", e->master.l3num, &e->master.src);
	fmt_jaddr(&o, "dst", e->master.l3num, &e->master.dst);
	fmt_jtuple_l4(&o, &e->master);
	fmt_jobj_close(&o);
}

/* A state name, or its number when the table has no name for it. */
static void put_state(struct jobj *o, const char *name, uint8_t value)
{
	if (name)
		fmt_jstr(o, "state", name, SIZE_MAX);
	else
		fmt_jnum(o, "state", value);
}

static void put_states(struct jobj *o, const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE))
		put_state(o, ctk_tcp_state_name(e->tcp.state), e->tcp.state);
	else if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE))
		put_state(o, ctk_sctp_state_name(e->sctp.state), e->sctp.state);
	else if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE))
		put_state(o, ctk_dccp_state_name(e->dccp.state), e->dccp.state);
}

static void put_status(struct jobj *o, uint32_t status)
{
	bool first = true;

	fmt_jkey(o, "status");
	fb_putc(o->b, '[');
	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name;

		if (!(status & (1U << bit)))
			continue;
		if (!first)
			fb_putc(o->b, ',');
		first = false;
		name = ctk_status_bit_name(bit);
		if (name)
			fmt_jstr_raw(o->b, name, SIZE_MAX);
		else
			fb_u64(o->b, bit);
	}
	fb_putc(o->b, ']');
}

static void put_labels(struct jobj *o, const struct ctk_entry *e, const struct ctk_labelmap *map)
{
	bool first = true;

	fmt_jkey(o, "labels");
	fb_putc(o->b, '[');
	for (unsigned int bit = 0; bit < CTK_LABEL_BITS; bit++) {
		const char *name;

		if (!fmt_label_test(e->labels, bit))
			continue;
		if (!first)
			fb_putc(o->b, ',');
		first = false;
		name = map ? ctk_labelmap_name(map, bit) : NULL;
		if (name && *name)
			fmt_jstr_raw(o->b, name, SIZE_MAX);
		else
			fb_u64(o->b, bit);
	}
	fb_putc(o->b, ']');
}

static void put_timestamps(struct jobj *top, const struct ctk_entry *e, const struct ctk_fmt *fmt)
{
	struct jobj o;

	if (!ctk_entry_has(e, CTK_ATTR_TS_START) && !ctk_entry_has(e, CTK_ATTR_TS_STOP) &&
	    !ctk_entry_has(e, CTK_ATTR_TS_EVENT))
		return;
	fmt_jkey(top, "timestamp");
	fmt_jobj_open(&o, top->b);
	if (ctk_entry_has(e, CTK_ATTR_TS_START))
		fmt_jnum(&o, "start", e->ts_start);
	if (ctk_entry_has(e, CTK_ATTR_TS_STOP))
		fmt_jnum(&o, "stop", e->ts_stop);
	if (ctk_entry_has(e, CTK_ATTR_TS_EVENT))
		fmt_jnum(&o, "event", e->ts_event);
	fmt_jobj_close(&o);
	if (ctk_entry_has(e, CTK_ATTR_TS_START))
		fmt_jnum(top, "delta_time", fmt_delta_time(e, fmt->now));
}

static void put_tcp_info(struct jobj *top, const struct ctk_entry *e)
{
	bool ws[2] = { ctk_entry_has(e, CTK_ATTR_TCP_WSCALE_ORIG),
		       ctk_entry_has(e, CTK_ATTR_TCP_WSCALE_REPLY) };
	bool fl[2] = { ctk_entry_has(e, CTK_ATTR_TCP_FLAGS_ORIG),
		       ctk_entry_has(e, CTK_ATTR_TCP_FLAGS_REPLY) };
	struct jobj o;

	if (!ws[0] && !ws[1] && !fl[0] && !fl[1])
		return;
	fmt_jkey(top, "tcp");
	fmt_jobj_open(&o, top->b);
	if (ws[0])
		fmt_jnum(&o, "wscale_orig", e->tcp.wscale[CTK_DIR_ORIG]);
	if (ws[1])
		fmt_jnum(&o, "wscale_reply", e->tcp.wscale[CTK_DIR_REPLY]);
	if (fl[0]) {
		fmt_jnum(&o, "flags_orig", e->tcp.flags[CTK_DIR_ORIG]);
		fmt_jnum(&o, "flags_mask_orig", e->tcp.flags_mask[CTK_DIR_ORIG]);
	}
	if (fl[1]) {
		fmt_jnum(&o, "flags_reply", e->tcp.flags[CTK_DIR_REPLY]);
		fmt_jnum(&o, "flags_mask_reply", e->tcp.flags_mask[CTK_DIR_REPLY]);
	}
	fmt_jobj_close(&o);
}

static void put_sctp_info(struct jobj *top, const struct ctk_entry *e)
{
	bool orig = ctk_entry_has(e, CTK_ATTR_SCTP_VTAG_ORIG);
	bool reply = ctk_entry_has(e, CTK_ATTR_SCTP_VTAG_REPLY);
	struct jobj o;

	if (!orig && !reply)
		return;
	fmt_jkey(top, "sctp");
	fmt_jobj_open(&o, top->b);
	if (orig)
		fmt_jnum(&o, "vtag_orig", e->sctp.vtag[CTK_DIR_ORIG]);
	if (reply)
		fmt_jnum(&o, "vtag_reply", e->sctp.vtag[CTK_DIR_REPLY]);
	fmt_jobj_close(&o);
}

static void put_dccp_info(struct jobj *top, const struct ctk_entry *e)
{
	static const char *const roles[] = { "client", "server" };
	bool role = ctk_entry_has(e, CTK_ATTR_DCCP_ROLE);
	bool seq = ctk_entry_has(e, CTK_ATTR_DCCP_HANDSHAKE_SEQ);
	struct jobj o;

	if (!role && !seq)
		return;
	fmt_jkey(top, "dccp");
	fmt_jobj_open(&o, top->b);
	if (role && e->dccp.role < 2)
		fmt_jstr(&o, "role", roles[e->dccp.role], SIZE_MAX);
	else if (role)
		fmt_jnum(&o, "role", e->dccp.role);
	if (seq)
		fmt_jnum(&o, "handshake_seq", e->dccp.handshake_seq);
	fmt_jobj_close(&o);
}

static void put_seqadj(struct jobj *top, const struct ctk_entry *e)
{
	static const enum ctk_attr attrs[2] = { CTK_ATTR_SEQADJ_ORIG, CTK_ATTR_SEQADJ_REPLY };
	static const char *const keys[2] = { "orig", "reply" };
	struct jobj o, d;

	if (!ctk_entry_has(e, attrs[0]) && !ctk_entry_has(e, attrs[1]))
		return;
	fmt_jkey(top, "seqadj");
	fmt_jobj_open(&o, top->b);
	for (int dir = 0; dir < 2; dir++) {
		if (!ctk_entry_has(e, attrs[dir]))
			continue;
		fmt_jkey(&o, keys[dir]);
		fmt_jobj_open(&d, top->b);
		fmt_jnum(&d, "correction_pos", e->seqadj[dir].correction_pos);
		fmt_jnum(&d, "offset_before", e->seqadj[dir].offset_before);
		fmt_jnum(&d, "offset_after", e->seqadj[dir].offset_after);
		fmt_jobj_close(&d);
	}
	fmt_jobj_close(&o);
}

static void put_synproxy(struct jobj *top, const struct ctk_entry *e)
{
	struct jobj o;

	if (!ctk_entry_has(e, CTK_ATTR_SYNPROXY))
		return;
	fmt_jkey(top, "synproxy");
	fmt_jobj_open(&o, top->b);
	fmt_jnum(&o, "isn", e->synproxy.isn);
	fmt_jnum(&o, "its", e->synproxy.its);
	fmt_jnum(&o, "tsoff", e->synproxy.tsoff);
	fmt_jobj_close(&o);
}

static void put_head(struct jobj *o, const struct ctk_entry *e, enum ctk_event ev)
{
	static const char *const events[] = {
		[CTK_EV_NEW] = "new",
		[CTK_EV_UPDATE] = "update",
		[CTK_EV_DESTROY] = "destroy",
	};
	const struct ctk_tuple *t = ctk_entry_has(e, CTK_ATTR_ORIG) ? &e->orig : &e->reply;

	if (ev > CTK_EV_NONE && ev <= CTK_EV_DESTROY)
		fmt_jstr(o, "event", events[ev], SIZE_MAX);
	if (ctk_entry_has(e, CTK_ATTR_ORIG) || ctk_entry_has(e, CTK_ATTR_REPLY))
		fmt_jproto_ids(o, t);
	if (ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		fmt_jnum(o, "timeout", e->timeout);
	put_states(o, e);
}

static void put_scalars(struct jobj *o, const struct ctk_entry *e, const struct ctk_fmt *fmt)
{
	if (ctk_entry_has(e, CTK_ATTR_STATUS))
		put_status(o, e->status);
	if (ctk_entry_has(e, CTK_ATTR_MARK))
		fmt_jnum(o, "mark", e->mark);
	if (ctk_entry_has(e, CTK_ATTR_SECMARK))
		fmt_jnum(o, "secmark", e->secmark);
	if (ctk_entry_has(e, CTK_ATTR_SECCTX))
		fmt_jstr(o, "secctx", e->secctx, sizeof(e->secctx));
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		fmt_jnum(o, "zone", e->zone);
	put_timestamps(o, e, fmt);
	if (ctk_entry_has(e, CTK_ATTR_HELPER_NAME))
		fmt_jstr(o, "helper", e->helper_name, sizeof(e->helper_name));
	if (ctk_entry_has(e, CTK_ATTR_USE) && !(fmt->flags & CTK_FMT_F_NO_USE))
		fmt_jnum(o, "use", e->use);
	if (ctk_entry_has(e, CTK_ATTR_ID))
		fmt_jnum(o, "id", e->id);
	if (ctk_entry_has(e, CTK_ATTR_LABELS))
		put_labels(o, e, fmt->labels);
}

void fmt_entry_json(struct fbuf *b, const struct ctk_entry *e, enum ctk_event ev,
		    const struct ctk_fmt *fmt)
{
	struct jobj o;

	fmt_jobj_open(&o, b);
	fmt_jnetns(&o, fmt);
	put_head(&o, e, ev);
	put_direction(&o, e, CTK_DIR_ORIG);
	put_direction(&o, e, CTK_DIR_REPLY);
	put_scalars(&o, e, fmt);
	put_tcp_info(&o, e);
	put_sctp_info(&o, e);
	put_dccp_info(&o, e);
	put_seqadj(&o, e);
	put_synproxy(&o, e);
	put_master(&o, e);
	fmt_jobj_close(&o);
}
