// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Counting entries by keys (ctkit/group.h): the key list's syntax and its
 * errors, address prefixes, values an entry lacks, the order of groups,
 * counters, and the text and JSON lines, one case per line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <ctkit/group.h>

static struct ctk_entry entry(int af, const char *src, const char *dst, uint8_t l4, uint16_t sport,
			      uint16_t dport)
{
	struct ctk_entry e;

	memset(&e, 0, sizeof(e));
	ctk_entry_clear(&e);
	e.orig.l3num = (uint8_t)af;
	e.orig.l4num = l4;
	inet_pton(af, src, &e.orig.src);
	inet_pton(af, dst, &e.orig.dst);
	e.orig.sport = sport;
	e.orig.dport = dport;
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	e.status = IPS_CONFIRMED;
	ctk_entry_set(&e, CTK_ATTR_STATUS);
	return e;
}

static void parses(const char *text, unsigned int nkeys)
{
	struct ctk_group_spec spec;

	assert_int_equal(ctk_group_spec_parse(&spec, text, NULL, 0), 0);
	assert_int_equal(spec.nkeys, nkeys);
}

static void refused(const char *text, const char *bad_word)
{
	struct ctk_group_spec spec;
	char bad[32];

	assert_int_equal(ctk_group_spec_parse(&spec, text, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, bad_word);
}

static void test_spec(void **state)
{
	(void)state;
	parses("src", 1);
	parses("src/24,dport", 2);
	parses("dst/64,sport,proto,family,state,zone,mark,status,label,netns", 10);
	parses("src/0", 1);
	refused("", "");
	refused("foo", "foo");
	refused("src,dport,foo", "foo");
	refused("src,src/24", "src/24"); /* one key once */
	refused("src/", "src/");
	refused("src/129", "src/129");
	refused("src/2x", "src/2x");
	refused("dport/16", "dport/16"); /* only addresses have prefixes */
	refused("src,,dport", "");
}

/* Every group of @g as text lines, largest first. */
static char *lines(struct ctk_groups *g, int json)
{
	const struct ctk_group *top[64];
	size_t n = ctk_groups_top(g, 0, top);
	static char out[4096];
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)ctk_group_format(g, top[i], json, NULL, out + used,
						 sizeof(out) - used);
	return out;
}

static struct ctk_groups *groups(const char *keys)
{
	struct ctk_group_spec spec;
	struct ctk_groups *g;

	assert_int_equal(ctk_group_spec_parse(&spec, keys, NULL, 0), 0);
	g = ctk_groups_new(&spec);
	assert_non_null(g);
	return g;
}

static void add(struct ctk_groups *g, struct ctk_entry e)
{
	assert_int_equal(ctk_groups_add(g, &e, NULL), 0);
}

static void test_src_prefix_and_order(void **state)
{
	struct ctk_groups *g = groups("src/24,dport");

	(void)state;
	add(g, entry(AF_INET, "10.0.0.1", "10.9.0.1", IPPROTO_TCP, 1000, 443));
	add(g, entry(AF_INET, "10.0.0.200", "10.9.0.1", IPPROTO_TCP, 1001, 443));
	add(g, entry(AF_INET, "10.0.1.1", "10.9.0.1", IPPROTO_UDP, 53, 53));
	add(g, entry(AF_INET, "10.0.0.9", "10.9.0.1", IPPROTO_ICMP, 0, 0));
	add(g, entry(AF_INET6, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 5, 443));
	assert_int_equal(ctk_groups_count(g), 4);
	assert_string_equal(lines(g, 0), "2 src=10.0.0.0/24 dport=443\n"
					 "1 src=10.0.0.0/24 dport=-\n"
					 "1 src=10.0.1.0/24 dport=53\n"
					 "1 src=2001:d00::/24 dport=443\n");
	ctk_groups_free(g);
}

static void test_json_and_counters(void **state)
{
	struct ctk_groups *g = groups("proto,state");
	struct ctk_entry e = entry(AF_INET, "10.0.0.1", "10.9.0.1", IPPROTO_TCP, 1, 2);

	(void)state;
	e.tcp.state = TCP_CONNTRACK_ESTABLISHED;
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	e.counters[CTK_DIR_ORIG] = (struct ctk_counters){3, 300};
	e.counters[CTK_DIR_REPLY] = (struct ctk_counters){2, 1000};
	ctk_entry_set(&e, CTK_ATTR_COUNTERS_ORIG);
	ctk_entry_set(&e, CTK_ATTR_COUNTERS_REPLY);
	add(g, e);
	add(g, e);
	add(g, entry(AF_INET, "10.0.0.2", "10.9.0.1", IPPROTO_UDP, 1, 2));
	assert_string_equal(
		lines(g, 1),
		"{\"count\":2,\"proto\":\"tcp\",\"state\":\"ESTABLISHED\",\"packets\":10,"
		"\"bytes\":2600}\n"
		"{\"count\":1,\"proto\":\"udp\",\"state\":null}\n");
	assert_string_equal(lines(g, 0), "2 proto=tcp state=ESTABLISHED packets=10 bytes=2600\n"
					 "1 proto=udp state=-\n");
	ctk_groups_free(g);
}

static void test_status_mark_zone_label_netns(void **state)
{
	struct ctk_groups *g = groups("status,mark,zone,label,netns,family");
	struct ctk_entry e = entry(AF_INET6, "::1", "::2", IPPROTO_UDP, 1, 2);

	(void)state;
	e.status = IPS_CONFIRMED | IPS_ASSURED | IPS_SEEN_REPLY;
	e.mark = 7;
	e.zone = 3;
	e.labels[0] = (1u << 1) | (1u << 5);
	ctk_entry_set(&e, CTK_ATTR_MARK);
	ctk_entry_set(&e, CTK_ATTR_ZONE);
	ctk_entry_set(&e, CTK_ATTR_LABELS);
	assert_int_equal(ctk_groups_add(g, &e, "blue"), 0);
	assert_int_equal(ctk_groups_add(g, &e, "red \"x\""), 0);
	assert_int_equal(ctk_groups_add(g, &e, "blue"), 0);
	assert_string_equal(
		lines(g, 0),
		"2 status=SEEN_REPLY,ASSURED,CONFIRMED mark=7 zone=3 label=1,5 netns=blue "
		"family=ipv6\n"
		"1 status=SEEN_REPLY,ASSURED,CONFIRMED mark=7 zone=3 label=1,5 netns=red \"x\" "
		"family=ipv6\n");
	assert_string_equal(
		strchr(lines(g, 1), '\n') + 1,
		"{\"count\":1,\"status\":\"SEEN_REPLY,ASSURED,CONFIRMED\",\"mark\":7,"
		"\"zone\":3,\"label\":\"1,5\",\"netns\":\"red \\\"x\\\"\",\"family\":\"ipv6\"}\n");
	ctk_groups_free(g);
}

/* Many groups: the table grows and keeps every count; --top takes the largest. */
static void test_many_groups_and_top(void **state)
{
	struct ctk_groups *g = groups("sport");
	const struct ctk_group *top[3];
	char line[64];

	(void)state;
	for (unsigned int port = 1; port <= 5000; port++)
		for (unsigned int k = 0; k < (port == 4242 ? 9u : port == 77 ? 8u : 1u); k++)
			add(g,
			    entry(AF_INET, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, (uint16_t)port, 1));
	assert_int_equal(ctk_groups_count(g), 5000);
	assert_int_equal(ctk_groups_top(g, 3, top), 3);
	assert_int_equal(top[0]->count, 9);
	ctk_group_format(g, top[0], 0, NULL, line, sizeof(line));
	assert_string_equal(line, "9 sport=4242\n");
	ctk_group_format(g, top[1], 0, NULL, line, sizeof(line));
	assert_string_equal(line, "8 sport=77\n");
	ctk_group_format(g, top[2], 0, NULL, line, sizeof(line));
	assert_string_equal(line, "1 sport=1\n");
	/* a line that does not fit says how long it is, as snprintf */
	assert_int_equal(ctk_group_format(g, top[0], 0, NULL, line, 4), 13);
	ctk_groups_free(g);
}

/* An entry of @g's "dport" count with these counters. */
static void add_counted(struct ctk_groups *g, uint16_t dport, uint64_t packets, uint64_t bytes)
{
	struct ctk_entry e = entry(AF_INET, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, 1000, dport);

	e.counters[CTK_DIR_ORIG] = (struct ctk_counters){packets, bytes};
	ctk_entry_set(&e, CTK_ATTR_COUNTERS_ORIG);
	add(g, e);
}

/* Ranked by packets or bytes (ties by count, then key), and a count redone after a clear. */
static void test_top_by_and_clear(void **state)
{
	struct ctk_groups *g = groups("dport");
	const struct ctk_group *top[200];
	char line[64];

	(void)state;
	add_counted(g, 80, 10, 100000);
	add_counted(g, 80, 10, 100000);
	add_counted(g, 80, 10, 100000);
	add_counted(g, 443, 500, 1000);
	add_counted(g, 22, 20, 900000);
	add_counted(g, 53, 20, 10);
	assert_int_equal(ctk_groups_top_by(g, CTK_GROUP_ORDER_PACKETS, 0, top), 4);
	ctk_group_format(g, top[0], 0, NULL, line, sizeof(line));
	assert_string_equal(line, "1 dport=443 packets=500 bytes=1000\n");
	ctk_group_format(g, top[1], 0, NULL, line, sizeof(line));
	assert_string_equal(line, "3 dport=80 packets=30 bytes=300000\n");
	ctk_group_format(g, top[2], 0, NULL, line, sizeof(line));
	assert_string_equal(line, "1 dport=22 packets=20 bytes=900000\n"); /* tie: key order */
	assert_int_equal(ctk_groups_top_by(g, CTK_GROUP_ORDER_BYTES, 1, top), 1);
	assert_int_equal(top[0]->bytes, 900000);
	assert_int_equal(ctk_groups_top_by(g, CTK_GROUP_ORDER_COUNT, 1, top), 1);
	assert_int_equal(top[0]->count, 3);
	assert_int_equal(ctk_groups_top_by(g, (enum ctk_group_order)9, 1, top), 0);
	/* more than the short list holds: the sorted path */
	for (unsigned int port = 1000; port < 1100; port++)
		add_counted(g, (uint16_t)port, port, 1);
	assert_int_equal(ctk_groups_top_by(g, CTK_GROUP_ORDER_PACKETS, 100, top), 100);
	assert_int_equal(top[0]->packets, 1099);
	assert_int_equal(top[99]->packets, 1000);

	ctk_groups_clear(g);
	assert_int_equal(ctk_groups_count(g), 0);
	assert_int_equal(ctk_groups_top(g, 0, top), 0);
	add_counted(g, 80, 1, 1);
	add_counted(g, 7, 2, 2);
	add_counted(g, 80, 1, 1);
	assert_int_equal(ctk_groups_count(g), 2);
	assert_string_equal(lines(g, 0), "2 dport=80 packets=2 bytes=2\n"
					 "1 dport=7 packets=2 bytes=2\n");
	ctk_groups_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_src_prefix_and_order),
		cmocka_unit_test(test_json_and_counters),
		cmocka_unit_test(test_status_mark_zone_label_netns),
		cmocka_unit_test(test_many_groups_and_top),
		cmocka_unit_test(test_top_by_and_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
