// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The firewall path's evaluator (lib/fw/eval*.c, path.c) on the sample
 * tests/data/rulesets/sets_maps.nft: verdict maps with jump and goto,
 * return to the caller, named and anonymous sets, intervals, concatenated
 * keys with ranges, `!=` on a set, interface names and the policy; each
 * case one packet and the rule that must decide it. What the kernel does
 * with rulesets is the oracle's job (test_fw_oracle.py); this pins the
 * chain walk itself, one construct per line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctkit/fw.h>
#include "test_engine_pkt.h"

#define SETS_MAPS "tests/data/rulesets/sets_maps.json"

struct bench {
	struct ctk_engine *eng;
	struct ctk_ruleset *rs;
	struct ctk_fw *fw;
	uint64_t now;
};

static int setup(void **state)
{
	static struct bench b;
	char err[CTK_RULESET_ERR_MAX];

	b.eng = ctk_engine_new(NULL);
	b.rs = ctk_ruleset_load(SETS_MAPS, err);
	if (!b.eng || !b.rs)
		return -1;
	b.fw = ctk_fw_new(b.eng, b.rs);
	b.now = SEC;
	*state = &b;
	/* the postrouting nat chains ask for oifname: every packet leaves through dmz0 */
	return b.fw && ctk_fw_add_route(b.fw, "0.0.0.0/0", "dmz0") == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct bench *b = *state;

	ctk_fw_free(b->fw);
	ctk_ruleset_free(b->rs);
	ctk_engine_free(b->eng);
	return 0;
}

/* A SYN from @src:@sport to @dst:@dport arriving on @iif: its verdict. */
static struct ctk_fw_verdict syn(struct bench *b, const char *src, uint16_t sport,
				 const char *dst, uint16_t dport, const char *iif)
{
	struct pkt p = tcp4(src, sport, dst, dport, 1000, 0, F_SYN, 64240, 0);
	struct ctk_fw_packet in = { .l3 = p.b, .len = (uint32_t)p.len, .iifname = iif };
	struct ctk_fw_verdict v;

	b->now += SEC;
	in.now_ns = b->now;
	assert_int_equal(ctk_fw_packet(b->fw, &in, &v), 0);
	return v;
}

/* The verdict, and the chain and text of the rule that decided (policy: "policy ..."). */
static void expect(struct ctk_fw_verdict v, enum ctk_fw_verdict_code code, const char *chain,
		   const char *text)
{
	assert_int_equal(v.verdict, code);
	assert_true(v.has_rule);
	assert_string_equal(v.rule.chain, chain);
	assert_string_equal(v.rule.text, text);
}

static void test_sets_and_concatenations(void **state)
{
	struct bench *b = *state;

	expect(syn(b, "192.0.2.7", 40000, "10.81.2.2", 80, "lan0"), CTK_FW_DROP, "forward",
	       "ip saddr @blocked4 drop");	/* inside the range 192.0.2.1-20 */
	expect(syn(b, "10.1.1.1", 40001, "10.81.2.2", 443, "lan0"), CTK_FW_ACCEPT, "forward",
	       "ip daddr . tcp dport @svc accept");
	expect(syn(b, "10.1.1.1", 40002, "10.9.9.9", 1500, "lan0"), CTK_FW_ACCEPT, "forward",
	       "ip saddr . tcp dport @ranges accept");	/* 10.0.0.0/8 . 1000-1999 */
	expect(syn(b, "10.81.1.3", 40003, "10.9.9.9", 8080, "lan0"), CTK_FW_DROP, "forward",
	       "ip saddr . tcp dport vmap @addr_port_verdict");
	expect(syn(b, "203.0.113.9", 40004, "10.9.9.9", 2000, "lan0"), CTK_FW_DROP, "forward",
	       "ip saddr != { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } drop");
	expect(syn(b, "192.168.1.1", 40005, "10.9.9.9", 1023, "lan0"), CTK_FW_ACCEPT, "forward",
	       "tcp dport { 1-1023, 8080 } accept");
}

static void test_jump_goto_return(void **state)
{
	struct bench *b = *state;

	/* lan0 -> jump lan: accept */
	expect(syn(b, "192.168.1.1", 41000, "10.9.9.9", 5000, "lan0"), CTK_FW_ACCEPT, "lan",
	       "accept");
	/* wan0 -> jump wan -> vmap 22: jump ssh, from outside 10/8: drop in ssh */
	expect(syn(b, "192.168.1.1", 41001, "10.9.9.9", 22, "wan0"), CTK_FW_ACCEPT, "forward",
	       "tcp dport { 1-1023, 8080 } accept");
	/* wan0, port 5001: no vmap element, `return` to forward, nothing else: policy */
	expect(syn(b, "192.168.1.1", 41002, "10.9.9.9", 5001, "wan0"), CTK_FW_DROP, "forward",
	       "policy drop");
	/* eth1 matches "eth*": goto wan, whose return ends the base chain: policy */
	expect(syn(b, "192.168.1.1", 41003, "10.9.9.9", 5002, "eth1"), CTK_FW_DROP, "forward",
	       "policy drop");
	/* an interface in no rule: the policy */
	expect(syn(b, "192.168.1.1", 41004, "10.9.9.9", 5003, "dmz0"), CTK_FW_DROP, "forward",
	       "policy drop");
}

static void test_established_by_vmap(void **state)
{
	struct bench *b = *state;
	struct pkt ack = tcp4("10.9.9.9", 5000, "192.168.1.9", 42000, 5000, 1001, F_SYN | F_ACK,
			      64240, 0);
	struct ctk_fw_packet in = { .l3 = ack.b, .len = (uint32_t)ack.len, .iifname = "wan0" };
	struct ctk_fw_verdict v;

	expect(syn(b, "192.168.1.9", 42000, "10.9.9.9", 5000, "lan0"), CTK_FW_ACCEPT, "lan",
	       "accept");
	in.now_ns = b->now + 1;
	assert_int_equal(ctk_fw_packet(b->fw, &in, &v), 0);
	assert_int_equal(v.ct.state, CTK_CT_ESTABLISHED);
	expect(v, CTK_FW_ACCEPT, "forward",
	       "ct state vmap { invalid : drop, established : accept, related : accept }");
}

static void test_interface_names_needed(void **state)
{
	struct bench *b = *state;
	struct pkt p = tcp4("192.168.1.1", 43000, "10.9.9.9", 5004, 1000, 0, F_SYN, 64240, 0);
	struct ctk_fw_packet in = { .l3 = p.b, .len = (uint32_t)p.len, .now_ns = b->now + SEC };
	struct ctk_fw_verdict v;

	/* no name, and the walk reaches `iifname vmap @ifzone`: an error naming the rule */
	assert_int_equal(ctk_fw_packet(b->fw, &in, &v), -ENXIO);
	assert_int_equal(v.verdict, CTK_FW_DROP);
	assert_true(v.nnotes > 0);
	assert_non_null(strstr(v.notes[v.nnotes - 1], "chain forward, rule handle"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets_and_concatenations),
		cmocka_unit_test(test_jump_goto_return),
		cmocka_unit_test(test_established_by_vmap),
		cmocka_unit_test(test_interface_names_needed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
