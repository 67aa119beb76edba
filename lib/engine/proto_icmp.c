// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ICMP and ICMPv6, as Linux 6.18's nf_conntrack_proto_icmp.c and
 * nf_conntrack_proto_icmpv6.c.
 *
 * Before the normal lookup, errors (destination unreachable, time
 * exceeded, ...) are matched to the connection of the packet they quote:
 * the quoted tuple, inverted, must name a known connection whose
 * destination in that direction is the error's destination; the error is
 * then RELATED to it and changes nothing. ICMPv6 neighbour discovery and
 * MLD are UNTRACKED. Queries (echo, timestamp, ...) are connections keyed
 * by id, type and code; only a request can start one.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/eng.h"
#include "engine/fwext.h"

/* Request <-> reply types; stored as type + 1, 0 = none. */
static const uint8_t icmp_inverse[19] = {
	[8] = 0 + 1, [0] = 8 + 1, [13] = 14 + 1, [14] = 13 + 1,
	[15] = 16 + 1, [16] = 15 + 1, [17] = 18 + 1, [18] = 17 + 1,
};

static const uint8_t icmpv6_inverse[13] = {	/* from type 128 */
	[128 - 128] = 129 + 1, [129 - 128] = 128 + 1,
	[139 - 128] = 140 + 1, [140 - 128] = 139 + 1,
};

bool eng_icmp_invert_type(uint8_t l4, uint8_t type, uint8_t *out)
{
	uint8_t v = 0;

	if (l4 == IPPROTO_ICMP && type < sizeof(icmp_inverse))
		v = icmp_inverse[type];
	else if (l4 == IPPROTO_ICMPV6 && type >= 128 && type - 128 < (int)sizeof(icmpv6_inverse))
		v = icmpv6_inverse[type - 128];
	if (!v)
		return false;
	*out = v - 1;
	return true;
}

/* Types that carry a quoted packet (icmp_is_err()). */
static bool icmp_is_err(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* ICMPv6 types never tracked: MLD, router/neighbour discovery, MRD. */
static bool icmpv6_untracked(uint8_t type)
{
	switch (type) {
	case 130: case 131: case 132: case 133: case 134:
	case 135: case 136: case 143: case 151: case 152:
		return true;
	default:
		return false;
	}
}

/*
 * The kernel logs addresses with %pI4 / %pI6: IPv6 in full, eight groups of
 * four hex digits, never compressed (2001:0db8:0001:0000:...).
 */
static void addr_text(uint8_t l3num, const union ctk_addr *a, char *buf, size_t size)
{
	const uint8_t *b = (const uint8_t *)a;
	size_t used = 0;
	int i;

	if (l3num != AF_INET6) {
		if (!inet_ntop(l3num, a, buf, (socklen_t)size))
			snprintf(buf, size, "?");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < 16 && used < size; i += 2)
		used += (size_t)snprintf(buf + used, size - used, "%s%02x%02x",
					 i ? ":" : "", b[i], b[i + 1]);
}

/* nf_conntrack_inet_error(): is the quoted packet one of ours? */
static enum eng_icmp_pre inet_error(struct ctk_engine *eng, const struct eng_pkt *p, uint32_t inner,
				    struct ctk_conn **conn, enum ctk_dir *dir)
{
	const uint8_t *outer_daddr = p->l3 + (p->l3num == AF_INET ? 16 : 24);
	struct eng_tuple quoted, t;
	union ctk_addr outer, ct_src, ct_dst, *ct_daddr;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint32_t l4off;
	uint8_t l4num;
	struct ctk_conn *c;

	if (!eng_parse_inner(p->l3, p->len, inner, p->l3num, &l4off, &l4num) ||
	    !eng_parse_tuple(p->l3, p->len, p->l3 + inner, p->l3num, l4off, l4num, &quoted))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_QUOTE),
		       ICMP_PRE_ERROR;
	eng_tuple_invert(&quoted, quoted.type, &t);
	if ((l4num == IPPROTO_ICMP || l4num == IPPROTO_ICMPV6) &&
	    !eng_icmp_invert_type(l4num, quoted.type, &t.type))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_QUOTE_NO_REPLY),
		       ICMP_PRE_ERROR;
	c = eng_find(eng, &t, eng_hash(eng, &t), p->now, dir);
	if (!c)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_QUOTE_NO_CONN),
		       ICMP_PRE_ERROR;
	eng_conn_addrs(c, &ct_src, &ct_dst);
	if (*dir == CTK_DIR_REPLY && (c->flags & CONN_FW)) {
		/* A NATed reply goes to the reply tuple's destination, not the original source. */
		eng_conn_reply(eng, c, &t);
		ct_src = t.dst;
	}
	ct_daddr = *dir == CTK_DIR_ORIG ? &ct_dst : &ct_src;
	memset(&outer, 0, sizeof(outer));
	memcpy(&outer, outer_daddr, p->l3num == AF_INET ? 4 : 16);
	if (memcmp(&outer, ct_daddr, sizeof(outer)) != 0) {
		addr_text(p->l3num, &outer, a, sizeof(a));
		addr_text(p->l3num, ct_daddr, b, sizeof(b));
		eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_QUOTE_DADDR, a, b);
		return ICMP_PRE_ERROR;
	}
	*conn = c;
	return ICMP_PRE_RELATED;
}

static enum eng_icmp_pre icmpv4_error(struct ctk_engine *eng, const struct eng_pkt *p,
				      struct ctk_conn **conn, enum ctk_dir *dir)
{
	const uint8_t *h = p->l3 + p->l4off;

	if (p->len - p->l4off < 8)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_SHORT), ICMP_PRE_ERROR;
	if (eng->cfg.checksum && !eng_l4_csum_ok(p, 0))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_CSUM), ICMP_PRE_ERROR;
	/* RFC 1122 3.2.2: unknown types are silently discarded. */
	if (h[0] > 18)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_TYPE), ICMP_PRE_ERROR;
	if (!icmp_is_err(h[0]))
		return ICMP_PRE_TRACK;
	return inet_error(eng, p, p->l4off + 8, conn, dir);
}

static bool ipv6_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static enum eng_icmp_pre icmpv6_redirect(struct ctk_engine *eng, const struct eng_pkt *p,
					 struct ctk_conn **conn, enum ctk_dir *dir)
{
	const uint8_t *h = p->l3 + p->l4off;
	uint32_t avail = p->len - p->l4off;

	if (avail < 40)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP6_REDIRECT_SHORT), ICMP_PRE_ERROR;
	if (h[1] != 0)
		return ICMP_PRE_TRACK;
	if (p->hop_limit != 255 || !ipv6_link_local(p->l3 + 8))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP6_REDIRECT_SRC),
		       ICMP_PRE_ERROR;
	if (avail < 42 || h[41] == 0)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP6_REDIRECT_OPTS), ICMP_PRE_ERROR;
	if (h[40] != 4)		/* not a "redirected header" option */
		return ICMP_PRE_TRACK;
	return inet_error(eng, p, p->l4off + 48, conn, dir);
}

static enum eng_icmp_pre icmpv6_error(struct ctk_engine *eng, const struct eng_pkt *p,
				      struct ctk_conn **conn, enum ctk_dir *dir)
{
	const uint8_t *h = p->l3 + p->l4off;

	if (p->len - p->l4off < 8)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP6_SHORT), ICMP_PRE_ERROR;
	if (eng->cfg.checksum && !eng_l4_csum_ok(p, 0))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP6_CSUM), ICMP_PRE_ERROR;
	if (icmpv6_untracked(h[0]))
		return ICMP_PRE_UNTRACKED;
	if (h[0] == 137)
		return icmpv6_redirect(eng, p, conn, dir);
	if (h[0] >= 128)
		return ICMP_PRE_TRACK;
	return inet_error(eng, p, p->l4off + 8, conn, dir);
}

enum eng_icmp_pre eng_icmp_error(struct ctk_engine *eng, const struct eng_pkt *p,
				 struct ctk_conn **conn, enum ctk_dir *dir)
{
	return p->l3num == AF_INET ? icmpv4_error(eng, p, conn, dir) : icmpv6_error(eng, p, conn, dir);
}

/* Only these can be the first packet of an ICMP "connection". */
static bool valid_new(uint8_t l4, uint8_t type)
{
	if (l4 == IPPROTO_ICMP)
		return type == 8 || type == 13 || type == 15 || type == 17;
	return type == 128 || type == 139;
}

enum eng_res eng_icmp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			     enum ctk_dir dir)
{
	bool v4 = c->l4 == IPPROTO_ICMP;

	/* ICMP over IPv6 or ICMPv6 over IPv4: no such thing. */
	if ((v4 ? AF_INET : AF_INET6) != p->l3num)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_OTHER_IP);
	/* The kernel checks ICMPv4's type on every packet, ICMPv6's on the first. */
	if ((v4 || !(c->flags & CONN_LINKED)) && !valid_new(c->l4, c->type))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_ICMP_NOT_NEW,
				   c->type);
	eng_refresh_acct(eng, c, p, dir, v4 ? eng->icmp_timeout : eng->icmpv6_timeout);
	return ENG_ACCEPT;
}
