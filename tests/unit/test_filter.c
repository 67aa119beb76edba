// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The filter model. Expected results come from conntrack 1.4.7 and
 * libnetfilter_conntrack 1.0.9, run against the same entries in a network
 * namespace (NAT, CIDR, status, mark cases) or called directly (nfct_cmp
 * on entries lacking attributes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/filter.h>

#define BIT(x) (UINT64_C(1) << (x))

static union ctk_addr ip(const char *s)
{
	union ctk_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, &a.v4) != 1)
		assert_int_equal(inet_pton(AF_INET6, s, &a.v6), 1);
	return a;
}

static uint8_t family_of(const char *s)
{
	return strchr(s, ':') ? AF_INET6 : AF_INET;
}

/* An entry orig src:sport -> dst:dport with the plain (un-NATed) reply. */
static void make_entry(struct ctk_entry *e, uint8_t l4, const char *src, uint16_t sport,
		       const char *dst, uint16_t dport)
{
	memset(e, 0, sizeof(*e));
	e->orig.l3num = family_of(src);
	e->orig.l4num = l4;
	e->orig.src = ip(src);
	e->orig.dst = ip(dst);
	e->orig.sport = sport;
	e->orig.dport = dport;
	ctk_tuple_invert(&e->reply, &e->orig);
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	e->status = IPS_CONFIRMED;
	ctk_entry_set(e, CTK_ATTR_STATUS);
}

static void make_tcp(struct ctk_entry *e, const char *src, uint16_t sport, const char *dst,
		     uint16_t dport)
{
	make_entry(e, IPPROTO_TCP, src, sport, dst, dport);
	e->tcp.state = 3;	/* ESTABLISHED */
	ctk_entry_set(e, CTK_ATTR_TCP_STATE);
}

static void make_ping(struct ctk_entry *e, const char *src, const char *dst, uint16_t id)
{
	make_entry(e, IPPROTO_ICMP, src, 0, dst, 0);
	e->orig.icmp_type = 8;
	e->orig.icmp_id = id;
	ctk_tuple_invert(&e->reply, &e->orig);
}

/* SNAT: the reply goes back to @to:@port instead of the orig source. */
static void snat(struct ctk_entry *e, const char *to, uint16_t port)
{
	e->reply.dst = ip(to);
	e->reply.dport = port;
	e->status |= IPS_SRC_NAT | IPS_SRC_NAT_DONE;
}

/* DNAT: the reply comes from @to:@port instead of the orig destination. */
static void dnat(struct ctk_entry *e, const char *to, uint16_t port)
{
	e->reply.src = ip(to);
	e->reply.sport = port;
	e->status |= IPS_DST_NAT | IPS_DST_NAT_DONE;
}

static struct ctk_filter filter(void)
{
	struct ctk_filter f;

	ctk_filter_init(&f);
	return f;
}

static void set_cidr(union ctk_addr *mask, uint8_t family, unsigned int bits)
{
	unsigned int words = family == AF_INET6 ? 4 : 1;

	memset(mask, 0, sizeof(*mask));
	for (unsigned int i = 0; i < words; i++, bits -= bits >= 32 ? 32 : bits) {
		if (bits >= 32)
			mask->word[i] = UINT32_MAX;
		else if (bits)
			mask->word[i] = htonl(~0u << (32 - bits));
	}
}

static void test_init(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	assert_int_equal(f.has, 0);
	assert_int_equal(f.mark_mask, UINT32_MAX);
	assert_int_equal(f.status_mask, UINT32_MAX);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(f.orig_src_mask.word[i], UINT32_MAX);
		assert_int_equal(f.orig_dst_mask.word[i], UINT32_MAX);
	}
	make_tcp(&e, "10.0.0.1", 1000, "10.0.0.2", 80);
	assert_true(ctk_filter_match(&f, &e));
	ctk_entry_clear(&e);
	assert_true(ctk_filter_match(&f, &e));	/* nothing asked, nothing needed */
}

static void test_family(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry v4, v6;

	(void)state;
	make_tcp(&v4, "10.0.0.1", 1000, "10.0.0.2", 80);
	make_tcp(&v6, "fd00::1", 1000, "fd00::2", 80);
	f.family = AF_INET6;
	ctk_filter_set(&f, CTK_F_FAMILY);
	assert_false(ctk_filter_match(&f, &v4));
	assert_true(ctk_filter_match(&f, &v6));
	f.family = AF_INET;
	assert_true(ctk_filter_match(&f, &v4));
	ctk_entry_unset(&v4, CTK_ATTR_ORIG);
	assert_false(ctk_filter_match(&f, &v4));
}

static void test_orig_addresses(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_tcp(&e, "10.0.0.1", 1000, "10.0.0.2", 80);
	f.family = AF_INET;
	f.orig.src = ip("10.0.0.1");
	ctk_filter_set(&f, CTK_F_ORIG_SRC);
	assert_true(ctk_filter_match(&f, &e));
	f.orig.src = ip("10.0.0.3");
	assert_false(ctk_filter_match(&f, &e));

	f = filter();
	f.family = AF_INET;
	f.orig.dst = ip("10.0.0.2");
	ctk_filter_set(&f, CTK_F_ORIG_DST);
	assert_true(ctk_filter_match(&f, &e));
	f.orig.dst = ip("10.0.0.1");
	assert_false(ctk_filter_match(&f, &e));
	f.orig.dst = ip("10.0.0.2");
	f.family = AF_UNSPEC;		/* an address needs a family */
	assert_false(ctk_filter_match(&f, &e));
	f.family = AF_INET;
	ctk_entry_unset(&e, CTK_ATTR_ORIG);
	assert_false(ctk_filter_match(&f, &e));
}

/* -s 10.0.0.0/24: 10.0.0.x matches, 10.0.1.1 and IPv6 do not (reference). */
static void test_cidr_v4(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry in, out, v6;

	(void)state;
	make_tcp(&in, "10.0.0.1", 1000, "10.0.0.2", 80);
	make_tcp(&out, "10.0.1.1", 1001, "10.0.0.2", 80);
	make_tcp(&v6, "a00::1", 1000, "fd00::2", 80);
	v6.orig.src.word[0] = in.orig.src.word[0];	/* same first word */
	f.family = AF_INET;
	f.orig.src = ip("10.0.0.77");			/* host bits are ignored */
	set_cidr(&f.orig_src_mask, AF_INET, 24);
	ctk_filter_set(&f, CTK_F_ORIG_SRC);
	assert_true(ctk_filter_match(&f, &in));
	assert_false(ctk_filter_match(&f, &out));
	assert_false(ctk_filter_match(&f, &v6));
	set_cidr(&f.orig_src_mask, AF_INET, 16);
	assert_true(ctk_filter_match(&f, &out));
	set_cidr(&f.orig_src_mask, AF_INET, 0);
	assert_true(ctk_filter_match(&f, &out));
	assert_false(ctk_filter_match(&f, &v6));
}

static void test_cidr_v6(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_tcp(&e, "fd00:1:2:3:4:5:6:7", 1000, "2001:db8::1", 80);
	f.family = AF_INET6;
	f.orig.dst = ip("2001:db8::");
	set_cidr(&f.orig_dst_mask, AF_INET6, 64);
	ctk_filter_set(&f, CTK_F_ORIG_DST);
	assert_true(ctk_filter_match(&f, &e));
	f.orig.dst = ip("2001:db8:0:1::");
	assert_false(ctk_filter_match(&f, &e));
	set_cidr(&f.orig_dst_mask, AF_INET6, 47);
	assert_true(ctk_filter_match(&f, &e));
	/* A mask ending mid-word. */
	f = filter();
	f.family = AF_INET6;
	f.orig.src = ip("fd00:1:2:3:4:5:6:0");
	set_cidr(&f.orig_src_mask, AF_INET6, 120);
	ctk_filter_set(&f, CTK_F_ORIG_SRC);
	assert_true(ctk_filter_match(&f, &e));
	set_cidr(&f.orig_src_mask, AF_INET6, 128);
	assert_false(ctk_filter_match(&f, &e));
	/* A v4 filter never matches a v6 entry, whatever its bits. */
	f.family = AF_INET;
	set_cidr(&f.orig_src_mask, AF_INET, 0);
	assert_false(ctk_filter_match(&f, &e));
}

static void test_reply_addresses(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_entry(&e, IPPROTO_UDP, "10.0.0.1", 53, "10.0.0.4", 53);
	e.reply.src = ip("10.9.9.9");
	f.family = AF_INET;
	f.reply.src = ip("10.9.9.9");
	ctk_filter_set(&f, CTK_F_REPLY_SRC);
	assert_true(ctk_filter_match(&f, &e));
	f.reply.src = ip("10.0.0.4");
	assert_false(ctk_filter_match(&f, &e));

	f = filter();
	f.family = AF_INET;
	f.reply.dst = ip("10.0.0.1");
	ctk_filter_set(&f, CTK_F_REPLY_DST);
	assert_true(ctk_filter_match(&f, &e));
	f.family = AF_INET6;
	assert_false(ctk_filter_match(&f, &e));
	f.family = AF_INET;
	ctk_entry_unset(&e, CTK_ATTR_REPLY);
	assert_false(ctk_filter_match(&f, &e));
}

static void test_proto_and_ports(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry tcp, udp, ping;

	(void)state;
	make_tcp(&tcp, "10.0.0.1", 1000, "10.0.0.2", 80);
	make_entry(&udp, IPPROTO_UDP, "10.0.0.1", 1000, "10.0.0.2", 80);
	make_ping(&ping, "10.0.0.1", "10.0.0.2", 1000);
	f.orig.l4num = IPPROTO_TCP;
	ctk_filter_set(&f, CTK_F_L4PROTO);
	assert_true(ctk_filter_match(&f, &tcp));
	assert_false(ctk_filter_match(&f, &udp));

	f.orig.sport = 1000;
	f.orig.dport = 80;
	ctk_filter_set(&f, CTK_F_ORIG_SPORT);
	ctk_filter_set(&f, CTK_F_ORIG_DPORT);
	assert_true(ctk_filter_match(&f, &tcp));
	f.orig.dport = 81;
	assert_false(ctk_filter_match(&f, &tcp));

	/* Ports alone still need a protocol that has them. */
	f = filter();
	f.orig.sport = 1000;
	ctk_filter_set(&f, CTK_F_ORIG_SPORT);
	assert_true(ctk_filter_match(&f, &udp));
	assert_false(ctk_filter_match(&f, &ping));

	f = filter();
	f.reply.sport = 80;
	f.reply.dport = 1000;
	ctk_filter_set(&f, CTK_F_REPLY_SPORT);
	ctk_filter_set(&f, CTK_F_REPLY_DPORT);
	assert_true(ctk_filter_match(&f, &tcp));
	f.reply.dport = 4000;
	assert_false(ctk_filter_match(&f, &tcp));
	tcp.reply.dport = 4000;
	assert_true(ctk_filter_match(&f, &tcp));
	ctk_entry_unset(&tcp, CTK_ATTR_REPLY);
	assert_false(ctk_filter_match(&f, &tcp));
}

static void test_gre_keys(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_entry(&e, IPPROTO_GRE, "10.0.0.1", 5, "10.0.0.2", 6);
	f.orig.l4num = IPPROTO_GRE;
	f.orig.sport = 5;
	ctk_filter_set(&f, CTK_F_L4PROTO);
	ctk_filter_set(&f, CTK_F_ORIG_SPORT);
	assert_true(ctk_filter_match(&f, &e));
	f.orig.sport = 9;
	assert_false(ctk_filter_match(&f, &e));
}

static void test_icmp(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry ping, tcp;

	(void)state;
	make_ping(&ping, "10.0.0.1", "10.0.0.2", 77);
	make_tcp(&tcp, "10.0.0.1", 77, "10.0.0.2", 80);
	assert_int_equal(ping.reply.icmp_type, 0);
	f.orig.l4num = IPPROTO_ICMP;
	f.orig.icmp_type = 8;
	ctk_filter_set(&f, CTK_F_L4PROTO);
	ctk_filter_set(&f, CTK_F_ICMP_TYPE);
	assert_true(ctk_filter_match(&f, &ping));
	f.orig.icmp_type = 0;	/* the reply's type is not what -L compares */
	assert_false(ctk_filter_match(&f, &ping));

	f = filter();
	f.orig.icmp_code = 0;
	f.orig.icmp_id = 77;
	ctk_filter_set(&f, CTK_F_ICMP_CODE);
	ctk_filter_set(&f, CTK_F_ICMP_ID);
	assert_true(ctk_filter_match(&f, &ping));
	assert_false(ctk_filter_match(&f, &tcp));
	f.orig.icmp_id = 78;
	assert_false(ctk_filter_match(&f, &ping));
	f.orig.icmp_id = 77;
	f.orig.icmp_code = 1;
	assert_false(ctk_filter_match(&f, &ping));
}

static void test_proto_states(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_tcp(&e, "10.0.0.1", 1000, "10.0.0.2", 80);
	f.tcp_state = 3;
	ctk_filter_set(&f, CTK_F_TCP_STATE);
	assert_true(ctk_filter_match(&f, &e));
	f.tcp_state = 1;
	assert_false(ctk_filter_match(&f, &e));
	f.tcp_state = 0;
	ctk_entry_unset(&e, CTK_ATTR_TCP_STATE);
	assert_false(ctk_filter_match(&f, &e));	/* absent is not NONE */

	f = filter();
	make_entry(&e, IPPROTO_SCTP, "10.0.0.1", 1, "10.0.0.2", 2);
	f.sctp_state = 4;
	ctk_filter_set(&f, CTK_F_SCTP_STATE);
	assert_false(ctk_filter_match(&f, &e));
	e.sctp.state = 4;
	ctk_entry_set(&e, CTK_ATTR_SCTP_STATE);
	assert_true(ctk_filter_match(&f, &e));

	f = filter();
	make_entry(&e, IPPROTO_DCCP, "10.0.0.1", 1, "10.0.0.2", 2);
	f.dccp_state = 4;
	ctk_filter_set(&f, CTK_F_DCCP_STATE);
	assert_false(ctk_filter_match(&f, &e));
	e.dccp.state = 5;
	ctk_entry_set(&e, CTK_ATTR_DCCP_STATE);
	assert_false(ctk_filter_match(&f, &e));
	e.dccp.state = 4;
	assert_true(ctk_filter_match(&f, &e));
}

static void set_status(struct ctk_filter *f, uint32_t value, uint32_t mask)
{
	f->status = value;
	f->status_mask = mask;
	ctk_filter_set(f, CTK_F_STATUS);
}

static void test_status(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry replied, unreplied;

	(void)state;
	make_tcp(&replied, "10.0.0.1", 1000, "10.0.0.2", 80);
	replied.status |= IPS_SEEN_REPLY | IPS_ASSURED;
	make_tcp(&unreplied, "10.0.0.1", 1002, "10.0.0.2", 80);
	unreplied.status |= IPS_ASSURED;

	set_status(&f, IPS_SEEN_REPLY, IPS_SEEN_REPLY);		/* -u SEEN_REPLY */
	assert_true(ctk_filter_match(&f, &replied));
	assert_false(ctk_filter_match(&f, &unreplied));
	set_status(&f, 0, IPS_SEEN_REPLY);			/* -u UNREPLIED */
	assert_false(ctk_filter_match(&f, &replied));
	assert_true(ctk_filter_match(&f, &unreplied));
	set_status(&f, IPS_ASSURED, IPS_SEEN_REPLY);		/* -u ASSURED,UNREPLIED */
	assert_false(ctk_filter_match(&f, &replied));
	assert_false(ctk_filter_match(&f, &unreplied));
	set_status(&f, IPS_ASSURED, IPS_ASSURED | IPS_SEEN_REPLY);
	assert_false(ctk_filter_match(&f, &replied));
	assert_true(ctk_filter_match(&f, &unreplied));
	set_status(&f, 0, 0);					/* -u UNSET */
	assert_true(ctk_filter_match(&f, &replied));
	set_status(&f, IPS_ASSURED, UINT32_MAX);		/* exact */
	assert_false(ctk_filter_match(&f, &replied));
	ctk_entry_unset(&replied, CTK_ATTR_STATUS);
	set_status(&f, 0, 0);
	assert_false(ctk_filter_match(&f, &replied));
}

/* -m v/mask: (mark & mask) == v, as the reference lists. */
static void test_mark(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_tcp(&e, "10.0.0.1", 1000, "10.0.0.2", 80);
	e.mark = 5;
	ctk_entry_set(&e, CTK_ATTR_MARK);
	f.mark = 5;
	ctk_filter_set(&f, CTK_F_MARK);
	assert_true(ctk_filter_match(&f, &e));
	f.mark_mask = 1;
	assert_false(ctk_filter_match(&f, &e));		/* 5 & 1 != 5 */
	f.mark = 4;
	f.mark_mask = 4;
	assert_true(ctk_filter_match(&f, &e));
	f.mark = 0;
	f.mark_mask = 2;
	assert_true(ctk_filter_match(&f, &e));
	ctk_entry_unset(&e, CTK_ATTR_MARK);
	assert_false(ctk_filter_match(&f, &e));
}

static void test_meta_exact(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_tcp(&e, "10.0.0.1", 1000, "10.0.0.2", 80);
	f.secmark = 7;
	f.id = 42;
	f.timeout = 100;
	ctk_filter_set(&f, CTK_F_SECMARK);
	ctk_filter_set(&f, CTK_F_ID);
	ctk_filter_set(&f, CTK_F_TIMEOUT);
	assert_false(ctk_filter_match(&f, &e));
	e.secmark = 7;
	e.id = 42;
	e.timeout = 100;
	ctk_entry_set(&e, CTK_ATTR_SECMARK);
	ctk_entry_set(&e, CTK_ATTR_ID);
	ctk_entry_set(&e, CTK_ATTR_TIMEOUT);
	assert_true(ctk_filter_match(&f, &e));
	e.timeout = 99;
	assert_false(ctk_filter_match(&f, &e));
	e.timeout = 100;
	e.id = 43;
	assert_false(ctk_filter_match(&f, &e));
	e.id = 42;
	e.secmark = 8;
	assert_false(ctk_filter_match(&f, &e));
}

/* The kernel omits zone 0, so an absent zone is zone 0 (-w 0 lists all). */
static void test_zones(void **state)
{
	static const struct {
		enum ctk_filter_field field;
		enum ctk_attr attr;
	} zones[] = {
		{ CTK_F_ZONE, CTK_ATTR_ZONE },
		{ CTK_F_ORIG_ZONE, CTK_ATTR_ORIG_ZONE },
		{ CTK_F_REPLY_ZONE, CTK_ATTR_REPLY_ZONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct ctk_filter f = filter();
		struct ctk_entry e;

		make_tcp(&e, "10.0.0.1", 1000, "10.0.0.2", 80);
		ctk_filter_set(&f, zones[i].field);
		assert_true(ctk_filter_match(&f, &e));
		f.zone = f.orig_zone = f.reply_zone = 5;
		assert_false(ctk_filter_match(&f, &e));
		e.zone = e.orig_zone = e.reply_zone = 5;
		assert_false(ctk_filter_match(&f, &e));	/* values without bits */
		ctk_entry_set(&e, zones[i].attr);
		assert_true(ctk_filter_match(&f, &e));
		f.zone = f.orig_zone = f.reply_zone = 6;
		assert_false(ctk_filter_match(&f, &e));
	}
}

static void test_labels(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	make_tcp(&e, "10.0.0.1", 1000, "10.0.0.2", 80);
	f.labels[0] = 1u << 0;
	f.labels[3] = 1u << 4;		/* bit 100 */
	ctk_filter_set(&f, CTK_F_LABELS);
	assert_false(ctk_filter_match(&f, &e));
	ctk_entry_set(&e, CTK_ATTR_LABELS);
	e.labels[0] = 1u << 0 | 1u << 7;
	assert_false(ctk_filter_match(&f, &e));
	e.labels[3] = 1u << 4;
	assert_true(ctk_filter_match(&f, &e));
	e.labels[0] = 1u << 7;
	assert_false(ctk_filter_match(&f, &e));
	/* No bits asked: the entry still needs labels, as in the reference. */
	memset(f.labels, 0, sizeof(f.labels));
	assert_true(ctk_filter_match(&f, &e));
	ctk_entry_unset(&e, CTK_ATTR_LABELS);
	assert_false(ctk_filter_match(&f, &e));
}

static void set_nat(struct ctk_filter *f, enum ctk_filter_field field, const char *addr,
		    int port)
{
	struct ctk_filter_nat *n = field == CTK_F_SNAT ? &f->snat :
				   field == CTK_F_DNAT ? &f->dnat : &f->anynat;

	memset(n, 0, sizeof(*n));
	if (addr) {
		n->has_ip = true;
		n->ip = ip(addr);
		f->family = family_of(addr);
	}
	if (port >= 0) {
		n->has_port = true;
		n->port = (uint16_t)port;
	}
	ctk_filter_set(f, field);
}

/*
 * The entries of the reference run: plain, SNAT to 10.7.7.7, DNAT to
 * 10.6.6.6:99, SNAT of the port only (to 777), IPv6 SNAT to fd00::7.
 */
enum { PLAIN, SNAT_IP, DNAT_IP_PORT, SNAT_PORT, SNAT_V6, N_ENTRIES };

static void nat_entries(struct ctk_entry *e)
{
	make_entry(&e[PLAIN], IPPROTO_UDP, "10.0.0.1", 53, "10.0.0.9", 53);
	make_entry(&e[SNAT_IP], IPPROTO_UDP, "10.0.0.1", 53, "10.0.0.6", 53);
	snat(&e[SNAT_IP], "10.7.7.7", 53);
	make_entry(&e[DNAT_IP_PORT], IPPROTO_UDP, "10.0.0.1", 53, "10.0.0.7", 53);
	dnat(&e[DNAT_IP_PORT], "10.6.6.6", 99);
	make_entry(&e[SNAT_PORT], IPPROTO_UDP, "10.0.0.1", 53, "10.0.0.8", 53);
	snat(&e[SNAT_PORT], "10.0.0.1", 777);
	make_entry(&e[SNAT_V6], IPPROTO_UDP, "fd00::1", 53, "fd00::2", 53);
	snat(&e[SNAT_V6], "fd00::7", 53);
}

/* Which of the entries above match: one bit per entry. */
static unsigned int nat_matches(const struct ctk_filter *f)
{
	struct ctk_entry e[N_ENTRIES];
	unsigned int bits = 0;

	nat_entries(e);
	for (int i = 0; i < N_ENTRIES; i++)
		bits |= (unsigned int)ctk_filter_match(f, &e[i]) << i;
	return bits;
}

#define M(x) (1u << (x))

static void test_nat_reference(void **state)
{
	struct ctk_filter f;

	(void)state;
	f = filter(); set_nat(&f, CTK_F_SNAT, NULL, -1);
	assert_int_equal(nat_matches(&f), M(SNAT_IP) | M(SNAT_PORT) | M(SNAT_V6));
	f = filter(); set_nat(&f, CTK_F_DNAT, NULL, -1);
	assert_int_equal(nat_matches(&f), M(DNAT_IP_PORT));
	f = filter(); set_nat(&f, CTK_F_ANYNAT, NULL, -1);
	assert_int_equal(nat_matches(&f),
			 M(SNAT_IP) | M(SNAT_PORT) | M(SNAT_V6) | M(DNAT_IP_PORT));
	f = filter(); set_nat(&f, CTK_F_SNAT, "10.7.7.7", -1);
	assert_int_equal(nat_matches(&f), M(SNAT_IP));
	f = filter(); set_nat(&f, CTK_F_SNAT, "10.7.7.8", -1);
	assert_int_equal(nat_matches(&f), 0);
	/* The address must have changed, even when the port did. */
	f = filter(); set_nat(&f, CTK_F_SNAT, "10.0.0.1", 777);
	assert_int_equal(nat_matches(&f), 0);
	/* The port must have changed too when one is given. */
	f = filter(); set_nat(&f, CTK_F_SNAT, "10.7.7.7", 53);
	assert_int_equal(nat_matches(&f), 0);
	f = filter(); set_nat(&f, CTK_F_DNAT, "10.6.6.6", -1);
	assert_int_equal(nat_matches(&f), M(DNAT_IP_PORT));
	f = filter(); set_nat(&f, CTK_F_DNAT, "10.6.6.6", 99);
	assert_int_equal(nat_matches(&f), M(DNAT_IP_PORT));
	f = filter(); set_nat(&f, CTK_F_DNAT, "10.6.6.6", 53);
	assert_int_equal(nat_matches(&f), 0);
	f = filter(); set_nat(&f, CTK_F_ANYNAT, "10.6.6.6", -1);
	assert_int_equal(nat_matches(&f), M(DNAT_IP_PORT));
	f = filter(); set_nat(&f, CTK_F_ANYNAT, "10.7.7.7", -1);
	assert_int_equal(nat_matches(&f), M(SNAT_IP));
	/* --src-nat --dst-nat: both at once. */
	f = filter(); set_nat(&f, CTK_F_SNAT, NULL, -1); set_nat(&f, CTK_F_DNAT, NULL, -1);
	assert_int_equal(nat_matches(&f), 0);
}

static void test_nat_port_only(void **state)
{
	struct ctk_filter f;

	(void)state;
	f = filter(); set_nat(&f, CTK_F_SNAT, NULL, 777);
	assert_int_equal(nat_matches(&f), M(SNAT_PORT));
	f = filter(); set_nat(&f, CTK_F_SNAT, NULL, 53);
	assert_int_equal(nat_matches(&f), 0);
	f = filter(); set_nat(&f, CTK_F_DNAT, NULL, 99);
	assert_int_equal(nat_matches(&f), M(DNAT_IP_PORT));
	f = filter(); set_nat(&f, CTK_F_ANYNAT, NULL, 99);
	assert_int_equal(nat_matches(&f), M(DNAT_IP_PORT));
}

static void test_nat_v6(void **state)
{
	struct ctk_filter f;

	(void)state;
	f = filter(); set_nat(&f, CTK_F_SNAT, "fd00::7", -1);
	assert_int_equal(nat_matches(&f), M(SNAT_V6));
	f = filter(); set_nat(&f, CTK_F_SNAT, "fd00::8", -1);
	assert_int_equal(nat_matches(&f), 0);
	/* What a 1.4.7-compatible CLI sends for `--src-nat fd00::8`. */
	f = filter(); set_nat(&f, CTK_F_SNAT, NULL, -1);
	f.family = AF_INET6;
	ctk_filter_set(&f, CTK_F_FAMILY);
	assert_int_equal(nat_matches(&f), M(SNAT_V6));
}

/* NFCT_GOPT_IS_*NAT: an absent status counts as NAT done; a status without
 * the NAT_DONE bit does not, whatever the tuples say. */
static void test_nat_status(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry e;

	(void)state;
	set_nat(&f, CTK_F_SNAT, NULL, -1);
	make_entry(&e, IPPROTO_UDP, "10.0.0.1", 53, "10.0.0.6", 53);
	e.reply.dst = ip("10.7.7.7");
	assert_false(ctk_filter_match(&f, &e));
	ctk_entry_unset(&e, CTK_ATTR_STATUS);
	assert_true(ctk_filter_match(&f, &e));
	e.status = IPS_DST_NAT_DONE;
	ctk_entry_set(&e, CTK_ATTR_STATUS);
	assert_false(ctk_filter_match(&f, &e));
	e.status = IPS_SRC_NAT_DONE;
	assert_true(ctk_filter_match(&f, &e));
	ctk_entry_unset(&e, CTK_ATTR_REPLY);
	assert_false(ctk_filter_match(&f, &e));
}

/*
 * ICMP has no ports: the library compares the raw l4 words instead, the id
 * on the source side and type/code on the destination side. So with the
 * NAT_DONE bits (which every entry gets once NAT hooks exist) a ping looks
 * port-NATed unless its id happens to equal type << 8 | code.
 */
static void test_nat_icmp(void **state)
{
	struct ctk_filter s = filter(), d = filter();
	struct ctk_entry e;

	(void)state;
	set_nat(&s, CTK_F_SNAT, NULL, -1);
	set_nat(&d, CTK_F_DNAT, NULL, -1);
	make_ping(&e, "10.0.0.1", "10.0.0.2", 77);
	assert_false(ctk_filter_match(&s, &e));
	assert_false(ctk_filter_match(&d, &e));
	e.status |= IPS_DST_NAT_DONE;
	assert_false(ctk_filter_match(&s, &e));
	assert_true(ctk_filter_match(&d, &e));
	e.status |= IPS_SRC_NAT_DONE;
	assert_true(ctk_filter_match(&s, &e));
	/* A NAT port is compared with the reply port, which ICMP lacks: 0. */
	set_nat(&s, CTK_F_SNAT, NULL, 77);
	assert_false(ctk_filter_match(&s, &e));
	set_nat(&s, CTK_F_SNAT, NULL, 0);
	assert_true(ctk_filter_match(&s, &e));
	set_nat(&s, CTK_F_SNAT, NULL, -1);
	make_ping(&e, "10.0.0.1", "10.0.0.2", 8 << 8);
	e.status |= IPS_DST_NAT_DONE;
	assert_false(ctk_filter_match(&d, &e));
	/* An unknown protocol has nothing to compare but addresses. */
	make_entry(&e, 200, "10.0.0.1", 0, "10.0.0.2", 0);
	e.status |= IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
	assert_false(ctk_filter_match(&s, &e));
	e.reply.dst = ip("10.7.7.7");
	assert_true(ctk_filter_match(&s, &e));
}

static void test_combination(void **state)
{
	struct ctk_filter f = filter();
	struct ctk_entry a, b;

	(void)state;
	make_tcp(&a, "10.0.0.1", 1000, "10.0.0.2", 80);
	make_tcp(&b, "10.0.0.1", 1001, "10.0.0.2", 80);
	b.tcp.state = 1;
	f.family = AF_INET;
	f.orig.src = ip("10.0.0.0");
	set_cidr(&f.orig_src_mask, AF_INET, 8);
	f.orig.l4num = IPPROTO_TCP;
	f.orig.dport = 80;
	f.tcp_state = 3;
	ctk_filter_set(&f, CTK_F_FAMILY);
	ctk_filter_set(&f, CTK_F_ORIG_SRC);
	ctk_filter_set(&f, CTK_F_L4PROTO);
	ctk_filter_set(&f, CTK_F_ORIG_DPORT);
	ctk_filter_set(&f, CTK_F_TCP_STATE);
	assert_true(ctk_filter_match(&f, &a));
	assert_false(ctk_filter_match(&f, &b));
	f.tcp_state = 1;
	assert_false(ctk_filter_match(&f, &a));
	assert_true(ctk_filter_match(&f, &b));
	/* Bits past CTK_F_MAX mean nothing. */
	f.has |= BIT(CTK_F_MAX) | BIT(63);
	assert_true(ctk_filter_match(&f, &b));
}

static void test_kernel_fields(void **state)
{
	const struct ctk_kernel_caps none = { 0 };
	const struct ctk_kernel_caps all = { .mark = true, .status = true, .zone = true,
					     .tuple = true };
	struct ctk_filter f = filter();

	(void)state;
	assert_int_equal(ctk_filter_kernel_fields(&f, &all), 0);
	f.has = BIT(CTK_F_MAX) - 1;
	f.family = AF_INET;
	f.orig.l4num = IPPROTO_TCP;
	assert_int_equal(ctk_filter_kernel_fields(&f, &none), BIT(CTK_F_FAMILY));

	uint64_t got = ctk_filter_kernel_fields(&f, &all);
	uint64_t want = BIT(CTK_F_FAMILY) | BIT(CTK_F_MARK) | BIT(CTK_F_STATUS) |
			BIT(CTK_F_ORIG_SRC) | BIT(CTK_F_ORIG_DST) | BIT(CTK_F_REPLY_SRC) |
			BIT(CTK_F_REPLY_DST) | BIT(CTK_F_L4PROTO) | BIT(CTK_F_ORIG_SPORT) |
			BIT(CTK_F_ORIG_DPORT) | BIT(CTK_F_REPLY_SPORT) | BIT(CTK_F_REPLY_DPORT);
	assert_int_equal(got, want);		/* zone 0 is not claimed */
	f.zone = 3;
	assert_int_equal(ctk_filter_kernel_fields(&f, &all), want | BIT(CTK_F_ZONE));

	/* A CIDR orig address stays in userspace. */
	set_cidr(&f.orig_src_mask, AF_INET, 24);
	got = ctk_filter_kernel_fields(&f, &all);
	assert_false(got & BIT(CTK_F_ORIG_SRC));
	assert_true(got & BIT(CTK_F_ORIG_DST));
	/* Only the first word of an IPv4 mask counts. */
	f = filter();
	f.family = AF_INET;
	f.has = BIT(CTK_F_FAMILY) | BIT(CTK_F_ORIG_SRC);
	f.orig_src_mask.word[1] = 0;
	assert_int_equal(ctk_filter_kernel_fields(&f, &all), f.has);

	/* ICMP fields with an ICMP protocol; addresses need the family. */
	f = filter();
	f.orig.l4num = IPPROTO_ICMPV6;
	f.has = BIT(CTK_F_L4PROTO) | BIT(CTK_F_ICMP_TYPE) | BIT(CTK_F_ICMP_ID) |
		BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_REPLY_SRC);
	assert_int_equal(ctk_filter_kernel_fields(&f, &all),
			 BIT(CTK_F_L4PROTO) | BIT(CTK_F_ICMP_TYPE) | BIT(CTK_F_ICMP_ID));
	/* Addresses without a usable family cannot be sent. */
	f.family = AF_UNSPEC;
	f.has = BIT(CTK_F_FAMILY) | BIT(CTK_F_ORIG_SRC) | BIT(CTK_F_REPLY_DST);
	assert_int_equal(ctk_filter_kernel_fields(&f, &all), BIT(CTK_F_FAMILY));
	/* Ports without the protocol cannot be sent. */
	f.has = BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_ICMP_TYPE);
	assert_int_equal(ctk_filter_kernel_fields(&f, &all), 0);
	/* Never in the kernel: NAT, labels, states, id, timeout, secmark. */
	f.has = BIT(CTK_F_SNAT) | BIT(CTK_F_DNAT) | BIT(CTK_F_ANYNAT) | BIT(CTK_F_LABELS) |
		BIT(CTK_F_TCP_STATE) | BIT(CTK_F_ID) | BIT(CTK_F_TIMEOUT) | BIT(CTK_F_SECMARK) |
		BIT(CTK_F_ORIG_ZONE) | BIT(CTK_F_REPLY_ZONE);
	assert_int_equal(ctk_filter_kernel_fields(&f, &all), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_orig_addresses),
		cmocka_unit_test(test_cidr_v4),
		cmocka_unit_test(test_cidr_v6),
		cmocka_unit_test(test_reply_addresses),
		cmocka_unit_test(test_proto_and_ports),
		cmocka_unit_test(test_gre_keys),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_proto_states),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_mark),
		cmocka_unit_test(test_meta_exact),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_nat_reference),
		cmocka_unit_test(test_nat_port_only),
		cmocka_unit_test(test_nat_v6),
		cmocka_unit_test(test_nat_status),
		cmocka_unit_test(test_nat_icmp),
		cmocka_unit_test(test_combination),
		cmocka_unit_test(test_kernel_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
