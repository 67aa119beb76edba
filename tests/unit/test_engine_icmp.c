// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's ICMP and ICMPv6 tracking: echo connections keyed by id,
 * errors RELATED through the quoted packet, ICMPv6 neighbour discovery
 * untracked, and the invalid cases with their reasons and stats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "test_engine_pkt.h"

#define A "192.0.2.1"
#define B "198.51.100.2"
#define R "203.0.113.254"

static void test_echo(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt req = icmp_pkt(AF_INET, A, B, 8, 0, 77, NULL, 0);
	struct pkt rep = icmp_pkt(AF_INET, B, A, 0, 0, 77, NULL, 0);
	struct pkt other = icmp_pkt(AF_INET, B, A, 0, 0, 78, NULL, 0);
	struct ctk_verdict v;
	struct ctk_entry e;

	(void)state;
	assert_int_equal(feed(eng, &req, 0, &v), CTK_CT_NEW);
	e = entry_at(eng, &v, 0);
	assert_int_equal(e.timeout, 30);
	assert_int_equal(e.orig.icmp_type, 8);
	assert_int_equal(e.reply.icmp_type, 0);
	assert_int_equal(e.orig.icmp_id, 77);
	assert_int_equal(feed(eng, &rep, 1, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_true(entry_at(eng, &v, 1).status & IPS_SEEN_REPLY);
	/* A reply without a request cannot start anything. */
	assert_int_equal(feed(eng, &other, 1, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "(icmp type 0 cannot create a connection)");
	assert_int_equal(ctk_engine_count(eng), 1);
	ctk_engine_free(eng);
}

static void test_error_related(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt udp = udp_pkt(AF_INET, A, 4000, B, 53, 4);
	struct pkt err = icmp_pkt(AF_INET, R, A, 3, 3, 0, &udp, 28);
	struct pkt back = udp_pkt(AF_INET, B, 53, A, 4000, 4);
	struct pkt fwd = icmp_pkt(AF_INET, R, B, 11, 0, 0, &back, 28);
	struct pkt wrong = icmp_pkt(AF_INET, R, "192.0.2.99", 3, 3, 0, &udp, 28);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;
	struct ctk_cpu_stats st;

	(void)state;
	/* No flow yet: the error is invalid and counts as an error. */
	assert_int_equal(feed(eng, &err, 0, &v), CTK_CT_INVALID);
	ctk_engine_stats(eng, &st);
	assert_int_equal(st.value[CTK_STAT_ERROR], 1);
	assert_int_equal(st.value[CTK_STAT_INVALID], 0);

	assert_int_equal(feed(eng, &udp, 1, &v), CTK_CT_NEW);
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	/* Back to the sender: related, reply direction; nothing changes. */
	assert_int_equal(feed(eng, &err, 2, &v), CTK_CT_RELATED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_non_null(v.conn);
	assert_int_equal(entry_at(eng, &v, 2).timeout, 29);
	assert_false(entry_at(eng, &v, 2).status & IPS_SEEN_REPLY);
	/* To the responder, about its answer: related, original direction. */
	assert_int_equal(feed(eng, &fwd, 2, &v), CTK_CT_RELATED);
	assert_int_equal(v.dir, CTK_DIR_ORIG);
	assert_int_equal(ev.n, 0);
	/* Sent to a third host: the kernel logs and refuses it. */
	assert_int_equal(feed(eng, &wrong, 2, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "outer daddr 192.0.2.99 != inner 192.0.2.1");
	ctk_engine_free(eng);
}

static void test_error_for_tcp_v6(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt syn = tcp_pkt(AF_INET6, "2001:db8::1", 33000, "2001:db8::2", 443, 1, 0, F_SYN, 1000,
				 NULL, 0, 0);
	struct pkt err = icmp_pkt(AF_INET6, "2001:db8::ff", "2001:db8::1", 1, 4, 0, &syn, 60);
	struct ctk_verdict v;

	(void)state;
	assert_int_equal(feed(eng, &syn, 0, &v), CTK_CT_NEW);
	assert_int_equal(feed(eng, &err, 0.1, &v), CTK_CT_RELATED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	ctk_engine_free(eng);
}

static void test_icmpv6(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt ns = icmp_pkt(AF_INET6, "2001:db8::1", "ff02::1:ff00:2", 135, 0, 0, NULL, 0);
	struct pkt req = icmp_pkt(AF_INET6, "2001:db8::1", "2001:db8::2", 128, 0, 9, NULL, 0);
	struct pkt rep = icmp_pkt(AF_INET6, "2001:db8::2", "2001:db8::1", 129, 0, 9, NULL, 0);
	struct ctk_verdict v;

	(void)state;
	assert_int_equal(feed(eng, &ns, 0, &v), CTK_CT_UNTRACKED);
	assert_null(v.conn);
	assert_int_equal(feed(eng, &req, 0, &v), CTK_CT_NEW);
	assert_int_equal(entry_at(eng, &v, 0).reply.icmp_type, 129);
	assert_int_equal(feed(eng, &rep, 0.5, &v), CTK_CT_ESTABLISHED);
	ns.b[40 + 2] ^= 0xff;
	assert_int_equal(feed(eng, &ns, 1, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "ICMPv6 checksum failed");
	ctk_engine_free(eng);
}

static void test_icmp_errors(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt k = icmp_pkt(AF_INET, A, B, 40, 0, 1, NULL, 0);
	struct ctk_verdict v;

	(void)state;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "invalid icmp type");
	k = icmp_pkt(AF_INET, A, B, 8, 0, 1, NULL, 0);
	k.b[22] ^= 1;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "bad hw icmp checksum");
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_error_related),
		cmocka_unit_test(test_error_for_tcp_v6),
		cmocka_unit_test(test_icmpv6),
		cmocka_unit_test(test_icmp_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
