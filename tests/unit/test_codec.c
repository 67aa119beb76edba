// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ctnetlink codec: every attribute survives put -> parse, presence is
 * kept exactly (absent stays absent, zero stays present), the wire order
 * is the reference's, and malformed messages are refused with -EBADMSG.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <endian.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/netlink.h>

#define BUFSZ		     8192
#define CTA_TIMESTAMP_EVENT_ 27

static char buf[BUFSZ] __attribute__((aligned(8)));

static void set_tuple(struct ctk_tuple *t, uint8_t l3, uint8_t l4, int seed)
{
	memset(t, 0, sizeof(*t));
	t->l3num = l3;
	t->l4num = l4;
	if (l3 == AF_INET) {
		t->src.v4.s_addr = htonl(0x0a000001 + seed);
		t->dst.v4.s_addr = htonl(0xc0a80001 + seed);
	} else {
		for (int i = 0; i < 16; i++) {
			t->src.byte[i] = 0x20 + i + seed;
			t->dst.byte[i] = 0x90 + i + seed;
		}
	}
	if (l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6) {
		t->icmp_type = 8 + seed;
		t->icmp_code = 3;
		t->icmp_id = 0x1234 + seed;
	} else if (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP || l4 == IPPROTO_UDPLITE ||
		   l4 == IPPROTO_SCTP || l4 == IPPROTO_DCCP || l4 == IPPROTO_GRE) {
		t->sport = 40000 + seed;
		t->dport = 443 + seed;
	}
}

/* Everything the request side can carry, with odd values to catch byte order. */
static void fill_request(struct ctk_entry *e, uint8_t l3, uint8_t l4)
{
	memset(e, 0, sizeof(*e));
	set_tuple(&e->orig, l3, l4, 0);
	set_tuple(&e->reply, l3, l4, 1);
	set_tuple(&e->master, l3, l4, 2);
	e->orig_zone = 0x0102;
	e->reply_zone = 0x0304;
	e->zone = 0x0506;
	e->status = 0x01020304 | IPS_CONFIRMED; /* always sent, see codec_build.c */
	e->timeout = 0x0a0b0c0d;
	e->mark = 0xdeadbeef;
	e->secmark = 0x11223344;
	e->tcp.state = 3;
	e->tcp.wscale[0] = 7;
	e->tcp.wscale[1] = 9;
	e->tcp.flags[0] = 0x0a;
	e->tcp.flags_mask[0] = 0x0b;
	e->tcp.flags[1] = 0x0c;
	e->tcp.flags_mask[1] = 0x0d;
	e->sctp.state = 4;
	e->sctp.vtag[0] = 0xa1b2c3d4;
	e->sctp.vtag[1] = 0x01020304;
	e->dccp.state = 5;
	e->dccp.role = 1;
	e->dccp.handshake_seq = 0x0102030405060708ull;
	e->nat_src.min_ip = e->orig.dst;
	e->nat_src.max_ip = e->orig.src;
	e->nat_src.has_max_ip = true;
	e->nat_src.min_port = 1000;
	e->nat_src.max_port = 2000;
	e->nat_src.has_port = e->nat_src.has_max_port = true;
	e->nat_dst.min_ip = e->reply.src;
	e->seqadj[0] = (struct ctk_seqadj){1, 2, 3};
	e->seqadj[1] = (struct ctk_seqadj){0x10000000, 0x20000000, 0x30000000};
	strcpy(e->helper_name, "ftp");
	for (int i = 0; i < CTK_LABEL_WORDS; i++) {
		e->labels[i] = 0x01000001u << i;
		e->labels_mask[i] = 0xffff0000u >> i;
	}
	e->synproxy = (struct ctk_synproxy){0xaabbccdd, 0x11111111, 0x22222222};
	e->present = ((UINT64_C(1) << CTK_ATTR_MAX) - 1);
}

/* What only the kernel sends: counters, use, id, secctx, time stamps. */
static void fill_kernel(struct ctk_entry *e)
{
	e->counters[0] = (struct ctk_counters){0x0102030405ull, 0x1122334455667788ull};
	e->counters[1] = (struct ctk_counters){7, 9};
	e->use = 2;
	e->id = 0x87654321;
	strcpy(e->secctx, "system_u:object_r:unlabeled_t:s0");
	e->ts_start = 0x1700000000000001ull;
	e->ts_stop = 0x1700000000000002ull;
	e->ts_event = 0x1700000000000003ull;
}

static void put_counters(struct nlmsghdr *nlh, uint16_t type, const struct ctk_counters *c)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(c->packets));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(c->bytes));
	mnl_attr_nest_end(nlh, nest);
}

static void put_kernel_attrs(struct nlmsghdr *nlh, const struct ctk_entry *e)
{
	struct nlattr *nest;

	put_counters(nlh, CTA_COUNTERS_ORIG, &e->counters[0]);
	put_counters(nlh, CTA_COUNTERS_REPLY, &e->counters[1]);
	mnl_attr_put_u32(nlh, CTA_USE, htonl(e->use));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(e->id));
	nest = mnl_attr_nest_start(nlh, CTA_SECCTX);
	mnl_attr_put_strz(nlh, CTA_SECCTX_NAME, e->secctx);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(e->ts_start));
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(e->ts_stop));
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_EVENT_, htobe64(e->ts_event));
}

static struct nlmsghdr *build(const struct ctk_entry *e, uint8_t family, bool kernel)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL, 42, family);
	assert_int_equal(ctk_entry_put(nlh, sizeof(buf), e), 0);
	if (kernel)
		put_kernel_attrs(nlh, e);
	return nlh;
}

static void round_trip(uint8_t l3, uint8_t l4)
{
	struct ctk_entry in, out;
	enum ctk_event ev = CTK_EV_NONE;

	fill_request(&in, l3, l4);
	fill_kernel(&in);
	memset(&out, 0, sizeof(out));
	assert_int_equal(ctk_entry_parse(build(&in, l3, true), &out, &ev), 0);
	assert_int_equal(ev, CTK_EV_NEW);
	assert_int_equal(out.present, in.present);
	/* Both sides zeroed first, and the parser writes whole parts: bytes match. */
	assert_memory_equal(&out, &in, sizeof(in));
}

static void test_round_trip_v4(void **state)
{
	static const uint8_t protos[] = {IPPROTO_TCP,  IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP,
					 IPPROTO_DCCP, IPPROTO_GRE, IPPROTO_ICMP,    2,
					 253};

	(void)state;
	for (size_t i = 0; i < sizeof(protos); i++)
		round_trip(AF_INET, protos[i]);
}

static void test_round_trip_v6(void **state)
{
	static const uint8_t protos[] = {IPPROTO_TCP,  IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP,
					 IPPROTO_DCCP, IPPROTO_GRE, IPPROTO_ICMPV6,  2,
					 253};

	(void)state;
	for (size_t i = 0; i < sizeof(protos); i++)
		round_trip(AF_INET6, protos[i]);
}

/* Each part alone: exactly its bit comes back, even when its value is zero. */
static void test_presence_single(void **state)
{
	struct ctk_entry in, out;

	(void)state;
	for (int bit = 0; bit < CTK_ATTR_MAX; bit++) {
		fill_request(&in, AF_INET, IPPROTO_TCP);
		fill_kernel(&in);
		in.present = UINT64_C(1) << bit;
		/* Tuple zones travel inside their tuple. */
		if (bit == CTK_ATTR_ORIG_ZONE)
			ctk_entry_set(&in, CTK_ATTR_ORIG);
		if (bit == CTK_ATTR_REPLY_ZONE)
			ctk_entry_set(&in, CTK_ATTR_REPLY);
		/* Labels mask only goes with labels. */
		if (bit == CTK_ATTR_LABELS_MASK)
			ctk_entry_set(&in, CTK_ATTR_LABELS);
		memset(buf, 0, sizeof(buf));
		struct nlmsghdr *nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);

		assert_int_equal(ctk_entry_put(nlh, sizeof(buf), &in), 0);
		memset(&out, 0xff, sizeof(out));
		assert_int_equal(ctk_entry_parse(nlh, &out, NULL), 0);
		if (bit >= CTK_ATTR_USE && bit <= CTK_ATTR_ID)
			continue; /* not sent in requests: covered below */
		if (bit == CTK_ATTR_SECCTX ||
		    (bit >= CTK_ATTR_COUNTERS_ORIG && bit <= CTK_ATTR_TS_EVENT))
			assert_int_equal(out.present, 0);
		else
			assert_int_equal(out.present, in.present);
	}
}

static void test_zero_stays_present(void **state)
{
	struct ctk_entry in = {0}, out;

	(void)state;
	ctk_entry_set(&in, CTK_ATTR_MARK);
	ctk_entry_set(&in, CTK_ATTR_ZONE);
	ctk_entry_set(&in, CTK_ATTR_TCP_STATE);
	ctk_entry_set(&in, CTK_ATTR_STATUS);
	memset(&out, 0xff, sizeof(out));
	assert_int_equal(ctk_entry_parse(build(&in, AF_INET, false), &out, NULL), 0);
	assert_int_equal(out.present, in.present);
	assert_int_equal(out.status, IPS_CONFIRMED);
	assert_int_equal(out.mark, 0);
	assert_int_equal(out.zone, 0);
	assert_int_equal(out.tcp.state, 0);
}

static void test_empty_message(void **state)
{
	struct ctk_entry in = {0}, out;
	enum ctk_event ev;

	(void)state;
	out.present = ~UINT64_C(0);
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_DELETE, 0, 1, AF_INET);

	assert_int_equal(ctk_entry_put(nlh, sizeof(buf), &in), 0);
	assert_int_equal(ctk_entry_parse(nlh, &out, &ev), 0);
	assert_int_equal(out.present, 0);
	assert_int_equal(ev, CTK_EV_DESTROY);
}

static void test_events(void **state)
{
	struct ctk_entry e = {0};
	enum ctk_event ev;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	nlh->nlmsg_flags = 0;
	assert_int_equal(ctk_entry_parse(nlh, &e, &ev), 0);
	assert_int_equal(ev, CTK_EV_UPDATE);
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	assert_int_equal(ctk_entry_parse(nlh, &e, &ev), 0);
	assert_int_equal(ev, CTK_EV_NEW);
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_GET, 0, 1, AF_INET);
	assert_int_equal(ctk_entry_parse(nlh, &e, &ev), 0);
	assert_int_equal(ev, CTK_EV_NONE);
}

/* The top-level order of libnetfilter_conntrack 1.0.9's nfct_nlmsg_build. */
static void test_attribute_order(void **state)
{
	static const uint16_t want[] = {
		CTA_TUPLE_ORIG,	  CTA_TUPLE_REPLY,   CTA_TUPLE_MASTER, CTA_STATUS,  CTA_TIMEOUT,
		CTA_MARK,	  CTA_SECMARK,	     CTA_PROTOINFO,    CTA_NAT_SRC, CTA_NAT_DST,
		CTA_SEQ_ADJ_ORIG, CTA_SEQ_ADJ_REPLY, CTA_HELP,	       CTA_ZONE,    CTA_LABELS,
		CTA_LABELS_MASK,  CTA_SYNPROXY,
	};
	struct ctk_entry in;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	size_t n = 0;

	(void)state;
	fill_request(&in, AF_INET, IPPROTO_ICMP);
	nlh = build(&in, AF_INET, false);
	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg))
	{
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_int_equal(mnl_attr_get_type(attr), want[n]);
		n++;
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));

	/* ICMP tuple: number, then code, type, id. */
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg));
	struct nlattr *ip = mnl_attr_get_payload(attr);
	struct nlattr *proto = mnl_attr_next(ip);
	static const uint16_t icmp[] = {CTA_PROTO_NUM, CTA_PROTO_ICMP_CODE, CTA_PROTO_ICMP_TYPE,
					CTA_PROTO_ICMP_ID};
	n = 0;
	mnl_attr_for_each_nested(attr, proto)
	{
		assert_int_equal(mnl_attr_get_type(attr), icmp[n]);
		n++;
	}
	assert_int_equal(n, 4);
}

static void test_emsgsize(void **state)
{
	struct ctk_entry in;
	struct nlmsghdr *nlh;
	size_t full;

	(void)state;
	fill_request(&in, AF_INET6, IPPROTO_TCP);
	nlh = build(&in, AF_INET6, false);
	full = nlh->nlmsg_len;
	for (size_t len = MNL_NLMSG_HDRLEN + 4; len < full; len += 4) {
		nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET6);
		assert_int_equal(ctk_entry_put(nlh, len, &in), -EMSGSIZE);
		assert_true(nlh->nlmsg_len <= len);
	}
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET6);
	assert_int_equal(ctk_entry_put(nlh, full, &in), 0);
}

/* A small valid message to damage: orig tuple, mark, labels. */
static struct nlmsghdr *small_msg(void)
{
	struct ctk_entry in = {0};

	set_tuple(&in.orig, AF_INET, IPPROTO_TCP, 0);
	ctk_entry_set(&in, CTK_ATTR_ORIG);
	ctk_entry_set(&in, CTK_ATTR_MARK);
	return build(&in, AF_INET, false);
}

static struct nlattr *first_attr(struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg));
}

static void expect_bad(struct nlmsghdr *nlh)
{
	struct ctk_entry out;

	assert_int_equal(ctk_entry_parse(nlh, &out, NULL), -EBADMSG);
}

static void test_bad_short_header(void **state)
{
	struct nlmsghdr *nlh = small_msg();

	(void)state;
	for (uint32_t len = 0; len < MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg); len++) {
		nlh->nlmsg_len = len;
		expect_bad(nlh);
	}
}

static void test_bad_truncated(void **state)
{
	struct nlmsghdr *nlh = small_msg();
	uint32_t full = nlh->nlmsg_len;
	struct ctk_entry out;

	(void)state;
	/* Cut anywhere past the header but before the end: never a whole message. */
	for (uint32_t len = MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg) + 1; len < full; len++) {
		nlh->nlmsg_len = len;
		int ret = ctk_entry_parse(nlh, &out, NULL);

		/* Cutting exactly between two top-level attributes leaves a valid message. */
		if (ret == 0)
			continue;
		assert_int_equal(ret, -EBADMSG);
	}
	nlh->nlmsg_len = full;
	assert_int_equal(ctk_entry_parse(nlh, &out, NULL), 0);
	/* An attribute longer than what is left. */
	first_attr(nlh)->nla_len = full;
	expect_bad(nlh);
	/* An attribute shorter than its own header. */
	first_attr(nlh)->nla_len = 2;
	expect_bad(nlh);
}

static void test_bad_nested_overflow(void **state)
{
	struct nlmsghdr *nlh = small_msg();
	struct nlattr *orig = first_attr(nlh);
	struct nlattr *ip = mnl_attr_get_payload(orig);

	(void)state;
	/* The inner CTA_TUPLE_IP claims more than its parent holds. */
	ip->nla_len = orig->nla_len;
	expect_bad(nlh);
}

static void test_bad_fixed_size(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	(void)state;
	/* CTA_MARK of 2 bytes. */
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	mnl_attr_put_u16(nlh, CTA_MARK, 5);
	expect_bad(nlh);
	/* CTA_MARK of 8 bytes. */
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	mnl_attr_put_u64(nlh, CTA_MARK, 5);
	expect_bad(nlh);
	/* IPv6 address of 4 bytes. */
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET6);
	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V6_SRC, 1);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, nest);
	expect_bad(nlh);
	/* A nest that is too short to hold an attribute. */
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	mnl_attr_put_u16(nlh, CTA_PROTOINFO, 0);
	expect_bad(nlh);
	/* TCP flags of one byte. */
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	nest = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	struct nlattr *tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, 1);
	mnl_attr_nest_end(nlh, tcp);
	mnl_attr_nest_end(nlh, nest);
	expect_bad(nlh);
	/* Counters of 2 bytes. */
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	nest = mnl_attr_nest_start(nlh, CTA_COUNTERS_ORIG);
	mnl_attr_put_u16(nlh, CTA_COUNTERS_PACKETS, 1);
	mnl_attr_nest_end(nlh, nest);
	expect_bad(nlh);
	/* An empty helper name. */
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	nest = mnl_attr_nest_start(nlh, CTA_HELP);
	mnl_attr_put(nlh, CTA_HELP_NAME, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
	expect_bad(nlh);
}

static void test_unknown_skipped(void **state)
{
	struct ctk_entry out;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *inner;

	(void)state;
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	mnl_attr_put_u64(nlh, 200, 1);		   /* unknown top level */
	mnl_attr_put_u32(nlh, CTA_STATUS_MASK, 7); /* known to the kernel, not to the model */
	mnl_attr_put(nlh, CTA_FILTER, 3, "abc");
	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	inner = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_put_u64(nlh, 99, 1); /* unknown inside a nest */
	mnl_attr_nest_end(nlh, inner);
	mnl_attr_put_u32(nlh, 77, 1);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(9));
	assert_int_equal(ctk_entry_parse(nlh, &out, NULL), 0);
	assert_int_equal(out.present,
			 (UINT64_C(1) << CTK_ATTR_ORIG) | (UINT64_C(1) << CTK_ATTR_MARK));
	assert_int_equal(out.orig.l4num, IPPROTO_UDP);
	assert_int_equal(out.orig.l3num, AF_INET); /* from nfgenmsg */
	assert_int_equal(out.mark, 9);
}

static void test_counters32_and_short_labels(void **state)
{
	struct ctk_entry out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t label = 0x80000001;

	(void)state;
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	nest = mnl_attr_nest_start(nlh, CTA_COUNTERS_REPLY);
	mnl_attr_put_u32(nlh, CTA_COUNTERS32_PACKETS, htonl(3));
	mnl_attr_put_u32(nlh, CTA_COUNTERS32_BYTES, htonl(300));
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put(nlh, CTA_LABELS, sizeof(label), &label);
	assert_int_equal(ctk_entry_parse(nlh, &out, NULL), 0);
	assert_true(ctk_entry_has(&out, CTK_ATTR_COUNTERS_REPLY));
	assert_int_equal(out.counters[1].packets, 3);
	assert_int_equal(out.counters[1].bytes, 300);
	assert_int_equal(out.labels[0], label);
	assert_int_equal(out.labels[1] | out.labels[2] | out.labels[3], 0);
}

static void test_long_strings_truncated(void **state)
{
	struct ctk_entry out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char name[100];

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	nest = mnl_attr_nest_start(nlh, CTA_HELP);
	mnl_attr_put_strz(nlh, CTA_HELP_NAME, name);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, CTA_SECCTX);
	mnl_attr_put(nlh, CTA_SECCTX_NAME, 3, "abc"); /* not terminated */
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ctk_entry_parse(nlh, &out, NULL), 0);
	assert_int_equal(strlen(out.helper_name), CTK_HELPER_NAME_MAX - 1);
	assert_string_equal(out.secctx, "abc");
}

static void test_cpu_stats(void **state)
{
	struct ctk_cpu_stats s;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	(void)state;
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_GET_STATS_CPU, 0, 1, AF_UNSPEC);
	nfg = mnl_nlmsg_get_payload(nlh);
	nfg->res_id = htons(3);
	mnl_attr_put_u32(nlh, CTA_STATS_FOUND, htonl(11));
	mnl_attr_put_u32(nlh, CTA_STATS_CHAIN_TOOLONG, htonl(12));
	mnl_attr_put_u32(nlh, 100, htonl(13));
	assert_int_equal(ctk_cpu_stats_parse(nlh, &s), 0);
	assert_int_equal(s.cpu, 3);
	assert_int_equal(s.present, (1u << CTK_STAT_FOUND) | (1u << CTK_STAT_CHAIN_TOOLONG));
	assert_int_equal(s.value[CTK_STAT_FOUND], 11);
	assert_int_equal(s.value[CTK_STAT_CHAIN_TOOLONG], 12);
	mnl_attr_put_u16(nlh, CTA_STATS_INSERT, 1);
	assert_int_equal(ctk_cpu_stats_parse(nlh, &s), -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	assert_int_equal(ctk_cpu_stats_parse(nlh, &s), -EBADMSG);
}

static void test_count(void **state)
{
	struct nlmsghdr *nlh;
	uint32_t count = 0;

	(void)state;
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_GET_STATS, 0, 1, AF_UNSPEC);
	assert_int_equal(ctk_entry_count_parse(nlh, &count), -EBADMSG);
	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_MAX_ENTRIES, htonl(65536));
	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_ENTRIES, htonl(1234));
	assert_int_equal(ctk_entry_count_parse(nlh, &count), 0);
	assert_int_equal(count, 1234);
}

static void test_nlmsg_header(void **state)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	(void)state;
	nlh = ctk_entry_nlmsg(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, 77, AF_INET6);
	assert_int_equal(nlh->nlmsg_type, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 77);
	assert_int_equal(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(*nfg));
	nfg = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nfg->nfgen_family, AF_INET6);
	assert_int_equal(nfg->version, NFNETLINK_V0);
}

/* A port-only NAT binding leaves the address out (0.0.0.0 would be a target). */
static void test_nat_port_only(void **state)
{
	struct ctk_entry in = {0}, out;
	struct nlmsghdr *nlh;

	(void)state;
	set_tuple(&in.orig, AF_INET, IPPROTO_TCP, 0);
	ctk_entry_set(&in, CTK_ATTR_ORIG);
	ctk_entry_set(&in, CTK_ATTR_NAT_DST);
	in.nat_dst.has_port = true;
	in.nat_dst.min_port = 8080;
	nlh = build(&in, AF_INET, false);
	assert_int_equal(ctk_entry_parse(nlh, &out, NULL), 0);
	assert_true(out.nat_dst.has_port);
	assert_int_equal(out.nat_dst.min_port, 8080);
	assert_int_equal(out.nat_dst.max_port, 8080);
	assert_int_equal(out.nat_dst.min_ip.v4.s_addr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_v4),
		cmocka_unit_test(test_round_trip_v6),
		cmocka_unit_test(test_presence_single),
		cmocka_unit_test(test_zero_stays_present),
		cmocka_unit_test(test_empty_message),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_attribute_order),
		cmocka_unit_test(test_emsgsize),
		cmocka_unit_test(test_bad_short_header),
		cmocka_unit_test(test_bad_truncated),
		cmocka_unit_test(test_bad_nested_overflow),
		cmocka_unit_test(test_bad_fixed_size),
		cmocka_unit_test(test_unknown_skipped),
		cmocka_unit_test(test_counters32_and_short_labels),
		cmocka_unit_test(test_long_strings_truncated),
		cmocka_unit_test(test_cpu_stats),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_nlmsg_header),
		cmocka_unit_test(test_nat_port_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
