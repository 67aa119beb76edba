// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Rewriting a packet for its entry's NAT binding, as nf_nat_proto.c does:
 * the transport part first (ports or ICMP id, with the checksum updated
 * incrementally for the port and the pseudo-header's address, RFC 1624),
 * then the address and the IPv4 header checksum. Incremental updates keep
 * a wrong checksum wrong, as the kernel's do. A UDP checksum of zero over
 * IPv4 means "none" and stays zero; one that becomes zero is sent as
 * 0xffff. SCTP's CRC32c is recomputed. An ICMP error about a NATed entry
 * has the packet it quotes translated the other way, its checksum
 * recomputed, then its outer header translated
 * (nf_nat_icmp_reply_translation, nf_nat_icmpv6_reply_translation).
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/engine_hook.h>
#include "engine/csum_edit.h"
#include "engine/fwext.h"

/* One IP header of the buffer and what follows it. */
struct hdr {
	uint8_t *b;		/* the buffer, from the outer IP header */
	uint32_t len;		/* the outer datagram's length (skb->len) */
	uint32_t ip;		/* offset of this IP header */
	uint32_t l4;		/* offset of its transport header, 0: none found */
	uint8_t l3num;
	uint8_t l4num;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t addr_len(uint8_t l3num)
{
	return l3num == AF_INET ? 4 : 16;
}

static uint8_t *addr_at(const struct hdr *h, enum ctk_nat_manip manip)
{
	uint32_t off = h->l3num == AF_INET ? (manip == CTK_NAT_MANIP_SRC ? 12 : 16)
					   : (manip == CTK_NAT_MANIP_SRC ? 8 : 24);

	return h->b + h->ip + off;
}

static const union ctk_addr *target_addr(const struct eng_tuple *t, enum ctk_nat_manip manip)
{
	return manip == CTK_NAT_MANIP_SRC ? &t->src : &t->dst;
}

static uint16_t target_port(const struct eng_tuple *t, enum ctk_nat_manip manip)
{
	return manip == CTK_NAT_MANIP_SRC ? t->sport : t->dport;
}

/* A transport checksum over the pseudo-header: the address, then the port. */
static void l4_csum(const struct hdr *h, uint8_t *check, const struct eng_tuple *t,
		    enum ctk_nat_manip manip, uint8_t *port)
{
	uint8_t newport[2];

	eng_csum_replace(check, addr_at(h, manip), (const uint8_t *)target_addr(t, manip),
		     addr_len(h->l3num));
	put16(newport, target_port(t, manip));
	eng_csum_replace(check, port, newport, 2);
}

static uint8_t *port_at(const struct hdr *h, enum ctk_nat_manip manip)
{
	return h->b + h->l4 + (manip == CTK_NAT_MANIP_SRC ? 0 : 2);
}

/*
 * TCP and DCCP: the checksum only when the whole header is in the packet
 * (a header quoted in an ICMP error may be cut after 8 bytes).
 */
static int ports_csum(const struct hdr *h, const struct eng_tuple *t, enum ctk_nat_manip manip,
		      uint32_t hdrsize, uint32_t check_at)
{
	uint8_t *port = port_at(h, manip);

	if (h->l4 + 8 > h->len)
		return -EINVAL;
	if (h->l4 + hdrsize <= h->len)
		l4_csum(h, h->b + h->l4 + check_at, t, manip, port);
	put16(port, target_port(t, manip));
	return 0;
}

static int udp(const struct hdr *h, const struct eng_tuple *t, enum ctk_nat_manip manip)
{
	uint8_t *port = port_at(h, manip), *check = h->b + h->l4 + 6;

	if (h->l4 + 8 > h->len)
		return -EINVAL;
	if (get16(check) || h->l4num == IPPROTO_UDPLITE) {
		l4_csum(h, check, t, manip, port);
		if (!get16(check))
			put16(check, 0xffff);	/* CSUM_MANGLED_0 */
	}
	put16(port, target_port(t, manip));
	return 0;
}

static int sctp(const struct hdr *h, const struct eng_tuple *t, enum ctk_nat_manip manip)
{
	uint32_t crc;
	uint8_t *c;

	if (h->l4 + 8 > h->len)
		return -EINVAL;
	put16(port_at(h, manip), target_port(t, manip));
	if (h->l4 + 12 > h->len)
		return 0;
	crc = eng_crc32c(h->b + h->l4, h->len - h->l4, 8);
	c = h->b + h->l4 + 8;
	c[0] = (uint8_t)crc;
	c[1] = (uint8_t)(crc >> 8);
	c[2] = (uint8_t)(crc >> 16);
	c[3] = (uint8_t)(crc >> 24);
	return 0;
}

static bool icmp_has_id(uint8_t type)
{
	return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

/* ICMP: the id of queries and replies; ICMPv6 adds its pseudo-header's address. */
static int icmp(const struct hdr *h, const struct eng_tuple *t, enum ctk_nat_manip manip)
{
	uint8_t *ih = h->b + h->l4, id[2];
	bool v6 = h->l4num == IPPROTO_ICMPV6;

	if (h->l4 + 8 > h->len)
		return -EINVAL;
	if (v6)
		eng_csum_replace(ih + 2, addr_at(h, manip), (const uint8_t *)target_addr(t, manip), 16);
	if (v6 ? (ih[0] == 128 || ih[0] == 129) : icmp_has_id(ih[0])) {
		put16(id, t->sport);
		eng_csum_replace(ih + 2, ih + 4, id, 2);
		memcpy(ih + 4, id, 2);
	}
	return 0;
}

static int manip_l4(const struct hdr *h, const struct eng_tuple *t, enum ctk_nat_manip manip)
{
	if (!h->l4)
		return 0;
	switch (h->l4num) {
	case IPPROTO_TCP:
		return ports_csum(h, t, manip, 20, 16);
	case IPPROTO_DCCP:
		return ports_csum(h, t, manip, 12, 6);
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return udp(h, t, manip);
	case IPPROTO_SCTP:
		return sctp(h, t, manip);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return icmp(h, t, manip);
	default:
		return 0;
	}
}

/* nf_nat_ipv4_manip_pkt / nf_nat_ipv6_manip_pkt: the transport part, then the address. */
static int manip_pkt(const struct hdr *h, const struct eng_tuple *t, enum ctk_nat_manip manip)
{
	const uint8_t *to = (const uint8_t *)target_addr(t, manip);
	uint8_t *at = addr_at(h, manip);

	if (manip_l4(h, t, manip) != 0)
		return -EINVAL;
	if (h->l3num == AF_INET)
		eng_csum_replace(h->b + h->ip + 10, at, to, 4);
	memcpy(at, to, addr_len(h->l3num));
	return 0;
}

/* The header quoted at @off of an ICMP error; its transport header when it can be found. */
static bool inner_hdr(const struct hdr *outer, uint32_t off, struct hdr *in)
{
	uint32_t l4off;
	uint8_t l4num;

	*in = *outer;
	in->ip = off;
	in->l4 = 0;
	if (outer->l3num == AF_INET) {
		if (off + 20 > outer->len)
			return false;
		in->l4 = off + (outer->b[off] & 0x0f) * 4u;
		in->l4num = outer->b[off + 9];
		/* The kernel cannot make the quoted transport header writable: dropped. */
		return in->l4 <= outer->len;
	}
	if (off + 40 > outer->len)
		return false;
	if (eng_parse_inner(outer->b, outer->len, off, AF_INET6, &l4off, &l4num)) {
		in->l4 = l4off;
		in->l4num = l4num;
	}
	return true;
}

static uint16_t fold_sum(const uint8_t *p, uint32_t n, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The outer ICMP checksum from scratch (ICMPv6: with the pseudo-header). */
static void icmp_recompute(const struct hdr *h)
{
	uint8_t *check = h->b + h->l4 + 2;
	uint32_t n = h->len - h->l4, sum = 0;

	put16(check, 0);
	if (h->l3num == AF_INET6) {
		sum = fold_sum(h->b + h->ip + 8, 32, 0);
		sum += (n >> 16) + (n & 0xffff) + IPPROTO_ICMPV6;
	}
	put16(check, (uint16_t)~fold_sum(h->b + h->l4, n, sum));
}

static bool icmp_csum_ok(const struct hdr *h)
{
	uint32_t n = h->len - h->l4, sum = 0;

	if (h->l3num == AF_INET6) {
		sum = fold_sum(h->b + h->ip + 8, 32, 0);
		sum += (n >> 16) + (n & 0xffff) + IPPROTO_ICMPV6;
	}
	return fold_sum(h->b + h->l4, n, sum) == 0xffff;
}

static uint32_t nat_bit(enum ctk_nat_manip manip, enum ctk_dir dir)
{
	uint32_t bit = manip == CTK_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;

	/* The reply direction undoes the other manip's binding. */
	return dir == CTK_DIR_REPLY ? bit ^ (IPS_SRC_NAT | IPS_DST_NAT) : bit;
}

static enum ctk_nat_manip other(enum ctk_nat_manip manip)
{
	return manip == CTK_NAT_MANIP_SRC ? CTK_NAT_MANIP_DST : CTK_NAT_MANIP_SRC;
}

/* The entry's tuple of direction @dir (orig, or the possibly NATed reply). */
static void dir_tuple(const struct ctk_engine *eng, const struct ctk_conn *c, enum ctk_dir dir,
		      struct eng_tuple *t)
{
	if (dir == CTK_DIR_REPLY)
		eng_conn_reply(eng, c, t);
	else
		eng_conn_tuple(c, t);
}

static int icmp_error(const struct ctk_engine *eng, const struct ctk_conn *c, enum ctk_dir dir,
		      const struct hdr *h, enum ctk_nat_manip manip)
{
	enum ctk_dir odir = dir == CTK_DIR_ORIG ? CTK_DIR_REPLY : CTK_DIR_ORIG;
	uint8_t redirect = h->l3num == AF_INET ? 5 : 137;
	uint32_t done = IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
	struct eng_tuple o, target;
	struct hdr in;

	if (h->l4 + 8 > h->len)
		return -EINVAL;
	/* nf_ip_checksum(): a bad one is dropped where the kernel checks it (prerouting). */
	if (manip == CTK_NAT_MANIP_DST && !icmp_csum_ok(h))
		return -EINVAL;
	if (h->b[h->l4] == redirect &&
	    ((c->status & done) != done || (c->status & (IPS_SRC_NAT | IPS_DST_NAT))))
		return -EINVAL;
	if (!(c->status & nat_bit(manip, dir)))
		return 0;
	if (!inner_hdr(h, h->l4 + 8, &in))
		return -EINVAL;
	dir_tuple(eng, c, odir, &o);
	if (manip_pkt(&in, &o, other(manip)) != 0)
		return -EINVAL;
	icmp_recompute(h);
	eng_tuple_invert(&o, o.type, &target);
	target.l4 = h->l4num;
	{
		/* The outer header alone: its ICMP part is an error, which has no id. */
		struct hdr outer = *h;

		return manip_pkt(&outer, &target, manip) == 0 ? 1 : -EINVAL;
	}
}

int ctk_engine_nat_packet(struct ctk_engine *eng, const struct ctk_verdict *v,
			  enum ctk_nat_manip manip, struct ctk_tuple *before,
			  struct ctk_tuple *after)
{
	struct eng_fw *fw = eng->fw;
	struct ctk_conn *c = v->conn;
	struct eng_tuple o, target;
	struct eng_pkt p;
	struct hdr h;
	int ret = 0;

	if (!fw || !eng_fw_writable(fw))
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	if (!eng_parse_ip(eng, fw->buf, fw->buf_len, &p) || p.frag)
		return -EINVAL;
	eng_raw_tuple(fw->buf, p.len, before);
	*after = *before;
	if (!c)
		return 0;
	h = (struct hdr){ .b = fw->buf, .len = p.len, .ip = 0, .l4 = p.l4off,
			  .l3num = p.l3num, .l4num = p.l4num };
	if (v->state == CTK_CT_RELATED &&
	    p.l4num == (p.l3num == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6)) {
		ret = icmp_error(eng, c, v->dir, &h, manip);
	} else if (c->status & nat_bit(manip, v->dir)) {
		/* nf_nat_manip_pkt(): look like the inverse of the other direction. */
		dir_tuple(eng, c, v->dir == CTK_DIR_ORIG ? CTK_DIR_REPLY : CTK_DIR_ORIG, &o);
		eng_tuple_invert(&o, o.type, &target);
		ret = manip_pkt(&h, &target, manip) == 0 ? 1 : -EINVAL;
	}
	if (ret == 1)
		eng_raw_tuple(fw->buf, p.len, after);
	return ret;
}
