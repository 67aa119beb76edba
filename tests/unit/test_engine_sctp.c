// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's SCTP tracker: association setup and shutdown through the
 * state table, verification tags, out-of-the-blue chunks, CRC32c, and
 * each state's timeout.
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

enum { SS_NONE, SS_CLOSED, SS_COOKIE_WAIT, SS_COOKIE_ECHOED, SS_ESTABLISHED, SS_SHUTDOWN_SENT,
       SS_SHUTDOWN_RECD, SS_SHUTDOWN_ACK_SENT, SS_HEARTBEAT_SENT };

static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t crc = ~0u;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* One chunk of @type (with a 16-byte INIT header when @init_tag is set). */
static struct pkt sctp(const char *src, uint16_t sport, const char *dst, uint16_t dport, uint32_t vtag,
		       uint8_t type, uint8_t flags, uint32_t init_tag)
{
	uint8_t l4[64] = { 0 };
	size_t len = 12 + 4;
	uint32_t crc;
	struct pkt k;

	put16(l4, sport);
	put16(l4 + 2, dport);
	put32(l4 + 4, vtag);
	l4[12] = type;
	l4[13] = flags;
	if (type == 1 || type == 2) {
		put32(l4 + 16, init_tag);
		put32(l4 + 20, 65535);
		put16(l4 + 24, 1);
		put16(l4 + 26, 1);
		put32(l4 + 28, 1);
		len += 16;
	} else if (type == 0) {
		put32(l4 + 16, 1);	/* TSN, stream, ssn, ppid: 12 bytes */
		len += 12;
	}
	put16(l4 + 14, (uint16_t)(len - 12));
	crc = crc32c(l4, len);
	l4[8] = (uint8_t)crc;
	l4[9] = (uint8_t)(crc >> 8);
	l4[10] = (uint8_t)(crc >> 16);
	l4[11] = (uint8_t)(crc >> 24);
	ip_wrap(&k, AF_INET, src, dst, IPPROTO_SCTP, l4, len, -1);
	return k;
}

static struct pkt a2b(uint32_t vtag, uint8_t type, uint32_t tag)
{
	return sctp(A, 7000, B, 8000, vtag, type, 0, tag);
}

static struct pkt b2a(uint32_t vtag, uint8_t type, uint32_t tag)
{
	return sctp(B, 8000, A, 7000, vtag, type, 0, tag);
}

static void expect(struct ctk_engine *eng, struct pkt k, double t, enum ctk_ct_state st, int sstate,
		   uint32_t timeout)
{
	struct ctk_verdict v;
	struct ctk_entry e;

	assert_int_equal(feed(eng, &k, t, &v), st);
	e = entry_at(eng, &v, t);
	assert_int_equal(e.sctp.state, sstate);
	assert_int_equal(e.timeout, timeout);
}

static void test_association(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct ev_log ev = { 0 };
	struct ctk_verdict v;
	struct ctk_entry e;
	struct pkt k;

	(void)state;
	ctk_engine_set_event_cb(eng, ev_record, &ev);
	expect(eng, a2b(0, 1, 0x1111), 0, CTK_CT_NEW, SS_CLOSED, 10);
	expect(eng, b2a(0x1111, 2, 0x2222), 0.1, CTK_CT_ESTABLISHED, SS_COOKIE_WAIT, 3);
	expect(eng, a2b(0x2222, 10, 0), 0.2, CTK_CT_ESTABLISHED, SS_COOKIE_ECHOED, 3);
	expect(eng, b2a(0x1111, 11, 0), 0.3, CTK_CT_ESTABLISHED, SS_ESTABLISHED, 210);
	k = a2b(0x2222, 0, 0);
	assert_int_equal(feed(eng, &k, 1, &v), CTK_CT_ESTABLISHED);
	e = entry_at(eng, &v, 1);
	assert_true(e.status & IPS_ASSURED);
	assert_int_equal(e.sctp.vtag[CTK_DIR_ORIG], 0x2222);
	assert_int_equal(e.sctp.vtag[CTK_DIR_REPLY], 0x1111);
	assert_int_equal(ev.n, 4);

	/* A DATA chunk with someone else's tag. */
	k = a2b(0x9999, 0, 0);
	assert_int_equal(feed(eng, &k, 2, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "verification tag check failed 99990000 vs 22220000 for dir 0");
	/* Damaged in transit. */
	k = a2b(0x2222, 0, 0);
	k.b[20 + 8] ^= 1;
	assert_int_equal(feed(eng, &k, 2, &v), CTK_CT_INVALID);
	assert_string_equal(v.reason, "nf_ct_sctp: bad CRC ");

	expect(eng, a2b(0x2222, 7, 0), 3, CTK_CT_ESTABLISHED, SS_SHUTDOWN_SENT, 3);
	expect(eng, b2a(0x1111, 8, 0), 3.1, CTK_CT_ESTABLISHED, SS_SHUTDOWN_ACK_SENT, 3);
	expect(eng, a2b(0x2222, 14, 0), 3.2, CTK_CT_ESTABLISHED, SS_CLOSED, 10);
	assert_int_equal(ctk_engine_expire(eng, 14 * SEC), 1);
	ctk_engine_free(eng);
}

static void test_out_of_the_blue(void **state)
{
	struct ctk_engine *eng = ctk_engine_new(NULL);
	struct pkt k;
	struct ctk_verdict v;

	(void)state;
	k = a2b(0x55, 6, 0);		/* ABORT */
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	k = a2b(0x55, 0, 0);		/* DATA cannot open */
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	k = a2b(0x55, 1, 0x1);		/* INIT with a non-zero tag */
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	/* A HEARTBEAT starts a secondary-path entry. */
	expect(eng, a2b(0x77, 4, 0), 0, CTK_CT_NEW, SS_HEARTBEAT_SENT, 30);
	k = a2b(0, 1, 0);
	k.b[20 + 14] = 0;		/* empty chunk */
	k.b[20 + 15] = 0;
	assert_int_equal(feed(eng, &k, 0, &v), CTK_CT_INVALID);
	assert_int_equal(ctk_engine_count(eng), 1);
	ctk_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_association),
		cmocka_unit_test(test_out_of_the_blue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
