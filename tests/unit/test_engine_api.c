// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine calls of issue 12: the packet's tuple in the verdict,
 * generation-checked handles, INVALID reasons with their counters,
 * reset, and the timing calls a batching caller relies on
 * (ctk_engine_next_expiry, ctk_engine_min_timeout).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include "test_engine_pkt.h"

/* ---- the verdict's tuple ----------------------------------------------------- */

static void test_tuple_of_tracked_packets(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt q = udp_pkt(AF_INET, "192.0.2.1", 40000, "198.51.100.2", 53, 4);
	struct pkt a = udp_pkt(AF_INET, "198.51.100.2", 53, "192.0.2.1", 40000, 4);
	struct ctk_verdict v;
	char s[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(feed(eng, &q, 1, &v), CTK_CT_NEW);
	assert_int_equal(v.tuple.l3num, AF_INET);
	assert_int_equal(v.tuple.l4num, IPPROTO_UDP);
	assert_int_equal(v.tuple.sport, 40000);
	assert_int_equal(v.tuple.dport, 53);
	assert_int_equal(v.dir, CTK_DIR_ORIG);
	/* A reply carries its own tuple, source first, and says it is the reply. */
	assert_int_equal(feed(eng, &a, 1.5, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	assert_int_equal(v.tuple.sport, 53);
	assert_int_equal(v.tuple.dport, 40000);
	inet_ntop(AF_INET, &v.tuple.src.v4, s, sizeof(s));
	assert_string_equal(s, "198.51.100.2");
	ctk_engine_free(eng);
}

/* Packets without an entry: the tuple is read as far as the headers go. */
static void test_tuple_of_invalid_ipv4(void **state)
{
	/* The IP header checksum is 0: invalid before conntrack. */
	static const uint8_t pkt[] = {
		0x45, 0, 0,   28, 0,   0, 0x40, 0,    64, 17, 0, 0, 192, 0,
		2,    1, 198, 51, 100, 2, 0x9c, 0x40, 0,  53, 0, 8, 0,	 0,
	};
	struct ctk_engine *eng = ctk_engine_new(NULL);
	uint8_t frag[sizeof(pkt)];
	struct ctk_verdict v;
	char a[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(ctk_engine_packet(eng, pkt, sizeof(pkt), SEC, &v), CTK_CT_INVALID);
	assert_null(v.conn);
	assert_int_equal(v.why, CTK_INVALID_IP_HEADER_CSUM);
	assert_int_equal(v.tuple.l3num, AF_INET);
	assert_int_equal(v.tuple.l4num, 17);
	assert_int_equal(v.tuple.sport, 40000);
	assert_int_equal(v.tuple.dport, 53);
	inet_ntop(AF_INET, &v.tuple.dst.v4, a, sizeof(a));
	assert_string_equal(a, "198.51.100.2");
	/* A later fragment: no ports to read. */
	memcpy(frag, pkt, sizeof(pkt));
	frag[7] = 1;
	ctk_engine_packet(eng, frag, sizeof(frag), SEC, &v);
	assert_int_equal(v.tuple.l4num, 17);
	assert_int_equal(v.tuple.sport, 0);
	/* Not even an IP header. */
	ctk_engine_packet(eng, pkt, 10, SEC, &v);
	assert_int_equal(v.tuple.l3num, 0);
	assert_int_equal(v.why, CTK_INVALID_IP_TRUNC_HEADER);
	ctk_engine_free(eng);
}

static void test_tuple_of_untracked_ipv6(void **state)
{
	uint8_t pkt[40 + 8 + 8] = {0x60, 0, 0, 0, 0, 16, 0 /* hop-by-hop */, 64};
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	struct ctk_verdict v;

	(void)state;
	ctk_engine_config_init(&cfg);
	cfg.checksum = 0;
	eng = ctk_engine_new(&cfg);
	pkt[8] = 0x20, pkt[9] = 0x01, pkt[10] = 0x0d, pkt[11] = 0xb8, pkt[23] = 1;
	pkt[24] = 0xff, pkt[25] = 0x02, pkt[39] = 2;
	pkt[40] = 58;  /* next: ICMPv6, length 0 (8 bytes) */
	pkt[48] = 135; /* neighbour solicitation: untracked */
	pkt[52] = 0x43, pkt[53] = 0x54;
	assert_int_equal(ctk_engine_packet(eng, pkt, sizeof(pkt), SEC, &v), CTK_CT_UNTRACKED);
	assert_int_equal(v.tuple.l3num, AF_INET6);
	assert_int_equal(v.tuple.l4num, 58);
	assert_int_equal(v.tuple.icmp_type, 135);
	assert_int_equal(v.tuple.icmp_id, 0x4354);
	assert_int_equal(v.tuple.dst.byte[15], 2);
	/* Cut short inside the extension header: still an IPv6 tuple, nothing more. */
	ctk_engine_packet(eng, pkt, 44, SEC, &v);
	assert_int_equal(v.tuple.l3num, AF_INET6);
	assert_int_equal(v.tuple.icmp_type, 0);
	ctk_engine_free(eng);
}

/* The batch API gives every verdict the same tuple as the one-packet API. */
static void test_tuple_batch_same(void **state)
{
	struct ctk_engine *one = ctk_engine_new(NULL), *many = ctk_engine_new(NULL);
	struct pkt k[4] = {
		udp_pkt(AF_INET, "192.0.2.1", 1000, "198.51.100.2", 53, 0),
		udp_pkt(AF_INET, "198.51.100.2", 53, "192.0.2.1", 1000, 0),
		icmp_pkt(AF_INET, "192.0.2.1", "198.51.100.2", 8, 0, 77, NULL, 0),
		udp_pkt(AF_INET6, "2001:db8::1", 5, "2001:db8::2", 6, 1),
	};
	struct ctk_packet in[4];
	struct ctk_verdict v1, vn[4];

	(void)state;
	k[3].len -= 1; /* cut: invalid, read from the raw header */
	for (int i = 0; i < 4; i++)
		in[i] = (struct ctk_packet){k[i].b, (uint32_t)k[i].len, SEC};
	ctk_engine_packets(many, in, 4, vn);
	for (int i = 0; i < 4; i++) {
		ctk_engine_packet(one, k[i].b, k[i].len, SEC, &v1);
		assert_int_equal(v1.state, vn[i].state);
		assert_int_equal(v1.why, vn[i].why);
		assert_memory_equal(&v1.tuple, &vn[i].tuple, sizeof(v1.tuple));
	}
	assert_int_equal(vn[2].tuple.icmp_id, 77);
	assert_int_equal(vn[3].state, CTK_CT_INVALID);
	assert_int_equal(vn[3].tuple.l3num, AF_INET6);
	ctk_engine_free(one);
	ctk_engine_free(many);
}

/* ---- handles ------------------------------------------------------------------- */

/* Delete, let the slot be reused, and the old handle must not reach the newcomer. */
static void test_stale_handle_deletes_nothing(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt a = udp_pkt(AF_INET, "192.0.2.1", 1111, "198.51.100.2", 53, 0);
	struct pkt b = udp_pkt(AF_INET, "192.0.2.9", 2222, "198.51.100.2", 53, 0);
	struct ctk_conn_handle ha, hb;
	struct ev_log ev = {0};
	struct ctk_conn *c;
	struct ctk_verdict v;
	struct ctk_entry e;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_int_equal(feed(eng, &a, 1, &v), CTK_CT_NEW);
	ha = ctk_engine_conn_handle(v.conn);
	assert_int_equal(ctk_engine_resolve(eng, ha, SEC, &c), 0);
	assert_ptr_equal(c, v.conn);
	assert_int_equal(ctk_engine_delete(eng, ha, SEC), 0);
	assert_int_equal(ctk_engine_count(eng), 0);
	assert_int_equal(ctk_engine_delete(eng, ha, SEC), -ESTALE);

	/* The next connection takes the freed slot. */
	assert_int_equal(feed(eng, &b, 2, &v), CTK_CT_NEW);
	hb = ctk_engine_conn_handle(v.conn);
	assert_int_equal(hb.index, ha.index);
	assert_int_not_equal(hb.generation, ha.generation);

	ev.n = 0;
	assert_int_equal(ctk_engine_resolve(eng, ha, 2 * SEC, &c), -ESTALE);
	assert_int_equal(ctk_engine_delete(eng, ha, 2 * SEC), -ESTALE);
	assert_int_equal(ev.n, 0);
	assert_int_equal(ctk_engine_count(eng), 1);
	e = entry_at(eng, &v, 2);
	assert_non_null(ctk_engine_lookup(eng, &e.orig, 2 * SEC, NULL));
	assert_int_equal(ctk_engine_resolve(eng, hb, 2 * SEC, &c), 0);
	assert_ptr_equal(c, v.conn);

	/* Expired is gone too; a slot never handed out is not a handle. */
	assert_int_equal(ctk_engine_resolve(eng, hb, 100 * SEC, &c), -ESTALE);
	assert_int_equal(ctk_engine_resolve(eng, (struct ctk_conn_handle){4000, 1}, SEC, &c),
			 -EINVAL);
	assert_int_equal(ctk_engine_delete(eng, (struct ctk_conn_handle){0, 0}, SEC), -EINVAL);
	ctk_engine_free(eng);
}

struct foreach_del {
	struct ctk_engine *eng;
	int deleted;
};

static int delete_even_ports(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct foreach_del *d = data;
	struct ctk_conn_handle h;

	(void)ev;
	assert_int_equal(ctk_engine_entry_handle(d->eng, e, 5 * SEC, &h), 0);
	if (e->orig.sport % 2 == 0) {
		assert_int_equal(ctk_engine_delete(d->eng, h, 5 * SEC), 0);
		d->deleted++;
	}
	return CTK_CB_OK;
}

/* A foreach callback deletes through the handle of the entry it is given. */
static void test_entry_handle_in_foreach(void **state)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	struct foreach_del d;
	struct ctk_verdict v;
	struct ctk_entry e, old;
	struct ctk_conn_handle h;
	int n;

	(void)state;
	ctk_engine_config_init(&cfg);
	cfg.buckets = 4; /* long chains: deleting mid-walk must not lose the walk */
	eng = ctk_engine_new(&cfg);
	for (int i = 0; i < 40; i++) {
		struct pkt k =
			udp_pkt(AF_INET, "192.0.2.1", (uint16_t)(1000 + i), "198.51.100.2", 53, 0);

		feed(eng, &k, 1, &v);
	}
	old = entry_at(eng, &v, 1); /* port 1039 */
	d = (struct foreach_del){eng, 0};
	n = ctk_engine_foreach(eng, 5 * SEC, delete_even_ports, &d);
	assert_int_equal(n, 40);
	assert_int_equal(d.deleted, 20);
	assert_int_equal(ctk_engine_count(eng), 20);

	/* An entry of a connection replaced by another with the same tuple finds nothing. */
	assert_int_equal(ctk_engine_entry_handle(eng, &old, 5 * SEC, &h), 0);
	assert_int_equal(ctk_engine_delete(eng, h, 5 * SEC), 0);
	{
		struct pkt k = udp_pkt(AF_INET, "192.0.2.1", 1039, "198.51.100.2", 53, 0);

		feed(eng, &k, 6, &v);
	}
	assert_int_equal(ctk_engine_entry_handle(eng, &old, 6 * SEC, &h), -ENOENT);
	e = entry_at(eng, &v, 6);
	assert_int_equal(ctk_engine_entry_handle(eng, &e, 6 * SEC, &h), 0);
	ctk_entry_clear(&e);
	assert_int_equal(ctk_engine_entry_handle(eng, &e, 6 * SEC, &h), -EINVAL);
	ctk_engine_free(eng);
}

/* ---- INVALID reasons ------------------------------------------------------------ */

static void test_reason_table(void **state)
{
	(void)state;
	for (int r = 1; r < CTK_INVALID_REASON_MAX; r++) {
		assert_non_null(ctk_invalid_reason_name((enum ctk_invalid_reason)r));
		assert_non_null(ctk_invalid_reason_text((enum ctk_invalid_reason)r));
		assert_true(ctk_invalid_reason_text((enum ctk_invalid_reason)r)[0] != '\0');
	}
	assert_string_equal(ctk_invalid_reason_name(CTK_INVALID_NONE), "none");
	assert_string_equal(ctk_invalid_reason_text(CTK_INVALID_NONE), "");
	assert_string_equal(ctk_invalid_reason_text(CTK_INVALID_UDP_CSUM), "bad checksum");
	assert_string_equal(ctk_invalid_reason_name(CTK_INVALID_TCP_SEQ_OVER), "tcp_seq_over");
	assert_null(ctk_invalid_reason_name(CTK_INVALID_REASON_MAX));
	assert_null(ctk_invalid_reason_text((enum ctk_invalid_reason) - 1));
}

/* Three bad checksums, one loose-mode refusal: each reason counts its packets. */
static void test_reason_counters(void **state)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	struct pkt bad = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 4);
	struct pkt mid = tcp4("192.0.2.1", 3, "198.51.100.2", 4, 100, 1, F_ACK, 1000, 0);
	struct pkt ok = udp_pkt(AF_INET, "192.0.2.1", 5, "198.51.100.2", 6, 0);
	struct ctk_verdict v;

	(void)state;
	ctk_engine_config_init(&cfg);
	cfg.tcp_loose = 0;
	eng = ctk_engine_new(&cfg);
	bad.b[bad.len - 1] ^= 0xff;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(feed(eng, &bad, 1, &v), CTK_CT_INVALID);
		assert_int_equal(v.why, CTK_INVALID_UDP_CSUM);
		assert_string_equal(v.reason, "bad checksum");
	}
	assert_int_equal(feed(eng, &mid, 1, &v), CTK_CT_INVALID);
	assert_int_equal(v.why, CTK_INVALID_TCP_LOOSE);
	assert_string_equal(v.reason, "(mid-stream packet, tcp_loose=0)");
	assert_int_equal(feed(eng, &ok, 1, &v), CTK_CT_NEW);
	assert_int_equal(v.why, CTK_INVALID_NONE);
	assert_string_equal(v.reason, "");
	assert_int_equal(ctk_engine_invalid_count(eng, CTK_INVALID_UDP_CSUM), 3);
	assert_int_equal(ctk_engine_invalid_count(eng, CTK_INVALID_TCP_LOOSE), 1);
	assert_int_equal(ctk_engine_invalid_count(eng, CTK_INVALID_TCP_CSUM), 0);
	assert_int_equal(ctk_engine_invalid_count(eng, CTK_INVALID_NONE), 0);
	assert_int_equal(ctk_engine_invalid_count(eng, CTK_INVALID_REASON_MAX), 0);
	ctk_engine_free(eng);
}

/* Values in the text are filled in; a batch counts exactly as one packet at a time. */
static void test_reason_values_and_batch(void **state)
{
	struct ctk_engine *one = ctk_engine_new(NULL), *many = ctk_engine_new(NULL);
	struct pkt k[3];
	struct ctk_packet in[3];
	struct ctk_verdict v[3];
	uint8_t ver7[20] = {0x70};

	(void)state;
	k[0] = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 4);
	k[0].b[k[0].len - 1] ^= 0xff;
	k[1] = k[0];
	memcpy(k[2].b, ver7, sizeof(ver7));
	k[2].len = sizeof(ver7);
	for (int i = 0; i < 3; i++) {
		in[i] = (struct ctk_packet){k[i].b, (uint32_t)k[i].len, SEC};
		ctk_engine_packet(one, k[i].b, k[i].len, SEC, &v[0]);
	}
	assert_int_equal(v[0].why, CTK_INVALID_IP_VERSION);
	assert_string_equal(v[0].reason, "(ip: unknown version 7)");
	ctk_engine_packets(many, in, 3, v);
	for (int r = 0; r < CTK_INVALID_REASON_MAX; r++)
		assert_int_equal(ctk_engine_invalid_count(one, (enum ctk_invalid_reason)r),
				 ctk_engine_invalid_count(many, (enum ctk_invalid_reason)r));
	assert_int_equal(ctk_engine_invalid_count(many, CTK_INVALID_UDP_CSUM), 2);
	ctk_engine_free(one);
	ctk_engine_free(many);
}

/* ---- reset ------------------------------------------------------------------------ */

struct trace_out {
	struct ctk_verdict v[8];
	uint32_t id[8];
	int events;
	unsigned int count;
	unsigned int expired;
};

static int count_ev(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	int *n = data;

	(void)e;
	(void)ev;
	(*n)++;
	return CTK_CB_OK;
}

/* A trace with new, reply, invalid and a held fragment, then expiry. */
static void run_trace(struct ctk_engine *eng, struct trace_out *o)
{
	struct pkt k[4] = {
		udp_pkt(AF_INET, "192.0.2.1", 1000, "198.51.100.2", 53, 0),
		udp_pkt(AF_INET, "198.51.100.2", 53, "192.0.2.1", 1000, 0),
		tcp4("192.0.2.3", 4, "198.51.100.2", 80, 1, 0, F_SYN, 1000, 0),
		udp_pkt(AF_INET, "192.0.2.5", 7, "198.51.100.2", 8, 16),
	};

	memset(o, 0, sizeof(*o));
	o->events = 0;
	ctk_engine_set_event_cb(eng, count_ev, &o->events);
	k[3].b[6] = 0x20; /* more fragments: held */
	k[3].b[10] = k[3].b[11] = 0;
	put16(k[3].b + 10, fold16(sum16(k[3].b, 20, 0)));
	for (int i = 0; i < 4; i++) {
		feed(eng, &k[i], 1000 + i, &o->v[i]);
		o->id[i] = o->v[i].conn ? entry_at(eng, &o->v[i], 1000 + i).id : 0;
	}
	o->count = ctk_engine_count(eng);
	o->expired = ctk_engine_expire(eng, 2000 * SEC);
}

static void test_reset_is_new(void **state)
{
	struct ctk_engine *used = ctk_engine_new(NULL), *fresh = ctk_engine_new(NULL);
	struct trace_out a, b;
	struct ctk_cpu_stats st;
	struct ctk_verdict v;

	(void)state;
	run_trace(used, &a);
	assert_int_equal(a.count, 2);
	assert_int_equal(a.expired, 2);
	assert_true(a.v[3].held);
	/* Leave entries, a held fragment and counters behind, then reset. */
	run_trace(used, &a);
	feed(used, &(struct pkt){.b = {0x70}, .len = 20}, 3000, &v);
	ctk_engine_reset(used);
	assert_int_equal(ctk_engine_count(used), 0);
	assert_int_equal(ctk_engine_next_expiry(used), UINT64_MAX);
	ctk_engine_stats(used, &st);
	assert_int_equal(st.value[CTK_STAT_INVALID], 0);
	assert_int_equal(ctk_engine_invalid_count(used, CTK_INVALID_IP_VERSION), 0);
	assert_int_equal(ctk_engine_invalid_count(used, CTK_INVALID_FRAG_HELD), 0);

	/* Times restart from the trace's own: the reset engine answers as a new one. */
	run_trace(used, &a);
	run_trace(fresh, &b);
	assert_int_equal(a.count, b.count);
	assert_int_equal(a.expired, b.expired);
	assert_int_equal(a.events, b.events);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(a.v[i].state, b.v[i].state);
		assert_int_equal(a.v[i].held, b.v[i].held);
		assert_string_equal(a.v[i].reason, b.v[i].reason);
		/* Ids go on after a reset (handles), in the same steps. */
		if (b.id[i])
			assert_int_equal(a.id[i] - a.id[0], b.id[i] - b.id[0]);
	}
	assert_int_equal(b.id[0], 1);
	assert_true(a.id[0] > 1);
	ctk_engine_free(used);
	ctk_engine_free(fresh);
}

/* A handle taken before a reset names nothing after it, even once its slot is taken again. */
static void test_handle_stale_across_reset(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt a = udp_pkt(AF_INET, "192.0.2.1", 1111, "198.51.100.2", 53, 0);
	struct pkt b = udp_pkt(AF_INET, "192.0.2.9", 2222, "198.51.100.2", 53, 0);
	struct ctk_conn_handle ha, hb;
	struct ctk_conn *c;
	struct ctk_verdict v;

	(void)state;
	feed(eng, &a, 1, &v);
	ha = ctk_engine_conn_handle(v.conn);
	ctk_engine_reset(eng);
	assert_int_not_equal(ctk_engine_resolve(eng, ha, SEC, &c), 0);
	feed(eng, &b, 1, &v);
	hb = ctk_engine_conn_handle(v.conn);
	assert_int_equal(hb.index, ha.index);
	assert_int_equal(ctk_engine_delete(eng, ha, SEC), -ESTALE);
	assert_int_equal(ctk_engine_count(eng), 1);
	assert_int_equal(ctk_engine_delete(eng, hb, SEC), 0);
	ctk_engine_free(eng);
}

/* ---- timing calls ------------------------------------------------------------------ */

static void test_next_expiry_and_min_timeout(void **state)
{
	struct ctk_engine_config cfg;
	struct ctk_engine *eng;
	struct pkt k = udp_pkt(AF_INET, "192.0.2.1", 1, "198.51.100.2", 2, 0);
	struct ctk_verdict v;
	uint64_t next;

	(void)state;
	ctk_engine_config_init(&cfg);
	eng = ctk_engine_new(&cfg);
	/* SCTP's cookie timeouts (3 s) are the shortest by default. */
	assert_int_equal(ctk_engine_min_timeout(eng), 3 * SEC);
	ctk_engine_free(eng);
	assert_int_equal(ctk_engine_config_set(&cfg, "nf_conntrack_icmp_timeout", "1"), 0);
	eng = ctk_engine_new(&cfg);
	assert_int_equal(ctk_engine_min_timeout(eng), SEC);

	assert_int_equal(ctk_engine_next_expiry(eng), UINT64_MAX);
	feed(eng, &k, 10, &v);
	next = ctk_engine_next_expiry(eng);
	/* Conservative: never after the deadline (10 s + 30 s), and nothing is due before it. */
	assert_true(next <= 40 * SEC);
	assert_true(next > 10 * SEC);
	assert_int_equal(ctk_engine_expire(eng, next - 1), 0);
	assert_int_equal(ctk_engine_count(eng), 1);
	assert_int_equal(ctk_engine_expire(eng, 40 * SEC), 1);
	assert_int_equal(ctk_engine_next_expiry(eng), UINT64_MAX);
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuple_of_tracked_packets),
		cmocka_unit_test(test_tuple_of_invalid_ipv4),
		cmocka_unit_test(test_tuple_of_untracked_ipv6),
		cmocka_unit_test(test_tuple_batch_same),
		cmocka_unit_test(test_stale_handle_deletes_nothing),
		cmocka_unit_test(test_entry_handle_in_foreach),
		cmocka_unit_test(test_reason_table),
		cmocka_unit_test(test_reason_counters),
		cmocka_unit_test(test_reason_values_and_batch),
		cmocka_unit_test(test_reset_is_new),
		cmocka_unit_test(test_handle_stale_across_reset),
		cmocka_unit_test(test_next_expiry_and_min_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
