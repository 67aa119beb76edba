// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pktgen - see pktgen.h. Addresses are benchmarking and documentation
 * ranges: clients 10.0.0.0/12 and 2001:db8:1::/64, 16 flows (source ports)
 * per client address, servers 198.18.x.1 and 2001:db8:2::x.
 */
#include "pktgen.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define WINDOW	65535 /* no window scaling offered: the bound is 64 KiB */

static const uint8_t payload[PG_PAYLOAD] = "ctkit-bench-data";

static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	return x ^ (x >> 16);
}

static enum pg_class mixed_class(uint32_t id)
{
	unsigned int slot = id % 10;

	if (slot < 6)
		return PG_TCP4;
	if (slot < 9)
		return PG_UDP4;
	return (id / 10) % 3 < 2 ? PG_TCP6 : PG_UDP6;
}

void pg_flow_init(struct pg_flow *f, uint32_t id, enum pg_class cls)
{
	uint32_t client = id >> 4, server = id % 250 + 1;

	if (cls == PG_MIX)
		cls = mixed_class(id);
	memset(f, 0, sizeof(*f));
	f->v6 = cls == PG_TCP6 || cls == PG_UDP6;
	f->proto = cls == PG_TCP4 || cls == PG_TCP6 ? IPPROTO_TCP : IPPROTO_UDP;
	f->port[0] = 20000 + (id & 15) * 2000;
	f->port[1] = f->proto == IPPROTO_TCP ? (id & 32 ? 443 : 80) : (id & 32 ? 443 : 53);
	if (f->v6) {
		static const uint8_t cnet[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0};
		static const uint8_t snet[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0};

		memcpy(f->addr[0], cnet, 8);
		memcpy(f->addr[1], snet, 8);
		f->addr[0][12] = client >> 24;
		f->addr[0][13] = client >> 16;
		f->addr[0][14] = client >> 8;
		f->addr[0][15] = client;
		f->addr[1][15] = server;
	} else {
		f->addr[0][0] = 10;
		f->addr[0][1] = client >> 16;
		f->addr[0][2] = client >> 8;
		f->addr[0][3] = client;
		f->addr[1][0] = 198;
		f->addr[1][1] = 18;
		f->addr[1][2] = server;
		f->addr[1][3] = 1;
	}
	f->seq[0] = mix32(id * 2 + 1);
	f->seq[1] = mix32(id * 2 + 2);
}

/* Big-endian 16-bit words of @p summed into @sum (one's complement, unfolded). */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* The IP header for @l4len bytes of layer 4 from @src to @dst; returns its length. */
static unsigned int put_ip(const struct pg_flow *f, int dir, unsigned int l4len, uint8_t *buf)
{
	const uint8_t *src = f->addr[dir], *dst = f->addr[!dir];

	if (f->v6) {
		memset(buf, 0, 8);
		buf[0] = 0x60;
		put16(buf + 4, l4len);
		buf[6] = f->proto;
		buf[7] = 64;
		memcpy(buf + 8, src, 16);
		memcpy(buf + 24, dst, 16);
		return 40;
	}
	buf[0] = 0x45;
	buf[1] = 0;
	put16(buf + 2, 20 + l4len);
	put32(buf + 4, 0x4000); /* id 0, DF */
	buf[8] = 64;
	buf[9] = f->proto;
	put16(buf + 10, 0);
	memcpy(buf + 12, src, 4);
	memcpy(buf + 16, dst, 4);
	put16(buf + 10, csum_fold(csum_add(0, buf, 20)));
	return 20;
}

/* Layer-4 checksum with the pseudo-header of RFC 768/793 (v4) or 8200 (v6). */
static uint16_t l4_csum(const struct pg_flow *f, int dir, const uint8_t *l4, unsigned int len)
{
	unsigned int alen = f->v6 ? 16 : 4;
	uint32_t sum = 0;

	sum = csum_add(sum, f->addr[dir], alen);
	sum = csum_add(sum, f->addr[!dir], alen);
	sum += f->proto + len;
	return csum_fold(csum_add(sum, l4, len));
}

static unsigned int put_packet(const struct pg_flow *f, int dir, uint8_t flags, uint32_t seq,
			       uint32_t ack, unsigned int paylen, uint8_t *buf)
{
	unsigned int l4len = (f->proto == IPPROTO_TCP ? 20 : 8) + paylen;
	unsigned int off = put_ip(f, dir, l4len, buf);
	uint8_t *l4 = buf + off;
	uint16_t sum;

	put16(l4, f->port[dir]);
	put16(l4 + 2, f->port[!dir]);
	if (f->proto == IPPROTO_TCP) {
		put32(l4 + 4, seq);
		put32(l4 + 8, ack);
		l4[12] = 5 << 4;
		l4[13] = flags;
		put16(l4 + 14, WINDOW);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		memcpy(l4 + 20, payload, paylen);
		put16(l4 + 16, l4_csum(f, dir, l4, l4len));
	} else {
		put16(l4 + 4, l4len);
		put16(l4 + 6, 0);
		memcpy(l4 + 8, payload, paylen);
		sum = l4_csum(f, dir, l4, l4len);
		put16(l4 + 6, sum ? sum : 0xffff);
	}
	return off + l4len;
}

unsigned int pg_setup_count(const struct pg_flow *f)
{
	return f->proto == IPPROTO_TCP ? 3 : 2;
}

unsigned int pg_setup(struct pg_flow *f, unsigned int step, uint8_t *buf)
{
	if (f->proto != IPPROTO_TCP)
		return put_packet(f, step & 1, 0, 0, 0, PG_PAYLOAD, buf);
	switch (step) {
	case 0:
		return put_packet(f, 0, TCP_SYN, f->seq[0]++, 0, 0, buf);
	case 1:
		return put_packet(f, 1, TCP_SYN | TCP_ACK, f->seq[1]++, f->seq[0], 0, buf);
	default:
		return put_packet(f, 0, TCP_ACK, f->seq[0], f->seq[1], 0, buf);
	}
}

unsigned int pg_data(struct pg_flow *f, int dir, uint8_t *buf)
{
	unsigned int len;

	if (f->proto != IPPROTO_TCP)
		return put_packet(f, dir, 0, 0, 0, PG_PAYLOAD, buf);
	len = put_packet(f, dir, TCP_PSH | TCP_ACK, f->seq[dir], f->seq[!dir], PG_PAYLOAD, buf);
	f->seq[dir] += PG_PAYLOAD;
	return len;
}

int pg_zipf_init(struct pg_zipf *z, uint32_t n)
{
	double sum = 0;
	uint32_t i;

	z->n = n;
	z->cdf = malloc(sizeof(*z->cdf) * n);
	if (!z->cdf)
		return -1;
	for (i = 0; i < n; i++)
		z->cdf[i] = sum += 1.0 / (i + 1);
	for (i = 0; i < n; i++)
		z->cdf[i] /= sum;
	return 0;
}

uint32_t pg_zipf_rank(const struct pg_zipf *z, uint64_t *rng)
{
	double u = (pg_rand(rng) >> 11) * 0x1.0p-53;
	uint32_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void pg_zipf_free(struct pg_zipf *z)
{
	free(z->cdf);
	z->cdf = NULL;
}

static int put_le32(FILE *out, uint32_t v)
{
	uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24};

	return fwrite(b, 4, 1, out) == 1 ? 0 : -1;
}

int pg_pcap_header(FILE *out)
{
	/* magic (microseconds), version 2.4, thiszone, sigfigs, snaplen, LINKTYPE_ETHERNET */
	static const uint32_t words[] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
	unsigned int i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (put_le32(out, words[i]))
			return -1;
	return 0;
}

int pg_pcap_record(FILE *out, uint64_t now_ns, const uint8_t *l3, unsigned int len, int v6)
{
	uint8_t eth[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, v6 ? 0x86 : 0x08, v6 ? 0xdd : 0x00};

	if (put_le32(out, now_ns / 1000000000u) || put_le32(out, now_ns % 1000000000u / 1000) ||
	    put_le32(out, len + 14) || put_le32(out, len + 14))
		return -1;
	if (fwrite(eth, sizeof(eth), 1, out) != 1 || fwrite(l3, len, 1, out) != 1)
		return -1;
	return 0;
}
