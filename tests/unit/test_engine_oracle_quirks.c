// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel behaviour the oracle (tests/oracle/golden) showed the engine
 * missing: UDP-Lite checksums with 17 in the pseudo-header, IPv6 addresses
 * in full in the ICMP messages, IPS_DYING in DESTROY events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "test_engine_pkt.h"

/* A UDP-Lite datagram (full coverage) checksummed with @pseudo_proto. */
static struct pkt udplite_pkt(uint8_t pseudo_proto)
{
	uint8_t l4[16] = { 0 };
	struct pkt k;
	uint32_t sum;

	put16(l4, 50020);
	put16(l4 + 2, 5060);
	ip_wrap(&k, AF_INET, "192.0.2.2", "198.51.100.2", IPPROTO_UDPLITE, l4, sizeof(l4), -1);
	sum = sum16(k.b + 12, 8, 0) + pseudo_proto + (uint32_t)sizeof(l4);
	put16(k.b + 20 + 6, fold16(sum16(k.b + 20, sizeof(l4), sum)));
	return k;
}

static void test_udplite_pseudo_header(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt rfc = udplite_pkt(IPPROTO_UDPLITE);
	struct pkt udp = udplite_pkt(IPPROTO_UDP);
	struct ctk_verdict v;

	(void)state;
	/* udplite_error() checksums with IPPROTO_UDP: RFC 3828's sum fails. */
	assert_int_equal(feed(eng, &rfc, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "bad checksum");
	assert_int_equal(feed(eng, &udp, 0.1, &v), CTK_CT_NEW);
	ctk_engine_free(eng);
}

static void test_icmpv6_message_full_addresses(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt udp = udp_pkt(AF_INET6, "2001:db8:1::2", 4000, "2001:db8:2::2", 53, 4);
	struct pkt wrong = icmp_pkt(AF_INET6, "2001:db8:2::1", "2001:db8:2::2", 1, 4, 0, &udp, 52);
	struct ctk_verdict v;

	(void)state;
	assert_int_equal(feed(eng, &udp, 0, &v), CTK_CT_NEW);
	assert_int_equal(feed(eng, &wrong, 0.1, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "outer daddr 2001:0db8:0002:0000:0000:0000:0000:0002 != "
				      "inner 2001:0db8:0001:0000:0000:0000:0000:0002");
	ctk_engine_free(eng);
}

static void test_destroy_event_is_dying(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt syn = tcp4("192.0.2.2", 40000, "198.51.100.2", 80, 1000, 0, F_SYN, 64240, 0);
	struct pkt rst = tcp4("198.51.100.2", 80, "192.0.2.2", 40000, 0, 1001, F_RST | F_ACK, 0, 0);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_int_equal(feed(eng, &syn, 0, &v), CTK_CT_NEW);
	assert_false(ev.last.status & IPS_DYING);
	assert_false(entry_at(eng, &v, 0).status & IPS_DYING);
	/* A RST answering the SYN ends the entry at once. */
	feed(eng, &rst, 0.01, &v);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.type[1], CTK_EV_DESTROY);
	assert_true(ev.last.status & IPS_DYING);
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udplite_pseudo_header),
		cmocka_unit_test(test_icmpv6_message_full_addresses),
		cmocka_unit_test(test_destroy_event_is_dying),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
