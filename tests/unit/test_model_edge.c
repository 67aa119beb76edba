// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tuple helpers: which protocols carry ports, and the reply tuple the
 * kernel's invert_tuple would build (ICMP request/reply pairs included).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctkit/entry.h>

static void test_has_ports(void **state)
{
	static const uint8_t with_ports[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP, IPPROTO_DCCP,
		IPPROTO_GRE,	/* keys in the port slots */
	};
	unsigned int count = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(with_ports); i++)
		assert_true(ctk_l4proto_has_ports(with_ports[i]));
	for (unsigned int p = 0; p < 256; p++)
		count += ctk_l4proto_has_ports((uint8_t)p);
	assert_int_equal(count, sizeof(with_ports));
	assert_false(ctk_l4proto_has_ports(IPPROTO_ICMP));
	assert_false(ctk_l4proto_has_ports(IPPROTO_ICMPV6));
	assert_false(ctk_l4proto_has_ports(0));
	assert_false(ctk_l4proto_has_ports(255));
}

static void test_is_icmp(void **state)
{
	unsigned int count = 0;

	(void)state;
	for (unsigned int p = 0; p < 256; p++)
		count += ctk_l4proto_is_icmp((uint8_t)p);
	assert_int_equal(count, 2);
	assert_true(ctk_l4proto_is_icmp(IPPROTO_ICMP));
	assert_true(ctk_l4proto_is_icmp(IPPROTO_ICMPV6));
}

static struct ctk_tuple tuple(uint8_t family, uint8_t l4, const char *src, const char *dst)
{
	struct ctk_tuple t;

	memset(&t, 0, sizeof(t));
	t.l3num = family;
	t.l4num = l4;
	assert_int_equal(inet_pton(family, src, &t.src), 1);
	assert_int_equal(inet_pton(family, dst, &t.dst), 1);
	return t;
}

static void test_invert_ports(void **state)
{
	struct ctk_tuple t = tuple(AF_INET6, IPPROTO_TCP, "fd00::1", "fd00::2");
	struct ctk_tuple r, back;

	(void)state;
	t.sport = 1000;
	t.dport = 80;
	ctk_tuple_invert(&r, &t);
	assert_memory_equal(&r.src, &t.dst, sizeof(r.src));
	assert_memory_equal(&r.dst, &t.src, sizeof(r.dst));
	assert_int_equal(r.sport, 80);
	assert_int_equal(r.dport, 1000);
	assert_int_equal(r.l3num, AF_INET6);
	assert_int_equal(r.l4num, IPPROTO_TCP);
	ctk_tuple_invert(&back, &r);
	assert_memory_equal(&back.src, &t.src, sizeof(t.src));
	assert_memory_equal(&back.dst, &t.dst, sizeof(t.dst));
	assert_int_equal(back.sport, t.sport);
	assert_int_equal(back.dport, t.dport);
}

static void test_invert_in_place(void **state)
{
	struct ctk_tuple t = tuple(AF_INET, IPPROTO_UDP, "10.0.0.1", "10.0.0.2");
	struct ctk_tuple copy;

	(void)state;
	t.sport = 53;
	t.dport = 5353;
	copy = t;
	ctk_tuple_invert(&t, &t);
	assert_int_equal(t.src.word[0], copy.dst.word[0]);
	assert_int_equal(t.dst.word[0], copy.src.word[0]);
	assert_int_equal(t.sport, 5353);
	assert_int_equal(t.dport, 53);
}

static uint8_t inverted_type(uint8_t l4, uint8_t type)
{
	struct ctk_tuple t = tuple(l4 == IPPROTO_ICMP ? AF_INET : AF_INET6, l4,
				   l4 == IPPROTO_ICMP ? "10.0.0.1" : "fd00::1",
				   l4 == IPPROTO_ICMP ? "10.0.0.2" : "fd00::2");
	struct ctk_tuple r;

	t.icmp_type = type;
	t.icmp_code = 3;
	t.icmp_id = 4242;
	ctk_tuple_invert(&r, &t);
	/* Code and id travel unchanged. */
	assert_int_equal(r.icmp_code, 3);
	assert_int_equal(r.icmp_id, 4242);
	return r.icmp_type;
}

static void test_invert_icmp(void **state)
{
	static const uint8_t pairs[][2] = {
		{ 8, 0 },	/* echo */
		{ 13, 14 },	/* timestamp */
		{ 15, 16 },	/* information */
		{ 17, 18 },	/* address mask */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_int_equal(inverted_type(IPPROTO_ICMP, pairs[i][0]), pairs[i][1]);
		assert_int_equal(inverted_type(IPPROTO_ICMP, pairs[i][1]), pairs[i][0]);
	}
	/* Error and unknown types have no pair: unchanged. */
	assert_int_equal(inverted_type(IPPROTO_ICMP, 3), 3);
	assert_int_equal(inverted_type(IPPROTO_ICMP, 11), 11);
	assert_int_equal(inverted_type(IPPROTO_ICMP, 128), 128);	/* v6 echo, not v4 */
	assert_int_equal(inverted_type(IPPROTO_ICMP, 255), 255);
}

static void test_invert_icmpv6(void **state)
{
	(void)state;
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 128), 129);	/* echo */
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 129), 128);
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 139), 140);	/* node info */
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 140), 139);
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 8), 8);		/* v4 echo, not v6 */
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 0), 0);
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 1), 1);
	assert_int_equal(inverted_type(IPPROTO_ICMPV6, 255), 255);
}

/* Non-ICMP protocols keep whatever is in the ICMP fields. */
static void test_invert_other(void **state)
{
	struct ctk_tuple t = tuple(AF_INET, 200, "10.0.0.1", "10.0.0.2");
	struct ctk_tuple r;

	(void)state;
	t.icmp_type = 8;
	ctk_tuple_invert(&r, &t);
	assert_int_equal(r.icmp_type, 8);
	assert_int_equal(r.l4num, 200);
	assert_int_equal(r.src.word[0], t.dst.word[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_ports),
		cmocka_unit_test(test_is_icmp),
		cmocka_unit_test(test_invert_ports),
		cmocka_unit_test(test_invert_in_place),
		cmocka_unit_test(test_invert_icmp),
		cmocka_unit_test(test_invert_icmpv6),
		cmocka_unit_test(test_invert_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
