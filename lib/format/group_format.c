// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A group of ctk_groups as one line (ctkit/group.h): "COUNT KEY=VALUE ..."
 * or {"count":N,"KEY":VALUE,...}. A value the group's entries do not have
 * (ports of ICMP, the state of UDP, no label) is "-" in text and null in
 * JSON.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <ctkit/group.h>
#include <ctkit/l4proto.h>
#include <ctkit/labels.h>
#include <ctkit/names.h>
#include "format/fmt.h"
#include "model/group_priv.h"

/* A text value, quoted in JSON. */
static void put_str(struct fbuf *b, bool json, const char *s)
{
	if (json)
		fmt_jstr_raw(b, s, SIZE_MAX);
	else
		fb_puts(b, s);
}

static void put_none(struct fbuf *b, bool json)
{
	fb_puts(b, json ? "null" : "-");
}

static void put_addr(struct fbuf *b, bool json, const struct group_key *k, const union ctk_addr *a,
		     unsigned int len)
{
	if (json)
		fb_putc(b, '"');
	fb_addr(b, k->family, a);
	if (len < (k->family == AF_INET6 ? 128u : 32u)) {
		fb_putc(b, '/');
		fb_u64(b, len);
	}
	if (json)
		fb_putc(b, '"');
}

/* Names (or numbers) of the set bits, joined by ','; "-" / null for none. */
static void put_bits(struct fbuf *b, bool json, const uint32_t *words, unsigned int nbits,
		     const char *(*name)(unsigned int bit, const void *data), const void *data)
{
	bool any = false;

	for (unsigned int bit = 0; bit < nbits; bit++) {
		const char *n;

		if (!((words[bit / 32] >> (bit % 32)) & 1))
			continue;
		fb_puts(b, any ? "," : json ? "\"" : "");
		any = true;
		n = name(bit, data);
		if (n)
			fb_puts(b, n);
		else
			fb_u64(b, bit);
	}
	if (!any)
		put_none(b, json);
	else if (json)
		fb_putc(b, '"');
}

static const char *status_name(unsigned int bit, const void *data)
{
	(void)data;
	return ctk_status_bit_name(bit);
}

static const char *label_name(unsigned int bit, const void *data)
{
	return data ? ctk_labelmap_name(data, bit) : NULL;
}

static void put_value(struct fbuf *b, bool json, const struct ctk_groups *g,
		      const struct group_key *k, enum ctk_group_key key,
		      const struct ctk_labelmap *labels)
{
	switch (key) {
	case CTK_GROUP_SRC:
		put_addr(b, json, k, &k->src, k->src_len);
		break;
	case CTK_GROUP_DST:
		put_addr(b, json, k, &k->dst, k->dst_len);
		break;
	case CTK_GROUP_SPORT:
	case CTK_GROUP_DPORT:
		if (k->has_ports)
			fb_u64(b, key == CTK_GROUP_SPORT ? k->sport : k->dport);
		else
			put_none(b, json);
		break;
	case CTK_GROUP_PROTO:
		put_str(b, json, ctk_l4proto_name(k->l4));
		break;
	case CTK_GROUP_FAMILY:
		put_str(b, json, ctk_l3_name(k->family));
		break;
	case CTK_GROUP_STATE:
		if (k->state)
			put_str(b, json, group_name(g, k->state));
		else
			put_none(b, json);
		break;
	case CTK_GROUP_ZONE:
		fb_u64(b, k->zone);
		break;
	case CTK_GROUP_MARK:
		fb_u64(b, k->mark);
		break;
	case CTK_GROUP_STATUS:
		put_bits(b, json, &k->status, 32, status_name, NULL);
		break;
	case CTK_GROUP_LABEL:
		put_bits(b, json, k->labels, CTK_LABEL_BITS, label_name, labels);
		break;
	case CTK_GROUP_NETNS:
		put_str(b, json, group_name(g, k->netns));
		break;
	}
}

int ctk_group_value(const struct ctk_groups *g, const struct ctk_group *grp, unsigned int i,
		    const struct ctk_labelmap *labels, char *buf, size_t size)
{
	struct fbuf b;

	fb_init(&b, buf, size);
	if (i < g->spec.nkeys)
		put_value(&b, false, g, group_key_of(grp), g->spec.keys[i].key, labels);
	return (int)fb_finish(&b);
}

int ctk_group_format(const struct ctk_groups *g, const struct ctk_group *grp, int json,
		     const struct ctk_labelmap *labels, char *buf, size_t size)
{
	const struct group_key *k = group_key_of(grp);
	struct fbuf b;

	fb_init(&b, buf, size);
	fb_puts(&b, json ? "{\"count\":" : "");
	fb_u64(&b, grp->count);
	for (unsigned int i = 0; i < g->spec.nkeys; i++) {
		enum ctk_group_key key = g->spec.keys[i].key;

		fb_puts(&b, json ? ",\"" : " ");
		fb_puts(&b, ctk_group_key_name(key));
		fb_puts(&b, json ? "\":" : "=");
		put_value(&b, json, g, k, key, labels);
	}
	if (grp->with_counters) {
		fb_puts(&b, json ? ",\"packets\":" : " packets=");
		fb_u64(&b, grp->packets);
		fb_puts(&b, json ? ",\"bytes\":" : " bytes=");
		fb_u64(&b, grp->bytes);
	}
	fb_puts(&b, json ? "}\n" : "\n");
	return (int)fb_finish(&b);
}
