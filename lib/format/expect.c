// SPDX-License-Identifier: LGPL-2.1-or-later
/* ctk_format_expect: pick the expectation writer for the requested kind. */
#include "fmt.h"

const struct ctk_tuple *fmt_exp_tuple(const struct ctk_expect *x, enum ctk_expect_attr which)
{
	static const struct ctk_tuple zero;

	if (!ctk_expect_has(x, which))
		return &zero;
	switch (which) {
	case CTK_EXPECT_ATTR_MASTER:
		return &x->master;
	case CTK_EXPECT_ATTR_MASK:
		return &x->mask;
	case CTK_EXPECT_ATTR_NAT_TUPLE:
		return &x->nat_tuple;
	default:
		return &x->expected;
	}
}

size_t ctk_format_expect(char *buf, size_t size, const struct ctk_expect *x,
			 enum ctk_event ev, const struct ctk_fmt *fmt)
{
	static const struct ctk_fmt plain = { .kind = CTK_FMT_DEFAULT };
	struct fbuf b;

	if (!fmt)
		fmt = &plain;
	fb_init(&b, buf, size);
	switch (fmt->kind) {
	case CTK_FMT_XML:
		fmt_expect_xml(&b, x, ev, fmt);
		break;
	case CTK_FMT_JSON:
		fmt_expect_json(&b, x, ev, fmt);
		break;
	case CTK_FMT_DEFAULT:
	case CTK_FMT_SAVE:	/* the reference prints expectations as default then */
		fmt_netns_prefix(&b, fmt);
		fmt_expect_default(&b, x, ev);
		break;
	}
	return fb_finish(&b);
}
