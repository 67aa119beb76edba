// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's TCP tracker: hand-built segments with explicit times,
 * checked against what Linux 6.18 does (state, direction, timeouts,
 * status bits, events and the reasons it logs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/format.h>
#include "test_engine_pkt.h"

#define CLI "192.0.2.1"
#define SRV "198.51.100.2"

enum { S_NONE, S_SYN_SENT, S_SYN_RECV, S_ESTABLISHED, S_FIN_WAIT, S_CLOSE_WAIT,
       S_LAST_ACK, S_TIME_WAIT, S_CLOSE, S_SYN_SENT2 };

struct fx {
	struct ctk_engine *eng;
	struct ev_log ev;
	struct ctk_verdict v;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->eng = ctk_engine_new(NULL);
	ctk_engine_set_event_cb(f->eng, ev_record, &f->ev);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ctk_engine_free(f->eng);
	free(f);
	return 0;
}

static enum ctk_ct_state c2s(struct fx *f, double t, uint32_t seq, uint32_t ack, uint8_t fl, size_t len)
{
	struct pkt k = tcp4(CLI, 40000, SRV, 80, seq, ack, fl, 64240, len);

	return feed(f->eng, &k, t, &f->v);
}

static enum ctk_ct_state s2c(struct fx *f, double t, uint32_t seq, uint32_t ack, uint8_t fl, size_t len)
{
	struct pkt k = tcp4(SRV, 80, CLI, 40000, seq, ack, fl, 65535, len);

	return feed(f->eng, &k, t, &f->v);
}

static void handshake(struct fx *f)
{
	assert_int_equal(c2s(f, 0, 1000, 0, F_SYN, 0), CTK_CT_NEW);
	assert_int_equal(s2c(f, 0.01, 5000, 1001, F_SYN | F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(c2s(f, 0.02, 1001, 5001, F_ACK, 0), CTK_CT_ESTABLISHED);
}

static void test_handshake(void **state)
{
	struct fx *f = *state;
	struct ctk_entry e;

	assert_int_equal(c2s(f, 0, 1000, 0, F_SYN, 0), CTK_CT_NEW);
	assert_int_equal(f->v.dir, CTK_DIR_ORIG);
	e = entry_at(f->eng, &f->v, 0);
	assert_int_equal(e.tcp.state, S_SYN_SENT);
	assert_int_equal(e.timeout, 120);
	assert_false(e.status & IPS_SEEN_REPLY);
	assert_int_equal(f->ev.n, 1);
	assert_int_equal(f->ev.type[0], CTK_EV_NEW);
	assert_int_equal(f->ev.last.tcp.state, S_SYN_SENT);
	assert_false(ctk_entry_has(&f->ev.last, CTK_ATTR_USE));

	assert_int_equal(s2c(f, 1, 5000, 1001, F_SYN | F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(f->v.dir, CTK_DIR_REPLY);
	e = entry_at(f->eng, &f->v, 1);
	assert_int_equal(e.tcp.state, S_SYN_RECV);
	assert_int_equal(e.timeout, 60);
	assert_true(e.status & IPS_SEEN_REPLY);
	assert_false(e.status & IPS_ASSURED);
	assert_int_equal(f->ev.type[1], CTK_EV_UPDATE);

	assert_int_equal(c2s(f, 2, 1001, 5001, F_ACK, 0), CTK_CT_ESTABLISHED);
	e = entry_at(f->eng, &f->v, 2);
	assert_int_equal(e.tcp.state, S_ESTABLISHED);
	assert_int_equal(e.timeout, 432000);
	assert_true(e.status & IPS_ASSURED);
	assert_true(e.status & IPS_CONFIRMED);
	assert_int_equal(f->ev.n, 3);
	assert_int_equal(f->ev.type[2], CTK_EV_UPDATE);
	assert_int_equal(ctk_engine_count(f->eng), 1);

	/* Data both ways: no state change, no event; the timeout falls to
	 * UNACK (300 s) while data is unacknowledged. */
	assert_int_equal(c2s(f, 3, 1001, 5001, F_ACK | F_PSH, 100), CTK_CT_ESTABLISHED);
	assert_int_equal(entry_at(f->eng, &f->v, 3).timeout, 300);
	assert_int_equal(s2c(f, 4, 5001, 1101, F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(entry_at(f->eng, &f->v, 4).timeout, 432000);
	assert_int_equal(f->ev.n, 3);
	assert_string_equal(f->v.reason, "");
}

static void test_fin_close_and_expiry(void **state)
{
	struct fx *f = *state;

	handshake(f);
	assert_int_equal(c2s(f, 1, 1001, 5001, F_FIN | F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(entry_at(f->eng, &f->v, 1).tcp.state, S_FIN_WAIT);
	assert_int_equal(entry_at(f->eng, &f->v, 1).timeout, 120);
	assert_int_equal(s2c(f, 1.1, 5001, 1002, F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(entry_at(f->eng, &f->v, 1.1).tcp.state, S_CLOSE_WAIT);
	assert_int_equal(entry_at(f->eng, &f->v, 1.1).timeout, 60);
	assert_int_equal(s2c(f, 1.2, 5001, 1002, F_FIN | F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(entry_at(f->eng, &f->v, 1.2).tcp.state, S_LAST_ACK);
	assert_int_equal(entry_at(f->eng, &f->v, 1.2).timeout, 30);
	assert_int_equal(c2s(f, 1.3, 1002, 5002, F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(entry_at(f->eng, &f->v, 1.3).tcp.state, S_TIME_WAIT);
	assert_int_equal(entry_at(f->eng, &f->v, 1.3).timeout, 120);

	/* Not yet due at 121.2 s, gone at 121.3 s, with a DESTROY event. */
	f->ev.n = 0;
	assert_int_equal(ctk_engine_expire(f->eng, (uint64_t)(121.2 * 1e9)), 0);
	assert_int_equal(ctk_engine_count(f->eng), 1);
	assert_int_equal(ctk_engine_expire(f->eng, (uint64_t)(121.31 * 1e9)), 1);
	assert_int_equal(ctk_engine_count(f->eng), 0);
	assert_int_equal(f->ev.n, 1);
	assert_int_equal(f->ev.type[0], CTK_EV_DESTROY);
	assert_false(ctk_entry_has(&f->ev.last, CTK_ATTR_TIMEOUT));
	assert_true(ctk_entry_has(&f->ev.last, CTK_ATTR_TCP_STATE));
	assert_false(ctk_entry_has(&f->ev.last, CTK_ATTR_TCP_WSCALE_ORIG));
}

static void test_rst_closes(void **state)
{
	struct fx *f = *state;

	handshake(f);
	assert_int_equal(s2c(f, 5, 5001, 1001, F_RST | F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(entry_at(f->eng, &f->v, 5).tcp.state, S_CLOSE);
	assert_int_equal(entry_at(f->eng, &f->v, 5).timeout, 10);
	/* Due at 15 s, although the entry's wheel slot was 5 days away. */
	assert_int_equal(ctk_engine_expire(f->eng, 15 * SEC + 1), 1);
}

static void test_rst_before_reply_kills(void **state)
{
	struct fx *f = *state;

	assert_int_equal(c2s(f, 0, 1000, 0, F_SYN, 0), CTK_CT_NEW);
	f->ev.n = 0;
	assert_int_equal(s2c(f, 0.1, 0, 1001, F_RST | F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_int_equal(f->v.dir, CTK_DIR_REPLY);
	assert_true(f->v.killed);
	assert_int_equal(ctk_engine_count(f->eng), 0);
	assert_int_equal(f->ev.n, 1);
	assert_int_equal(f->ev.type[0], CTK_EV_DESTROY);
}

static void test_syn_retransmission_keeps_timeout(void **state)
{
	struct fx *f = *state;

	assert_int_equal(c2s(f, 0, 1000, 0, F_SYN, 0), CTK_CT_NEW);
	assert_int_equal(c2s(f, 5, 1000, 0, F_SYN, 0), CTK_CT_NEW);
	assert_int_equal(entry_at(f->eng, &f->v, 5).timeout, 115);
	assert_int_equal(f->ev.n, 1);
	assert_int_equal(ctk_engine_count(f->eng), 1);
}

static void test_window_violations(void **state)
{
	struct fx *f = *state;
	struct ctk_cpu_stats st;

	handshake(f);
	/* Far beyond what the server allowed (its window 65535 from 1001). */
	assert_int_equal(c2s(f, 1, 1001 + 200000, 5001, F_ACK, 100), CTK_CT_INVALID);
	assert_string_equal(f->v.reason, "SEQ is over upper bound 66537 (over the window of the receiver)");
	assert_null(f->v.conn);
	/* A little beyond: ignored, not invalid. */
	assert_int_equal(c2s(f, 2, 1001 + 66000, 5001, F_ACK, 100), CTK_CT_ESTABLISHED);
	assert_string_equal(f->v.reason, "566 bytes more than expected");
	/* ACK for data the server never sent. */
	assert_int_equal(c2s(f, 3, 1001, 6001, F_ACK, 0), CTK_CT_INVALID);
	assert_string_equal(f->v.reason, "ACK is over upper bound 5002 (ACKed data not seen yet)");
	ctk_engine_stats(f->eng, &st);
	assert_int_equal(st.value[CTK_STAT_INVALID], 2);
}

static void test_be_liberal(void **state)
{
	struct ctk_engine_config cfg;
	struct ctk_verdict v;
	struct ctk_engine *eng;
	struct pkt k;

	(void)state;
	ctk_engine_config_init(&cfg);
	assert_int_equal(ctk_engine_config_set(&cfg, "net.netfilter.nf_conntrack_tcp_be_liberal", "1"), 0);
	eng = ctk_engine_new(&cfg);
	k = tcp4(CLI, 1, SRV, 2, 1000, 0, F_SYN, 1000, 0);
	feed(eng, &k, 0, &v);
	k = tcp4(SRV, 2, CLI, 1, 5000, 1001, F_SYN | F_ACK, 1000, 0);
	feed(eng, &k, 0, &v);
	k = tcp4(CLI, 1, SRV, 2, 1001, 9999, F_ACK, 1000, 0);
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_ESTABLISHED);
	assert_string_equal(v.reason, "");
	ctk_engine_free(eng);
}

static void test_header_errors(void **state)
{
	struct fx *f = *state;
	struct pkt k;

	assert_int_equal(c2s(f, 0, 1, 0, F_SYN | F_FIN, 0), CTK_CT_INVALID);
	assert_string_equal(f->v.reason, "invalid tcp flag combination");
	assert_int_equal(s2c(f, 0, 1, 1, F_SYN | F_ACK, 0), CTK_CT_INVALID);
	assert_string_equal(f->v.reason, "invalid new");
	k = tcp4(CLI, 1, SRV, 2, 1000, 0, F_SYN, 1000, 0);
	k.b[20 + 16] ^= 0x55;
	assert_int_equal(feed(f->eng, &k, 0, &f->v), CTK_CT_INVALID);
	assert_string_equal(f->v.reason, "bad checksum");
	k = tcp4(CLI, 1, SRV, 2, 1000, 0, F_SYN, 1000, 0);
	k.b[20 + 12] = 0xf0;	/* data offset 60 > segment */
	assert_int_equal(feed(f->eng, &k, 0, &f->v), CTK_CT_INVALID);
	assert_string_equal(f->v.reason, "truncated packet");
	assert_int_equal(ctk_engine_count(f->eng), 0);
}

static void test_invalid_transition(void **state)
{
	struct fx *f = *state;

	assert_int_equal(c2s(f, 0, 1000, 0, F_SYN, 0), CTK_CT_NEW);
	assert_int_equal(c2s(f, 0.1, 1001, 0, F_FIN | F_ACK, 0), CTK_CT_INVALID);
	assert_string_equal(f->v.reason, "packet (index 2) in dir 0 invalid, state SYN_SENT");
	/* A reply ACK in SYN_SENT is ignored: the packet keeps its ct. */
	assert_int_equal(s2c(f, 0.2, 7000, 1001, F_ACK, 0), CTK_CT_ESTABLISHED);
	assert_string_equal(f->v.reason, "packet (index 3) in dir 1 ignored, state SYN_SENT");
	assert_non_null(f->v.conn);
	/* It still marks the first reply: an UPDATE without protoinfo (no state change). */
	assert_int_equal(f->ev.n, 2);
	assert_int_equal(f->ev.type[1], CTK_EV_UPDATE);
	assert_false(ctk_entry_has(&f->ev.last, CTK_ATTR_TCP_STATE));
	assert_true(f->ev.last.status & IPS_SEEN_REPLY);
}

static void test_loose_pickup(void **state)
{
	struct fx *f = *state;
	struct ctk_engine_config cfg;
	struct ctk_engine *strict;
	struct ctk_entry e;
	struct pkt k;

	assert_int_equal(c2s(f, 0, 1000, 7000, F_ACK, 10), CTK_CT_NEW);
	e = entry_at(f->eng, &f->v, 0);
	assert_int_equal(e.tcp.state, S_ESTABLISHED);
	assert_int_equal(e.timeout, 300);	/* capped until a reply */
	/* The first reply only marks SEEN_REPLY (the tracker runs before
	 * it is set): still capped, not ASSURED. The next packet assures. */
	assert_int_equal(s2c(f, 1, 7000, 1010, F_ACK, 0), CTK_CT_ESTABLISHED);
	e = entry_at(f->eng, &f->v, 1);
	assert_false(e.status & IPS_ASSURED);
	assert_int_equal(e.timeout, 300);
	assert_int_equal(c2s(f, 2, 1010, 7000, F_ACK, 0), CTK_CT_ESTABLISHED);
	e = entry_at(f->eng, &f->v, 2);
	assert_true(e.status & IPS_ASSURED);
	assert_int_equal(e.timeout, 432000);

	ctk_engine_config_init(&cfg);
	assert_int_equal(ctk_engine_config_set(&cfg, "nf_conntrack_tcp_loose", "0"), 0);
	strict = ctk_engine_new(&cfg);
	k = tcp4(CLI, 1, SRV, 2, 1000, 7000, F_ACK, 1000, 0);
	assert_int_equal(feed(strict, &k, 0, &f->v), CTK_CT_INVALID);
	assert_int_equal(ctk_engine_count(strict), 0);
	ctk_engine_free(strict);
}

static void test_time_wait_reopen(void **state)
{
	struct fx *f = *state;
	struct ctk_conn *old;

	handshake(f);
	c2s(f, 1, 1001, 5001, F_FIN | F_ACK, 0);
	s2c(f, 1.1, 5001, 1002, F_FIN | F_ACK, 0);
	c2s(f, 1.2, 1002, 5002, F_ACK, 0);
	assert_int_equal(entry_at(f->eng, &f->v, 1.2).tcp.state, S_TIME_WAIT);
	old = f->v.conn;
	f->ev.n = 0;
	assert_int_equal(c2s(f, 10, 90000, 0, F_SYN, 0), CTK_CT_NEW);
	assert_int_equal(entry_at(f->eng, &f->v, 10).tcp.state, S_SYN_SENT);
	assert_false(entry_at(f->eng, &f->v, 10).status & IPS_SEEN_REPLY);
	assert_int_equal(f->ev.n, 2);
	assert_int_equal(f->ev.type[0], CTK_EV_DESTROY);
	assert_int_equal(f->ev.type[1], CTK_EV_NEW);
	assert_int_equal(ctk_engine_count(f->eng), 1);
	(void)old;
}

static void test_window_scaling(void **state)
{
	static const uint8_t ws7[] = { 1, 3, 3, 7 };	/* NOP, wscale 7 */
	struct fx *f = *state;
	struct ctk_entry e;
	struct pkt k;

	k = tcp_pkt(AF_INET, CLI, 1, SRV, 2, 1000, 0, F_SYN, 64240, ws7, 4, 0);
	feed(f->eng, &k, 0, &f->v);
	k = tcp_pkt(AF_INET, SRV, 2, CLI, 1, 5000, 1001, F_SYN | F_ACK, 65535, ws7, 4, 0);
	feed(f->eng, &k, 0, &f->v);
	k = tcp4(CLI, 1, SRV, 2, 1001, 5001, F_ACK, 502, 0);
	feed(f->eng, &k, 0, &f->v);
	e = entry_at(f->eng, &f->v, 0);
	assert_int_equal(e.tcp.wscale[0], 7);
	assert_int_equal(e.tcp.wscale[1], 7);
	/* The server's window is 502 << 7 = 64256 bytes from 1001. */
	k = tcp4(SRV, 2, CLI, 1, 5001, 1001, F_ACK, 1000, 0);
	assert_int_equal(feed(f->eng, &k, 1, &f->v), CTK_CT_ESTABLISHED);
	k = tcp4(CLI, 1, SRV, 2, 1001 + 120000, 5001, F_ACK, 502, 100);
	assert_int_equal(feed(f->eng, &k, 2, &f->v), CTK_CT_ESTABLISHED);
	assert_string_equal(f->v.reason, "");
}

/* An engine entry prints exactly like a kernel dump line (conntrack -L). */
static void test_formats_like_kernel(void **state)
{
	struct fx *f = *state;
	struct ctk_fmt fmt = { .kind = CTK_FMT_DEFAULT };
	struct ctk_entry e;
	char line[512];

	handshake(f);
	e = entry_at(f->eng, &f->v, 1);
	ctk_format_entry(line, sizeof(line), &e, CTK_EV_NONE, &fmt);
	assert_string_equal(line, "tcp      6 431999 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 sport=40000 "
			    "dport=80 src=198.51.100.2 dst=192.0.2.1 sport=80 dport=40000 [ASSURED] "
			    "mark=0 use=1");
	f->ev.n = 0;
	assert_int_equal(c2s(f, 2, 1001, 5001, F_FIN | F_ACK, 0), CTK_CT_ESTABLISHED);
	ctk_format_entry(line, sizeof(line), &f->ev.last, CTK_EV_UPDATE, &fmt);
	assert_string_equal(line, " [UPDATE] tcp      6 120 FIN_WAIT src=192.0.2.1 dst=198.51.100.2 "
			    "sport=40000 dport=80 src=198.51.100.2 dst=192.0.2.1 sport=80 dport=40000 [ASSURED]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fin_close_and_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_before_reply_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_retransmission_keeps_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_violations, setup, teardown),
		cmocka_unit_test(test_be_liberal),
		cmocka_unit_test_setup_teardown(test_header_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_transition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loose_pickup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_scaling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formats_like_kernel, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
