// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Name tables: round trips, the edges of every table, and what the
 * reference's parsers accept (verified against conntrack 1.4.7).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include <ctkit/timeout.h>

static void test_l3_names(void **state)
{
	(void)state;
	assert_string_equal(ctk_l3_name(AF_INET), "ipv4");
	assert_string_equal(ctk_l3_name(AF_INET6), "ipv6");
	assert_string_equal(ctk_l3_name(0), "unknown");
	assert_string_equal(ctk_l3_name(AF_UNIX), "unknown");
	assert_string_equal(ctk_l3_name(255), "unknown");
}

static const struct {
	uint8_t num;
	const char *name;
} l4_known[] = {
	{ IPPROTO_TCP, "tcp" },		{ IPPROTO_UDP, "udp" },
	{ IPPROTO_UDPLITE, "udplite" },	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_ICMPV6, "icmpv6" },	{ IPPROTO_SCTP, "sctp" },
	{ IPPROTO_GRE, "gre" },		{ IPPROTO_DCCP, "dccp" },
};

static void test_l4_names(void **state)
{
	unsigned int known = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(l4_known) / sizeof(l4_known[0]); i++) {
		assert_string_equal(ctk_l4proto_name(l4_known[i].num), l4_known[i].name);
		assert_int_equal(ctk_l4proto_find_name(l4_known[i].name)->num, l4_known[i].num);
	}
	for (unsigned int n = 0; n < 256; n++)
		known += strcmp(ctk_l4proto_name((uint8_t)n), "unknown") != 0;
	assert_int_equal(known, 8);
	assert_string_equal(ctk_l4proto_name(0), "unknown");
	assert_string_equal(ctk_l4proto_name(200), "unknown");
	assert_string_equal(ctk_l4proto_name(255), "unknown");
}

static void test_l4_by_name(void **state)
{
	(void)state;
	assert_int_equal(ctk_l4proto_find_name("TCP")->num, IPPROTO_TCP);
	assert_int_equal(ctk_l4proto_find_name("IcmpV6")->num, IPPROTO_ICMPV6);
	assert_null(ctk_l4proto_find_name("unknown"));
	assert_null(ctk_l4proto_find_name(""));
	assert_null(ctk_l4proto_find_name("tc"));
	assert_null(ctk_l4proto_find_name("tcpx"));
	assert_null(ctk_l4proto_find_name("6"));
}

static const char *const tcp_names[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

static void test_tcp_states(void **state)
{
	(void)state;
	assert_int_equal(CTK_TCP_STATE_MAX, 10);
	for (int i = 0; i < CTK_TCP_STATE_MAX; i++) {
		assert_string_equal(ctk_tcp_state_name((uint8_t)i), tcp_names[i]);
		assert_int_equal(ctk_tcp_state_by_name(tcp_names[i]), i);
	}
	assert_null(ctk_tcp_state_name(CTK_TCP_STATE_MAX));
	assert_null(ctk_tcp_state_name(255));
	/* conntrack --state still knows the old name of 9. */
	assert_int_equal(ctk_tcp_state_by_name("LISTEN"), 9);
	/* Exact and case-sensitive, like the reference. */
	assert_int_equal(ctk_tcp_state_by_name("listen"), -1);
	assert_int_equal(ctk_tcp_state_by_name("established"), -1);
	assert_int_equal(ctk_tcp_state_by_name("ESTABLISHE"), -1);
	assert_int_equal(ctk_tcp_state_by_name(""), -1);
}

static const char *const sctp_names[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

static void test_sctp_states(void **state)
{
	(void)state;
	assert_int_equal(CTK_SCTP_STATE_MAX, 10);
	for (int i = 0; i < CTK_SCTP_STATE_MAX; i++)
		assert_string_equal(ctk_sctp_state_name((uint8_t)i), sctp_names[i]);
	for (int i = 0; i < CTK_SCTP_STATE_PARSE_MAX; i++)
		assert_int_equal(ctk_sctp_state_by_name(sctp_names[i]), i);
	/* Printed by the library, but not accepted by --state. */
	assert_int_equal(ctk_sctp_state_by_name("HEARTBEAT_SENT"), -1);
	assert_int_equal(ctk_sctp_state_by_name("HEARTBEAT_ACKED"), -1);
	assert_int_equal(ctk_sctp_state_by_name("closed"), -1);
	assert_null(ctk_sctp_state_name(CTK_SCTP_STATE_MAX));
	assert_null(ctk_sctp_state_name(255));
}

static const char *const dccp_names[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

static void test_dccp_states(void **state)
{
	(void)state;
	assert_int_equal(CTK_DCCP_STATE_MAX, 10);
	for (int i = 0; i < CTK_DCCP_STATE_MAX; i++) {
		assert_string_equal(ctk_dccp_state_name((uint8_t)i), dccp_names[i]);
		assert_int_equal(ctk_dccp_state_by_name(dccp_names[i]), i);
	}
	assert_null(ctk_dccp_state_name(CTK_DCCP_STATE_MAX));
	assert_int_equal(ctk_dccp_state_by_name("open"), -1);
	assert_int_equal(ctk_dccp_state_by_name("LISTEN"), -1);
}

static void test_status_bits(void **state)
{
	static const char *const names[] = {
		"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT",
		"DST_NAT", "SEQ_ADJUST", "SRC_NAT_DONE", "DST_NAT_DONE", "DYING",
		"FIXED_TIMEOUT", "TEMPLATE", "NAT_CLASH", "HELPER", "OFFLOAD",
		"HW_OFFLOAD",
	};

	(void)state;
	assert_int_equal(CTK_STATUS_BIT_MAX, 16);
	for (unsigned int i = 0; i < CTK_STATUS_BIT_MAX; i++)
		assert_string_equal(ctk_status_bit_name(i), names[i]);
	assert_null(ctk_status_bit_name(CTK_STATUS_BIT_MAX));
	assert_null(ctk_status_bit_name(31));
	assert_null(ctk_status_bit_name(32));
	assert_null(ctk_status_bit_name(~0u));
}

static void test_l4proto_descriptors(void **state)
{
	static const struct {
		uint8_t num;
		const char *name;
		enum ctk_l4key key;
		uint8_t nstates;
	} want[] = {
		{ IPPROTO_TCP, "tcp", CTK_L4KEY_PORTS, 10 },
		{ IPPROTO_UDP, "udp", CTK_L4KEY_PORTS, 0 },
		{ IPPROTO_UDPLITE, "udplite", CTK_L4KEY_PORTS, 0 },
		{ IPPROTO_ICMP, "icmp", CTK_L4KEY_ICMP, 0 },
		{ IPPROTO_ICMPV6, "icmpv6", CTK_L4KEY_ICMP, 0 },
		{ IPPROTO_SCTP, "sctp", CTK_L4KEY_PORTS, 10 },
		{ IPPROTO_DCCP, "dccp", CTK_L4KEY_PORTS, 10 },
		{ IPPROTO_GRE, "gre", CTK_L4KEY_GRE, 0 },
	};
	unsigned int n = 0;

	(void)state;
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ctk_l4proto *p = ctk_l4proto_find(want[i].num);

		assert_int_equal(p->num, want[i].num);
		assert_string_equal(p->name, want[i].name);
		assert_int_equal(p->key, want[i].key);
		assert_int_equal(p->nstates, want[i].nstates);
		assert_ptr_equal(ctk_l4proto_find_name(want[i].name), p);
		/* Its timeout-policy states are the tracker's of the same number. */
		assert_non_null(p->timeouts);
		assert_ptr_equal(p->timeouts, ctk_timeout_proto(want[i].num));
	}
	while (ctk_l4proto_at(n))
		n++;
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_ptr_equal(ctk_l4proto_find_name("TCP"), ctk_l4proto_find(IPPROTO_TCP));
	assert_null(ctk_l4proto_find_name("unknown"));
	assert_null(ctk_l4proto_find_name("ipip"));

	/* Every other number: the generic tracker, printed "unknown". */
	assert_string_equal(ctk_l4proto_find(IPPROTO_IPIP)->name, "unknown");
	assert_int_equal(ctk_l4proto_find(IPPROTO_IPIP)->key, CTK_L4KEY_NONE);
	assert_int_equal(ctk_l4proto_find(255)->timeouts->l4proto, CTK_TIMEOUT_GENERIC);
	assert_false(ctk_l4proto_has_ports(IPPROTO_ICMP));
	assert_true(ctk_l4proto_has_ports(IPPROTO_GRE));
	assert_string_equal(ctk_l4proto_state_name(ctk_l4proto_find(IPPROTO_TCP), 3), "ESTABLISHED");
	assert_null(ctk_l4proto_state_name(ctk_l4proto_find(IPPROTO_TCP), 10));
	assert_null(ctk_l4proto_state_name(ctk_l4proto_find(IPPROTO_UDP), 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l3_names),
		cmocka_unit_test(test_l4_names),
		cmocka_unit_test(test_l4_by_name),
		cmocka_unit_test(test_tcp_states),
		cmocka_unit_test(test_sctp_states),
		cmocka_unit_test(test_dccp_states),
		cmocka_unit_test(test_status_bits),
		cmocka_unit_test(test_l4proto_descriptors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
