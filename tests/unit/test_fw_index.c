// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rule index of long chains (lib/fw/index.c) against a walk of every
 * rule: two firewalls, one with its chains indexed and one without, take
 * the same stream of packets (both directions, several protocols,
 * interfaces and ports around every lead's edges) through
 * tests/data/rulesets/index_walk.nft and bench_200.nft, and must give the
 * same verdict, rule, ct state and notes for every packet.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include "fw/fw_priv.h"
#include "test_engine_pkt.h"

struct side {
	struct ctk_engine *eng;
	struct ctk_ruleset *rs;
	struct ctk_fw *fw;
};

static unsigned int count_indexed(const struct ctk_ruleset *rs)
{
	unsigned int n = 0;

	for (uint32_t t = 0; t < rs->ntables; t++)
		for (uint32_t c = 0; c < rs->tables[t].nchains; c++)
			n += rs->tables[t].chains[c].index != NULL;
	return n;
}

static void drop_indexes(struct ctk_ruleset *rs)
{
	for (uint32_t t = 0; t < rs->ntables; t++)
		for (uint32_t c = 0; c < rs->tables[t].nchains; c++) {
			fw_chain_index_free(rs->tables[t].chains[c].index);
			rs->tables[t].chains[c].index = NULL;
		}
}

static void side_open(struct side *s, const char *path, bool indexed)
{
	char err[CTK_RULESET_ERR_MAX];

	s->eng = ctk_engine_new(NULL);
	s->rs = ctk_ruleset_load(path, err);
	assert_non_null(s->eng);
	assert_non_null(s->rs);
	if (!indexed)
		drop_indexes(s->rs);
	s->fw = ctk_fw_new(s->eng, s->rs);
	assert_non_null(s->fw);
}

static void side_close(struct side *s)
{
	ctk_fw_free(s->fw);
	ctk_ruleset_free(s->rs);
	ctk_engine_free(s->eng);
}

/* A small generator of its own, so the stream is the same on every run. */
static uint32_t next_rand(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static uint16_t pick_port(uint32_t *rnd)
{
	static const uint16_t edges[] = {
		0,    1,    21,	  22,	23,   53,   80,	   1023,  1024,	 1100,	1101,  1107,  1109,
		1111, 4999, 5000, 5005, 5010, 5011, 6999,  7000,  7001,	 7002,	7003,  7004,  7005,
		7006, 7007, 7008, 7009, 7010, 7011, 8000,  8001,  8002,	 8003,	8004,  8005,  8006,
		8007, 9000, 9001, 9002, 9015, 9016, 10000, 10019, 59999, 60000, 60001, 65535,
	};

	if (next_rand(rnd) % 8 == 0)
		return (uint16_t)next_rand(rnd);
	return edges[next_rand(rnd) % (sizeof(edges) / sizeof(edges[0]))];
}

#define PICK(rnd, a) ((a)[next_rand(rnd) % (sizeof(a) / sizeof((a)[0]))])

static struct pkt make_packet(uint32_t *rnd, bool *v6)
{
	static const char *const src4[] = {"10.1.2.3",	"10.2.0.1",  "192.0.2.1",
					   "10.81.1.5", "100.3.4.5", "10.9.1.1"};
	static const char *const dst4[] = {"10.9.1.1",	 "10.81.2.3", "10.81.2.14",
					   "198.18.0.1", "10.1.2.3",  "101.7.0.1"};
	static const char *const src6[] = {"2001:db8:1::5", "2001:db8:2::5", "fd81:1::9"};
	static const char *const dst6[] = {"2001:db8:1::9", "fd81:1::1", "fd81:2::1"};
	static const uint8_t flags[] = {F_SYN, F_SYN | F_ACK, F_ACK, F_ACK | F_FIN, F_RST};
	unsigned int kind = next_rand(rnd) % 10;
	int af = next_rand(rnd) % 4 == 0 ? AF_INET6 : AF_INET;
	const char *src = af == AF_INET ? PICK(rnd, src4) : PICK(rnd, src6);
	const char *dst = af == AF_INET ? PICK(rnd, dst4) : PICK(rnd, dst6);
	uint16_t sport = pick_port(rnd), dport = pick_port(rnd);

	*v6 = af == AF_INET6;
	if (kind < 5)
		return tcp_pkt(af, src, sport, dst, dport, next_rand(rnd), next_rand(rnd),
			       PICK(rnd, flags), 64240, NULL, 0, 0);
	if (kind < 9)
		return udp_pkt(af, src, sport, dst, dport, 4);
	return icmp_pkt(af, src, dst, af == AF_INET ? 8 : 128, 0, (uint16_t)next_rand(rnd), NULL,
			0);
}

/* The packet's reply: addresses and ports swapped (TCP as a SYN-ACK). */
static struct pkt reply_of(const struct pkt *p, bool v6)
{
	struct pkt r = *p;
	unsigned int a = v6 ? 8 : 12, alen = v6 ? 16 : 4, l4 = v6 ? 40 : 20;
	uint8_t tmp[16];

	memcpy(tmp, r.b + a, alen);
	memcpy(r.b + a, r.b + a + alen, alen);
	memcpy(r.b + a + alen, tmp, alen);
	memcpy(tmp, r.b + l4, 2);
	memcpy(r.b + l4, r.b + l4 + 2, 2);
	memcpy(r.b + l4 + 2, tmp, 2);
	return r;
}

static void same_verdicts(const char *path, unsigned int packets)
{
	static const char *const ifaces[] = {"lan0", "wan0", "dmz0", "r-cli", "r-srv", "eth7"};
	struct side with, without;
	uint32_t rnd = 7;
	struct pkt prev = {0};
	bool prev_v6 = false;

	side_open(&with, path, true);
	side_open(&without, path, false);
	assert_true(count_indexed(with.rs) > 0);
	assert_int_equal(count_indexed(without.rs), 0);
	for (unsigned int n = 0; n < packets; n++) {
		struct ctk_fw_packet in = {.now_ns = SEC + (uint64_t)n * 1000,
					   .iifname = PICK(&rnd, ifaces)};
		struct ctk_fw_verdict a, b;
		struct pkt p;
		int ra, rb;

		if (n && next_rand(&rnd) % 3 == 0) {
			p = reply_of(&prev, prev_v6);
		} else {
			p = make_packet(&rnd, &prev_v6);
			prev = p;
		}
		in.l3 = p.b;
		in.len = (uint32_t)p.len;
		ra = ctk_fw_packet(with.fw, &in, &a);
		rb = ctk_fw_packet(without.fw, &in, &b);
		assert_int_equal(ra, rb);
		assert_int_equal(a.verdict, b.verdict);
		assert_int_equal(a.ct.state, b.ct.state);
		assert_int_equal(a.has_rule, b.has_rule);
		assert_int_equal(a.nnotes, b.nnotes);
		if (a.has_rule) {
			assert_string_equal(a.rule.chain, b.rule.chain);
			assert_int_equal(a.rule.handle, b.rule.handle);
		}
	}
	side_close(&with);
	side_close(&without);
}

static void test_index_walk_ruleset(void **state)
{
	(void)state;
	same_verdicts("tests/data/rulesets/index_walk.json", 40000);
}

static void test_bench_ruleset(void **state)
{
	(void)state;
	same_verdicts("tests/data/rulesets/bench_200.json", 40000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_walk_ruleset),
		cmocka_unit_test(test_bench_ruleset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
