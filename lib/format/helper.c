// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A userspace helper as text (nfct_helper_snprintf() of
 * libnetfilter_cthelper, which nfct prints: every field, 0 when absent,
 * no expectation classes) or as JSON (docs/nfct.md).
 */
#include <ctkit/format.h>
#include "format/fmt.h"

static void text_num(struct fbuf *b, const char *key, uint64_t v)
{
	fb_puts(b, "\t.");
	fb_puts(b, key);
	fb_puts(b, " = ");
	fb_u64(b, v);
	fb_puts(b, ",\n");
}

static void text_helper(struct fbuf *b, const struct ctk_helper *h)
{
	fb_puts(b, "{\n\t.name = ");
	fb_puts(b, h->name);
	fb_puts(b, ",\n");
	text_num(b, "queuenum", h->queue);
	text_num(b, "l3protonum", h->l3proto);
	text_num(b, "l4protonum", h->l4proto);
	text_num(b, "priv_data_len", h->priv_data_len);
	fb_puts(b, "\t.status = ");
	fb_puts(b, h->status ? "enabled" : "disabled");
	fb_puts(b, ",\n};");
}

static void json_classes(struct jobj *o, const struct ctk_helper *h)
{
	fmt_jkey(o, "policy");
	fb_putc(o->b, '[');
	for (uint32_t i = 0; i < h->npolicies && i < CTK_HELPER_POLICY_MAX; i++) {
		struct jobj c;

		if (i)
			fb_putc(o->b, ',');
		fmt_jobj_open(&c, o->b);
		fmt_jstr(&c, "name", h->policy[i].name, sizeof(h->policy[i].name));
		fmt_jnum(&c, "expect_max", h->policy[i].expect_max);
		fmt_jnum(&c, "expect_timeout", h->policy[i].expect_timeout);
		fmt_jobj_close(&c);
	}
	fb_putc(o->b, ']');
}

static void json_helper(struct fbuf *b, const struct ctk_helper *h)
{
	struct jobj o;

	fmt_jobj_open(&o, b);
	if (h->present & CTK_HELPER_ATTR_NAME)
		fmt_jstr(&o, "name", h->name, sizeof(h->name));
	if (h->present & CTK_HELPER_ATTR_QUEUE)
		fmt_jnum(&o, "queuenum", h->queue);
	if (h->present & CTK_HELPER_ATTR_L3PROTO)
		fmt_jnum(&o, "l3protonum", h->l3proto);
	if (h->present & CTK_HELPER_ATTR_L4PROTO)
		fmt_jnum(&o, "l4protonum", h->l4proto);
	if (h->present & CTK_HELPER_ATTR_PRIV_LEN)
		fmt_jnum(&o, "priv_data_len", h->priv_data_len);
	if (h->present & CTK_HELPER_ATTR_STATUS)
		fmt_jstr(&o, "status", h->status ? "enabled" : "disabled", 16);
	if (h->present & CTK_HELPER_ATTR_POLICY)
		json_classes(&o, h);
	fmt_jobj_close(&o);
}

size_t ctk_format_helper(char *buf, size_t size, const struct ctk_helper *h,
			 enum ctk_fmt_kind kind)
{
	struct fbuf b;

	fb_init(&b, buf, size);
	if (kind == CTK_FMT_JSON)
		json_helper(&b, h);
	else
		text_helper(&b, h);
	return fb_finish(&b);
}
