// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One expectation as XML, byte-identical to libnetfilter_conntrack 1.0.9
 * nfexp_snprintf(NFCT_O_XML): the three tuples are split by layer, not by
 * tuple, and both layer elements take their numbers from the expected
 * tuple:
 *
 *   <flow[ type="new"]><layer3 protonum="2" protoname="ipv4">
 *   <expected><src/><dst/></expected><mask>..</mask><master>..</master></layer3>
 *   <layer4 ...><expected>ports</expected><mask>..</mask><master>..</master></layer4>
 *   <meta>[helper-name][timeout][class][zone][when][<permanent/>..]</meta></flow>
 *
 * Nothing is escaped, as in the reference.
 */
#include <time.h>

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

static void put_open(struct fbuf *b, const char *tag)
{
	fb_putc(b, '<');
	fb_puts(b, tag);
	fb_putc(b, '>');
}

static void put_close(struct fbuf *b, const char *tag)
{
	fb_puts(b, "</");
	fb_puts(b, tag);
	fb_putc(b, '>');
}

static void put_layer_head(struct fbuf *b, const char *elem, unsigned int num, const char *name)
{
	fb_putc(b, '<');
	fb_puts(b, elem);
	fb_puts(b, " protonum=\"");
	fb_u64(b, num);
	fb_puts(b, "\" protoname=\"");
	fb_puts(b, name);
	fb_puts(b, "\">");
}

static void put_addrs(struct fbuf *b, const char *tag, const struct ctk_tuple *t)
{
	put_open(b, tag);
	fb_puts(b, "<src>");
	fb_addr(b, t->l3num, &t->src);
	fb_puts(b, "</src><dst>");
	fb_addr(b, t->l3num, &t->dst);
	fb_puts(b, "</dst>");
	put_close(b, tag);
}

static void put_ports(struct fbuf *b, const char *tag, const struct ctk_tuple *t)
{
	put_open(b, tag);
	fmt_xml_l4(b, t);
	put_close(b, tag);
}

static void put_layers(struct fbuf *b, const struct ctk_expect *x)
{
	const struct ctk_tuple *expected = fmt_exp_tuple(x, CTK_EXPECT_ATTR_EXPECTED);
	const struct ctk_tuple *mask = fmt_exp_tuple(x, CTK_EXPECT_ATTR_MASK);
	const struct ctk_tuple *master = fmt_exp_tuple(x, CTK_EXPECT_ATTR_MASTER);

	put_layer_head(b, "layer3", expected->l3num, ctk_l3_name(expected->l3num));
	put_addrs(b, "expected", expected);
	put_addrs(b, "mask", mask);
	put_addrs(b, "master", master);
	fb_puts(b, "</layer3>");
	put_layer_head(b, "layer4", expected->l4num, ctk_l4proto_name(expected->l4num));
	put_ports(b, "expected", expected);
	put_ports(b, "mask", mask);
	put_ports(b, "master", master);
	fb_puts(b, "</layer4>");
}

static void put_meta(struct fbuf *b, const struct ctk_expect *x, const struct ctk_fmt *fmt)
{
	uint32_t flags = ctk_expect_has(x, CTK_EXPECT_ATTR_FLAGS) ? x->flags : 0;

	fb_puts(b, "<meta>");
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME)) {
		fb_puts(b, "<helper-name>");
		fb_putn(b, x->helper_name, strnlen(x->helper_name, sizeof(x->helper_name)));
		fb_puts(b, "</helper-name>");
	}
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_TIMEOUT))
		put_elem_u64(b, "timeout", x->timeout);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_CLASS))
		put_elem_u64(b, "class", x->exp_class);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_ZONE))
		put_elem_u64(b, "zone", x->zone);
	if (fmt->flags & CTK_FMT_F_TIMESTAMP)
		fmt_xml_when(b, fmt->now);
	if (flags & CTK_EXPECT_F_PERMANENT)
		fb_puts(b, "<permanent/>");
	if (flags & CTK_EXPECT_F_INACTIVE)
		fb_puts(b, "<inactive/>");
	if (flags & CTK_EXPECT_F_USERSPACE)
		fb_puts(b, "<userspace/>");
	fb_puts(b, "</meta>");
}

void fmt_expect_xml(struct fbuf *b, const struct ctk_expect *x, enum ctk_event ev,
		    const struct ctk_fmt *fmt)
{
	static const char *const open_tags[] = {
		[CTK_EV_NONE] = "<flow>",
		[CTK_EV_NEW] = "<flow type=\"new\">",
		[CTK_EV_UPDATE] = "<flow type=\"update\">",
		[CTK_EV_DESTROY] = "<flow type=\"destroy\">",
	};

	fb_puts(b, ev <= CTK_EV_DESTROY ? open_tags[ev] : open_tags[CTK_EV_NONE]);
	put_layers(b, x);
	put_meta(b, x, fmt);
	fb_puts(b, "</flow>");
}
