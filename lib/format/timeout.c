// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A timeout policy as text (nfct_timeout_snprintf() of
 * libnetfilter_cttimeout, which nfct prints) or as JSON (docs/nfct.md).
 *
 * The text is a C-like initializer. With a policy, every state of the
 * tracker is printed, 0 for those the object lacks, and a protocol
 * without a tracker is printed with the generic tracker's names.
 */
#include <ctype.h>
#include <ctkit/timeout.h>
#include <ctkit/format.h>
#include "format/fmt.h"

static void text_states(struct fbuf *b, const struct ctk_timeout *t)
{
	const struct ctk_timeout_proto *p = ctk_timeout_proto(t->l4proto);

	if (!p)
		p = ctk_timeout_proto(CTK_TIMEOUT_GENERIC);
	fb_puts(b, "\t.policy = {\n");
	for (unsigned int i = 0; i < p->nstates; i++) {
		fb_puts(b, "\t\t.");
		fb_puts(b, p->states[i]);
		fb_puts(b, " = ");
		fb_u64(b, t->states & (1u << i) ? t->secs[i] : 0);
		fb_puts(b, ",\n");
	}
	fb_puts(b, "\t},\n");
}

static void text_timeout(struct fbuf *b, const struct ctk_timeout *t)
{
	if (t->present & CTK_TIMEOUT_ATTR_NAME) {
		fb_putc(b, '.');
		fb_puts(b, t->name);
		fb_puts(b, " = {\n");
	}
	if (t->present & CTK_TIMEOUT_ATTR_L3PROTO) {
		fb_puts(b, "\t.l3proto = ");
		fb_u64(b, t->l3proto);
		fb_puts(b, ",\n");
	}
	if (t->present & CTK_TIMEOUT_ATTR_L4PROTO) {
		fb_puts(b, "\t.l4proto = ");
		fb_u64(b, t->l4proto);
		fb_puts(b, ",\n");
	}
	if (t->states)
		text_states(b, t);
	fb_puts(b, "};");
}

static const char *l3_name(uint16_t l3proto)
{
	switch (l3proto) {
	case 2:
		return "ipv4";
	case 10:
		return "ipv6";
	}
	return "unknown";
}

/* A state's JSON key: its name in lower case, as nfct takes it. */
static void json_state_key(struct jobj *o, const char *name)
{
	char key[32];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(key); i++)
		key[i] = (char)tolower((unsigned char)name[i]);
	key[i] = '\0';
	fmt_jkey(o, key);
}

static void json_states(struct jobj *o, const struct ctk_timeout *t)
{
	struct jobj pol;

	fmt_jkey(o, "policy");
	fmt_jobj_open(&pol, o->b);
	for (unsigned int i = 0; i < CTK_TIMEOUT_STATES; i++) {
		const char *name = ctk_timeout_state_name(t->l4proto, i);

		if (!(t->states & (1u << i)))
			continue;
		if (name) {
			json_state_key(&pol, name);
		} else {
			char key[4] = { (char)('0' + i / 10), (char)('0' + i % 10), 0 };

			fmt_jkey(&pol, i < 10 ? key + 1 : key);
		}
		fb_u64(pol.b, t->secs[i]);
	}
	fmt_jobj_close(&pol);
}

static void json_timeout(struct fbuf *b, const struct ctk_timeout *t)
{
	struct jobj o;

	fmt_jobj_open(&o, b);
	if (t->present & CTK_TIMEOUT_ATTR_NAME)
		fmt_jstr(&o, "name", t->name, sizeof(t->name));
	if (t->present & CTK_TIMEOUT_ATTR_L3PROTO) {
		fmt_jstr(&o, "l3proto", l3_name(t->l3proto), 16);
		fmt_jnum(&o, "l3protonum", t->l3proto);
	}
	if (t->present & CTK_TIMEOUT_ATTR_L4PROTO) {
		const struct ctk_timeout_proto *p = ctk_timeout_proto(t->l4proto);

		fmt_jstr(&o, "l4proto", p ? p->name : "unknown", 16);
		fmt_jnum(&o, "l4protonum", t->l4proto);
	}
	if (t->states)
		json_states(&o, t);
	if (t->present & CTK_TIMEOUT_ATTR_USE)
		fmt_jnum(&o, "use", t->use);
	fmt_jobj_close(&o);
}

size_t ctk_format_timeout(char *buf, size_t size, const struct ctk_timeout *t,
			  enum ctk_fmt_kind kind)
{
	struct fbuf b;

	fb_init(&b, buf, size);
	if (kind == CTK_FMT_JSON)
		json_timeout(&b, t);
	else
		text_timeout(&b, t);
	return fb_finish(&b);
}
