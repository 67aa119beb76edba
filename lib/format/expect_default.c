// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The default one-line text format of an expectation, byte-identical to
 * libnetfilter_conntrack 1.0.9 nfexp_snprintf(NFCT_O_DEFAULT):
 *
 *   [EVENT] [timeout ]proto=N src=A dst=A <l4> mask-src=A mask-dst=A <l4>
 *   master-src=A master-dst=A <l4> [zone=N ][FLAG,FLAG ][class=N ][helper=S]
 *
 * with the trailing space dropped. Each tuple's l4 fields follow its own
 * protocol number, as in the entry format; a tuple of an unknown family
 * prints no addresses at all.
 */
#include <sys/socket.h>

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

static void put_tuple(struct fbuf *b, const struct ctk_tuple *t, const char *src,
		      const char *dst)
{
	if (t->l3num == AF_INET || t->l3num == AF_INET6) {
		fb_puts(b, src);
		fb_addr(b, t->l3num, &t->src);
		fb_putc(b, ' ');
		fb_puts(b, dst);
		fb_addr(b, t->l3num, &t->dst);
		fb_putc(b, ' ');
	}
	fmt_text_l4(b, t);
}

/*
 * "PERMANENT,INACTIVE,USERSPACE ": the names of the set flags, comma-joined,
 * then a space whenever any bit is set, even one without a name (so a
 * flags value of 8 leaves a double space, as in the library).
 */
static void put_flags(struct fbuf *b, uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ CTK_EXPECT_F_PERMANENT, "PERMANENT" },
		{ CTK_EXPECT_F_INACTIVE, "INACTIVE" },
		{ CTK_EXPECT_F_USERSPACE, "USERSPACE" },
	};
	const char *delim = "";

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		fb_puts(b, delim);
		fb_puts(b, names[i].name);
		delim = ",";
	}
	if (flags)
		fb_putc(b, ' ');
}

void fmt_expect_default(struct fbuf *b, const struct ctk_expect *x, enum ctk_event ev)
{
	const struct ctk_tuple *expected = fmt_exp_tuple(x, CTK_EXPECT_ATTR_EXPECTED);
	bool space_last = true;	/* every field but the helper name ends in one */

	if (ev > CTK_EV_NONE && ev <= CTK_EV_DESTROY) {
		fb_lpad(b, event_tags[ev], 9);
		fb_putc(b, ' ');
	}
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_TIMEOUT))
		put_u64_field(b, "", x->timeout);
	put_u64_field(b, "proto=", expected->l4num);
	put_tuple(b, expected, "src=", "dst=");
	put_tuple(b, fmt_exp_tuple(x, CTK_EXPECT_ATTR_MASK), "mask-src=", "mask-dst=");
	put_tuple(b, fmt_exp_tuple(x, CTK_EXPECT_ATTR_MASTER), "master-src=", "master-dst=");
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_ZONE))
		put_u64_field(b, "zone=", x->zone);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_FLAGS))
		put_flags(b, x->flags);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_CLASS))
		put_u64_field(b, "class=", x->exp_class);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME)) {
		size_t n = strnlen(x->helper_name, sizeof(x->helper_name));

		fb_puts(b, "helper=");
		fb_putn(b, x->helper_name, n);
		space_last = n && x->helper_name[n - 1] == ' ';
	}
	/* The library drops the last byte when it is a space, even the helper's. */
	if (space_last)
		fb_unput(b);
}
