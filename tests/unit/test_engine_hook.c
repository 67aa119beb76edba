// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine hook by hook (ctkit/engine_hook.h): a new entry appears only
 * when its packet is confirmed, a dropped NEW packet leaves nothing, the
 * events of a dropped packet of a confirmed entry wait for its next one,
 * zones key separate entries, marks show in dumps and events.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/engine_hook.h>
#include "test_engine_pkt.h"

static enum ctk_ct_state track(struct ctk_engine *eng, const struct pkt *k, double t,
			       uint16_t zone, struct ctk_verdict *v)
{
	return ctk_engine_track(eng, k->b, k->len, (uint64_t)(t * 1e9), zone, v);
}

static int count_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	(void)e;
	(void)ev;
	++*(int *)data;
	return CTK_CB_OK;
}

static int listed(struct ctk_engine *eng, double t)
{
	int n = 0;

	ctk_engine_foreach(eng, (uint64_t)(t * 1e9), count_cb, &n);
	return n;
}

static void test_confirm_then_events(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt syn = tcp4("10.0.0.2", 40000, "198.51.100.2", 80, 100, 0, F_SYN, 64000, 0);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;
	size_t len = 0;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_null(ctk_engine_track_packet(eng, &len));
	assert_int_equal(track(eng, &syn, 0, 0, &v), CTK_CT_NEW);
	assert_non_null(v.conn);
	/* Unconfirmed: not in the table, not listed, no event yet. */
	assert_int_equal(ctk_engine_count(eng), 0);
	assert_int_equal(listed(eng, 0), 0);
	assert_int_equal(ev.n, 0);
	assert_false(ctk_engine_conn_status(eng, v.conn) & IPS_CONFIRMED);
	assert_non_null(ctk_engine_track_packet(eng, &len));
	assert_int_equal(len, syn.len);
	assert_int_equal(ctk_engine_confirm(eng, &v), 0);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.type[0], CTK_EV_NEW);
	assert_int_equal(ctk_engine_count(eng), 1);
	assert_true(ctk_engine_conn_status(eng, v.conn) & IPS_CONFIRMED);
	/* A second confirm of the same packet does nothing. */
	assert_int_equal(ctk_engine_confirm(eng, &v), 0);
	assert_int_equal(ev.n, 1);
	ctk_engine_free(eng);
}

static void test_dropped_new_leaves_nothing(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt syn = tcp4("10.0.0.2", 40000, "198.51.100.2", 80, 100, 0, F_SYN, 64000, 0);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_int_equal(track(eng, &syn, 0, 0, &v), CTK_CT_NEW);
	ctk_engine_drop(eng, &v);
	assert_int_equal(ev.n, 0);
	assert_int_equal(ctk_engine_count(eng), 0);
	assert_int_equal(listed(eng, 0), 0);
	/* The retransmission is NEW again and creates the entry. */
	assert_int_equal(track(eng, &syn, 1, 0, &v), CTK_CT_NEW);
	assert_int_equal(ctk_engine_confirm(eng, &v), 0);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ctk_engine_count(eng), 1);
	ctk_engine_free(eng);
}

static void test_dropped_reply_events_wait(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt syn = tcp4("10.0.0.2", 40000, "198.51.100.2", 80, 100, 0, F_SYN, 64000, 0);
	struct pkt synack = tcp4("198.51.100.2", 80, "10.0.0.2", 40000, 500, 101, F_SYN | F_ACK,
				 64000, 0);
	struct pkt ack = tcp4("10.0.0.2", 40000, "198.51.100.2", 80, 101, 501, F_ACK, 64000, 0);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;
	struct ctk_entry e;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	track(eng, &syn, 0, 0, &v);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(track(eng, &synack, 0.1, 0, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(v.dir, CTK_DIR_REPLY);
	ctk_engine_drop(eng, &v);
	/* The tracker's changes stay, the event waits. */
	assert_int_equal(ev.n, 1);
	assert_true(ctk_engine_conn_status(eng, v.conn) & IPS_SEEN_REPLY);
	assert_int_equal(track(eng, &ack, 0.2, 0, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ctk_engine_confirm(eng, &v), 0);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.type[1], CTK_EV_UPDATE);
	e = ev.last;
	assert_true(e.status & IPS_SEEN_REPLY);
	/* The protoinfo of the dropped SYN/ACK's state change came along. */
	assert_true(ctk_entry_has(&e, CTK_ATTR_TCP_STATE));
	ctk_engine_free(eng);
}

static void test_zones_are_separate(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt req = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct pkt rep = udp_pkt(AF_INET, "198.51.100.2", 53, "10.0.0.2", 5000, 10);
	struct ev_log ev = { 0 };
	struct ctk_verdict v, v0;
	struct ctk_entry e;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	assert_int_equal(track(eng, &req, 0, 0, &v0), CTK_CT_NEW);
	ctk_engine_confirm(eng, &v0);
	assert_int_equal(track(eng, &req, 0.1, 7, &v), CTK_CT_NEW);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(ctk_engine_count(eng), 2);
	assert_ptr_not_equal(v.conn, v0.conn);
	assert_int_equal(ctk_engine_conn_zone(eng, v.conn), 7);
	assert_int_equal(ctk_engine_conn_zone(eng, v0.conn), 0);
	assert_true(ctk_entry_has(&ev.last, CTK_ATTR_ZONE));
	assert_int_equal(ev.last.zone, 7);
	ctk_engine_conn_entry(eng, v0.conn, 0, &e);
	assert_false(ctk_entry_has(&e, CTK_ATTR_ZONE));

	/* The reply in zone 7 finds the zone-7 entry; the plain path finds zone 0's. */
	assert_int_equal(track(eng, &rep, 0.2, 7, &v), CTK_CT_ESTABLISHED);
	assert_int_equal(ctk_engine_conn_zone(eng, v.conn), 7);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(ctk_engine_packet(eng, rep.b, rep.len, (uint64_t)(0.3 * 1e9), &v),
			 CTK_CT_ESTABLISHED);
	assert_ptr_equal(v.conn, v0.conn);
	/* A third zone has nothing yet. */
	assert_int_equal(track(eng, &rep, 0.4, 9, &v), CTK_CT_NEW);
	ctk_engine_drop(eng, &v);
	assert_int_equal(ctk_engine_count(eng), 2);
	assert_int_equal(listed(eng, 0.5), 2);
	ctk_engine_free(eng);
}

static void test_marks(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt req = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct pkt plain = udp_pkt(AF_INET, "10.0.0.3", 5000, "198.51.100.2", 53, 10);
	struct ev_log ev = { 0 };
	struct ctk_verdict v, vp;
	struct ctk_entry e;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	ctk_engine_packet(eng, plain.b, plain.len, 0, &vp);
	assert_int_equal(ev.n, 1);
	assert_false(ctk_entry_has(&ev.last, CTK_ATTR_MARK));
	ctk_engine_conn_entry(eng, vp.conn, 0, &e);
	assert_true(ctk_entry_has(&e, CTK_ATTR_MARK));	/* dumps: mark=0 */
	assert_int_equal(e.mark, 0);

	track(eng, &req, 0, 0, &v);
	assert_int_equal(ctk_engine_conn_set_mark(eng, v.conn, 0x2a), 0);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.type[1], CTK_EV_NEW);
	assert_true(ctk_entry_has(&ev.last, CTK_ATTR_MARK));
	assert_int_equal(ev.last.mark, 0x2a);

	/* Same mark again: nothing; another one: an UPDATE with it. */
	track(eng, &req, 0.1, 0, &v);
	ctk_engine_conn_set_mark(eng, v.conn, 0x2a);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(ev.n, 2);
	track(eng, &req, 0.2, 0, &v);
	ctk_engine_conn_set_mark(eng, v.conn, 0);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(ev.n, 3);
	assert_int_equal(ev.type[2], CTK_EV_UPDATE);
	assert_true(ctk_entry_has(&ev.last, CTK_ATTR_MARK));
	assert_int_equal(ev.last.mark, 0);
	assert_int_equal(ctk_engine_conn_mark(eng, v.conn), 0);

	/* Another entry's mark changes with its own next packet. */
	track(eng, &req, 0.3, 0, &v);
	ctk_engine_conn_set_mark(eng, vp.conn, 7);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(ev.n, 3);
	ctk_engine_packet(eng, plain.b, plain.len, (uint64_t)(0.4 * 1e9), &vp);
	assert_int_equal(ev.n, 4);
	assert_int_equal(ev.last.mark, 7);
	ctk_engine_conn_entry(eng, vp.conn, 0, &e);
	assert_int_equal(e.mark, 7);
	ctk_engine_free(eng);
}

/* An entry killed while its extension lives: no leak, the slot comes back clean. */
static void test_expire_and_reset(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt req = udp_pkt(AF_INET, "10.0.0.2", 5000, "198.51.100.2", 53, 10);
	struct ctk_verdict v;

	(void)state;
	track(eng, &req, 0, 3, &v);
	ctk_engine_conn_set_mark(eng, v.conn, 1);
	ctk_engine_confirm(eng, &v);
	assert_int_equal(ctk_engine_expire(eng, 100 * SEC), 1);
	assert_int_equal(track(eng, &req, 101, 0, &v), CTK_CT_NEW);
	assert_int_equal(ctk_engine_conn_mark(eng, v.conn), 0);
	assert_int_equal(ctk_engine_conn_zone(eng, v.conn), 0);
	ctk_engine_confirm(eng, &v);
	track(eng, &req, 101, 4, &v);
	ctk_engine_confirm(eng, &v);
	ctk_engine_reset(eng);
	assert_int_equal(ctk_engine_count(eng), 0);
	assert_int_equal(track(eng, &req, 0, 4, &v), CTK_CT_NEW);
	assert_int_equal(ctk_engine_conn_zone(eng, v.conn), 4);
	ctk_engine_confirm(eng, &v);
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confirm_then_events),
		cmocka_unit_test(test_dropped_new_leaves_nothing),
		cmocka_unit_test(test_dropped_reply_events_wait),
		cmocka_unit_test(test_zones_are_separate),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_expire_and_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
