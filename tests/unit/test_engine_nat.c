// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NAT in the engine (ctkit/engine_hook.h): the kernel's tuple selection
 * (a free original port kept, a clash moved, a taken one-element range
 * failing at confirmation), NATed reply tuples found by their own
 * packets and no longer by the inverse of the original, the rewrite of
 * packets with checksums that verify from scratch, ICMP errors about a
 * NATed flow translated inside and out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/engine_hook.h>
#include "test_engine_pkt.h"

#define NAT_ADDR "203.0.113.1"

static uint64_t ns(double t)
{
	return (uint64_t)(t * 1e9);
}

static struct ctk_nat_range snat_range(int af, const char *addr, uint16_t pmin, uint16_t pmax)
{
	struct ctk_nat_range r;

	memset(&r, 0, sizeof(r));
	r.has_addr = true;
	inet_pton(af, addr, &r.min_addr);
	r.max_addr = r.min_addr;
	if (pmin) {
		r.has_port = true;
		r.min_port = pmin;
		r.max_port = pmax;
	}
	return r;
}

/*
 * One packet through a forwarding router: track, DNAT hook (null binding
 * unless @dnat), SNAT hook (@snat or null), rewrite at both, confirm.
 * Returns confirm's result; the rewritten packet is copied back to @k.
 */
static int forward(struct ctk_engine *eng, struct pkt *k, double t,
		   const struct ctk_nat_range *dnat, const struct ctk_nat_range *snat,
		   struct ctk_verdict *v)
{
	struct ctk_tuple before, after;
	uint8_t *b;
	size_t len;
	int ret;

	ctk_engine_track(eng, k->b, k->len, ns(t), 0, v);
	if (v->conn && v->state == CTK_CT_NEW &&
	    !ctk_engine_nat_done(eng, v->conn, CTK_NAT_MANIP_DST))
		assert_int_equal(ctk_engine_nat_setup(eng, v->conn, CTK_NAT_MANIP_DST, dnat), 0);
	assert_true(ctk_engine_nat_packet(eng, v, CTK_NAT_MANIP_DST, &before, &after) >= 0);
	if (v->conn && v->state == CTK_CT_NEW &&
	    !ctk_engine_nat_done(eng, v->conn, CTK_NAT_MANIP_SRC))
		assert_int_equal(ctk_engine_nat_setup(eng, v->conn, CTK_NAT_MANIP_SRC, snat), 0);
	assert_true(ctk_engine_nat_packet(eng, v, CTK_NAT_MANIP_SRC, &before, &after) >= 0);
	b = ctk_engine_track_packet(eng, &len);
	assert_non_null(b);
	memcpy(k->b, b, len);
	k->len = len;
	ret = ctk_engine_confirm(eng, v);
	return ret;
}

static const char *addr_str(int af, const union ctk_addr *a, char *buf)
{
	return inet_ntop(af, a, buf, INET6_ADDRSTRLEN);
}

/* Every checksum of @k verified from scratch: IPv4 header and transport. */
static void assert_csums(const struct pkt *k)
{
	const uint8_t *h = k->b;
	bool v4 = (h[0] >> 4) == 4;
	size_t hl = v4 ? (h[0] & 0x0f) * 4u : 40;
	uint8_t proto = v4 ? h[9] : h[6];
	size_t l4len = k->len - hl;
	uint32_t sum = 0;

	if (v4)
		assert_int_equal(fold16(sum16(h, hl, 0)), 0);
	if (proto == IPPROTO_UDP && v4 && (h[hl + 6] | h[hl + 7]) == 0)
		return;	/* no checksum */
	if (v4 && proto != IPPROTO_ICMP)
		sum = sum16(h + 12, 8, 0) + proto + (uint32_t)l4len;
	else if (!v4)
		sum = sum16(h + 8, 32, 0) + proto + (uint32_t)l4len;
	assert_int_equal(fold16(sum16(h + hl, l4len, sum)), 0);
}

static uint16_t get_port(const struct pkt *k, int which)
{
	size_t hl = (k->b[0] >> 4) == 4 ? (k->b[0] & 0x0f) * 4u : 40;

	return (uint16_t)(k->b[hl + which * 2] << 8 | k->b[hl + which * 2 + 1]);
}

static void test_snat_keeps_free_port(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt syn = tcp4("10.0.0.2", 40000, "198.51.100.2", 80, 100, 0, F_SYN, 64000, 0);
	struct pkt synack = tcp4("198.51.100.2", 80, NAT_ADDR, 40000, 500, 101, F_SYN | F_ACK,
				 64000, 0);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;
	struct ctk_tuple t;
	struct ctk_entry e;
	char a[INET6_ADDRSTRLEN];
	uint32_t st;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_int_equal(forward(eng, &syn, 0, NULL, &r, &v), 0);
	st = ctk_engine_conn_status(eng, v.conn);
	assert_true(st & IPS_SRC_NAT);
	assert_true(st & IPS_SRC_NAT_DONE);
	assert_true(st & IPS_DST_NAT_DONE);	/* the null binding */
	assert_false(st & IPS_DST_NAT);
	ctk_engine_conn_tuple(eng, v.conn, CTK_DIR_REPLY, &t);
	assert_string_equal(addr_str(AF_INET, &t.dst, a), NAT_ADDR);
	assert_int_equal(t.dport, 40000);
	assert_string_equal(addr_str(AF_INET, &t.src, a), "198.51.100.2");
	/* The packet left with the NAT address and checksums that verify. */
	assert_string_equal(inet_ntop(AF_INET, syn.b + 12, a, sizeof(a)), NAT_ADDR);
	assert_int_equal(get_port(&syn, 0), 40000);
	assert_csums(&syn);
	/* NEW event and dumps carry the NATed reply tuple and the status bits. */
	assert_int_equal(ev.n, 1);
	assert_string_equal(addr_str(AF_INET, &ev.last.reply.dst, a), NAT_ADDR);
	assert_true(ev.last.status & IPS_SRC_NAT);
	ctk_engine_conn_entry(eng, v.conn, 0, &e);
	assert_string_equal(addr_str(AF_INET, &e.reply.dst, a), NAT_ADDR);
	assert_string_equal(addr_str(AF_INET, &e.orig.src, a), "10.0.0.2");

	/* The reply to the NAT address is the entry's reply, rewritten back. */
	assert_int_equal(forward(eng, &synack, 0.1, NULL, NULL, &v), 0);
	assert_int_equal(v.state, CTK_CT_ESTABLISHED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_string_equal(inet_ntop(AF_INET, synack.b + 16, a, sizeof(a)), "10.0.0.2");
	assert_csums(&synack);
	assert_int_equal(ctk_engine_count(eng), 1);
	ctk_engine_free(eng);
}

static void test_inverse_of_original_is_not_the_reply(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt req = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct pkt inv = udp_pkt(AF_INET, "198.51.100.2", 53, "10.0.0.2", 5000, 10);
	struct ctk_verdict v, v0;

	(void)state;
	assert_int_equal(forward(eng, &req, 0, NULL, &r, &v0), 0);
	assert_int_equal(ctk_engine_packet(eng, inv.b, inv.len, ns(0.1), &v), CTK_CT_NEW);
	assert_ptr_not_equal(v.conn, v0.conn);
	assert_int_equal(ctk_engine_count(eng), 2);
	ctk_engine_free(eng);
}

static void test_clash_moves_port(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt a = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct pkt b = udp_pkt(AF_INET, "10.0.0.3", 5000, "198.51.100.2", 53, 10);
	struct pkt low = udp_pkt(AF_INET, "10.0.0.4", 100, "198.51.100.2", 53, 10);
	struct pkt low2 = udp_pkt(AF_INET, "10.0.0.5", 100, "198.51.100.2", 53, 10);
	struct ctk_verdict v;
	struct ctk_tuple t;
	uint16_t port;

	(void)state;
	assert_int_equal(forward(eng, &a, 0, NULL, &r, &v), 0);
	assert_int_equal(get_port(&a, 0), 5000);
	assert_int_equal(forward(eng, &b, 0.1, NULL, &r, &v), 0);
	ctk_engine_conn_tuple(eng, v.conn, CTK_DIR_REPLY, &t);
	port = t.dport;
	assert_int_not_equal(port, 5000);
	assert_true(port >= 1024);
	assert_int_equal(get_port(&b, 0), port);
	assert_csums(&b);
	/* Ports below 512 stay below 512. */
	assert_int_equal(forward(eng, &low, 0.2, NULL, &r, &v), 0);
	assert_int_equal(forward(eng, &low2, 0.3, NULL, &r, &v), 0);
	port = get_port(&low2, 0);
	assert_int_not_equal(port, 100);
	assert_true(port >= 1 && port <= 511);
	assert_int_equal(ctk_engine_count(eng), 4);
	ctk_engine_free(eng);
}

static void test_one_port_range_clash_fails(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 1000, 1000);
	struct pkt a = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct pkt b = udp_pkt(AF_INET, "10.0.0.3", 6000, "198.51.100.2", 53, 10);
	struct ev_log ev = { 0 };
	struct ctk_cpu_stats s;
	struct ctk_verdict v;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_int_equal(forward(eng, &a, 0, NULL, &r, &v), 0);
	assert_int_equal(get_port(&a, 0), 1000);
	assert_int_equal(forward(eng, &b, 0.1, NULL, &r, &v), -EEXIST);
	assert_true(v.dropped);
	assert_int_equal(ctk_engine_count(eng), 1);
	assert_int_equal(ev.n, 1);
	ctk_engine_stats(eng, &s);
	assert_int_equal(s.value[CTK_STAT_INSERT_FAILED], 1);
	ctk_engine_free(eng);
}

static void test_dnat_port_and_double_binding(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range d = snat_range(AF_INET, "10.0.0.5", 8080, 8080);
	struct pkt syn = tcp4("198.51.100.2", 40000, NAT_ADDR, 80, 100, 0, F_SYN, 64000, 0);
	struct pkt synack = tcp4("10.0.0.5", 8080, "198.51.100.2", 40000, 500, 101,
				 F_SYN | F_ACK, 64000, 0);
	struct ctk_verdict v;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(forward(eng, &syn, 0, &d, NULL, &v), 0);
	assert_true(ctk_engine_conn_status(eng, v.conn) & IPS_DST_NAT);
	assert_false(ctk_engine_conn_status(eng, v.conn) & IPS_SRC_NAT);
	assert_int_equal(ctk_engine_nat_setup(eng, v.conn, CTK_NAT_MANIP_DST, &d), -EINVAL);
	assert_string_equal(inet_ntop(AF_INET, syn.b + 16, a, sizeof(a)), "10.0.0.5");
	assert_int_equal(get_port(&syn, 1), 8080);
	assert_csums(&syn);
	assert_int_equal(forward(eng, &synack, 0.1, NULL, NULL, &v), 0);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_string_equal(inet_ntop(AF_INET, synack.b + 12, a, sizeof(a)), NAT_ADDR);
	assert_int_equal(get_port(&synack, 0), 80);
	assert_csums(&synack);
	ctk_engine_free(eng);
}

static void test_unconfirmed_double_binding(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt a = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct ctk_verdict v;

	(void)state;
	ctk_engine_track(eng, a.b, a.len, 0, 0, &v);
	assert_int_equal(ctk_engine_nat_setup(eng, v.conn, CTK_NAT_MANIP_SRC, &r), 0);
	assert_int_equal(ctk_engine_nat_setup(eng, v.conn, CTK_NAT_MANIP_SRC, &r), -EEXIST);
	ctk_engine_drop(eng, &v);
	assert_int_equal(ctk_engine_count(eng), 0);
	ctk_engine_free(eng);
}

static void test_udp_zero_checksum_stays_zero(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt a = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct ctk_verdict v;

	(void)state;
	put16(a.b + 20 + 6, 0);
	assert_int_equal(forward(eng, &a, 0, NULL, &r, &v), 0);
	assert_int_equal(a.b[26] | a.b[27], 0);
	assert_csums(&a);
	ctk_engine_free(eng);
}

static void test_icmp_echo_and_v6(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r4 = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct ctk_nat_range r6 = snat_range(AF_INET6, "2001:db8:ff::1", 0, 0);
	struct pkt e1 = icmp_pkt(AF_INET, "10.0.0.2", "198.51.100.2", 8, 0, 77, NULL, 0);
	struct pkt e2 = icmp_pkt(AF_INET, "10.0.0.3", "198.51.100.2", 8, 0, 77, NULL, 0);
	struct pkt e6 = icmp_pkt(AF_INET6, "2001:db8:1::2", "2001:db8:2::2", 128, 0, 9, NULL, 0);
	struct pkt r6p = icmp_pkt(AF_INET6, "2001:db8:2::2", "2001:db8:ff::1", 129, 0, 9, NULL, 0);
	struct pkt u6 = udp_pkt(AF_INET6, "2001:db8:1::2", 7000, "2001:db8:2::2", 53, 11);
	struct ctk_verdict v;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(forward(eng, &e1, 0, NULL, &r4, &v), 0);
	assert_int_equal(get_port(&e1, 2), 77);	/* the id, kept */
	assert_csums(&e1);
	assert_int_equal(forward(eng, &e2, 0, NULL, &r4, &v), 0);
	assert_int_not_equal(get_port(&e2, 2), 77);	/* the same id: moved */
	assert_csums(&e2);

	assert_int_equal(forward(eng, &e6, 0, NULL, &r6, &v), 0);
	assert_string_equal(inet_ntop(AF_INET6, e6.b + 8, a, sizeof(a)), "2001:db8:ff::1");
	assert_csums(&e6);
	assert_int_equal(forward(eng, &r6p, 0.1, NULL, NULL, &v), 0);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_string_equal(inet_ntop(AF_INET6, r6p.b + 24, a, sizeof(a)), "2001:db8:1::2");
	assert_csums(&r6p);
	assert_int_equal(forward(eng, &u6, 0.2, NULL, &r6, &v), 0);
	assert_csums(&u6);
	ctk_engine_free(eng);
}

static void test_icmp_error_translated(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt a = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct pkt b = udp_pkt(AF_INET, "10.0.0.3", 5000, "198.51.100.2", 53, 10);
	struct pkt err;
	struct ctk_verdict v;
	struct ctk_tuple before, after;
	char s[INET6_ADDRSTRLEN];
	uint16_t port;
	uint8_t *p;
	size_t len;

	(void)state;
	forward(eng, &a, 0, NULL, &r, &v);
	forward(eng, &b, 0, NULL, &r, &v);
	port = get_port(&b, 0);
	/* Port unreachable about the second flow, as it left the router. */
	err = icmp_pkt(AF_INET, "198.51.100.2", NAT_ADDR, 3, 3, 0, &b, b.len);
	assert_int_equal(ctk_engine_track(eng, err.b, err.len, ns(0.1), 0, &v), CTK_CT_RELATED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_int_equal(ctk_engine_nat_packet(eng, &v, CTK_NAT_MANIP_DST, &before, &after), 1);
	assert_string_equal(inet_ntop(AF_INET, &before.dst, s, sizeof(s)), NAT_ADDR);
	assert_string_equal(inet_ntop(AF_INET, &after.dst, s, sizeof(s)), "10.0.0.3");
	assert_int_equal(ctk_engine_nat_packet(eng, &v, CTK_NAT_MANIP_SRC, &before, &after), 0);
	p = ctk_engine_track_packet(eng, &len);
	memcpy(err.b, p, len);
	assert_int_equal(ctk_engine_confirm(eng, &v), 0);
	/* Outer to the client, the quoted datagram from it, every checksum right. */
	assert_string_equal(inet_ntop(AF_INET, err.b + 16, s, sizeof(s)), "10.0.0.3");
	assert_string_equal(inet_ntop(AF_INET, err.b + 28 + 12, s, sizeof(s)), "10.0.0.3");
	assert_int_equal(err.b[48] << 8 | err.b[49], 5000);
	assert_csums(&err);
	assert_int_equal(fold16(sum16(err.b + 28, 20, 0)), 0);
	{
		struct pkt inner;

		memcpy(inner.b, err.b + 28, len - 28);
		inner.len = len - 28;
		assert_csums(&inner);
	}
	(void)port;
	ctk_engine_free(eng);
}

/* Bytes [off, off+len) of @whole's IPv4 payload as a fragment. */
static struct pkt frag4(const struct pkt *whole, uint32_t off, uint32_t len, bool more)
{
	struct pkt f;

	memcpy(f.b, whole->b, 20);
	memcpy(f.b + 20, whole->b + 20 + off, len);
	f.len = 20 + len;
	put16(f.b + 2, (uint16_t)f.len);
	put16(f.b + 6, (uint16_t)(off / 8 | (more ? 0x2000 : 0)));
	put16(f.b + 4, 0x1234);
	put16(f.b + 10, 0);
	put16(f.b + 10, fold16(sum16(f.b, 20, 0)));
	return f;
}

/* A datagram in two fragments: the first is held, the second brings the whole, NATed as one. */
static void test_reassembled_datagram_is_rewritten(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt whole = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 100);
	struct pkt f1 = frag4(&whole, 0, 64, true), f2 = frag4(&whole, 64, 44, false);
	struct ctk_tuple before, after;
	struct ctk_verdict v;
	struct pkt out;
	uint8_t *p;
	size_t len;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	ctk_engine_track(eng, f1.b, f1.len, 0, 0, &v);
	assert_true(v.held);
	assert_null(ctk_engine_track_packet(eng, &len));
	assert_int_equal(ctk_engine_track(eng, f2.b, f2.len, ns(0.01), 0, &v), CTK_CT_NEW);
	p = ctk_engine_track_packet(eng, &len);
	assert_non_null(p);
	assert_int_equal(len, whole.len);
	assert_int_equal(ctk_engine_nat_setup(eng, v.conn, CTK_NAT_MANIP_SRC, &r), 0);
	assert_int_equal(ctk_engine_nat_packet(eng, &v, CTK_NAT_MANIP_SRC, &before, &after), 1);
	assert_int_equal(before.sport, 5000);
	assert_string_equal(inet_ntop(AF_INET, &after.src, a, sizeof(a)), NAT_ADDR);
	p = ctk_engine_track_packet(eng, &len);
	memcpy(out.b, p, len);
	out.len = len;
	assert_int_equal((out.b[6] << 8 | out.b[7]) & 0x3fff, 0);
	assert_csums(&out);
	assert_int_equal(ctk_engine_confirm(eng, &v), 0);
	assert_int_equal(ctk_engine_count(eng), 1);
	ctk_engine_free(eng);
}

static void test_icmpv6_error_translated(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET6, "2001:db8:ff::1", 0, 0);
	struct pkt u = udp_pkt(AF_INET6, "2001:db8:1::2", 7000, "2001:db8:2::2", 53, 11);
	struct pkt err;
	struct ctk_tuple before, after;
	struct ctk_verdict v;
	char s[INET6_ADDRSTRLEN];
	uint8_t *p;
	size_t len;

	(void)state;
	assert_int_equal(forward(eng, &u, 0, NULL, &r, &v), 0);
	err = icmp_pkt(AF_INET6, "2001:db8:2::2", "2001:db8:ff::1", 1, 4, 0, &u, u.len);
	assert_int_equal(ctk_engine_track(eng, err.b, err.len, ns(0.1), 0, &v), CTK_CT_RELATED);
	assert_int_equal(ctk_engine_nat_packet(eng, &v, CTK_NAT_MANIP_DST, &before, &after), 1);
	p = ctk_engine_track_packet(eng, &len);
	memcpy(err.b, p, len);
	ctk_engine_confirm(eng, &v);
	assert_string_equal(inet_ntop(AF_INET6, err.b + 24, s, sizeof(s)), "2001:db8:1::2");
	assert_string_equal(inet_ntop(AF_INET6, err.b + 48 + 8, s, sizeof(s)), "2001:db8:1::2");
	assert_csums(&err);
	{
		struct pkt inner;

		memcpy(inner.b, err.b + 48, len - 48);
		inner.len = len - 48;
		assert_csums(&inner);
	}
	ctk_engine_free(eng);
}

/* An ICMP error quoting a flow no entry knows: nothing to translate. */
static void test_untracked_and_invalid_untouched(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt bad = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct ctk_tuple before, after;
	struct ctk_verdict v;

	(void)state;
	put16(bad.b + 20 + 4, 3);	/* UDP length below its header: invalid */
	assert_int_equal(ctk_engine_track(eng, bad.b, bad.len, 0, 0, &v), CTK_CT_INVALID);
	assert_int_equal(ctk_engine_nat_packet(eng, &v, CTK_NAT_MANIP_SRC, &before, &after), 0);
	ctk_engine_drop(eng, &v);
	assert_int_equal(ctk_engine_count(eng), 0);
	ctk_engine_free(eng);
}

/* ICMP errors quoting every length of a NATed datagram: rewritten or refused, never out of bounds. */
static void test_icmp_error_any_quote_length(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_nat_range r = snat_range(AF_INET, NAT_ADDR, 0, 0);
	struct pkt syn = tcp4("10.0.0.2", 40000, "198.51.100.2", 80, 100, 0, F_SYN, 64000, 30);
	struct ctk_tuple before, after;
	struct ctk_verdict v;
	int related = 0;

	(void)state;
	forward(eng, &syn, 0, NULL, &r, &v);
	for (size_t n = 0; n <= syn.len; n++) {
		struct pkt err = icmp_pkt(AF_INET, "192.0.2.9", NAT_ADDR, 11, 0, 0, &syn, n);
		int ret;

		if (ctk_engine_track(eng, err.b, err.len, ns(0.1), 0, &v) != CTK_CT_RELATED) {
			ctk_engine_drop(eng, &v);
			continue;
		}
		related++;
		ret = ctk_engine_nat_packet(eng, &v, CTK_NAT_MANIP_DST, &before, &after);
		assert_true(ret == 1 || ret == -EINVAL);
		if (ret == 1) {
			size_t len;
			uint8_t *p = ctk_engine_track_packet(eng, &len);

			memcpy(err.b, p, len);
			assert_csums(&err);
		}
		ctk_engine_confirm(eng, &v);
	}
	assert_true(related > 0);
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snat_keeps_free_port),
		cmocka_unit_test(test_inverse_of_original_is_not_the_reply),
		cmocka_unit_test(test_clash_moves_port),
		cmocka_unit_test(test_one_port_range_clash_fails),
		cmocka_unit_test(test_dnat_port_and_double_binding),
		cmocka_unit_test(test_unconfirmed_double_binding),
		cmocka_unit_test(test_udp_zero_checksum_stays_zero),
		cmocka_unit_test(test_icmp_echo_and_v6),
		cmocka_unit_test(test_icmp_error_translated),
		cmocka_unit_test(test_reassembled_datagram_is_rewritten),
		cmocka_unit_test(test_icmpv6_error_translated),
		cmocka_unit_test(test_untracked_and_invalid_untouched),
		cmocka_unit_test(test_icmp_error_any_quote_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
