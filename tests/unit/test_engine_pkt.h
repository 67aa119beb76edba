/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hand-built packets for the engine's unit tests: IPv4/IPv6 headers with
 * right checksums around TCP, UDP and ICMP headers, and a small event
 * recorder. Header-only: each test program includes it once.
 */
#ifndef TEST_ENGINE_PKT_H
#define TEST_ENGINE_PKT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/engine.h>

#define SEC 1000000000ull

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10, F_URG = 0x20 };

struct pkt {
	uint8_t b[2048];
	size_t len;
};

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static inline uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Wrap @l4 (checksum field at @csum_off, -1 for none) in an IP header. */
static inline void ip_wrap(struct pkt *k, int af, const char *src, const char *dst, uint8_t proto,
			   const uint8_t *l4, size_t l4len, int csum_off)
{
	size_t hl = af == AF_INET ? 20 : 40;
	uint8_t *h = k->b, *t = k->b + hl;
	uint32_t sum = 0;

	memset(k->b, 0, hl);
	memcpy(t, l4, l4len);
	k->len = hl + l4len;
	if (af == AF_INET) {
		h[0] = 0x45;
		put16(h + 2, (uint16_t)k->len);
		h[8] = 64;
		h[9] = proto;
		inet_pton(AF_INET, src, h + 12);
		inet_pton(AF_INET, dst, h + 16);
		put16(h + 10, fold16(sum16(h, 20, 0)));
		if (proto != IPPROTO_ICMP)
			sum = sum16(h + 12, 8, 0) + proto + (uint32_t)l4len;
	} else {
		h[0] = 0x60;
		put16(h + 4, (uint16_t)l4len);
		h[6] = proto;
		h[7] = 64;
		inet_pton(AF_INET6, src, h + 8);
		inet_pton(AF_INET6, dst, h + 24);
		sum = sum16(h + 8, 32, 0) + proto + (uint32_t)l4len;
	}
	if (csum_off >= 0) {
		put16(t + csum_off, 0);
		put16(t + csum_off, fold16(sum16(t, l4len, sum)));
	}
}

static inline struct pkt tcp_pkt(int af, const char *src, uint16_t sport, const char *dst, uint16_t dport,
				 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
				 const uint8_t *opt, size_t optlen, size_t payload)
{
	uint8_t l4[1500] = { 0 };
	size_t hl = 20 + ((optlen + 3) & ~(size_t)3);
	struct pkt k;

	put16(l4, sport);
	put16(l4 + 2, dport);
	put32(l4 + 4, seq);
	put32(l4 + 8, ack);
	l4[12] = (uint8_t)((hl / 4) << 4);
	l4[13] = flags;
	put16(l4 + 14, win);
	if (optlen)
		memcpy(l4 + 20, opt, optlen);
	ip_wrap(&k, af, src, dst, IPPROTO_TCP, l4, hl + payload, 16);
	return k;
}

static inline struct pkt tcp4(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			      uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, size_t payload)
{
	return tcp_pkt(AF_INET, src, sport, dst, dport, seq, ack, flags, win, NULL, 0, payload);
}

static inline struct pkt udp_pkt(int af, const char *src, uint16_t sport, const char *dst, uint16_t dport,
				 size_t payload)
{
	uint8_t l4[1500] = { 0 };
	struct pkt k;

	put16(l4, sport);
	put16(l4 + 2, dport);
	put16(l4 + 4, (uint16_t)(8 + payload));
	ip_wrap(&k, af, src, dst, IPPROTO_UDP, l4, 8 + payload, 6);
	return k;
}

/* ICMP/ICMPv6 with an id (queries) or a quoted packet (errors). */
static inline struct pkt icmp_pkt(int af, const char *src, const char *dst, uint8_t type, uint8_t code,
				  uint16_t id, const struct pkt *quote, size_t quote_len)
{
	uint8_t l4[1500] = { 0 };
	size_t len = 8;
	struct pkt k;

	l4[0] = type;
	l4[1] = code;
	put16(l4 + 4, id);
	if (quote) {
		memcpy(l4 + 8, quote->b, quote_len);
		len += quote_len;
	}
	ip_wrap(&k, af, src, dst, af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, l4, len, 2);
	return k;
}

static inline enum ctk_ct_state feed(struct ctk_engine *eng, const struct pkt *k, double t,
				     struct ctk_verdict *v)
{
	uint64_t now = (uint64_t)(t * 1e9);

	ctk_engine_expire(eng, now);
	return ctk_engine_packet(eng, k->b, k->len, now, v);
}

/* An event recorder for ctk_engine_set_event_cb. */
struct ev_log {
	int n;
	enum ctk_event type[64];
	struct ctk_entry last;
};

static inline int ev_record(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ev_log *log = data;

	if (log->n < 64)
		log->type[log->n] = ev;
	log->n++;
	log->last = *e;
	return CTK_CB_OK;
}

/* The entry of a verdict, as a dump at @t shows it. */
static inline struct ctk_entry entry_at(struct ctk_engine *eng, const struct ctk_verdict *v, double t)
{
	struct ctk_entry e;

	ctk_engine_conn_entry(eng, v->conn, (uint64_t)(t * 1e9), &e);
	return e;
}

#endif
