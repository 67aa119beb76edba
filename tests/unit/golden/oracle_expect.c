// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of the expectation codec and formatters against the
 * real libnetfilter_conntrack. Not built by the Makefile (it needs
 * libnetfilter-conntrack-dev). Build and run:
 *
 *   make build/libctkit.a
 *   cc -std=c11 -D_GNU_SOURCE -Iinclude -Ilib -o build/oracle_expect \
 *	tests/unit/golden/oracle_expect.c build/libctkit.a \
 *	-lnetfilter_conntrack -lmnl
 *   build/oracle_expect [iterations] [seed]
 *
 * Each random expectation is encoded by ctk_expect_put() as a kernel would
 * send it, parsed by both ctk_expect_parse() and nfexp_nlmsg_parse(), and
 * printed by both sides (default and XML, every event type, with and
 * without <when>). Requests are checked the other way round: the library
 * builds one with nfexp_nlmsg_build() and ctk_expect_put() must produce the
 * same bytes for the same attributes.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include <ctkit/expect.h>
#include <ctkit/format.h>
#include <ctkit/expect_nl.h>

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)random() % n;
}

static bool coin(void)
{
	return random() & 1;
}

static const uint8_t l4_pool[] = { 6, 17, 136, 1, 58, 132, 33, 47, 200 };
static const char *const helpers[] = { "ftp", "sip", "h245", "tftp", "x y ", "amanda" };

static void rnd_tuple(struct ctk_tuple *t, uint8_t l3, uint8_t l4)
{
	memset(t, 0, sizeof(*t));
	t->l3num = l3;
	t->l4num = l4;
	for (int i = 0; i < 4; i++) {
		t->src.word[i] = (uint32_t)random();
		t->dst.word[i] = coin() ? 0xffffffff : (uint32_t)random();
	}
	if (coin())
		t->src.word[1] = t->src.word[2] = 0;
	t->sport = coin() ? 0 : (uint16_t)random();
	t->dport = coin() ? 65535 : (uint16_t)random();
	t->icmp_type = (uint8_t)rnd(256);
	t->icmp_code = (uint8_t)rnd(3);
	t->icmp_id = (uint16_t)random();
}

static void rnd_expect(struct ctk_expect *x)
{
	uint8_t l3 = coin() ? AF_INET : AF_INET6;
	uint8_t l4 = l4_pool[rnd(sizeof(l4_pool))];

	memset(x, 0, sizeof(*x));
	rnd_tuple(&x->expected, l3, l4);
	rnd_tuple(&x->mask, l3, l4);
	rnd_tuple(&x->master, l3, coin() ? l4 : l4_pool[rnd(sizeof(l4_pool))]);
	ctk_expect_set(x, CTK_EXPECT_ATTR_EXPECTED);
	ctk_expect_set(x, CTK_EXPECT_ATTR_MASK);
	ctk_expect_set(x, CTK_EXPECT_ATTR_MASTER);
	if (coin()) {
		x->timeout = coin() ? rnd(1000) : (uint32_t)random();
		ctk_expect_set(x, CTK_EXPECT_ATTR_TIMEOUT);
	}
	if (coin()) {
		x->zone = (uint16_t)random();
		ctk_expect_set(x, CTK_EXPECT_ATTR_ZONE);
	}
	if (coin()) {
		x->flags = rnd(16);
		ctk_expect_set(x, CTK_EXPECT_ATTR_FLAGS);
	}
	if (coin()) {
		x->exp_class = rnd(4);
		ctk_expect_set(x, CTK_EXPECT_ATTR_CLASS);
	}
	if (coin()) {
		strcpy(x->helper_name, helpers[rnd(sizeof(helpers) / sizeof(helpers[0]))]);
		ctk_expect_set(x, CTK_EXPECT_ATTR_HELPER_NAME);
	}
	if (coin()) {
		x->nat_dir = rnd(2);
		rnd_tuple(&x->nat_tuple, l3, l4);
		ctk_expect_set(x, CTK_EXPECT_ATTR_NAT_DIR);
		ctk_expect_set(x, CTK_EXPECT_ATTR_NAT_TUPLE);
	}
	if (coin()) {
		strcpy(x->fn, "nat-follow-master");
		ctk_expect_set(x, CTK_EXPECT_ATTR_FN);
	}
}

static int failures;

static const struct ctk_expect *current;

static void compare(const char *what, const char *ours, const char *theirs, int ret)
{
	if (strcmp(ours, theirs) == 0 && ret == (int)strlen(theirs))
		return;
	failures++;
	printf("MISMATCH %s (present %#x flags %u)\n ours:   %s\n theirs: %s\n", what,
	       current->present, current->flags, ours, theirs);
}

static void check_print(const struct ctk_expect *x, struct nf_expect *lib)
{
	static const unsigned int lib_types[] = { NFCT_T_UNKNOWN, NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY };
	char ours[4096], theirs[4096];

	for (enum ctk_event ev = CTK_EV_NONE; ev <= CTK_EV_DESTROY; ev++) {
		struct ctk_fmt fmt = { .kind = CTK_FMT_DEFAULT };
		size_t n = ctk_format_expect(ours, sizeof(ours), x, ev, &fmt);
		int ret = nfexp_snprintf(theirs, sizeof(theirs), lib, lib_types[ev], NFCT_O_DEFAULT, 0);

		(void)n;
		compare("default", ours, theirs, (int)n == ret ? ret : -1);
		for (int when = 0; when < 2; when++) {
			fmt.kind = CTK_FMT_XML;
			fmt.flags = when ? CTK_FMT_F_TIMESTAMP : 0;
			fmt.now = time(NULL);
			n = ctk_format_expect(ours, sizeof(ours), x, ev, &fmt);
			ret = nfexp_snprintf(theirs, sizeof(theirs), lib, lib_types[ev], NFCT_O_XML,
					     when ? NFCT_OF_TIME : 0);
			compare("xml", ours, theirs, (int)n == ret ? ret : -1);
		}
	}
}

/* Encode @x as a kernel message, decode it with both sides, print both. */
static void check_one(const struct ctk_expect *x)
{
	char buf[8192];
	struct nlmsghdr *nlh = ctk_expect_nlmsg(buf, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE, 1,
					     x->expected.l3num);
	struct nf_expect *lib = nfexp_new();
	struct ctk_expect back;
	enum ctk_event ev;

	if (ctk_expect_put(nlh, sizeof(buf), x) < 0 || ctk_expect_parse(nlh, &back, &ev) < 0 ||
	    ev != CTK_EV_NEW) {
		failures++;
		printf("codec failure\n");
		return;
	}
	if (nfexp_nlmsg_parse(nlh, lib) < 0) {
		failures++;
		printf("library parse failure\n");
	}
	current = &back;
	check_print(&back, lib);
	nfexp_destroy(lib);
}

static void set_ct_tuple(struct nf_conntrack *ct, const struct ctk_tuple *t)
{
	nfct_set_attr_u8(ct, ATTR_L3PROTO, t->l3num);
	if (t->l3num == AF_INET) {
		nfct_set_attr_u32(ct, ATTR_IPV4_SRC, t->src.v4.s_addr);
		nfct_set_attr_u32(ct, ATTR_IPV4_DST, t->dst.v4.s_addr);
	} else {
		nfct_set_attr(ct, ATTR_IPV6_SRC, &t->src.v6);
		nfct_set_attr(ct, ATTR_IPV6_DST, &t->dst.v6);
	}
	nfct_set_attr_u8(ct, ATTR_L4PROTO, t->l4num);
	if (t->l4num == IPPROTO_ICMP || t->l4num == IPPROTO_ICMPV6) {
		nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, t->icmp_type);
		nfct_set_attr_u8(ct, ATTR_ICMP_CODE, t->icmp_code);
		nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(t->icmp_id));
	} else {
		nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(t->sport));
		nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(t->dport));
	}
}

static void lib_tuple(struct nf_expect *lib, int attr, const struct ctk_tuple *t)
{
	struct nf_conntrack *ct = nfct_new();

	set_ct_tuple(ct, t);
	nfexp_set_attr(lib, attr, ct);
	nfct_destroy(ct);
}

/* The request side: the same attributes must give the same bytes. */
static void check_build(struct ctk_expect *x)
{
	char ours[8192], theirs[8192];
	struct nlmsghdr *a, *b;
	struct nf_expect *lib = nfexp_new();

	/* What the library can send: no class, NAT or fn on the wire in 1.0.9. */
	if (coin())
		ctk_expect_unset(x, CTK_EXPECT_ATTR_MASTER);
	lib_tuple(lib, ATTR_EXP_EXPECTED, &x->expected);
	lib_tuple(lib, ATTR_EXP_MASK, &x->mask);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_MASTER))
		lib_tuple(lib, ATTR_EXP_MASTER, &x->master);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_TIMEOUT))
		nfexp_set_attr_u32(lib, ATTR_EXP_TIMEOUT, x->timeout);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_ZONE))
		nfexp_set_attr_u16(lib, ATTR_EXP_ZONE, x->zone);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_FLAGS))
		nfexp_set_attr_u32(lib, ATTR_EXP_FLAGS, x->flags);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME))
		nfexp_set_attr(lib, ATTR_EXP_HELPER_NAME, x->helper_name);
	x->present &= (1u << CTK_EXPECT_ATTR_MASTER) | (1u << CTK_EXPECT_ATTR_EXPECTED) |
		      (1u << CTK_EXPECT_ATTR_MASK) | (1u << CTK_EXPECT_ATTR_TIMEOUT) |
		      (1u << CTK_EXPECT_ATTR_ZONE) | (1u << CTK_EXPECT_ATTR_FLAGS) |
		      (1u << CTK_EXPECT_ATTR_HELPER_NAME);

	memset(ours, 0, sizeof(ours));
	memset(theirs, 0, sizeof(theirs));
	a = ctk_expect_nlmsg(ours, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_ACK, 0, ctk_expect_family(x));
	b = ctk_expect_nlmsg(theirs, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_ACK, 0, ctk_expect_family(x));
	if (ctk_expect_put(a, sizeof(ours), x) < 0 || nfexp_nlmsg_build(b, lib) < 0 ||
	    a->nlmsg_len != b->nlmsg_len || memcmp(a, b, a->nlmsg_len) != 0) {
		failures++;
		printf("MISMATCH build: ours %u bytes, theirs %u bytes\n", a->nlmsg_len, b->nlmsg_len);
	}
	nfexp_destroy(lib);
}

int main(int argc, char **argv)
{
	unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	unsigned int seed = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : (unsigned int)time(NULL);
	struct ctk_expect x;

	srandom(seed);
	for (unsigned long i = 0; i < iterations && failures < 20; i++) {
		rnd_expect(&x);
		check_one(&x);
		check_build(&x);
	}
	printf("seed %u: %lu expectations, %d mismatches\n", seed, iterations, failures);
	return failures != 0;
}
