// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test of lib/format/ against the real libnetfilter_conntrack
 * (the reference's printer). Not built by the Makefile: it needs
 * libnetfilter-conntrack-dev, which ctkit itself does not. Build and run:
 *
 *   make build/libctkit.a
 *   cc -std=c11 -D_GNU_SOURCE -Iinclude -Ilib -o build/oracle_diff \
 *	tests/unit/golden/oracle_diff.c build/libctkit.a \
 *	-lnetfilter_conntrack -lmnl
 *   build/oracle_diff [iterations] [seed]
 *
 * Each random entry is encoded as a ctnetlink message, parsed by the
 * library with nfct_nlmsg_parse() (so it sees exactly what a kernel dump
 * would give it) and printed by both sides in every flag combination of
 * the default and XML formats; the save format's NAT decision is checked
 * against nfct_getobjopt(). Any difference is printed and counted.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include <ctkit/format.h>
#include <ctkit/labels.h>

#define LABEL_FILE "/tmp/ctk-oracle-connlabel.conf"

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)random() % n;
}

static bool coin(void)
{
	return random() & 1;
}

static uint64_t rnd64(void)
{
	uint64_t v = ((uint64_t)random() << 33) ^ ((uint64_t)random() << 10) ^ (uint64_t)random();

	switch (rnd(4)) {
	case 0: return v & 0xff;
	case 1: return v & 0xffffffff;
	default: return v;
	}
}

static const uint8_t l4_pool[] = { 6, 17, 136, 1, 58, 132, 33, 47, 200, 0, 2 };

static void rnd_tuple(struct ctk_tuple *t, uint8_t l3, uint8_t l4)
{
	memset(t, 0, sizeof(*t));
	t->l3num = l3;
	t->l4num = l4;
	for (int i = 0; i < 4; i++) {
		t->src.word[i] = (uint32_t)random();
		t->dst.word[i] = (uint32_t)random();
	}
	if (coin()) {	/* zero-compressed IPv6 and common IPv4 */
		t->src.word[1] = t->src.word[2] = 0;
	}
	t->sport = (uint16_t)random();
	t->dport = (uint16_t)random();
	t->icmp_type = (uint8_t)(coin() ? 8 : rnd(256));
	t->icmp_code = (uint8_t)rnd(3);
	t->icmp_id = (uint16_t)random();
}

static void rnd_entry(struct ctk_entry *e, bool xml_safe)
{
	uint8_t l3 = coin() ? AF_INET : AF_INET6;
	uint8_t l4 = l4_pool[rnd(sizeof(l4_pool))];

	memset(e, 0, sizeof(*e));
	/* The kernel always sends both tuples (the library fails without orig). */
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	rnd_tuple(&e->orig, l3, l4);
	rnd_tuple(&e->reply, l3, l4);
	for (int a = CTK_ATTR_ORIG_ZONE; a <= CTK_ATTR_TS_STOP; a++) {
		if (a != CTK_ATTR_LABELS_MASK && coin())
			ctk_entry_set(e, (enum ctk_attr)a);
	}
	e->orig_zone = (uint16_t)random();
	e->reply_zone = (uint16_t)random();
	e->zone = (uint16_t)random();
	e->status = (uint32_t)random() & 0xffff;
	e->timeout = (uint32_t)rnd64();
	e->mark = (uint32_t)rnd64();
	e->secmark = (uint32_t)rnd64();
	e->use = (uint32_t)rnd64();
	e->id = (uint32_t)random();
	for (int i = 0; i < CTK_LABEL_WORDS; i++)
		e->labels[i] = coin() ? (uint32_t)random() & (uint32_t)random() : 0;
	for (int d = 0; d < 2; d++) {
		e->counters[d].packets = rnd64();
		e->counters[d].bytes = rnd64();
	}
	e->ts_start = (uint64_t)time(NULL) * 1000000000ULL - rnd64() % 100000000000000ULL;
	e->ts_stop = coin() ? e->ts_start + rnd64() % 1000000000000ULL : rnd64();
	snprintf(e->secctx, sizeof(e->secctx), "system_u:object_r:%u", rnd(1000));
	snprintf(e->helper_name, sizeof(e->helper_name), coin() ? "ftp" : "sip-%u", rnd(10));

	if (l4 == 6 && coin()) {
		ctk_entry_set(e, CTK_ATTR_TCP_STATE);
		e->tcp.state = (uint8_t)rnd(xml_safe ? 10 : 14);
	}
	if (l4 == 132 && coin()) {
		ctk_entry_set(e, CTK_ATTR_SCTP_STATE);
		e->sctp.state = (uint8_t)rnd(xml_safe ? 10 : 14);
		ctk_entry_set(e, CTK_ATTR_SCTP_VTAG_ORIG);
		ctk_entry_set(e, CTK_ATTR_SCTP_VTAG_REPLY);
		e->sctp.vtag[0] = (uint32_t)random();
		e->sctp.vtag[1] = (uint32_t)random();
	}
	if (l4 == 33 && coin()) {
		ctk_entry_set(e, CTK_ATTR_DCCP_STATE);
		e->dccp.state = (uint8_t)rnd(xml_safe ? 10 : 14);
		ctk_entry_set(e, CTK_ATTR_DCCP_ROLE);
		e->dccp.role = (uint8_t)rnd(2);
	}
}

static void put_tuple(struct nlmsghdr *nlh, int type, const struct ctk_tuple *t,
		      bool zone, uint16_t zone_id)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	struct nlattr *proto;

	if (t->l3num == AF_INET) {
		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, t->src.v4.s_addr);
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, t->dst.v4.s_addr);
	} else {
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, &t->src.v6);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, &t->dst.v6);
	}
	mnl_attr_nest_end(nlh, ip);
	proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, t->l4num);
	switch (t->l4num) {
	case 6: case 17: case 136: case 132: case 33: case 47:
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
		break;
	case 1:
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(t->icmp_id));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, t->icmp_type);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, t->icmp_code);
		break;
	case 58:
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMPV6_ID, htons(t->icmp_id));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_TYPE, t->icmp_type);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_CODE, t->icmp_code);
		break;
	}
	mnl_attr_nest_end(nlh, proto);
	if (zone)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(zone_id));
	mnl_attr_nest_end(nlh, nest);
}

static void put_be32(struct nlmsghdr *nlh, const struct ctk_entry *e, enum ctk_attr a,
		     int type, uint32_t v)
{
	if (ctk_entry_has(e, a))
		mnl_attr_put_u32(nlh, type, htonl(v));
}

static void put_counters(struct nlmsghdr *nlh, int type, const struct ctk_counters *c)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(c->packets));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(c->bytes));
	mnl_attr_nest_end(nlh, n);
}

static void put_protoinfo(struct nlmsghdr *nlh, const struct ctk_entry *e)
{
	struct nlattr *pi, *n;

	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE)) {
		pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, e->tcp.state);
		mnl_attr_nest_end(nlh, n);
		mnl_attr_nest_end(nlh, pi);
	}
	if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE)) {
		pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO_SCTP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_SCTP_STATE, e->sctp.state);
		mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, htonl(e->sctp.vtag[0]));
		mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_REPLY, htonl(e->sctp.vtag[1]));
		mnl_attr_nest_end(nlh, n);
		mnl_attr_nest_end(nlh, pi);
	}
	if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE)) {
		pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO_DCCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_STATE, e->dccp.state);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_ROLE, e->dccp.role);
		mnl_attr_nest_end(nlh, n);
		mnl_attr_nest_end(nlh, pi);
	}
}

static void put_strings(struct nlmsghdr *nlh, const struct ctk_entry *e)
{
	struct nlattr *n;

	if (ctk_entry_has(e, CTK_ATTR_HELPER_NAME)) {
		n = mnl_attr_nest_start(nlh, CTA_HELP);
		mnl_attr_put_strz(nlh, CTA_HELP_NAME, e->helper_name);
		mnl_attr_nest_end(nlh, n);
	}
	if (ctk_entry_has(e, CTK_ATTR_SECCTX)) {
		n = mnl_attr_nest_start(nlh, CTA_SECCTX);
		mnl_attr_put_strz(nlh, CTA_SECCTX_NAME, e->secctx);
		mnl_attr_nest_end(nlh, n);
	}
}

static void put_times(struct nlmsghdr *nlh, const struct ctk_entry *e)
{
	struct nlattr *n;

	if (!ctk_entry_has(e, CTK_ATTR_TS_START) && !ctk_entry_has(e, CTK_ATTR_TS_STOP))
		return;
	n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
	if (ctk_entry_has(e, CTK_ATTR_TS_START))
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(e->ts_start));
	if (ctk_entry_has(e, CTK_ATTR_TS_STOP))
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(e->ts_stop));
	mnl_attr_nest_end(nlh, n);
}

static struct nlmsghdr *encode(char *buf, const struct ctk_entry *e)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	uint32_t labels[CTK_LABEL_WORDS];

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = e->orig.l3num;
	if (ctk_entry_has(e, CTK_ATTR_ORIG))
		put_tuple(nlh, CTA_TUPLE_ORIG, &e->orig, ctk_entry_has(e, CTK_ATTR_ORIG_ZONE), e->orig_zone);
	if (ctk_entry_has(e, CTK_ATTR_REPLY))
		put_tuple(nlh, CTA_TUPLE_REPLY, &e->reply, ctk_entry_has(e, CTK_ATTR_REPLY_ZONE), e->reply_zone);
	put_be32(nlh, e, CTK_ATTR_STATUS, CTA_STATUS, e->status);
	put_protoinfo(nlh, e);
	put_strings(nlh, e);
	put_be32(nlh, e, CTK_ATTR_TIMEOUT, CTA_TIMEOUT, e->timeout);
	put_be32(nlh, e, CTK_ATTR_MARK, CTA_MARK, e->mark);
	if (ctk_entry_has(e, CTK_ATTR_COUNTERS_ORIG))
		put_counters(nlh, CTA_COUNTERS_ORIG, &e->counters[0]);
	if (ctk_entry_has(e, CTK_ATTR_COUNTERS_REPLY))
		put_counters(nlh, CTA_COUNTERS_REPLY, &e->counters[1]);
	put_be32(nlh, e, CTK_ATTR_USE, CTA_USE, e->use);
	put_be32(nlh, e, CTK_ATTR_ID, CTA_ID, e->id);
	put_be32(nlh, e, CTK_ATTR_SECMARK, CTA_SECMARK, e->secmark);
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(e->zone));
	put_times(nlh, e);
	if (ctk_entry_has(e, CTK_ATTR_LABELS)) {
		memcpy(labels, e->labels, sizeof(labels));
		mnl_attr_put(nlh, CTA_LABELS, sizeof(labels), labels);
	}
	return nlh;
}

static unsigned int failures;

static void compare(const char *what, const char *want, int want_len, const char *got,
		    size_t got_len)
{
	if (want_len >= 0 && (size_t)want_len == got_len && strcmp(want, got) == 0)
		return;
	size_t at = 0;

	while (want[at] && want[at] == got[at])
		at++;
	at = at > 60 ? at - 60 : 0;
	if (++failures <= 8)
		printf("MISMATCH %s (ref len %d, ctk %zu)\n  ref: ...%s\n  ctk: ...%s\n", what, want_len, got_len, want + at, got + at);
}

static void check_entry(const struct ctk_entry *e, struct nfct_labelmap *nmap,
			const struct ctk_labelmap *cmap, bool xml)
{
	static const unsigned int evs[] = { 0, NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY };
	char nlbuf[8192], want[8192], got[8192], what[64];
	struct nf_conntrack *ct = nfct_new();

	if (nfct_nlmsg_parse(encode(nlbuf, e), ct) < 0) {
		printf("parse failed\n");
		exit(2);
	}
	for (unsigned int ev = 0; ev < 4; ev++) {
		for (unsigned int combo = 0; combo < 16; combo++) {
			struct ctk_fmt fmt = {
				.kind = xml ? CTK_FMT_XML : CTK_FMT_DEFAULT,
				.labels = cmap,
			};
			unsigned int nflags = 0;
			struct nfct_labelmap *m = NULL;
			int n;
			size_t len;

			if (combo & 1) { fmt.flags |= CTK_FMT_F_EXTENDED; nflags |= NFCT_OF_SHOW_LAYER3; }
			if (combo & 2) { fmt.flags |= CTK_FMT_F_ID; nflags |= NFCT_OF_ID; }
			if (combo & 4) { fmt.flags |= CTK_FMT_F_KTIMESTAMP; nflags |= NFCT_OF_TIMESTAMP; }
			if (combo & 8) { fmt.flags |= CTK_FMT_F_LABELS; m = nmap; }
			if (xml && (combo & 1)) {
				/* in XML the layer-3 bit is meaningless; test <when> instead */
				fmt.flags &= ~CTK_FMT_F_EXTENDED;
				nflags &= ~NFCT_OF_SHOW_LAYER3;
				if (ev) {
					fmt.flags |= CTK_FMT_F_TIMESTAMP;
					nflags |= NFCT_OF_TIME;
				}
			}
			fmt.now = time(NULL);
			n = nfct_snprintf_labels(want, sizeof(want), ct, evs[ev] ? evs[ev] : NFCT_T_UNKNOWN,
						 xml ? NFCT_O_XML : NFCT_O_DEFAULT, nflags, m);
			len = ctk_format_entry(got, sizeof(got), e, (enum ctk_event)ev, &fmt);
			snprintf(what, sizeof(what), "%s ev=%u combo=%u", xml ? "xml" : "default", ev, combo);
			compare(what, want, n, got, len);
		}
	}
	if (!xml) {
		struct ctk_fmt fmt = { .kind = CTK_FMT_SAVE };
		size_t len = ctk_format_entry(got, sizeof(got), e, CTK_EV_NONE, &fmt);
		bool dnat = len && strstr(got, " -g ");
		bool snat = len && strstr(got, " -n ");
		bool both = ctk_entry_has(e, CTK_ATTR_ORIG) && ctk_entry_has(e, CTK_ATTR_REPLY);

		if (both && (dnat != (nfct_getobjopt(ct, NFCT_GOPT_IS_DNAT) > 0) ||
			     snat != (nfct_getobjopt(ct, NFCT_GOPT_IS_SNAT) > 0)))
			compare("save nat", "(getobjopt disagrees)", -1, got, len);
	}
	nfct_destroy(ct);
}

int main(int argc, char **argv)
{
	unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000;
	unsigned int seed = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : (unsigned int)time(NULL);
	FILE *f = fopen(LABEL_FILE, "w");
	struct nfct_labelmap *nmap;
	struct ctk_labelmap *cmap;
	struct ctk_entry e;

	fputs("# test map\n0 zero\n1 one\n5 five\n 7   seven  \n31 thirty-one\n32 x\n64 sixty four\n"
	      "99 bad;name\n100 one\n127 last\n0x30 hex\n", f);
	fclose(f);
	nmap = nfct_labelmap_new(LABEL_FILE);
	cmap = ctk_labelmap_load(LABEL_FILE);
	for (unsigned int bit = 0; bit < 1024; bit++) {
		const char *a = nfct_labelmap_get_name(nmap, bit);
		const char *b = ctk_labelmap_name(cmap, bit);

		if (a && !*a)
			a = NULL;
		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b)))
			printf("LABELMAP bit %u: ref %s ctk %s\n", bit, a ? a : "-", b ? b : "-"), failures++;
	}
	printf("seed %u\n", seed);
	srandom(seed);
	for (unsigned long i = 0; i < iterations; i++) {
		rnd_entry(&e, false);
		check_entry(&e, nmap, cmap, false);
		rnd_entry(&e, true);
		check_entry(&e, nmap, cmap, true);
	}
	nfct_labelmap_destroy(nmap);
	ctk_labelmap_free(cmap);
	unlink(LABEL_FILE);
	printf("%lu entries, %u mismatches\n", iterations * 2, failures);
	return failures ? 1 : 0;
}
