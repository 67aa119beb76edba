// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Quick forms of matches (lib/fw/quick.c) against the long way: every
 * key that has a quick form, with every operator and right-hand side,
 * on packets of each protocol, a non-first fragment, a cut segment and
 * each ct context, must hold exactly when the match read the long way
 * (fw_key_eval() and a byte compare) holds.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include "fw/fw_priv.h"
#include "test_engine_pkt.h"

static struct fw_key payload_key(enum fw_proto p, enum fw_field f)
{
	struct fw_key k = {.kind = FW_KEY_PAYLOAD};

	k.u.payload.proto = p;
	k.u.payload.field = f;
	k.len = (uint8_t)fw_key_len(&k);
	return k;
}

static struct fw_key raw_key(uint8_t base, uint16_t offset, uint16_t bits)
{
	struct fw_key k = {.kind = FW_KEY_RAW};

	k.u.raw.base = base;
	k.u.raw.offset = offset;
	k.u.raw.bits = bits;
	k.len = (uint8_t)fw_key_len(&k);
	return k;
}

static struct fw_key ct_key(enum fw_ct_key which)
{
	struct fw_key k = {.kind = FW_KEY_CT};

	k.u.ct.key = which;
	k.len = (uint8_t)fw_key_len(&k);
	return k;
}

static struct fw_key meta_key(enum fw_meta which)
{
	struct fw_key k = {.kind = FW_KEY_META};

	k.u.meta = which;
	k.len = (uint8_t)fw_key_len(&k);
	return k;
}

static struct fw_value number(unsigned int len, uint32_t n)
{
	struct fw_value v = {.len = (uint8_t)len};

	for (unsigned int i = 0; i < len; i++) {
		unsigned int shift = 8 * (len - 1 - i);

		v.bytes[i] = shift < 32 ? (uint8_t)(n >> shift) : 0;
	}
	return v;
}

/* The packets and ct contexts every match is tried on. */
struct world {
	struct ctk_engine *eng;
	struct ctk_fw fw;
	struct pkt pkts[8];
	unsigned int npkts;
	struct ctk_conn *conn; /* a real entry, with a mark */
};

static void add_pkt(struct world *w, struct pkt p)
{
	w->pkts[w->npkts++] = p;
}

static int setup(void **state)
{
	static struct world w;
	struct ctk_verdict v;
	struct pkt frag;

	memset(&w, 0, sizeof(w));
	w.eng = ctk_engine_new(NULL);
	if (!w.eng)
		return -1;
	w.fw.eng = w.eng;
	add_pkt(&w, tcp4("10.0.0.1", 1000, "10.0.0.2", 80, 7, 0, F_SYN, 64240, 0));
	add_pkt(&w, tcp_pkt(AF_INET6, "2001:db8::1", 40000, "2001:db8::2", 443, 9, 0, F_SYN | F_ACK,
			    1000, NULL, 0, 0));
	add_pkt(&w, udp_pkt(AF_INET, "192.168.1.7", 53, "192.168.1.255", 5353, 12));
	add_pkt(&w, icmp_pkt(AF_INET, "10.9.9.9", "10.0.0.1", 8, 0, 77, NULL, 0));
	add_pkt(&w, icmp_pkt(AF_INET6, "fe80::1", "ff02::1", 135, 0, 0, NULL, 0));
	/* a non-first fragment: no transport header */
	frag = udp_pkt(AF_INET, "10.0.0.3", 53, "10.0.0.4", 999, 40);
	frag.b[6] = 0x00;
	frag.b[7] = 0x10;
	add_pkt(&w, frag);
	/* a segment cut after its ports' first byte */
	frag = tcp4("10.0.0.5", 1, "10.0.0.6", 2, 0, 0, F_SYN, 0, 0);
	frag.len = 21;
	add_pkt(&w, frag);

	ctk_engine_packet(w.eng, w.pkts[0].b, w.pkts[0].len, SEC, &v);
	w.conn = v.conn;
	if (!w.conn)
		return -1;
	ctk_engine_conn_set_mark(w.eng, w.conn, 0x00001234);
	*state = &w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	ctk_engine_free(w->eng);
	return 0;
}

/* The ct contexts: before conntrack, untracked, no entry (invalid), and an entry. */
enum ctx_kind { CTX_BEFORE, CTX_NOTRACK, CTX_INVALID, CTX_NEW, CTX_ESTABLISHED, CTX_N };

static void make_ctx(struct world *w, unsigned int pkt, enum ctx_kind kind, struct fw_ctx *x,
		     struct ctk_fw_verdict *v)
{
	memset(x, 0, sizeof(*x));
	memset(v, 0, sizeof(*v));
	x->fw = &w->fw;
	x->v = v;
	x->meta_mark = 0x5a;
	x->ct_done = kind != CTX_BEFORE;
	x->notrack = kind == CTX_NOTRACK;
	if (kind == CTX_NEW || kind == CTX_ESTABLISHED) {
		v->ct.conn = w->conn;
		v->ct.state = kind == CTX_NEW ? CTK_CT_NEW : CTK_CT_ESTABLISHED;
	} else if (kind == CTX_INVALID) {
		v->ct.state = CTK_CT_INVALID;
	}
	fw_hdrs_parse(&x->h, w->pkts[pkt].b, (uint32_t)w->pkts[pkt].len);
}

/* @m (with its quick form) and its long way agree on every packet and context. */
static unsigned int compare_everywhere(struct world *w, const struct fw_match *m)
{
	struct fw_match slow = *m;
	unsigned int tried = 0;

	slow.quick.src = FW_QUICK_NONE;
	for (unsigned int p = 0; p < w->npkts; p++) {
		for (unsigned int c = 0; c < CTX_N; c++) {
			struct ctk_fw_verdict v1, v2;
			struct fw_ctx x1, x2;

			make_ctx(w, p, c, &x1, &v1);
			make_ctx(w, p, c, &x2, &v2);
			assert_int_equal(fw_match_holds(&x1, m), fw_match_holds(&x2, &slow));
			tried++;
		}
	}
	return tried;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* @k with every operator and right-hand side, over a spread of values and masks. */
static unsigned int try_key(struct world *w, const struct fw_key *k, bool want_quick)
{
	static const enum fw_op ops[] = {FW_OP_EQ, FW_OP_NE, FW_OP_LT, FW_OP_GT,
					 FW_OP_LE, FW_OP_GE, FW_OP_IN};
	unsigned int len = k->len, tried = 0;
	uint32_t max = len >= 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
	uint32_t values[] = {0, 1, 2, 8, 53, 80, 0x1234, 0x5a, 0x0a000001, max - 1, max};
	uint32_t masks[] = {max, max & 0xffffff00u, 0x12, 0x0f};

	for (unsigned int vi = 0; vi < N(values); vi++) {
		for (unsigned int rhs = FW_RHS_VALUE; rhs <= FW_RHS_RANGE; rhs++) {
			unsigned int nmasks = rhs == FW_RHS_MASK ? N(masks) : 1;

			for (unsigned int oi = 0; oi < N(ops); oi++) {
				for (unsigned int mi = 0; mi < nmasks; mi++) {
					struct fw_match m = {.key = *k, .op = ops[oi], .rhs = rhs};

					m.value = number(len, values[vi] & max);
					m.mask = number(len, masks[mi] & max);
					m.hi = number(len, vi + 2 < N(values) ? values[vi + 2] & max : max);
					fw_match_quicken(&m);
					assert_int_equal(m.quick.src != FW_QUICK_NONE, want_quick);
					if (!want_quick)
						return 0;
					tried += compare_everywhere(w, &m);
				}
			}
		}
	}
	return tried;
}

static void test_header_fields(void **state)
{
	struct world *w = *state;
	static const struct {
		enum fw_proto p;
		enum fw_field f;
	} fields[] = {
		{FW_P_IP, FW_F_IP_SADDR},      {FW_P_IP, FW_F_IP_DADDR},
		{FW_P_IP, FW_F_IP_PROTOCOL},   {FW_P_IP, FW_F_IP_TTL},
		{FW_P_IP, FW_F_IP_LENGTH},     {FW_P_IP6, FW_F_IP6_NEXTHDR},
		{FW_P_IP6, FW_F_IP6_HOPLIMIT}, {FW_P_TCP, FW_F_DPORT},
		{FW_P_TCP, FW_F_SPORT},	       {FW_P_TCP, FW_F_TCP_FLAGS},
		{FW_P_TCP, FW_F_TCP_SEQUENCE}, {FW_P_UDP, FW_F_DPORT},
		{FW_P_UDP, FW_F_UDP_LENGTH},   {FW_P_TH, FW_F_DPORT},
		{FW_P_ICMP, FW_F_ICMP_TYPE},   {FW_P_ICMP, FW_F_ICMP_ID},
		{FW_P_ICMPV6, FW_F_ICMP_TYPE}, {FW_P_SCTP, FW_F_DPORT},
	};
	unsigned int tried = 0;

	for (unsigned int i = 0; i < N(fields); i++) {
		struct fw_key k = payload_key(fields[i].p, fields[i].f);

		tried += try_key(w, &k, true);
	}
	assert_true(tried > 100000);
}

static void test_raw_and_ct_and_meta(void **state)
{
	struct world *w = *state;
	struct fw_key keys[] = {
		raw_key(1, 72, 8),	   raw_key(1, 96, 32),	      raw_key(2, 16, 16),
		ct_key(FW_CT_STATE),	   ct_key(FW_CT_MARK),	      meta_key(FW_META_MARK),
		meta_key(FW_META_L4PROTO), meta_key(FW_META_NFPROTO),
	};
	unsigned int tried = 0;

	for (unsigned int i = 0; i < N(keys); i++)
		tried += try_key(w, &keys[i], true);
	assert_true(tried > 40000);
}

/* Keys that are not one word keep the long way. */
static void test_no_quick_form(void **state)
{
	struct world *w = *state;
	struct fw_key keys[] = {
		payload_key(FW_P_IP6, FW_F_IP6_SADDR),
		payload_key(FW_P_IP, FW_F_IP_DSCP),
		payload_key(FW_P_TCP, FW_F_TCP_DOFF),
		payload_key(FW_P_IP6, FW_F_IP6_FLOWLABEL),
		raw_key(2, 4, 8),
		raw_key(0, 0, 16),
		ct_key(FW_CT_ZONE),
		meta_key(FW_META_IIFNAME),
	};

	for (unsigned int i = 0; i < N(keys); i++)
		assert_int_equal(try_key(w, &keys[i], false), 0);
}

/* A concatenation of words read straight into place gives the value the long way does. */
static void test_concatenation(void **state)
{
	struct world *w = *state;
	struct fw_key subs[][3] = {
		{ payload_key(FW_P_IP, FW_F_IP_DADDR), payload_key(FW_P_TCP, FW_F_DPORT) },
		{ payload_key(FW_P_IP6, FW_F_IP6_NEXTHDR), payload_key(FW_P_TH, FW_F_SPORT),
		  ct_key(FW_CT_MARK) },
		{ meta_key(FW_META_MARK), payload_key(FW_P_UDP, FW_F_DPORT),
		  meta_key(FW_META_L4PROTO) },
	};
	uint8_t nsubs[] = { 2, 3, 3 };
	unsigned int tried = 0;

	for (unsigned int i = 0; i < N(subs); i++) {
		struct fw_key k = { .kind = FW_KEY_CONCAT };

		k.u.concat.n = nsubs[i];
		k.u.concat.sub = subs[i];
		k.len = (uint8_t)fw_key_len(&k);
		fw_key_quicken(&k);
		assert_non_null(k.u.concat.words);
		for (unsigned int p = 0; p < w->npkts; p++) {
			for (unsigned int c = 0; c < CTX_N; c++) {
				struct ctk_fw_verdict v;
				struct fw_value fast, slow;
				struct fw_quick *words = k.u.concat.words;
				struct fw_ctx x;
				bool ok_fast, ok_slow;

				make_ctx(w, p, c, &x, &v);
				ok_fast = fw_key_eval(&x, &k, &fast);
				k.u.concat.words = NULL;
				ok_slow = fw_key_eval(&x, &k, &slow);
				k.u.concat.words = words;
				assert_int_equal(ok_fast, ok_slow);
				if (ok_fast) {
					assert_int_equal(fast.len, slow.len);
					assert_memory_equal(fast.bytes, slow.bytes, fast.len);
				}
				tried++;
			}
		}
		free(k.u.concat.words);
	}
	assert_int_equal(tried, N(subs) * w->npkts * CTX_N);
}

/* One key that is not a word keeps the whole concatenation the long way. */
static void test_concatenation_not_words(void **state)
{
	struct fw_key subs[] = { payload_key(FW_P_IP6, FW_F_IP6_SADDR),
				 payload_key(FW_P_TCP, FW_F_DPORT) };
	struct fw_key k = { .kind = FW_KEY_CONCAT };

	(void)state;
	k.u.concat.n = 2;
	k.u.concat.sub = subs;
	k.len = (uint8_t)fw_key_len(&k);
	fw_key_quicken(&k);
	assert_null(k.u.concat.words);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_raw_and_ct_and_meta),
		cmocka_unit_test(test_no_quick_form),
		cmocka_unit_test(test_concatenation),
		cmocka_unit_test(test_concatenation_not_words),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
