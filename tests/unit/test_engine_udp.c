// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's UDP tracker: unreplied and replied timeouts, the
 * two-second stream rule, ASSURED, events, header errors; IPv4 and IPv6.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "test_engine_pkt.h"

static void test_request_reply_stream(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt req = udp_pkt(AF_INET, "192.0.2.1", 5353, "198.51.100.2", 53, 20);
	struct pkt rep = udp_pkt(AF_INET, "198.51.100.2", 53, "192.0.2.1", 5353, 40);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;
	struct ctk_entry e;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_int_equal(feed(eng, &req, 0, &v), CTK_CT_NEW);
	e = entry_at(eng, &v, 0);
	assert_int_equal(e.timeout, 30);
	assert_false(e.status & IPS_SEEN_REPLY);
	assert_int_equal(e.orig.sport, 5353);
	assert_int_equal(e.reply.sport, 53);
	assert_int_equal(ev.type[0], CTK_EV_NEW);

	/* Repeated requests stay NEW. */
	assert_int_equal(feed(eng, &req, 0.2, &v), CTK_CT_NEW);
	assert_int_equal(feed(eng, &rep, 0.5, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	e = entry_at(eng, &v, 0.5);
	assert_int_equal(e.timeout, 30);
	assert_true(e.status & IPS_SEEN_REPLY);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.type[1], CTK_EV_UPDATE);

	/* Within two seconds of the first packet: still 30 s, not assured. */
	assert_int_equal(feed(eng, &req, 1.9, &v), CTK_CT_ESTABLISHED);
	e = entry_at(eng, &v, 1.9);
	assert_int_equal(e.timeout, 30);
	assert_false(e.status & IPS_ASSURED);
	assert_int_equal(ev.n, 2);

	/* Later: a stream, 120 s and ASSURED (one UPDATE). */
	assert_int_equal(feed(eng, &rep, 3, &v), CTK_CT_ESTABLISHED);
	e = entry_at(eng, &v, 3);
	assert_int_equal(e.timeout, 120);
	assert_true(e.status & IPS_ASSURED);
	assert_int_equal(ev.n, 3);
	assert_int_equal(ev.type[2], CTK_EV_UPDATE);
	assert_int_equal(feed(eng, &req, 4, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(ev.n, 3);

	assert_int_equal(ctk_engine_expire(eng, 123 * SEC), 0);
	assert_int_equal(ctk_engine_expire(eng, 124 * SEC), 1);
	assert_int_equal(ev.type[3], CTK_EV_DESTROY);
	ctk_engine_free(eng);
}

static void test_unreplied_expires(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt req = udp_pkt(AF_INET6, "2001:db8::1", 1000, "2001:db8::2", 2000, 0);
	struct ctk_verdict v;
	struct ctk_entry e;

	(void)state;
	assert_int_equal(feed(eng, &req, 10, &v), CTK_CT_NEW);
	assert_int_equal(v.l3num, AF_INET6);
	e = entry_at(eng, &v, 10);
	assert_int_equal(e.orig.l3num, AF_INET6);
	/* An entry whose time ran out is gone for lookups (and reaped). */
	assert_non_null(ctk_engine_lookup(eng, &e.reply, 39 * SEC, NULL));
	assert_null(ctk_engine_lookup(eng, &e.orig, 40 * SEC, NULL));
	assert_int_equal(ctk_engine_count(eng), 0);
	/* After expiry the same packet is NEW again. */
	assert_int_equal(feed(eng, &req, 41, &v), CTK_CT_NEW);
	assert_int_equal(ctk_engine_count(eng), 1);
	ctk_engine_free(eng);
}

static void test_udp_errors(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt k = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 10);
	struct ctk_verdict v;

	(void)state;
	k.b[20 + 5] = 200;	/* length beyond the datagram */
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "truncated/malformed packet");
	k = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 10);
	k.b[20 + 6] ^= 1;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "bad checksum");
	/* A zero checksum means "none" for UDP over IPv4. */
	k.b[20 + 6] = k.b[20 + 7] = 0;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_NEW);
	/* Header cut after the ports: a tuple, but a short packet. */
	k = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 3, 0);
	k.len = 26;
	k.b[3] = 26;
	k.b[10] = k.b[11] = 0;
	{
		uint32_t s = 0;

		for (int i = 0; i < 20; i += 2)
			s += (uint32_t)(k.b[i] << 8 | k.b[i + 1]);
		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		k.b[10] = (uint8_t)(~s >> 8);
		k.b[11] = (uint8_t)~s;
	}
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "short packet");
	ctk_engine_free(eng);
}

static void test_checksum_off(void **state)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	struct pkt k = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 10);
	struct ctk_verdict v;

	(void)state;
	ctk_engine_config_init(&cfg);
	assert_int_equal(ctk_engine_config_set(&cfg, "net/netfilter/nf_conntrack_checksum", "0"), 0);
	eng = ctk_engine_new(&cfg);
	k.b[20 + 6] ^= 1;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_NEW);
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_reply_stream),
		cmocka_unit_test(test_unreplied_expires),
		cmocka_unit_test(test_udp_errors),
		cmocka_unit_test(test_checksum_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
