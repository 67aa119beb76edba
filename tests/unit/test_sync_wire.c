// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The sync wire codec (lib/sync/): headers and framing with the reference's
 * error for each bad case, control messages, every attribute of entry and
 * expectation messages, the reference's quirks, malformed messages, and
 * golden bytes: the four entries of the decoded capture in
 * conntrack-tools.md §4.5 built by hand, and messages conntrackd 1.4.7
 * sent in tests/integration/test_sync_wire.py, which must parse and build
 * again to the same bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/sync.h>

static uint8_t buf[CTK_SYNC_MSG_MAX];
static uint8_t msg[CTK_SYNC_MSG_MAX];

/* Hex (spaces allowed) into @out; the byte count. */
static size_t unhex(uint8_t *out, const char *hex)
{
	size_t n = 0;

	while (*hex) {
		unsigned int v;

		if (*hex == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static void v4(union ctk_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(AF_INET, s, &a->v4), 1);
}

static void v6(union ctk_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(AF_INET6, s, &a->v6), 1);
}

static void tuple4(struct ctk_tuple *t, uint8_t l4, const char *src, const char *dst,
		   uint16_t sport, uint16_t dport)
{
	memset(t, 0, sizeof(*t));
	t->l3num = AF_INET;
	t->l4num = l4;
	v4(&t->src, src);
	v4(&t->dst, dst);
	t->sport = sport;
	t->dport = dport;
}

/* An entry with its orig tuple, the reply the kernel would report, and the status. */
static void entry4(struct ctk_entry *e, uint8_t l4, const char *src, const char *dst,
		   uint16_t sport, uint16_t dport, uint32_t status)
{
	memset(e, 0, sizeof(*e));
	tuple4(&e->orig, l4, src, dst, sport, dport);
	ctk_tuple_invert(&e->reply, &e->orig);
	e->status = status;
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	ctk_entry_set(e, CTK_ATTR_STATUS);
}

static void expect_bytes(const uint8_t *got, int n, const char *hex)
{
	uint8_t want[CTK_SYNC_MSG_MAX];
	size_t len = unhex(want, hex);

	assert_int_equal(n, (int)len);
	assert_memory_equal(got, want, len);
}

static void tuple_equal(const struct ctk_tuple *a, const struct ctk_tuple *b)
{
	assert_int_equal(a->l3num, b->l3num);
	assert_int_equal(a->l4num, b->l4num);
	assert_memory_equal(&a->src, &b->src, a->l3num == AF_INET ? 4 : 16);
	assert_memory_equal(&a->dst, &b->dst, a->l3num == AF_INET ? 4 : 16);
	if (ctk_l4proto_is_icmp(a->l4num)) {
		assert_int_equal(a->icmp_type, b->icmp_type);
		assert_int_equal(a->icmp_code, b->icmp_code);
		assert_int_equal(a->icmp_id, b->icmp_id);
	} else {
		assert_int_equal(a->sport, b->sport);
		assert_int_equal(a->dport, b->dport);
	}
}

/* Build @e, parse it back, and build that again: the same bytes, the same tuples. */
static int roundtrip(const struct ctk_entry *e, unsigned int flags, struct ctk_entry *out)
{
	uint8_t again[CTK_SYNC_MSG_MAX];
	int n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_UPD, e, flags);

	assert_true(n > 0);
	assert_int_equal(ctk_sync_ct_parse(buf, (size_t)n, out), 0);
	tuple_equal(&out->orig, &e->orig);
	if (ctk_entry_has(e, CTK_ATTR_REPLY))
		tuple_equal(&out->reply, &e->reply);
	assert_true(ctk_entry_has(out, CTK_ATTR_REPLY));
	assert_int_equal(ctk_sync_ct_build(again, sizeof(again), CTK_SYNC_CT_UPD, out, flags), n);
	assert_memory_equal(again, buf, (size_t)n);
	return n;
}

/* Is attribute @type in the message at buf? */
static bool has_attr(const uint8_t *m, int len, uint16_t type)
{
	for (int off = 8; off + 4 <= len;) {
		uint16_t alen = (uint16_t)(m[off] << 8 | m[off + 1]);
		uint16_t t = (uint16_t)(m[off + 2] << 8 | m[off + 3]);

		if (t == type)
			return true;
		off += (alen + 3) & ~3;
	}
	return false;
}

/* --- headers and framing ------------------------------------------------ */

static void test_hdr_data_and_ctl(void **state)
{
	struct ctk_sync_hdr h;
	size_t n;

	(void)state;
	n = unhex(msg, "10000054 6b084be3");
	assert_int_equal(ctk_sync_hdr_parse(msg, 84, &h), 84);
	assert_int_equal(h.version, 1);
	assert_int_equal(h.type, CTK_SYNC_CT_NEW);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.seq, 1795705827u);
	/* ALIVE|HELLO of the capture */
	n = unhex(msg, "1a300008 6b084bde");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), 8);
	assert_int_equal(h.type, CTK_SYNC_CTL);
	assert_int_equal(h.flags, CTK_SYNC_F_ALIVE | CTK_SYNC_F_HELLO);
	/* ACK|HELLO|HELLO_BACK: the range form */
	n = unhex(msg, "1a680010 6b084bdf 6b084bde 6b084bde");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), 16);
	assert_int_equal(h.seq, 1795705823u);
	assert_int_equal(h.from, 1795705822u);
	assert_int_equal(h.to, 1795705822u);
	/* RESYNC carries a zero range */
	n = unhex(msg, "1a020010 6b084bfd 00000000 00000000");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), 16);
	assert_int_equal(h.flags, CTK_SYNC_F_RESYNC);
	/* a data type with an ACK flag is not a range: the reference looks at the type */
	n = unhex(msg, "10080008 00000001");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), 8);
	assert_int_equal(h.from, 0);
	/* the length need not be 4-aligned, as in the reference */
	n = unhex(msg, "1a10000b 00000001 000000");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), 11);
}

static void test_hdr_errors(void **state)
{
	struct ctk_sync_hdr h;
	size_t n;

	(void)state;
	n = unhex(msg, "10000054 6b084b");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_TRUNCATED);
	assert_int_equal(ctk_sync_hdr_parse(msg, 0, &h), -CTK_SYNC_ERR_TRUNCATED);
	n = unhex(msg, "10000000 00000001");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_BAD_SIZE);
	/* longer than what is left: a stream waits, a datagram is bad */
	n = unhex(msg, "10000054 00000001 0000");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_BAD_SIZE);
	assert_int_equal(h.len, 84);
	n = unhex(msg, "10000004 00000001");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_BAD_SIZE);
	/* an ACK needs 16 bytes in the payload, and says so in its length */
	n = unhex(msg, "1a080008 00000001 0000");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_TRUNCATED);
	n = unhex(msg, "1a08000c 00000001 00000000 00000000");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_BAD_SIZE);
	/* version and type: the message is skipped, framing goes on at h.len */
	n = unhex(msg, "20000008 00000001");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_VERSION);
	assert_int_equal(h.len, 8);
	n = unhex(msg, "1700000c 00000001 00000000");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_BAD_TYPE);
	assert_int_equal(h.len, 12);
	n = unhex(msg, "1f000008 00000001");
	assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), -CTK_SYNC_ERR_BAD_TYPE);
}

static void test_ctl_build(void **state)
{
	struct ctk_sync_hdr h = {.flags = CTK_SYNC_F_ALIVE | CTK_SYNC_F_HELLO, .seq = 1795705822u};
	struct ctk_sync_hdr back;

	(void)state;
	expect_bytes(buf, ctk_sync_ctl_build(buf, sizeof(buf), &h), "1a300008 6b084bde");
	h = (struct ctk_sync_hdr){.flags = CTK_SYNC_F_ACK,
				  .seq = 1795705827u,
				  .from = 1795705826u,
				  .to = 1795705830u};
	expect_bytes(buf, ctk_sync_ctl_build(buf, sizeof(buf), &h),
		     "1a080010 6b084be3 6b084be2 6b084be6");
	assert_int_equal(ctk_sync_hdr_parse(buf, 16, &back), 16);
	assert_int_equal(back.from, h.from);
	assert_int_equal(back.to, h.to);
	h = (struct ctk_sync_hdr){.flags = CTK_SYNC_F_NACK, .from = 1, .to = 2};
	assert_int_equal(ctk_sync_ctl_build(buf, 15, &h), -ENOSPC);
	h.flags = CTK_SYNC_F_RESYNC;
	assert_int_equal(ctk_sync_ctl_build(buf, 16, &h), 16);
	h.flags = CTK_SYNC_F_ALIVE;
	assert_int_equal(ctk_sync_ctl_build(buf, 7, &h), -ENOSPC);
	ctk_sync_hdr_set_seq(buf, 0x01020304);
	assert_int_equal(ctk_sync_hdr_parse(buf, 16, &back), 16);
	assert_int_equal(back.seq, 0x01020304);
}

static void test_error_names(void **state)
{
	(void)state;
	assert_string_equal(ctk_sync_error_name(CTK_SYNC_ERR_TRUNCATED), "Truncated message");
	assert_string_equal(ctk_sync_error_name(CTK_SYNC_ERR_VERSION), "Wrong protocol version");
	assert_string_equal(ctk_sync_error_name(CTK_SYNC_ERR_BAD_SIZE), "Bad message size");
	assert_string_equal(ctk_sync_error_name(CTK_SYNC_ERR_BAD_TYPE), "Bad message type");
	assert_string_equal(ctk_sync_error_name(CTK_SYNC_ERR_MALFORMED), "Malformed payload");
	assert_string_equal(ctk_sync_error_name(CTK_SYNC_ERR_BAD_HEADER), "Malformed header");
	assert_null(ctk_sync_error_name(CTK_SYNC_OK));
	assert_null(ctk_sync_error_name(CTK_SYNC_ERR_MAX));
	assert_null(ctk_sync_error_name((enum ctk_sync_error) - 1));
}

/* --- golden: the capture of conntrack-tools.md §4.5 ----------------------- */

static const char *const golden_tcp =
	"10000054 6b084be3 000c0000 0a010101 0a020202 00080005 0000000e 00050002 06000000"
	"00080003 9c400016 00050004 03000000 00080006 00000e10 00080007 0000002a"
	"0010001f 00000000 00000000 00000000";
static const char *const golden_udp =
	"1000004c 6b084be4 000c0000 0a010101 0a020203 00080005 00000008 00050002 11000000"
	"00080003 13880035 00080006 0000003c 00080007 00000000 0010001f 00000000 00000000 00000000";
static const char *const golden_snat =
	"10000064 6b084be5 000c0000 0a010101 0a020202 00080005 0000019a 00050002 06000000"
	"00080003 9c410050 00050004 03000000 00080006 00000e10 00080007 00000000"
	"0008000c ac100101 0006000e 00040000 0010001f 00000000 00000000 00000000";
static const char *const golden_icmp =
	"1000005c 6b084be6 000c0000 0a010101 0a020204 00080005 00000008 00050002 01000000"
	"00050016 08000000 00050017 00000000 00060018 09000000 00080006 0000001e"
	"00080007 00000000 0010001f 00000000 00000000 00000000";

static void build_capture(struct ctk_entry *e, const char *golden, uint32_t seq)
{
	int n;

	ctk_entry_set(e, CTK_ATTR_TIMEOUT);
	ctk_entry_set(e, CTK_ATTR_MARK);
	ctk_entry_set(e, CTK_ATTR_SYNPROXY);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, e, 0);
	ctk_sync_hdr_set_seq(buf, seq);
	expect_bytes(buf, n, golden);
}

static void test_golden_capture(void **state)
{
	struct ctk_entry e, back;

	(void)state;
	entry4(&e, IPPROTO_TCP, "10.1.1.1", "10.2.2.2", 40000, 22, 0x0e);
	e.tcp.state = 3;
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	e.timeout = 3600;
	e.mark = 42;
	build_capture(&e, golden_tcp, 1795705827u);

	entry4(&e, IPPROTO_UDP, "10.1.1.1", "10.2.2.3", 5000, 53, 0x08);
	e.timeout = 60;
	build_capture(&e, golden_udp, 1795705828u);

	/* SNAT to 172.16.1.1:1024: the port goes out byte-swapped (00 04) */
	entry4(&e, IPPROTO_TCP, "10.1.1.1", "10.2.2.2", 40001, 80, 0x19a);
	v4(&e.reply.dst, "172.16.1.1");
	e.reply.dport = 1024;
	e.tcp.state = 3;
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	e.timeout = 3600;
	build_capture(&e, golden_snat, 1795705829u);
	assert_int_equal(ctk_sync_ct_parse(buf, sizeof(buf), &back), 0);
	tuple_equal(&back.reply, &e.reply);
	assert_int_equal(back.status, 0x19a);
	assert_int_equal(back.tcp.state, 3);
	assert_int_equal(back.timeout, 3600);
	assert_true(ctk_entry_has(&back, CTK_ATTR_MARK) && back.mark == 0);
	assert_true(ctk_entry_has(&back, CTK_ATTR_SYNPROXY));
	assert_false(ctk_entry_has(&back, CTK_ATTR_ZONE));
	assert_false(ctk_entry_has(&back, CTK_ATTR_LABELS));

	/* ICMP id 9 goes out as 09 00 */
	entry4(&e, IPPROTO_ICMP, "10.1.1.1", "10.2.2.4", 0, 0, 0x08);
	e.orig.icmp_type = 8;
	e.orig.icmp_id = 9;
	ctk_tuple_invert(&e.reply, &e.orig);
	e.timeout = 30;
	build_capture(&e, golden_icmp, 1795705830u);
	assert_int_equal(ctk_sync_ct_parse(buf, sizeof(buf), &back), 0);
	tuple_equal(&back.orig, &e.orig);
	tuple_equal(&back.reply, &e.reply);
	assert_int_equal(back.reply.icmp_type, 0);
}

/*
 * Messages conntrackd 1.4.7 sent (test_sync_wire.py's capture): each must
 * parse, and build again to the same bytes.
 */
static const struct {
	const char *what;
	unsigned int flags;
	const char *hex;
} reference_msgs[] = {
	{"related entry with its master, wscale", CTK_SYNC_TCP_WSCALE,
	 "120000686b16e665000c00000a5101020a5102020008000500000189000500020600000000080003a23427100"
	 "0"
	 "0500040100000000050019 0a0000000005001a000000000008000600000078000c00080a5101020a510202"
	 "0005000a060000000008000bbe560015"},
	{"labels and masquerade", CTK_SYNC_TCP_WSCALE,
	 "110000686b16e64d000c00000a5101020a510202000800050000019e000500020600000000080003b97a1b58"
	 "0005000403000000000500190a0000000005001a0a00000000080006000697800008000c0a510201"
	 "0014001c00000004000000000000000000000000"},
	{"DNAT with DPAT", CTK_SYNC_TCP_WSCALE,
	 "100000746b16e63c000c00000a0101010a02020200080005000001aa0005000206000000000800039c420050"
	 "000500040300000000050019000000000005001a000000000008000600000e100008000700000000"
	 "0008000dc0a801010006000f901f00000010001f000000000000000000000000"},
	{"IPv6 SNAT", 0,
	 "100000786b16e6420024000120010db800000000000000000000000120010db8000000000000000000000002"
	 "00080005000001980005000211000000000800030fa1003500080006000000c80008000700000000"
	 "0014001d20010db80000000000000000000000990010001f000000000000000000000000"},
	{"zone", 0,
	 "100000546b16e63f000c00000a0101010a020203000800050000000800050002110000000008000313890035"
	 "000800060000003c00080007000000000010001f0000000000000000000000000006002000070000"},
	{"helper", CTK_SYNC_TCP_WSCALE,
	 "110000546b16e65f000c00000a5101020a510202000800050000218e000500020600000000080003be560015"
	 "0005000403000000000500190a0000000005001a0a00000000080006000697800008001b66747000"},
	{"ICMP with NAT done: SPAT 0, DPAT 0", 0,
	 "100000746b16e63e000c00000a0101010a0202050008000500000198000500020100000000050016080000000"
	 "0"
	 "050017000000000006001803040000000800060000012c00080007000000000008000cac100102"
	 "0006000e000000000006000f000000000010001f000000000000000000000000"},
};

static void test_golden_reference(void **state)
{
	struct ctk_entry e;

	(void)state;
	for (size_t i = 0; i < sizeof(reference_msgs) / sizeof(reference_msgs[0]); i++) {
		size_t n = unhex(msg, reference_msgs[i].hex);
		struct ctk_sync_hdr h;
		int len;

		assert_int_equal(ctk_sync_hdr_parse(msg, n, &h), (int)n);
		assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
		len = ctk_sync_ct_build(buf, sizeof(buf), h.type, &e, reference_msgs[i].flags);
		ctk_sync_hdr_set_seq(buf, h.seq);
		if (len != (int)n || memcmp(buf, msg, n))
			fail_msg("%s: rebuilt differently", reference_msgs[i].what);
	}
	/* what the messages said */
	unhex(msg, reference_msgs[0].hex);
	assert_int_equal(ctk_sync_ct_parse(msg, sizeof(msg), &e), 0);
	assert_true(ctk_entry_has(&e, CTK_ATTR_MASTER));
	assert_int_equal(e.master.sport, 0xbe56);
	assert_int_equal(e.master.dport, 21);
	assert_int_equal(e.tcp.wscale[0], 10);
	unhex(msg, reference_msgs[1].hex);
	assert_int_equal(ctk_sync_ct_parse(msg, sizeof(msg), &e), 0);
	assert_int_equal(e.labels[0], 4);
	assert_int_equal(e.reply.dst.byte[3], 1); /* masquerade to 10.81.2.1 */
	unhex(msg, reference_msgs[2].hex);
	assert_int_equal(ctk_sync_ct_parse(msg, sizeof(msg), &e), 0);
	assert_int_equal(e.reply.sport, 8080);
	assert_int_equal(ntohl(e.reply.src.v4.s_addr), 0xc0a80101);
	unhex(msg, reference_msgs[4].hex);
	assert_int_equal(ctk_sync_ct_parse(msg, sizeof(msg), &e), 0);
	assert_int_equal(e.zone, 7);
	unhex(msg, reference_msgs[5].hex);
	assert_int_equal(ctk_sync_ct_parse(msg, sizeof(msg), &e), 0);
	assert_string_equal(e.helper_name, "ftp");
	/* the ICMP NAT words say nothing: the reply keeps the id */
	unhex(msg, reference_msgs[6].hex);
	assert_int_equal(ctk_sync_ct_parse(msg, sizeof(msg), &e), 0);
	assert_int_equal(e.reply.icmp_id, 1027);
	assert_int_equal(e.reply.icmp_type, 0);
	assert_int_equal(ntohl(e.reply.dst.v4.s_addr), 0xac100102);
}

/* --- entries: every attribute -------------------------------------------- */

static void test_ct_v6_nat_ports(void **state)
{
	struct ctk_entry e, back;
	int n;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.orig.l3num = AF_INET6;
	e.orig.l4num = IPPROTO_TCP;
	v6(&e.orig.src, "2001:db8::1");
	v6(&e.orig.dst, "2001:db8::2");
	e.orig.sport = 4000;
	e.orig.dport = 443;
	ctk_tuple_invert(&e.reply, &e.orig);
	v6(&e.reply.src, "2001:db8::80"); /* DNAT */
	v6(&e.reply.dst, "2001:db8::99"); /* SNAT */
	e.reply.sport = 8443;		  /* DPAT */
	e.reply.dport = 1024;		  /* SPAT */
	e.status = IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE | IPS_CONFIRMED;
	e.tcp.state = 3;
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	ctk_entry_set(&e, CTK_ATTR_REPLY);
	ctk_entry_set(&e, CTK_ATTR_STATUS);
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	n = roundtrip(&e, 0, &back);
	for (uint16_t t = 29; t <= 30; t++)
		assert_true(has_attr(buf, n, t));
	assert_true(has_attr(buf, n, 14) && has_attr(buf, n, 15));
	assert_false(has_attr(buf, n, 12) || has_attr(buf, n, 13));
	/* no MARK, TIMEOUT, ZONE, LABELS, SYNPROXY when the entry has none */
	for (uint16_t t = 6; t <= 7; t++)
		assert_false(has_attr(buf, n, t));
	assert_false(has_attr(buf, n, 28) || has_attr(buf, n, 31) || has_attr(buf, n, 32));
	/* without the NAT_DONE bits, the same reply tuple is not NAT */
	e.status = IPS_CONFIRMED;
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	for (uint16_t t = 12; t <= 15; t++)
		assert_false(has_attr(buf, n, t));
	assert_false(has_attr(buf, n, 29) || has_attr(buf, n, 30));
	/* without a status it goes out with STATUS 0, and so without NAT */
	ctk_entry_unset(&e, CTK_ATTR_STATUS);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	assert_false(has_attr(buf, n, 29) || has_attr(buf, n, 14));
	assert_int_equal(ctk_sync_ct_parse(buf, (size_t)n, &back), 0);
	assert_true(ctk_entry_has(&back, CTK_ATTR_STATUS));
	assert_int_equal(back.status, 0);
}

static void test_ct_proto_attrs(void **state)
{
	struct ctk_entry e, back;
	int n;

	(void)state;
	/* sctp: ports, state, both vtags */
	entry4(&e, IPPROTO_SCTP, "10.0.0.1", "10.0.0.5", 3000, 3868, IPS_CONFIRMED);
	e.sctp.state = 3;
	e.sctp.vtag[0] = 1000;
	e.sctp.vtag[1] = 0xdeadbeef;
	ctk_entry_set(&e, CTK_ATTR_SCTP_STATE);
	n = roundtrip(&e, 0, &back);
	assert_true(has_attr(buf, n, 3) && has_attr(buf, n, 17));
	assert_int_equal(back.sctp.state, 3);
	assert_int_equal(back.sctp.vtag[0], 1000);
	assert_int_equal(back.sctp.vtag[1], 0xdeadbeef);
	/* dccp: ports, state, role */
	entry4(&e, IPPROTO_DCCP, "10.0.0.1", "10.0.0.6", 5000, 6000, IPS_CONFIRMED);
	e.dccp.state = 3;
	e.dccp.role = 1;
	ctk_entry_set(&e, CTK_ATTR_DCCP_STATE);
	roundtrip(&e, 0, &back);
	assert_int_equal(back.dccp.state, 3);
	assert_int_equal(back.dccp.role, 1);
	assert_true(ctk_entry_has(&back, CTK_ATTR_DCCP_ROLE));
	/* without their protoinfo tcp, sctp and dccp send no ports */
	ctk_entry_unset(&e, CTK_ATTR_DCCP_STATE);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	assert_false(has_attr(buf, n, 3));
	/* udplite and gre have no builder in the reference: no ports */
	entry4(&e, IPPROTO_UDPLITE, "10.0.0.1", "10.0.0.8", 7000, 7001, IPS_CONFIRMED);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	assert_false(has_attr(buf, n, 3));
	assert_int_equal(ctk_sync_ct_parse(buf, (size_t)n, &back), 0);
	assert_int_equal(back.orig.sport, 0);
	entry4(&e, IPPROTO_GRE, "10.0.0.1", "10.0.0.7", 0x10, 0x20, IPS_CONFIRMED);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	assert_false(has_attr(buf, n, 3));
	/* tcp window scales only when asked for */
	entry4(&e, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 1, 2, IPS_CONFIRMED);
	e.tcp.state = 3;
	e.tcp.wscale[0] = 7;
	e.tcp.wscale[1] = 9;
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	assert_false(has_attr(buf, n, 25) || has_attr(buf, n, 26));
	roundtrip(&e, CTK_SYNC_TCP_WSCALE, &back);
	assert_int_equal(back.tcp.wscale[0], 7);
	assert_int_equal(back.tcp.wscale[1], 9);
	/* icmpv6 like icmp */
	memset(&e, 0, sizeof(e));
	e.orig.l3num = AF_INET6;
	e.orig.l4num = IPPROTO_ICMPV6;
	v6(&e.orig.src, "2001:db8::1");
	v6(&e.orig.dst, "2001:db8::2");
	e.orig.icmp_type = 128;
	e.orig.icmp_id = 88;
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	roundtrip(&e, 0, &back);
	assert_int_equal(back.reply.icmp_type, 129);
	assert_int_equal(back.reply.icmp_id, 88);
	/* an unknown protocol: addresses only */
	entry4(&e, 200, "10.0.0.1", "10.0.0.9", 0, 0, IPS_CONFIRMED);
	n = roundtrip(&e, 0, &back);
	assert_int_equal(n, 8 + 12 + 8 + 8);
}

static void test_ct_icmp_nat_quirk(void **state)
{
	struct ctk_entry e, back;
	uint8_t want[] = {0, 0};
	int n;

	(void)state;
	entry4(&e, IPPROTO_ICMP, "10.0.0.1", "10.0.0.4", 0, 0,
	       IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE | IPS_CONFIRMED);
	e.orig.icmp_type = 8;
	e.orig.icmp_id = 0x4242;
	ctk_tuple_invert(&e.reply, &e.orig);
	n = roundtrip(&e, 0, &back);
	/* the reference's cached reply has no ICMP words: SPAT and DPAT of 0 */
	assert_true(has_attr(buf, n, 14) && has_attr(buf, n, 15));
	for (int off = 8; off < n;) {
		uint16_t alen = (uint16_t)(buf[off] << 8 | buf[off + 1]);

		if (buf[off + 3] == 14 || buf[off + 3] == 15) {
			assert_int_equal(alen, 6);
			assert_memory_equal(buf + off + 4, want, 2);
		}
		off += (alen + 3) & ~3;
	}
	/* id 0 and type/code 0 0: nothing to compare against */
	e.orig.icmp_id = 0;
	e.orig.icmp_type = 0;
	ctk_tuple_invert(&e.reply, &e.orig);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	assert_false(has_attr(buf, n, 14) || has_attr(buf, n, 15));
}

static void test_ct_tail_attrs(void **state)
{
	struct ctk_entry e, back;
	int n;

	(void)state;
	entry4(&e, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 1000, 21, IPS_CONFIRMED | IPS_SEQ_ADJUST);
	e.tcp.state = 3;
	ctk_entry_set(&e, CTK_ATTR_TCP_STATE);
	e.mark = 0xffffffff;
	ctk_entry_set(&e, CTK_ATTR_MARK);
	e.timeout = 120;
	ctk_entry_set(&e, CTK_ATTR_TIMEOUT);
	e.seqadj[0] = (struct ctk_seqadj){1, 2, 3};
	e.seqadj[1] = (struct ctk_seqadj){4, 5, 6};
	ctk_entry_set(&e, CTK_ATTR_SEQADJ_ORIG);
	ctk_entry_set(&e, CTK_ATTR_SEQADJ_REPLY);
	strcpy(e.helper_name, "ftp");
	ctk_entry_set(&e, CTK_ATTR_HELPER_NAME);
	e.labels[0] = 0x21;
	e.labels[3] = 0x80000000;
	ctk_entry_set(&e, CTK_ATTR_LABELS);
	e.synproxy = (struct ctk_synproxy){.isn = 11, .its = 22, .tsoff = 33};
	ctk_entry_set(&e, CTK_ATTR_SYNPROXY);
	e.zone = 513;
	ctk_entry_set(&e, CTK_ATTR_ZONE);
	tuple4(&e.master, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 999, 21);
	ctk_entry_set(&e, CTK_ATTR_MASTER);
	n = roundtrip(&e, 0, &back);
	assert_int_equal(back.mark, 0xffffffff);
	assert_int_equal(back.timeout, 120);
	assert_int_equal(back.seqadj[1].offset_after, 6);
	assert_int_equal(back.seqadj[0].correction_pos, 1);
	assert_string_equal(back.helper_name, "ftp");
	assert_memory_equal(back.labels, e.labels, sizeof(e.labels));
	assert_int_equal(back.synproxy.isn, 11);
	assert_int_equal(back.synproxy.its, 22);
	assert_int_equal(back.synproxy.tsoff, 33);
	assert_int_equal(back.zone, 513);
	tuple_equal(&back.master, &e.master);
	/* the reference's order after the ports: TIMEOUT MARK MASTER_* SEQ_ADJ HELPER LABELS
	 * SYNPROXY ZONE */
	{
		static const uint8_t order[] = {0, 5, 2, 3, 4, 6, 7, 8, 10, 11, 16, 27, 28, 31, 32};
		size_t i = 0;

		for (int off = 8; off < n; i++) {
			uint16_t alen = (uint16_t)(buf[off] << 8 | buf[off + 1]);

			assert_true(i < sizeof(order));
			assert_int_equal(buf[off + 3], order[i]);
			off += (alen + 3) & ~3;
		}
		assert_int_equal(i, sizeof(order));
	}
	/* labels words are big-endian, word 0 first; the zone is big-endian */
	assert_non_null(memmem(buf, (size_t)n, "\x00\x14\x00\x1c\x00\x00\x00\x21", 8));
	assert_non_null(memmem(buf, (size_t)n, "\x00\x06\x00\x20\x02\x01\x00\x00", 8));
	/* synproxy: its, isn, tsoff */
	assert_non_null(
		memmem(buf, (size_t)n, "\x00\x10\x00\x1f\x00\x00\x00\x16\x00\x00\x00\x0b", 12));
	/* CommitTimeout: no TIMEOUT */
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, CTK_SYNC_NO_TIMEOUT);
	assert_false(has_attr(buf, n, 6));
	assert_int_equal(ctk_sync_ct_parse(buf, (size_t)n, &back), 0);
	assert_false(ctk_entry_has(&back, CTK_ATTR_TIMEOUT));
	/* labels with no bit set are not sent */
	memset(e.labels, 0, sizeof(e.labels));
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0);
	assert_false(has_attr(buf, n, 28));
	/* an IPv6 master, with a protocol without ports */
	memset(&e.master, 0, sizeof(e.master));
	e.master.l3num = AF_INET6;
	e.master.l4num = IPPROTO_ICMPV6;
	v6(&e.master.src, "fd00::1");
	v6(&e.master.dst, "fd00::2");
	n = roundtrip(&e, 0, &back);
	assert_true(has_attr(buf, n, 9) && has_attr(buf, n, 10));
	assert_false(has_attr(buf, n, 11));
}

static void test_ct_build_errors(void **state)
{
	struct ctk_entry e;
	int n;

	(void)state;
	entry4(&e, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1, 2, 0);
	assert_int_equal(ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_EXP_NEW, &e, 0), -EINVAL);
	assert_int_equal(ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CTL, &e, 0), -EINVAL);
	n = ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_DEL, &e, 0);
	assert_true(n > 0);
	assert_int_equal(buf[0], 0x12);
	for (int cap = 0; cap < n; cap++)
		assert_int_equal(ctk_sync_ct_build(buf, (size_t)cap, CTK_SYNC_CT_DEL, &e, 0),
				 -ENOSPC);
	ctk_entry_unset(&e, CTK_ATTR_ORIG);
	assert_int_equal(ctk_sync_ct_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &e, 0), -EINVAL);
}

/* --- malformed entry messages --------------------------------------------- */

/* The udp entry of the capture, with @tail appended and the length fixed. */
static size_t with_tail(const char *tail)
{
	size_t n = unhex(msg, golden_udp);

	n += unhex(msg + n, tail);
	msg[2] = (uint8_t)(n >> 8);
	msg[3] = (uint8_t)n;
	return n;
}

static void test_ct_malformed(void **state)
{
	struct ctk_entry e;
	size_t n;

	(void)state;
	n = with_tail("");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	/* unknown attribute type: the whole message goes */
	n = with_tail("00080021 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	n = with_tail("0008ffff 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	/* wrong fixed size */
	n = with_tail("00070007 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	n = with_tail("00060020 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	n = with_tail("00080020 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	/* nta_len shorter than its header, or past the message */
	n = with_tail("00030007 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	n = with_tail("00100007 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	/* helper name: at most 16 bytes with the header, as the reference */
	n = with_tail("0010001b 61626364 65666768 696a6b00");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	assert_string_equal(e.helper_name, "abcdefghijk");
	n = with_tail("0011001b 61626364 65666768 696a6b6c 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	/* a name without its NUL is cut at the attribute's end */
	n = with_tail("0007001b 66747000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	assert_string_equal(e.helper_name, "ftp");
	/* 12 bytes without a NUL: cut to what a receiver takes back (11 and the NUL) */
	n = with_tail("0010001b 61626364 65666768 696a6b6c");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	assert_string_equal(e.helper_name, "abcdefghijk");
	/* labels: not whole words or all zero are ignored; longer than 1028 refused */
	n = with_tail("0006001c 00010000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	assert_false(ctk_entry_has(&e, CTK_ATTR_LABELS));
	n = with_tail("0008001c 00000000");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	assert_false(ctk_entry_has(&e, CTK_ATTR_LABELS));
	memset(msg, 0, sizeof(msg));
	n = with_tail("0405001c");
	n += 1028;
	msg[2] = (uint8_t)(n >> 8);
	msg[3] = (uint8_t)n;
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	/* a tail of 4 bytes or fewer is ignored, as the reference's loop stops there */
	n = with_tail("00040007");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), 0);
	/* the header's length past the bytes given, or below a header */
	n = with_tail("");
	assert_int_equal(ctk_sync_ct_parse(msg, n - 1, &e), -CTK_SYNC_ERR_MALFORMED);
	assert_int_equal(ctk_sync_ct_parse(msg, 4, &e), -CTK_SYNC_ERR_MALFORMED);
	msg[3] = 4;
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
	/* no address: nothing to key the entry on */
	n = unhex(msg, "10000010 00000001 00080005 00000008");
	assert_int_equal(ctk_sync_ct_parse(msg, n, &e), -CTK_SYNC_ERR_MALFORMED);
}

/* --- expectations --------------------------------------------------------- */

/* An EXP_NEW conntrackd 1.4.7 sent for the ftp helper's expectation. */
static const char *const golden_exp =
	"1300007c6b16e660000c00000a5101020a510202000500020600000000080003be560015000c00040a510102"
	"0a51020200050006060000000008000700002710000c0008ffffffffffffffff0005000a0600000000"
	"08000b0000ffff0008000c0000012c0008000d000000000008000e000000000008001366747000";

static void test_expect_golden(void **state)
{
	struct ctk_expect x;
	size_t n = unhex(msg, golden_exp);
	int len;

	(void)state;
	assert_int_equal(ctk_sync_expect_parse(msg, n, &x), 0);
	assert_int_equal(x.master.sport, 0xbe56);
	assert_int_equal(x.master.dport, 21);
	assert_int_equal(x.expected.dport, 10000);
	assert_int_equal(x.mask.dport, 0xffff);
	assert_int_equal(x.mask.l3num, AF_INET);
	assert_int_equal(x.timeout, 300);
	assert_true(ctk_expect_has(&x, CTK_EXPECT_ATTR_CLASS));
	assert_false(ctk_expect_has(&x, CTK_EXPECT_ATTR_NAT_TUPLE));
	assert_string_equal(x.helper_name, "ftp");
	len = ctk_sync_expect_build(buf, sizeof(buf), CTK_SYNC_EXP_NEW, &x, 0);
	ctk_sync_hdr_set_seq(buf, 0x6b16e660);
	assert_int_equal(len, (int)n);
	assert_memory_equal(buf, msg, n);
}

static void expect_v4(struct ctk_expect *x, uint8_t l4)
{
	memset(x, 0, sizeof(*x));
	tuple4(&x->master, l4, "10.0.0.1", "10.0.0.2", 40000, 5060);
	tuple4(&x->expected, l4, "10.0.0.1", "10.0.0.2", 0, 20000);
	tuple4(&x->mask, l4, "255.255.255.255", "255.255.255.255", 0, 0xffff);
	ctk_expect_set(x, CTK_EXPECT_ATTR_MASTER);
	ctk_expect_set(x, CTK_EXPECT_ATTR_EXPECTED);
	ctk_expect_set(x, CTK_EXPECT_ATTR_MASK);
}

static void test_expect_attrs(void **state)
{
	struct ctk_expect x, back;
	uint8_t again[CTK_SYNC_MSG_MAX];
	int n;

	(void)state;
	expect_v4(&x, IPPROTO_UDP);
	x.timeout = 180;
	x.flags = CTK_EXPECT_F_PERMANENT | CTK_EXPECT_F_INACTIVE;
	x.exp_class = 1;
	x.nat_dir = CTK_DIR_REPLY;
	tuple4(&x.nat_tuple, IPPROTO_UDP, "192.168.0.9", "0.0.0.0", 30000, 0);
	strcpy(x.helper_name, "sip");
	strcpy(x.fn, "nat-follow-master");
	for (int a = CTK_EXPECT_ATTR_TIMEOUT; a <= CTK_EXPECT_ATTR_FN; a++)
		if (a != CTK_EXPECT_ATTR_ID && a != CTK_EXPECT_ATTR_ZONE)
			ctk_expect_set(&x, a);
	n = ctk_sync_expect_build(buf, sizeof(buf), CTK_SYNC_EXP_UPD, &x, 0);
	assert_true(n > 0);
	assert_int_equal(buf[0], 0x14);
	assert_int_equal(ctk_sync_expect_parse(buf, (size_t)n, &back), 0);
	tuple_equal(&back.master, &x.master);
	tuple_equal(&back.expected, &x.expected);
	tuple_equal(&back.mask, &x.mask);
	tuple_equal(&back.nat_tuple, &x.nat_tuple);
	assert_int_equal(back.timeout, 180);
	assert_int_equal(back.flags, x.flags);
	assert_int_equal(back.exp_class, 1);
	assert_int_equal(back.nat_dir, CTK_DIR_REPLY);
	assert_string_equal(back.helper_name, "sip");
	assert_string_equal(back.fn, "nat-follow-master");
	assert_int_equal(ctk_sync_expect_build(again, sizeof(again), CTK_SYNC_EXP_UPD, &back, 0),
			 n);
	assert_memory_equal(again, buf, (size_t)n);
	for (int cap = 0; cap < n; cap++)
		assert_int_equal(ctk_sync_expect_build(buf, (size_t)cap, CTK_SYNC_EXP_UPD, &x, 0),
				 -ENOSPC);
	/* CommitTimeout; flags are always sent, even absent */
	ctk_expect_unset(&x, CTK_EXPECT_ATTR_FLAGS);
	n = ctk_sync_expect_build(buf, sizeof(buf), CTK_SYNC_EXP_DEL, &x, CTK_SYNC_NO_TIMEOUT);
	assert_false(has_attr(buf, n, 12));
	assert_true(has_attr(buf, n, 13));
	/* port groups only for a tcp/udp/sctp/dccp master */
	expect_v4(&x, IPPROTO_UDPLITE);
	n = ctk_sync_expect_build(buf, sizeof(buf), CTK_SYNC_EXP_NEW, &x, 0);
	assert_false(has_attr(buf, n, 3) || has_attr(buf, n, 7) || has_attr(buf, n, 11));
	/* IPv6, and a NAT tuple that has no IPv6 form */
	memset(&x, 0, sizeof(x));
	struct ctk_tuple *all[] = {&x.master, &x.expected, &x.mask, &x.nat_tuple};
	for (size_t i = 0; i < 4; i++) {
		struct ctk_tuple *t = all[i];

		t->l3num = AF_INET6;
		t->l4num = IPPROTO_TCP;
		v6(&t->src, "2001:db8::1");
		v6(&t->dst, "2001:db8::2");
		t->dport = 21;
	}
	for (int a = CTK_EXPECT_ATTR_MASTER; a <= CTK_EXPECT_ATTR_MASK; a++)
		ctk_expect_set(&x, a);
	ctk_expect_set(&x, CTK_EXPECT_ATTR_NAT_TUPLE);
	n = ctk_sync_expect_build(buf, sizeof(buf), CTK_SYNC_EXP_NEW, &x, 0);
	assert_true(has_attr(buf, n, 1) && has_attr(buf, n, 5) && has_attr(buf, n, 9));
	assert_false(has_attr(buf, n, 15));
	assert_true(has_attr(buf, n, 16) && has_attr(buf, n, 17) && has_attr(buf, n, 18));
	assert_int_equal(ctk_sync_expect_parse(buf, (size_t)n, &back), 0);
	tuple_equal(&back.master, &x.master);
	assert_true(ctk_expect_has(&back, CTK_EXPECT_ATTR_NAT_TUPLE));
}

/* @hex after an 8-byte header of type EXP_NEW with the right length. */
static size_t exp_msg(const char *hex)
{
	size_t n = unhex(msg, "13000000 00000001");

	n += unhex(msg + n, hex);
	msg[2] = (uint8_t)(n >> 8);
	msg[3] = (uint8_t)n;
	return n;
}

#define EXP_TUPLES "000c0000 0a000001 0a000002 000c0004 0a000001 0a000002"

static void test_expect_errors(void **state)
{
	struct ctk_expect x;
	size_t n;

	(void)state;
	expect_v4(&x, IPPROTO_TCP);
	assert_int_equal(ctk_sync_expect_build(buf, sizeof(buf), CTK_SYNC_CT_NEW, &x, 0), -EINVAL);
	ctk_expect_unset(&x, CTK_EXPECT_ATTR_MASK);
	assert_int_equal(ctk_sync_expect_build(buf, sizeof(buf), CTK_SYNC_EXP_NEW, &x, 0), -EINVAL);
	/* without the mask's addresses */
	n = exp_msg(EXP_TUPLES);
	assert_int_equal(ctk_sync_expect_parse(msg, n, &x), -CTK_SYNC_ERR_MALFORMED);
	n = exp_msg(EXP_TUPLES "000c0008 ffffffff ffffffff");
	assert_int_equal(ctk_sync_expect_parse(msg, n, &x), 0);
	/* unknown type (21), wrong size, expectfn over 32 */
	n = exp_msg(EXP_TUPLES "000c0008 ffffffff ffffffff 00080015 00000000");
	assert_int_equal(ctk_sync_expect_parse(msg, n, &x), -CTK_SYNC_ERR_MALFORMED);
	n = exp_msg(EXP_TUPLES "000c0008 ffffffff ffffffff 0007000d 00000000");
	assert_int_equal(ctk_sync_expect_parse(msg, n, &x), -CTK_SYNC_ERR_MALFORMED);
	n = exp_msg(EXP_TUPLES "000c0008 ffffffff ffffffff 00200014 61616161 61616161 61616161"
			       "61616161 61616161 61616161 61616100");
	assert_int_equal(ctk_sync_expect_parse(msg, n, &x), 0);
	assert_int_equal(strlen(x.fn), 27);
	n = exp_msg(EXP_TUPLES "000c0008 ffffffff ffffffff 00210014 61616161 61616161 61616161"
			       "61616161 61616161 61616161 61616161 00000000");
	assert_int_equal(ctk_sync_expect_parse(msg, n, &x), -CTK_SYNC_ERR_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_data_and_ctl),  cmocka_unit_test(test_hdr_errors),
		cmocka_unit_test(test_ctl_build),	  cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_golden_capture),	  cmocka_unit_test(test_golden_reference),
		cmocka_unit_test(test_ct_v6_nat_ports),	  cmocka_unit_test(test_ct_proto_attrs),
		cmocka_unit_test(test_ct_icmp_nat_quirk), cmocka_unit_test(test_ct_tail_attrs),
		cmocka_unit_test(test_ct_build_errors),	  cmocka_unit_test(test_ct_malformed),
		cmocka_unit_test(test_expect_golden),	  cmocka_unit_test(test_expect_attrs),
		cmocka_unit_test(test_expect_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
