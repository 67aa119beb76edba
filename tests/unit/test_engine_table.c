// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's table and API: configuration by sysctl name, dump,
 * lookup, delete, flush, the table limit with early drop, expiry over
 * long time jumps, statistics, generic protocols and malformed input.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "test_engine_pkt.h"

static void test_config(void **state)
{
	struct ctk_engine_config cfg;
	uint64_t val;

	(void)state;
	ctk_engine_config_init(&cfg);
	assert_int_equal(cfg.tcp_timeout_established, 432000);
	assert_int_equal(cfg.udp_timeout_stream, 120);
	assert_int_equal(cfg.generic_timeout, 600);
	assert_int_equal(cfg.tcp_loose, 1);
	assert_int_equal(cfg.max, 262144);
	assert_int_equal(ctk_engine_config_set(&cfg, "net.netfilter.nf_conntrack_tcp_be_liberal", "1"), 0);
	assert_int_equal(cfg.tcp_be_liberal, 1);
	assert_int_equal(ctk_engine_config_set(&cfg, "net.nf_conntrack_max", "100"), 0);
	assert_int_equal(cfg.max, 100);
	assert_int_equal(ctk_engine_config_set(&cfg, "nf_conntrack_udp_timeout", "45\n"), 0);
	assert_int_equal(ctk_engine_config_get(&cfg, "net/netfilter/nf_conntrack_udp_timeout", &val), 0);
	assert_int_equal(val, 45);
	assert_int_equal(ctk_engine_config_set(&cfg, "nf_conntrack_tcp_loose", "2"), -EINVAL);
	assert_int_equal(ctk_engine_config_set(&cfg, "nf_conntrack_tcp_loose", "x"), -EINVAL);
	assert_int_equal(ctk_engine_config_set(&cfg, "nf_conntrack_bogus", "1"), -ENOENT);
	assert_string_equal(ctk_engine_config_name(0), "net.netfilter.nf_conntrack_tcp_timeout_syn_sent");
	assert_null(ctk_engine_config_name(1000));
}

static int count_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	int *n = data;

	assert_int_equal(ev, CTK_EV_NONE);
	assert_true(ctk_entry_has(e, CTK_ATTR_USE));
	assert_true(ctk_entry_has(e, CTK_ATTR_MARK));
	(*n)++;
	return CTK_CB_OK;
}

static void test_foreach_lookup_delete(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;
	struct ctk_entry e;
	enum ctk_dir dir;
	char name[32];
	int n = 0;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	for (int i = 0; i < 100; i++) {
		struct pkt k = udp_pkt(AF_INET, "192.0.2.1", (uint16_t)(1000 + i), "198.51.100.2", 53, 0);

		assert_int_equal(feed(eng, &k, i * 0.1, &v), CTK_CT_NEW);
	}
	assert_int_equal(ctk_engine_count(eng), 100);
	assert_int_equal(ctk_engine_foreach(eng, 10 * SEC, count_cb, &n), 100);
	assert_int_equal(n, 100);
	/* At 35 s the first ~50 (created before 5 s, 30 s timeout) are hidden. */
	n = 0;
	ctk_engine_foreach(eng, 35 * SEC, count_cb, &n);
	assert_int_equal(n, 49);

	e = entry_at(eng, &v, 10);
	assert_non_null(ctk_engine_lookup(eng, &e.reply, 10 * SEC, &dir));
	assert_int_equal(dir, CTK_DIR_REPLY);
	ev.n = 0;
	assert_int_equal(ctk_engine_delete(eng,
					   ctk_engine_conn_handle(ctk_engine_lookup(eng, &e.orig, 10 * SEC, NULL)),
					   10 * SEC), 0);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.type[0], CTK_EV_DESTROY);
	assert_null(ctk_engine_lookup(eng, &e.orig, 10 * SEC, NULL));
	assert_int_equal(ctk_engine_count(eng), 99);
	ctk_engine_flush(eng, 10 * SEC);
	assert_int_equal(ctk_engine_count(eng), 0);
	assert_int_equal(ev.n, 100);
	snprintf(name, sizeof(name), "%s", ctk_ct_state_name(CTK_CT_ESTABLISHED));
	assert_string_equal(name, "established");
	ctk_engine_free(eng);
}

static void test_table_full(void **state)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	struct ctk_cpu_stats st;
	struct ctk_verdict v;
	unsigned int dropped = 0;

	(void)state;
	ctk_engine_config_init(&cfg);
	cfg.max = 8;
	cfg.buckets = 8;
	eng = ctk_engine_new(&cfg);
	/* Non-assured entries make room for new ones (early drop). */
	for (int i = 0; i < 50; i++) {
		struct pkt k = udp_pkt(AF_INET, "192.0.2.1", (uint16_t)(2000 + i), "198.51.100.2", 53, 0);

		feed(eng, &k, 0, &v);
		dropped += v.dropped;
		assert_true(ctk_engine_count(eng) <= 8);
	}
	ctk_engine_stats(eng, &st);
	assert_true(st.value[CTK_STAT_EARLY_DROP] > 0);
	assert_int_equal(st.value[CTK_STAT_DROP], dropped);
	assert_true(st.present & (1u << CTK_STAT_EARLY_DROP));
	assert_false(st.present & (1u << CTK_STAT_SEARCHED));
	ctk_engine_free(eng);
}

/* A pool filled to its last slot still takes new entries after an early drop. */
static void test_full_pool_reuses_dropped(void **state)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	struct ctk_cpu_stats st;
	struct ctk_verdict v;

	(void)state;
	ctk_engine_config_init(&cfg);
	cfg.max = 4096;
	cfg.buckets = 1024;
	eng = ctk_engine_new(&cfg);
	for (int i = 0; i < 6000; i++) {
		char dst[32];
		struct pkt k;

		snprintf(dst, sizeof(dst), "198.51.%d.%d", i / 250, i % 250 + 1);
		k = udp_pkt(AF_INET, "192.0.2.1", 999, dst, 53, 0);
		feed(eng, &k, 0, &v);
		assert_false(v.dropped);
	}
	/* early_drop() kills every unassured entry of its bucket: a few more may go. */
	assert_in_range(ctk_engine_count(eng), 4080, 4096);
	ctk_engine_stats(eng, &st);
	assert_int_equal(st.value[CTK_STAT_DROP], 0);
	assert_true(st.value[CTK_STAT_EARLY_DROP] >= 6000 - 4096);
	ctk_engine_free(eng);
}

static void test_long_time_jump(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt syn = tcp4("192.0.2.1", 1, "198.51.100.2", 2, 1, 0, F_SYN, 1000, 0);
	struct pkt gen;
	struct ctk_verdict v;
	uint8_t gre[4] = { 0, 1, 0, 2 };

	(void)state;
	ip_wrap(&gen, AF_INET, "192.0.2.1", "198.51.100.2", 253, gre, 4, -1);	/* generic */
	assert_int_equal(feed(eng, &syn, 0, &v), CTK_CT_NEW);
	assert_int_equal(feed(eng, &gen, 0, &v), CTK_CT_NEW);
	assert_int_equal(entry_at(eng, &v, 0).timeout, 600);
	assert_int_equal(ctk_engine_expire(eng, 119 * SEC), 0);
	assert_int_equal(ctk_engine_expire(eng, 121 * SEC), 1);
	/* Past the wheel's horizon in one step. */
	assert_int_equal(ctk_engine_expire(eng, 100000 * SEC), 1);
	assert_int_equal(ctk_engine_count(eng), 0);
	ctk_engine_free(eng);
}

/*
 * ctk_engine_next_expiry() is a promise: expiry before it destroys
 * nothing. Flows with 30 s and 120 s timeouts, some refreshed later so
 * their wheel slot's minimum goes stale, are expired by walking from one
 * promised time to the next; each walk must make progress and the table
 * must empty, with "nothing due" for the empty table.
 */
static void test_next_expiry(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ctk_verdict v;
	unsigned int live, gone = 0, steps = 0;
	uint64_t t, now;

	(void)state;
	assert_int_equal(ctk_engine_next_expiry(eng), UINT64_MAX);
	for (int i = 0; i < 3000; i++) {
		uint16_t sport = (uint16_t)(1000 + i % 1000), dport = (uint16_t)(53 + i / 1000);
		struct pkt k = udp_pkt(AF_INET, "192.0.2.1", sport, "198.51.100.2", dport, 0);
		struct pkt r = udp_pkt(AF_INET, "198.51.100.2", dport, "192.0.2.1", sport, 0);

		feed(eng, &k, i * 0.02, &v);
		if (i % 7 == 0)		/* replied: the 120 s stream timeout */
			feed(eng, &r, i * 0.02, &v);
		if (i >= 500 && i % 3 == 0) {	/* an older flow refreshed: its old slot goes stale */
			struct pkt old = udp_pkt(AF_INET, "192.0.2.1", (uint16_t)(1000 + (i - 500) % 1000),
						 "198.51.100.2", (uint16_t)(53 + (i - 500) / 1000), 0);

			feed(eng, &old, i * 0.02, &v);
		}
	}
	live = ctk_engine_count(eng);
	now = 60 * SEC;
	while (ctk_engine_count(eng)) {
		t = ctk_engine_next_expiry(eng);
		assert_true(t != UINT64_MAX);
		if (t > now) {
			assert_int_equal(ctk_engine_expire(eng, t - 1), 0);
			now = t;
		}
		gone += ctk_engine_expire(eng, now);
		now++;
		assert_true(++steps < 100000);
	}
	assert_int_equal(gone, live);
	assert_int_equal(ctk_engine_next_expiry(eng), UINT64_MAX);
	ctk_engine_free(eng);
}

static void test_gre(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	uint8_t gre[4] = { 0, 0, 0x08, 0 };	/* version 0, IPv4 inside */
	struct pkt ab, ba;
	struct ctk_verdict v;
	struct ctk_entry e;

	(void)state;
	ip_wrap(&ab, AF_INET, "192.0.2.1", "198.51.100.2", IPPROTO_GRE, gre, 4, -1);
	ip_wrap(&ba, AF_INET, "198.51.100.2", "192.0.2.1", IPPROTO_GRE, gre, 4, -1);
	assert_int_equal(feed(eng, &ab, 0, &v), CTK_CT_NEW);
	assert_int_equal(entry_at(eng, &v, 0).timeout, 30);
	assert_int_equal(feed(eng, &ba, 1, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_int_equal(entry_at(eng, &v, 1).timeout, 30);
	assert_int_equal(feed(eng, &ab, 2, &v), CTK_CT_ESTABLISHED);
	e = entry_at(eng, &v, 2);
	assert_int_equal(e.timeout, 180);
	assert_true(e.status & IPS_ASSURED);
	assert_int_equal(e.orig.sport, 0);
	ctk_engine_free(eng);
}

static void test_malformed(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt k = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 0);
	struct ctk_verdict v;
	uint8_t junk[3] = { 0x45, 0, 0 };

	(void)state;
	assert_int_equal(ctk_engine_packet(eng, junk, 3, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "(ip: truncated header)");
	assert_int_equal(ctk_engine_packet(eng, junk, 0, 0, &v), CTK_CT_INVALID);
	k.b[10] ^= 1;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "(ip: bad header checksum)");
	k = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 0);
	k.len = 27;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "(ip: truncated packet)");
	assert_int_equal(ctk_engine_count(eng), 0);
	ctk_engine_free(eng);
}

/* Bytes [off, off+len) of @whole's IPv4 payload as a fragment. */
static struct pkt frag4(const struct pkt *whole, uint32_t off, uint32_t len, bool more)
{
	struct pkt f;
	uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));

	memcpy(f.b, whole->b, 20);
	memcpy(f.b + 20, whole->b + 20 + off, len);
	f.len = 20 + len;
	put16(f.b + 2, (uint16_t)f.len);
	put16(f.b + 6, fo);
	put16(f.b + 4, 0x1234);
	put16(f.b + 10, 0);
	put16(f.b + 10, fold16(sum16(f.b, 20, 0)));
	return f;
}

/* The same for IPv6: a fragment header after the fixed header. */
static struct pkt frag6(const struct pkt *whole, uint32_t off, uint32_t len, bool more)
{
	struct pkt f;

	memcpy(f.b, whole->b, 40);
	f.b[6] = 44;
	f.b[40] = whole->b[6];
	f.b[41] = 0;
	put16(f.b + 42, (uint16_t)(off | (more ? 1 : 0)));
	put32(f.b + 44, 0xabcdef);
	memcpy(f.b + 48, whole->b + 40 + off, len);
	f.len = 48 + len;
	put16(f.b + 4, (uint16_t)(f.len - 40));
	return f;
}

static void test_fragments(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt whole = udp_pkt(AF_INET, "192.0.2.1", 7, "198.51.100.2", 9, 100);
	struct pkt a = frag4(&whole, 0, 64, true), b = frag4(&whole, 64, 44, false);
	struct pkt w6 = udp_pkt(AF_INET6, "2001:db8::1", 7, "2001:db8::2", 9, 100);
	struct pkt c = frag6(&w6, 0, 56, true), d = frag6(&w6, 56, 52, false);
	struct ctk_verdict v;
	struct ctk_entry e;
	struct ctk_engine_config cfg;
	struct ctk_engine *acct;

	(void)state;
	/* Out of order: the last piece first, held; the first completes it. */
	assert_int_equal(feed(eng, &b, 0, &v), CTK_CT_INVALID);
	assert_true(v.held);
	assert_string_equal(v.reason, "(fragment held for reassembly)");
	assert_int_equal(feed(eng, &a, 0.1, &v), CTK_CT_NEW);
	assert_false(v.held);
	assert_int_equal(v.l4num, IPPROTO_UDP);
	assert_int_equal(entry_at(eng, &v, 0.1).orig.dport, 9);
	/* The same datagram again, overlapping pieces: dropped. */
	assert_int_equal(feed(eng, &a, 1, &v), CTK_CT_INVALID);
	assert_true(v.held);
	assert_int_equal(feed(eng, &a, 1, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "(fragment: duplicate, dropped)");
	/* IPv6, in order. */
	assert_int_equal(feed(eng, &c, 2, &v), CTK_CT_INVALID);
	assert_true(v.held);
	assert_int_equal(feed(eng, &d, 2, &v), CTK_CT_NEW);
	assert_int_equal(entry_at(eng, &v, 2).orig.l3num, AF_INET6);
	assert_int_equal(entry_at(eng, &v, 2).orig.sport, 7);
	/* A lone piece times out after 30 s: its partner then waits alone. */
	assert_int_equal(feed(eng, &c, 3, &v), CTK_CT_INVALID);
	assert_int_equal(feed(eng, &d, 40, &v), CTK_CT_INVALID);
	assert_true(v.held);
	ctk_engine_free(eng);

	/* Counters see the whole datagram once. */
	ctk_engine_config_init(&cfg);
	cfg.acct = 1;
	acct = ctk_engine_new(&cfg);
	feed(acct, &a, 0, &v);
	feed(acct, &b, 0, &v);
	e = entry_at(acct, &v, 0);
	assert_true(ctk_entry_has(&e, CTK_ATTR_COUNTERS_ORIG));
	assert_int_equal(e.counters[0].packets, 1);
	assert_int_equal(e.counters[0].bytes, whole.len);
	ctk_engine_free(acct);
}

static void test_link_layers(void **state)
{
	uint8_t eth[64] = { 0 }, sll2[32] = { 0 }, sll[32] = { 0 }, lo[8] = { 2, 0, 0, 0 };
	size_t off = 99;

	(void)state;
	/* Ethernet, two VLAN tags (802.1ad outside, 802.1Q inside), IPv6. */
	put16(eth + 12, 0x88a8);
	put16(eth + 16, 0x8100);
	put16(eth + 20, 0x86dd);
	assert_int_equal(ctk_frame_l3(1, eth, sizeof(eth), &off), 0);
	assert_int_equal(off, 22);
	put16(eth + 12, 0x0806);	/* ARP */
	assert_int_equal(ctk_frame_l3(1, eth, sizeof(eth), &off), -ENOENT);
	assert_int_equal(ctk_frame_l3(1, eth, 13, &off), -EINVAL);
	put16(sll + 14, 0x0800);
	assert_int_equal(ctk_frame_l3(113, sll, sizeof(sll), &off), 0);
	assert_int_equal(off, 16);
	put16(sll2, 0x0800);
	assert_int_equal(ctk_frame_l3(276, sll2, sizeof(sll2), &off), 0);
	assert_int_equal(off, 20);
	assert_int_equal(ctk_frame_l3(101, eth, 20, &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(ctk_frame_l3(0, lo, sizeof(lo), &off), 0);
	assert_int_equal(off, 4);
	assert_int_equal(ctk_frame_l3(147, eth, sizeof(eth), &off), -EPROTONOSUPPORT);
}

static void test_ipv6_ext_headers(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt u = udp_pkt(AF_INET6, "2001:db8::1", 7, "2001:db8::2", 9, 4);
	struct pkt k;
	struct ctk_verdict v;
	uint8_t l4[64];

	(void)state;
	/* Hop-by-hop (8 bytes of padding) in front of the UDP header. */
	memset(l4, 0, sizeof(l4));
	l4[0] = IPPROTO_UDP;
	l4[1] = 0;
	l4[2] = 1;	/* PadN */
	l4[3] = 4;
	memcpy(l4 + 8, u.b + 40, 12);
	ip_wrap(&k, AF_INET6, "2001:db8::1", "2001:db8::2", 0, l4, 20, -1);
	/* The UDP checksum is over the UDP part only: copy it from u. */
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_NEW);
	assert_int_equal(v.l4num, IPPROTO_UDP);
	assert_int_equal(entry_at(eng, &v, 0).orig.dport, 9);
	/* "No next header": no transport, invalid. */
	l4[0] = 59;
	ip_wrap(&k, AF_INET6, "2001:db8::1", "2001:db8::2", 0, l4, 20, -1);
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_foreach_lookup_delete),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_full_pool_reuses_dropped),
		cmocka_unit_test(test_long_time_jump),
		cmocka_unit_test(test_next_expiry),
		cmocka_unit_test(test_gre),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_link_layers),
		cmocka_unit_test(test_ipv6_ext_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
