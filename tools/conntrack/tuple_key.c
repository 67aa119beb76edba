// SPDX-License-Identifier: LGPL-2.1-or-later
/* Selections that name one entry by its tuple: see tuple_key.h. */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "tuple_key.h"

#define BIT(x) (UINT64_C(1) << (x))

static bool full_mask(const union ctk_addr *m, uint8_t family)
{
	static const uint8_t ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	return memcmp(m, ones, family == AF_INET ? 4 : 16) == 0;
}

/* The fields that name one tuple of @l4num, in the original or the reply direction. */
static uint64_t tuple_fields(uint8_t l4num, bool reply)
{
	uint64_t addr = reply ? BIT(CTK_F_REPLY_SRC) | BIT(CTK_F_REPLY_DST)
			      : BIT(CTK_F_ORIG_SRC) | BIT(CTK_F_ORIG_DST);
	uint64_t base = BIT(CTK_F_FAMILY) | BIT(CTK_F_L4PROTO) | addr;

	if (ctk_l4proto_is_icmp(l4num))
		return reply ? 0
			     : base | BIT(CTK_F_ICMP_TYPE) | BIT(CTK_F_ICMP_CODE) |
				       BIT(CTK_F_ICMP_ID);
	if (l4num == IPPROTO_GRE || !ctk_l4proto_has_ports(l4num))
		return 0;
	return base | (reply ? BIT(CTK_F_REPLY_SPORT) | BIT(CTK_F_REPLY_DPORT)
			     : BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_ORIG_DPORT));
}

static bool has_all(const struct ctk_filter *f, uint64_t fields)
{
	return fields && (f->has & fields) == fields;
}

/* CTKIT_KERNEL_FILTER=0 turns off whatever the kernel would select for us (dump_plan.c). */
static bool lookup_enabled(void)
{
	const char *v = getenv("CTKIT_KERNEL_FILTER");

	return !v || strcmp(v, "0") != 0;
}

bool ct_tuple_key(const struct ctk_filter *f, bool zone_ok, struct ctk_entry *key)
{
	uint8_t l4num = f->orig.l4num;
	const struct ctk_tuple *t = &f->orig;
	enum ctk_attr dir = CTK_ATTR_ORIG;

	if (!lookup_enabled())
		return false;
	if (f->has & (BIT(CTK_F_ORIG_ZONE) | BIT(CTK_F_REPLY_ZONE)))
		return false;
	if (ctk_filter_has(f, CTK_F_ZONE) && !zone_ok)
		return false;
	if (f->family != AF_INET && f->family != AF_INET6)
		return false;
	if (has_all(f, tuple_fields(l4num, false))) {
		if (!full_mask(&f->orig_src_mask, f->family) ||
		    !full_mask(&f->orig_dst_mask, f->family))
			return false;
	} else if (has_all(f, tuple_fields(l4num, true))) {
		t = &f->reply;
		dir = CTK_ATTR_REPLY;
	} else {
		return false;
	}
	memset(key, 0, sizeof(*key));
	if (dir == CTK_ATTR_ORIG)
		key->orig = *t;
	else
		key->reply = *t;
	ctk_entry_set(key, dir);
	key->orig.l3num = key->reply.l3num = f->family;
	key->orig.l4num = key->reply.l4num = l4num;
	if (ctk_filter_has(f, CTK_F_ZONE)) {
		key->zone = f->zone;
		ctk_entry_set(key, CTK_ATTR_ZONE);
	}
	return true;
}
