// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * "-o json" for expectations: one JSON object, ctkit's own format,
 * documented in docs/json.md next to the entry schema. As there, a key is
 * present exactly when its attribute is.
 */
#include "fmt.h"

/* A tuple object: addresses, then the l4 fields of its own protocol. */
static void put_tuple(struct jobj *top, const char *key, const struct ctk_tuple *t)
{
	struct jobj o;

	fmt_jkey(top, key);
	fmt_jobj_open(&o, top->b);
	fmt_jaddr(&o, "src", t->l3num, &t->src);
	fmt_jaddr(&o, "dst", t->l3num, &t->dst);
	fmt_jtuple_l4(&o, t);
	fmt_jobj_close(&o);
}

static void put_flags(struct jobj *o, uint32_t flags)
{
	static const char *const names[] = { "PERMANENT", "INACTIVE", "USERSPACE" };
	bool first = true;

	fmt_jkey(o, "flags");
	fb_putc(o->b, '[');
	for (unsigned int bit = 0; bit < 32; bit++) {
		if (!(flags & (1U << bit)))
			continue;
		if (!first)
			fb_putc(o->b, ',');
		first = false;
		if (bit < sizeof(names) / sizeof(names[0]))
			fmt_jstr_raw(o->b, names[bit], SIZE_MAX);
		else
			fb_u64(o->b, bit);
	}
	fb_putc(o->b, ']');
}

static void put_nat(struct jobj *top, const struct ctk_expect *x)
{
	bool dir = ctk_expect_has(x, CTK_EXPECT_ATTR_NAT_DIR);
	bool tuple = ctk_expect_has(x, CTK_EXPECT_ATTR_NAT_TUPLE);
	struct jobj o;

	if (!dir && !tuple)
		return;
	fmt_jkey(top, "nat");
	fmt_jobj_open(&o, top->b);
	if (dir && x->nat_dir <= CTK_DIR_REPLY)
		fmt_jstr(&o, "dir", x->nat_dir == CTK_DIR_ORIG ? "orig" : "reply", SIZE_MAX);
	else if (dir)
		fmt_jnum(&o, "dir", x->nat_dir);
	if (tuple) {
		fmt_jaddr(&o, "src", x->nat_tuple.l3num, &x->nat_tuple.src);
		fmt_jtuple_l4(&o, &x->nat_tuple);
	}
	fmt_jobj_close(&o);
}

static void put_head(struct jobj *o, const struct ctk_expect *x, enum ctk_event ev)
{
	static const char *const events[] = {
		[CTK_EV_NEW] = "new",
		[CTK_EV_UPDATE] = "update",
		[CTK_EV_DESTROY] = "destroy",
	};

	if (ev > CTK_EV_NONE && ev <= CTK_EV_DESTROY)
		fmt_jstr(o, "event", events[ev], SIZE_MAX);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_EXPECTED))
		fmt_jproto_ids(o, &x->expected);
	else if (ctk_expect_has(x, CTK_EXPECT_ATTR_MASTER))
		fmt_jproto_ids(o, &x->master);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_TIMEOUT))
		fmt_jnum(o, "timeout", x->timeout);
}

void fmt_expect_json(struct fbuf *b, const struct ctk_expect *x, enum ctk_event ev,
		     const struct ctk_fmt *fmt)
{
	struct jobj o;

	fmt_jobj_open(&o, b);
	fmt_jnetns(&o, fmt);
	put_head(&o, x, ev);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_EXPECTED))
		put_tuple(&o, "expected", &x->expected);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_MASK))
		put_tuple(&o, "mask", &x->mask);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_MASTER))
		put_tuple(&o, "master", &x->master);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_ZONE))
		fmt_jnum(&o, "zone", x->zone);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_FLAGS))
		put_flags(&o, x->flags);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_CLASS))
		fmt_jnum(&o, "class", x->exp_class);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME))
		fmt_jstr(&o, "helper", x->helper_name, sizeof(x->helper_name));
	put_nat(&o, x);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_FN))
		fmt_jstr(&o, "fn", x->fn, sizeof(x->fn));
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_ID))
		fmt_jnum(&o, "id", x->id);
	fmt_jobj_close(&o);
}
