// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event socket filter (ctk_filter_bpf). Generated programs are run,
 * not inspected: by a small cBPF interpreter below (with the kernel's
 * SKF_AD_NLATTR / SKF_AD_NLATTR_NEST semantics) and by the kernel itself,
 * attached to one end of an AF_UNIX datagram pair (the socket filter runs
 * on every datagram; no privilege needed). On many random entries and
 * filters, each encoded as a NEW, UPDATE or DESTROY event by the codec, a
 * message must be kept exactly when the userspace filter keeps the
 * decoded entry: the program may keep more only on messages the kernel
 * never sends, which the codec does not build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <ctkit/filter_bpf.h>
#include <ctkit/netlink.h>

#define BIT(x)	   (UINT64_C(1) << (x))
#define ALL_FIELDS (BIT(CTK_F_MAX) - 1)

static struct ctk_bpf_prog prog;
static char msg[8192] __attribute__((aligned(8)));

/* ---- a cBPF interpreter ----------------------------------------------------- */

static const struct nlattr *nla_find_in(const uint8_t *p, long rem, uint32_t type)
{
	while (rem >= (long)sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < sizeof(*a) || a->nla_len > rem)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		rem -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* net/core/filter.c bpf_skb_get_nlattr{,_nest}: an offset, 0 if not found. */
static uint32_t ancillary(uint32_t k, const uint8_t *pkt, uint32_t len, uint32_t a, uint32_t x)
{
	const struct nlattr *found;

	if (len < sizeof(struct nlattr) || a > len - sizeof(struct nlattr))
		return 0;
	if (k == (uint32_t)SKF_AD_OFF + SKF_AD_NLATTR) {
		found = nla_find_in(pkt + a, len - a, x);
	} else {
		const struct nlattr *nest = (const struct nlattr *)(pkt + a);

		assert_int_equal(k, (uint32_t)SKF_AD_OFF + SKF_AD_NLATTR_NEST);
		if (nest->nla_len > len - a)
			return 0;
		found = nla_find_in(pkt + a + NLA_HDRLEN, (long)nest->nla_len - NLA_HDRLEN, x);
	}
	return found ? (uint32_t)((const uint8_t *)found - pkt) : 0;
}

/* A big-endian load; false when out of the packet (the kernel then returns 0). */
static bool load(const uint8_t *pkt, uint32_t len, uint32_t off, uint16_t size, uint32_t *v)
{
	uint32_t n = size == BPF_W ? 4 : size == BPF_H ? 2 : 1;

	if (off > len || len - off < n)
		return false;
	*v = 0;
	for (uint32_t i = 0; i < n; i++)
		*v = *v << 8 | pkt[off + i];
	return true;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t k)
{
	switch (op) {
	case BPF_JEQ:
		return a == k;
	case BPF_JGT:
		return a > k;
	case BPF_JGE:
		return a >= k;
	case BPF_JSET:
		return a & k;
	}
	fail_msg("unknown jump %#x", op);
	return false;
}

static uint32_t run(const struct ctk_bpf_prog *p, const void *data, uint32_t len)
{
	const uint8_t *pkt = data;
	uint32_t a = 0, x = 0;

	for (unsigned int pc = 0; pc < p->len; pc++) {
		const struct sock_filter *i = &p->insns[pc];
		uint16_t size = BPF_SIZE(i->code);

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_IMM)
				a = i->k;
			else if (BPF_MODE(i->code) == BPF_LEN)
				a = len;
			else if (BPF_MODE(i->code) == BPF_ABS && i->k >= (uint32_t)SKF_AD_OFF)
				a = ancillary(i->k, pkt, len, a, x);
			else if (!load(pkt, len, i->k + (BPF_MODE(i->code) == BPF_IND ? x : 0),
				       size, &a))
				return 0;
			break;
		case BPF_LDX:
			assert_int_equal(BPF_MODE(i->code), BPF_IMM);
			x = i->k;
			break;
		case BPF_ALU:
			assert_int_equal(i->code, BPF_ALU | BPF_AND | BPF_K);
			a &= i->k;
			break;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA)
				pc += i->k;
			else
				pc += jump_taken(BPF_OP(i->code), a, i->k) ? i->jt : i->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : i->k;
		default:
			fail_msg("unknown instruction %#x", i->code);
		}
	}
	fail_msg("ran off the end of the program");
	return 0;
}

/* What the kernel's checker insists on: jumps inside, a return at the end. */
static void assert_well_formed(const struct ctk_bpf_prog *p)
{
	assert_true(p->len > 0 && p->len <= CTK_BPF_MAX_INSNS);
	assert_int_equal(BPF_CLASS(p->insns[p->len - 1].code), BPF_RET);
	for (unsigned int pc = 0; pc < p->len; pc++) {
		const struct sock_filter *i = &p->insns[pc];

		if (BPF_CLASS(i->code) == BPF_JMP && BPF_OP(i->code) != BPF_JA) {
			assert_true(pc + 1 + i->jt < p->len);
			assert_true(pc + 1 + i->jf < p->len);
		}
	}
}

/* ---- the kernel, through an AF_UNIX datagram pair ------------------------------ */

static int pair[2] = {-1, -1};

static void kernel_attach(const struct ctk_bpf_prog *p)
{
	struct sock_fprog fp = {.len = (unsigned short)p->len,
				.filter = (struct sock_filter *)p->insns};

	if (pair[0] < 0)
		assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pair), 0);
	assert_int_equal(setsockopt(pair[1], SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)), 0);
}

static bool kernel_keeps(const void *data, size_t len)
{
	char back[sizeof(msg)];

	assert_int_equal(send(pair[0], data, len, 0), (ssize_t)len);
	return recv(pair[1], back, sizeof(back), MSG_DONTWAIT) == (ssize_t)len;
}

/* ---- messages ------------------------------------------------------------------- */

enum kind { EV_NEW, EV_UPDATE, EV_DESTROY };

static size_t encode(const struct ctk_entry *e, enum kind k, uint8_t family)
{
	uint16_t type = k == EV_DESTROY ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW;
	uint16_t flags = k == EV_NEW ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nlmsghdr *nlh = ctk_entry_nlmsg(msg, type, flags, 0, family);

	assert_int_equal(ctk_entry_put(nlh, sizeof(msg), e), 0);
	nlh->nlmsg_flags &= ~NLM_F_REQUEST;
	return nlh->nlmsg_len;
}

/* What conntrack -E shows: the nfgen family of -f, then the filter. */
static bool userspace_keeps(const struct ctk_filter *f, uint8_t family, const void *data)
{
	const struct nlmsghdr *nlh = data;
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct ctk_entry d;

	assert_int_equal(ctk_entry_parse(nlh, &d, NULL), 0);
	if (family != AF_UNSPEC && nfg->nfgen_family != family)
		return false;
	return ctk_filter_match(f, &d);
}

/* ---- random entries and filters ---------------------------------------------- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static const uint8_t protos[] = {IPPROTO_TCP,  IPPROTO_UDP, IPPROTO_ICMP,   IPPROTO_ICMPV6,
				 IPPROTO_SCTP, IPPROTO_GRE, IPPROTO_UDPLITE};

static void rnd_addr(union ctk_addr *a, uint8_t family)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->v4.s_addr = htonl(0x0a000000u | rnd(3) << 8 | rnd(3));
	} else {
		a->word[0] = htonl(0x20010db8u);
		a->word[2] = htonl(rnd(2));
		a->word[3] = htonl(rnd(3));
	}
}

static void rnd_tuple(struct ctk_tuple *t, uint8_t family, uint8_t l4)
{
	memset(t, 0, sizeof(*t));
	t->l3num = family;
	t->l4num = l4;
	rnd_addr(&t->src, family);
	rnd_addr(&t->dst, family);
	if (ctk_l4proto_has_ports(l4) || l4 == IPPROTO_GRE) {
		t->sport = (uint16_t)(1000 + rnd(3));
		t->dport = (uint16_t)(80 + rnd(2));
	} else if (ctk_l4proto_is_icmp(l4)) {
		t->icmp_type = (uint8_t)rnd(2) * 8;
		t->icmp_code = (uint8_t)rnd(2);
		t->icmp_id = (uint16_t)rnd(3);
	}
}

static void rnd_entry(struct ctk_entry *e, enum kind k)
{
	uint8_t family = rnd(4) ? AF_INET : AF_INET6;
	uint8_t l4 = protos[rnd(sizeof(protos))];

	memset(e, 0, sizeof(*e));
	rnd_tuple(&e->orig, family, l4);
	ctk_entry_set(e, CTK_ATTR_ORIG);
	if (rnd(8)) {
		rnd_tuple(&e->reply, family, l4);
		ctk_entry_set(e, CTK_ATTR_REPLY);
	}
#define MAYBE(bit, field, value)                                                                   \
	do {                                                                                       \
		if (rnd(3)) {                                                                      \
			e->field = (value);                                                        \
			ctk_entry_set(e, bit);                                                     \
		}                                                                                  \
	} while (0)
	MAYBE(CTK_ATTR_STATUS, status, rnd(4) << 1);
	MAYBE(CTK_ATTR_MARK, mark, rnd(4));
	MAYBE(CTK_ATTR_ID, id, rnd(3));
	MAYBE(CTK_ATTR_ZONE, zone, (uint16_t)rnd(3));
	MAYBE(CTK_ATTR_ORIG_ZONE, orig_zone, (uint16_t)rnd(3));
	MAYBE(CTK_ATTR_REPLY_ZONE, reply_zone, (uint16_t)rnd(3));
	if (k != EV_DESTROY) {
		MAYBE(CTK_ATTR_TIMEOUT, timeout, rnd(3));
		if (l4 == IPPROTO_TCP)
			MAYBE(CTK_ATTR_TCP_STATE, tcp.state, (uint8_t)rnd(4));
		if (l4 == IPPROTO_SCTP)
			MAYBE(CTK_ATTR_SCTP_STATE, sctp.state, (uint8_t)rnd(4));
	}
#undef MAYBE
}

static void rnd_mask(union ctk_addr *m, uint8_t family)
{
	unsigned int bits =
		rnd(3) ? (family == AF_INET ? 32 : 128) : rnd(family == AF_INET ? 33 : 129);

	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < bits; i++)
		m->byte[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

static void rnd_filter(struct ctk_filter *f)
{
	uint8_t family = rnd(4) ? AF_INET : AF_INET6;

	ctk_filter_init(f);
	f->family = family;
	f->orig.l3num = f->reply.l3num = family;
	f->orig.l4num = protos[rnd(sizeof(protos))];
	rnd_tuple(&f->orig, family, f->orig.l4num);
	rnd_tuple(&f->reply, family, f->orig.l4num);
	rnd_mask(&f->orig_src_mask, family);
	rnd_mask(&f->orig_dst_mask, family);
	f->tcp_state = f->sctp_state = (uint8_t)rnd(4);
	f->status = rnd(4) << 1;
	f->status_mask = rnd(2) ? f->status : rnd(8) << 1;
	f->mark = rnd(4);
	f->mark_mask = rnd(2) ? UINT32_MAX : rnd(4);
	f->zone = (uint16_t)rnd(3);
	f->orig_zone = (uint16_t)rnd(3);
	f->reply_zone = (uint16_t)rnd(3);
	f->id = rnd(3);
	f->timeout = rnd(3);
	for (int i = 0; i < CTK_F_MAX; i++)
		if (i < CTK_F_LABELS && !rnd(10))
			ctk_filter_set(f, (enum ctk_filter_field)i);
	/* Ports and ICMP fields come with the protocol, as the CLI sets them. */
	if (f->has & (BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_ICMP_TYPE)))
		ctk_filter_set(f, CTK_F_L4PROTO);
}

static void check_one(const struct ctk_filter *f, uint8_t family, uint64_t allowed,
		      bool with_kernel, unsigned int *kept)
{
	static const enum kind kinds[] = {EV_NEW, EV_UPDATE, EV_DESTROY};
	struct ctk_filter part;

	assert_int_equal(ctk_filter_bpf(f, family, allowed, &prog), 0);
	assert_well_formed(&prog);
	assert_int_equal(prog.fields & ~(f->has & allowed), 0);
	part = *f;
	part.has &= prog.fields;
	if (with_kernel)
		kernel_attach(&prog);
	for (int n = 0; n < 40; n++) {
		enum kind k = kinds[rnd(3)];
		struct ctk_entry e;
		size_t len;
		bool user, bpf;

		rnd_entry(&e, k);
		len = encode(&e, k, e.orig.l3num);
		user = userspace_keeps(f, family, msg);
		bpf = run(&prog, msg, (uint32_t)len) != 0;
		/* Exactly the compiled part of the filter; so never less than all of it. */
		if (bpf != userspace_keeps(&part, prog.family ? family : AF_UNSPEC, msg) ||
		    (user && !bpf))
			fail_msg("filter has %#llx (compiled %#llx), family %u: userspace %d, bpf "
				 "%d",
				 (unsigned long long)f->has, (unsigned long long)prog.fields,
				 family, user, bpf);
		if (with_kernel)
			assert_int_equal(kernel_keeps(msg, len), bpf);
		*kept += user;
	}
}

static void test_random_equivalence(void **state)
{
	unsigned int kept = 0, rounds = 4000;

	(void)state;
	for (unsigned int i = 0; i < rounds; i++) {
		struct ctk_filter f;
		uint8_t family = rnd(3) ? AF_UNSPEC : (rnd(2) ? AF_INET : AF_INET6);

		rnd_filter(&f);
		check_one(&f, family, rnd(3) ? ALL_FIELDS : CTK_F_STABLE_FIELDS, i % 8 == 0, &kept);
	}
	/* Both verdicts must be well represented for the check to mean anything. */
	print_message("userspace kept %u of %u messages\n", kept, rounds * 40);
	assert_true(kept > rounds * 40 / 50);
	assert_true(kept < rounds * 40 * 19 / 20);
}

/* Targeted filters, so that selective fields keep a fair share of messages. */
static void test_single_fields(void **state)
{
	unsigned int kept = 0;

	(void)state;
	for (int field = 0; field < CTK_F_LABELS; field++) {
		for (int round = 0; round < 200; round++) {
			struct ctk_filter f;

			rnd_filter(&f);
			f.has = BIT(field);
			if (field >= CTK_F_ORIG_SPORT && field <= CTK_F_ICMP_ID)
				ctk_filter_set(&f, CTK_F_L4PROTO);
			check_one(&f, AF_UNSPEC, ALL_FIELDS, round == 0, &kept);
		}
	}
	assert_true(kept > 0);
}

static void test_fields_claimed(void **state)
{
	struct ctk_filter f;

	(void)state;
	ctk_filter_init(&f);
	f.family = AF_INET;
	f.orig.l4num = IPPROTO_TCP;
	f.has = BIT(CTK_F_FAMILY) | BIT(CTK_F_L4PROTO) | BIT(CTK_F_ORIG_DPORT) |
		BIT(CTK_F_ORIG_SRC) | BIT(CTK_F_MARK) | BIT(CTK_F_LABELS) | BIT(CTK_F_SNAT) |
		BIT(CTK_F_TIMEOUT);
	assert_int_equal(ctk_filter_bpf(&f, AF_INET, ALL_FIELDS, &prog), 0);
	assert_int_equal(prog.fields,
			 f.has & ~(BIT(CTK_F_LABELS) | BIT(CTK_F_SNAT) | BIT(CTK_F_TIMEOUT)));
	assert_true(prog.family);
	/* The seen set of --resync allows only what never changes. */
	assert_int_equal(ctk_filter_bpf(&f, AF_UNSPEC, CTK_F_STABLE_FIELDS, &prog), 0);
	assert_int_equal(prog.fields, BIT(CTK_F_FAMILY) | BIT(CTK_F_L4PROTO) |
					      BIT(CTK_F_ORIG_DPORT) | BIT(CTK_F_ORIG_SRC));
	assert_false(prog.family);
	/* Ports without the protocol stay in userspace. */
	f.has = BIT(CTK_F_ORIG_DPORT);
	assert_int_equal(ctk_filter_bpf(&f, AF_UNSPEC, ALL_FIELDS, &prog), 0);
	assert_int_equal(prog.fields, 0);
}

/* Not a conntrack event, or too short for one: always kept. */
static void test_other_messages_kept(void **state)
{
	struct ctk_filter f;
	struct nlmsghdr *nlh;

	(void)state;
	ctk_filter_init(&f);
	f.has = BIT(CTK_F_MARK);
	f.mark = 7;
	assert_int_equal(ctk_filter_bpf(&f, AF_INET, ALL_FIELDS, &prog), 0);
	kernel_attach(&prog);

	nlh = mnl_nlmsg_put_header(msg);
	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nlmsgerr));
	assert_true(run(&prog, msg, nlh->nlmsg_len) != 0);
	assert_true(kernel_keeps(msg, nlh->nlmsg_len));

	nlh = mnl_nlmsg_put_header(msg);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_true(run(&prog, msg, nlh->nlmsg_len) != 0);
	assert_true(kernel_keeps(msg, nlh->nlmsg_len));

	/* An expectation event (another message type of ctnetlink's family). */
	nlh = ctk_entry_nlmsg(msg, IPCTNL_MSG_CT_GET_STATS_CPU, 0, 0, AF_INET6);
	assert_true(run(&prog, msg, nlh->nlmsg_len) != 0);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK_EXP << 8;
	assert_true(run(&prog, msg, nlh->nlmsg_len) != 0);
	assert_true(kernel_keeps(msg, nlh->nlmsg_len));

	/* A bare header, and a truncated event. */
	assert_true(run(&prog, msg, 4) != 0);
	nlh = ctk_entry_nlmsg(msg, IPCTNL_MSG_CT_NEW, 0, 0, AF_INET6);
	assert_true(run(&prog, msg, NLMSG_HDRLEN + 2) != 0);
	assert_true(kernel_keeps(msg, NLMSG_HDRLEN + 2));
	/* An event of the wrong family is not. */
	assert_true(run(&prog, msg, nlh->nlmsg_len) == 0);
	assert_false(kernel_keeps(msg, nlh->nlmsg_len));
}

/* DESTROY carries no mark when it is 0: -m 0 drops it, as userspace does. */
static void test_destroy_without_mark(void **state)
{
	struct ctk_filter f;
	struct ctk_entry e;
	size_t len;

	(void)state;
	ctk_filter_init(&f);
	f.has = BIT(CTK_F_MARK) | BIT(CTK_F_ZONE);
	assert_int_equal(ctk_filter_bpf(&f, AF_UNSPEC, ALL_FIELDS, &prog), 0);
	rnd_entry(&e, EV_DESTROY);
	ctk_entry_clear(&e);
	ctk_entry_set(&e, CTK_ATTR_ORIG);
	len = encode(&e, EV_DESTROY, e.orig.l3num);
	assert_false(userspace_keeps(&f, AF_UNSPEC, msg));
	assert_true(run(&prog, msg, (uint32_t)len) == 0);
	/* The zone is absent, which is zone 0: only the mark decides. */
	ctk_entry_set(&e, CTK_ATTR_MARK);
	e.mark = 0;
	len = encode(&e, EV_DESTROY, e.orig.l3num);
	assert_true(userspace_keeps(&f, AF_UNSPEC, msg));
	assert_true(run(&prog, msg, (uint32_t)len) != 0);
}

/* A cap on the program size makes the compiler give up, never emit half. */
static void test_too_long(void **state)
{
	struct ctk_filter f;

	(void)state;
	ctk_filter_init(&f);
	f.family = AF_INET6;
	f.orig.l4num = IPPROTO_TCP;
	f.has = (BIT(CTK_F_LABELS) - 1) & ~BIT(CTK_F_SECMARK);
	assert_int_equal(ctk_filter_bpf(&f, AF_INET6, ALL_FIELDS, &prog), 0);
	/* Every field at once, IPv6: far below the kernel's limit. */
	assert_true(prog.len < 512);
	kernel_attach(&prog);
	for (unsigned int limit = 1; limit < prog.len; limit += 7) {
		struct ctk_bpf_prog *small = malloc(sizeof(*small));

		assert_non_null(small);
		small->limit = limit;
		assert_int_equal(ctk_filter_bpf(&f, AF_INET6, ALL_FIELDS, small), -E2BIG);
		assert_int_equal(small->len, 0);
		assert_int_equal(small->fields, 0);
		free(small);
	}
	prog.limit = 0;
}

static int teardown(void **state)
{
	(void)state;
	if (pair[0] >= 0) {
		close(pair[0]);
		close(pair[1]);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_claimed),
		cmocka_unit_test(test_other_messages_kept),
		cmocka_unit_test(test_destroy_without_mark),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_single_fields),
		cmocka_unit_test(test_random_equivalence),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
