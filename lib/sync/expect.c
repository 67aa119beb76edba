// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * EXP_* sync messages: an expectation as conntrackd 1.4.7's exp2msg sends
 * it and msg2exp reads it. Each tuple (master, expected, mask, NAT) is an
 * address pair, a protocol number and, when the master's protocol is tcp,
 * udp, sctp or dccp, a port pair; the NAT tuple has no IPv6 form. The
 * parser refuses a message that lacks the master, expected or mask
 * addresses, which the kernel needs to create an expectation.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <ctkit/sync.h>
#include "sync/wire.h"

#define FIXED(n)                                                                                   \
	{                                                                                          \
		SYNC_ATTR_HDR + (n), 0                                                             \
	}

static const struct sync_attr_rule exp_rules[NTA_EXP_MAX] = {
	[NTA_EXP_MASTER_IPV4] = FIXED(8),    [NTA_EXP_MASTER_IPV6] = FIXED(32),
	[NTA_EXP_MASTER_L4PROTO] = FIXED(1), [NTA_EXP_MASTER_PORT] = FIXED(4),
	[NTA_EXP_EXPECT_IPV4] = FIXED(8),    [NTA_EXP_EXPECT_IPV6] = FIXED(32),
	[NTA_EXP_EXPECT_L4PROTO] = FIXED(1), [NTA_EXP_EXPECT_PORT] = FIXED(4),
	[NTA_EXP_MASK_IPV4] = FIXED(8),	     [NTA_EXP_MASK_IPV6] = FIXED(32),
	[NTA_EXP_MASK_L4PROTO] = FIXED(1),   [NTA_EXP_MASK_PORT] = FIXED(4),
	[NTA_EXP_TIMEOUT] = FIXED(4),	     [NTA_EXP_FLAGS] = FIXED(4),
	[NTA_EXP_CLASS] = FIXED(4),	     [NTA_EXP_NAT_IPV4] = FIXED(8),
	[NTA_EXP_NAT_PORT] = FIXED(4),	     [NTA_EXP_NAT_L4PROTO] = FIXED(1),
	[NTA_EXP_NAT_DIR] = FIXED(4),	     [NTA_EXP_HELPER_NAME] = {0, SYNC_HELPER_MAX},
	[NTA_EXP_FN] = {0, SYNC_FN_MAX},
};

/* The attribute numbers of one tuple: address v4/v6, protocol, ports. */
struct tuple_attrs {
	uint16_t v4, v6, l4, port;
};

static const struct tuple_attrs master_attrs = {NTA_EXP_MASTER_IPV4, NTA_EXP_MASTER_IPV6,
						NTA_EXP_MASTER_L4PROTO, NTA_EXP_MASTER_PORT};
static const struct tuple_attrs expect_attrs = {NTA_EXP_EXPECT_IPV4, NTA_EXP_EXPECT_IPV6,
						NTA_EXP_EXPECT_L4PROTO, NTA_EXP_EXPECT_PORT};
static const struct tuple_attrs mask_attrs = {NTA_EXP_MASK_IPV4, NTA_EXP_MASK_IPV6,
					      NTA_EXP_MASK_L4PROTO, NTA_EXP_MASK_PORT};

/* The reference has port builders for these master protocols only. */
static bool master_has_ports(uint8_t l4num)
{
	return l4num == IPPROTO_TCP || l4num == IPPROTO_UDP || l4num == IPPROTO_SCTP ||
	       l4num == IPPROTO_DCCP;
}

static void put_tuple(struct sync_writer *w, const struct ctk_tuple *t,
		      const struct tuple_attrs *ta, bool ports)
{
	sync_put_addrs(w, t, ta->v4, ta->v6);
	sync_put_u8(w, ta->l4, t->l4num);
	if (ports)
		sync_put_ports(w, ta->port, t);
}

static void put_nat(struct sync_writer *w, const struct ctk_expect *x, bool ports)
{
	const struct ctk_tuple *t = &x->nat_tuple;

	/* there is no IPv6 NAT attribute: an IPv6 tuple goes without its addresses */
	if (t->l3num == AF_INET)
		sync_put_addrs(w, t, NTA_EXP_NAT_IPV4, NTA_EXP_MAX);
	sync_put_u8(w, NTA_EXP_NAT_L4PROTO, t->l4num);
	if (ports)
		sync_put_ports(w, NTA_EXP_NAT_PORT, t);
	sync_put_be32(w, NTA_EXP_NAT_DIR,
		      ctk_expect_has(x, CTK_EXPECT_ATTR_NAT_DIR) ? x->nat_dir : 0);
}

static bool has_tuples(const struct ctk_expect *x)
{
	return ctk_expect_has(x, CTK_EXPECT_ATTR_MASTER) &&
	       ctk_expect_has(x, CTK_EXPECT_ATTR_EXPECTED) &&
	       ctk_expect_has(x, CTK_EXPECT_ATTR_MASK);
}

int ctk_sync_expect_build(void *buf, size_t cap, enum ctk_sync_type type,
			  const struct ctk_expect *x, unsigned int flags)
{
	bool ports = master_has_ports(x->master.l4num);
	struct sync_writer w;

	if ((unsigned int)type < CTK_SYNC_EXP_NEW || (unsigned int)type > CTK_SYNC_EXP_DEL ||
	    !has_tuples(x))
		return -EINVAL;
	sync_writer_init(&w, buf, cap, (uint8_t)type);
	put_tuple(&w, &x->master, &master_attrs, ports);
	put_tuple(&w, &x->expected, &expect_attrs, ports);
	put_tuple(&w, &x->mask, &mask_attrs, ports);
	if (!(flags & CTK_SYNC_NO_TIMEOUT) && ctk_expect_has(x, CTK_EXPECT_ATTR_TIMEOUT))
		sync_put_be32(&w, NTA_EXP_TIMEOUT, x->timeout);
	sync_put_be32(&w, NTA_EXP_FLAGS, ctk_expect_has(x, CTK_EXPECT_ATTR_FLAGS) ? x->flags : 0);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_CLASS))
		sync_put_be32(&w, NTA_EXP_CLASS, x->exp_class);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_NAT_TUPLE))
		put_nat(&w, x, ports);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME))
		sync_put_str(&w, NTA_EXP_HELPER_NAME, x->helper_name, sizeof(x->helper_name));
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_FN))
		sync_put_str(&w, NTA_EXP_FN, x->fn, sizeof(x->fn));
	return sync_writer_end(&w);
}

/* Which tuple an attribute belongs to, and its role in it (0 v4, 1 v6, 2 proto, 3 ports). */
static struct ctk_tuple *tuple_of(struct ctk_expect *x, uint16_t type, int *role)
{
	if (type <= NTA_EXP_MASK_PORT) {
		struct ctk_tuple *t[3] = {&x->master, &x->expected, &x->mask};
		static const enum ctk_expect_attr bit[3] = {
			CTK_EXPECT_ATTR_MASTER, CTK_EXPECT_ATTR_EXPECTED, CTK_EXPECT_ATTR_MASK};

		*role = type % 4;
		if (*role < 2)
			ctk_expect_set(x, bit[type / 4]);
		return t[type / 4];
	}
	ctk_expect_set(x, CTK_EXPECT_ATTR_NAT_TUPLE);
	*role = type == NTA_EXP_NAT_IPV4 ? 0 : type == NTA_EXP_NAT_L4PROTO ? 2 : 3;
	return &x->nat_tuple;
}

static void get_tuple_attr(struct ctk_expect *x, const struct sync_attr *a)
{
	int role;
	struct ctk_tuple *t = tuple_of(x, a->type, &role);

	switch (role) {
	case 0:
	case 1:
		sync_get_addrs(t, a, role == 0 ? AF_INET : AF_INET6);
		break;
	case 2:
		t->l4num = a->data[0];
		break;
	default:
		sync_get_ports(t, a);
		break;
	}
}

static void get_u32(uint32_t *dst, struct ctk_expect *x, enum ctk_expect_attr bit,
		    const struct sync_attr *a)
{
	*dst = sync_get_be32(a->data);
	ctk_expect_set(x, bit);
}

static void get_attr(struct ctk_expect *x, const struct sync_attr *a)
{
	switch (a->type) {
	case NTA_EXP_TIMEOUT:
		get_u32(&x->timeout, x, CTK_EXPECT_ATTR_TIMEOUT, a);
		break;
	case NTA_EXP_FLAGS:
		get_u32(&x->flags, x, CTK_EXPECT_ATTR_FLAGS, a);
		break;
	case NTA_EXP_CLASS:
		get_u32(&x->exp_class, x, CTK_EXPECT_ATTR_CLASS, a);
		break;
	case NTA_EXP_NAT_DIR:
		get_u32(&x->nat_dir, x, CTK_EXPECT_ATTR_NAT_DIR, a);
		break;
	case NTA_EXP_HELPER_NAME:
		sync_get_str(x->helper_name, SYNC_HELPER_MAX - SYNC_ATTR_HDR, a);
		ctk_expect_set(x, CTK_EXPECT_ATTR_HELPER_NAME);
		break;
	case NTA_EXP_FN:
		sync_get_str(x->fn, SYNC_FN_MAX - SYNC_ATTR_HDR, a);
		ctk_expect_set(x, CTK_EXPECT_ATTR_FN);
		break;
	default:
		get_tuple_attr(x, a);
		break;
	}
}

int ctk_sync_expect_parse(const void *msg, size_t len, struct ctk_expect *x)
{
	struct sync_reader r;
	struct sync_attr a;
	int ret;

	ctk_expect_clear(x);
	memset(&x->master, 0, sizeof(x->master));
	memset(&x->expected, 0, sizeof(x->expected));
	memset(&x->mask, 0, sizeof(x->mask));
	memset(&x->nat_tuple, 0, sizeof(x->nat_tuple));
	if (sync_reader_init(&r, msg, len, exp_rules, NTA_EXP_MAX) < 0)
		return -CTK_SYNC_ERR_MALFORMED;
	while ((ret = sync_reader_next(&r, &a)) > 0)
		get_attr(x, &a);
	if (ret < 0 || !has_tuples(x))
		return -CTK_SYNC_ERR_MALFORMED;
	return 0;
}
