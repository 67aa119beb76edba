// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sync_wire PCAP [PORT] - decode the conntrackd sync messages of a capture
 * with libctkit's codec and re-encode them (tests/integration/
 * test_sync_wire.py). For every UDP datagram to PORT (default 3780) each
 * message is framed; each data message is parsed and built again, and the
 * rebuilt bytes must equal the captured ones (sequence and flags copied,
 * as the builder leaves them to the sender). One line per data message:
 *
 *   CT_NEW ok l3=2 l4=6 src=... dst=... sport=... dport=... src=... ...
 *   EXP_NEW ok master ... expected ... mask ...
 *   CT_UPD MISMATCH <captured hex> <rebuilt hex>
 *   ERROR <why>
 *
 * A line "SUMMARY msgs=N data=N ctl=N errors=N mismatches=N" ends the
 * output. Exit 0 when there was neither an error nor a mismatch.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <ctkit/l4proto.h>
#include <ctkit/sync.h>

static const char *const type_names[16] = {"CT_NEW",  "CT_UPD",	 "CT_DEL",    "EXP_NEW",
					   "EXP_UPD", "EXP_DEL", [10] = "CTL"};

static struct {
	unsigned long msgs, data, ctl, errors, mismatches;
} count;

static void print_addr(const char *key, uint8_t l3, const union ctk_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(l3 == AF_INET6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	printf(" %s=%s", key, s);
}

/* The fields conntrack -L prints for a tuple, with the same keys. */
static void print_tuple(const struct ctk_tuple *t)
{
	print_addr("src", t->l3num, &t->src);
	print_addr("dst", t->l3num, &t->dst);
	switch (ctk_l4proto_find(t->l4num)->key) {
	case CTK_L4KEY_PORTS:
		printf(" sport=%u dport=%u", t->sport, t->dport);
		break;
	case CTK_L4KEY_GRE:
		printf(" srckey=0x%x dstkey=0x%x", t->sport, t->dport);
		break;
	case CTK_L4KEY_ICMP:
		printf(" type=%u code=%u id=%u", t->icmp_type, t->icmp_code, t->icmp_id);
		break;
	default:
		break;
	}
}

static void print_entry(const struct ctk_entry *e)
{
	printf(" l3=%u l4=%u", e->orig.l3num, e->orig.l4num);
	print_tuple(&e->orig);
	print_tuple(&e->reply);
	printf(" status=0x%x", e->status);
	if (ctk_entry_has(e, CTK_ATTR_MARK))
		printf(" mark=%u", e->mark);
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		printf(" zone=%u", e->zone);
	if (ctk_entry_has(e, CTK_ATTR_LABELS))
		printf(" labels=%08x%08x%08x%08x", e->labels[3], e->labels[2], e->labels[1],
		       e->labels[0]);
	if (ctk_entry_has(e, CTK_ATTR_HELPER_NAME))
		printf(" helper=%s", e->helper_name);
	if (ctk_entry_has(e, CTK_ATTR_TCP_WSCALE_ORIG))
		printf(" wscale=%u,%u", e->tcp.wscale[0], e->tcp.wscale[1]);
	if (ctk_entry_has(e, CTK_ATTR_SYNPROXY))
		printf(" synproxy");
	if (!ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		printf(" no-timeout");
	if (ctk_entry_has(e, CTK_ATTR_MASTER)) {
		printf(" master");
		print_tuple(&e->master);
	}
}

static void print_expect(const struct ctk_expect *x)
{
	printf(" master l4=%u", x->master.l4num);
	print_tuple(&x->master);
	printf(" expected l4=%u", x->expected.l4num);
	print_tuple(&x->expected);
	printf(" mask");
	print_tuple(&x->mask);
	printf(" flags=%u", x->flags);
	if (ctk_expect_has(x, CTK_EXPECT_ATTR_HELPER_NAME))
		printf(" helper=%s", x->helper_name);
}

static void print_hex(const uint8_t *p, size_t n)
{
	putchar(' ');
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static unsigned int options(const struct ctk_entry *e)
{
	unsigned int flags = 0;

	if (!ctk_entry_has(e, CTK_ATTR_TIMEOUT))
		flags |= CTK_SYNC_NO_TIMEOUT;
	if (ctk_entry_has(e, CTK_ATTR_TCP_WSCALE_ORIG))
		flags |= CTK_SYNC_TCP_WSCALE;
	return flags;
}

/* Parse one data message and build it again; 0 when the bytes are the same. */
static int roundtrip(const uint8_t *msg, const struct ctk_sync_hdr *h)
{
	static struct ctk_entry e;
	static struct ctk_expect x;
	uint8_t out[CTK_SYNC_MSG_MAX];
	bool is_ct = h->type <= CTK_SYNC_CT_DEL;
	int n;

	if (is_ct ? ctk_sync_ct_parse(msg, h->len, &e) : ctk_sync_expect_parse(msg, h->len, &x)) {
		printf("ERROR %s does not parse:", type_names[h->type]);
		print_hex(msg, h->len);
		putchar('\n');
		count.errors++;
		return -1;
	}
	/* the sender's options show in what it sent: CommitTimeout, TCPWindowTracking */
	n = is_ct ? ctk_sync_ct_build(out, sizeof(out), h->type, &e, options(&e))
		  : ctk_sync_expect_build(
			    out, sizeof(out), h->type, &x,
			    ctk_expect_has(&x, CTK_EXPECT_ATTR_TIMEOUT) ? 0 : CTK_SYNC_NO_TIMEOUT);
	if (n > 0) {
		ctk_sync_hdr_set_seq(out, h->seq);
		out[1] = h->flags;
	}
	if (n != h->len || memcmp(out, msg, h->len)) {
		printf("%s MISMATCH", type_names[h->type]);
		print_hex(msg, h->len);
		print_hex(out, n > 0 ? (size_t)n : 0);
		putchar('\n');
		count.mismatches++;
		return -1;
	}
	printf("%s ok", type_names[h->type]);
	if (is_ct)
		print_entry(&e);
	else
		print_expect(&x);
	putchar('\n');
	return 0;
}

static void payload(const uint8_t *p, size_t len)
{
	struct ctk_sync_hdr h;

	while (len > 0) {
		int n = ctk_sync_hdr_parse(p, len, &h);

		if (n < 0) {
			printf("ERROR framing: %s\n", ctk_sync_error_name(-n));
			count.errors++;
			return;
		}
		count.msgs++;
		if (h.type == CTK_SYNC_CTL)
			count.ctl++;
		else {
			count.data++;
			roundtrip(p, &h);
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Ethernet or Linux cooked capture, IPv4 or IPv6, UDP to @port. */
static void packet(int dlt, const uint8_t *p, size_t len, uint16_t port)
{
	size_t off = dlt == DLT_LINUX_SLL ? 16 : 14;
	uint16_t proto, dport;
	size_t l4;

	if (len < off)
		return;
	proto = (uint16_t)(p[off - 2] << 8 | p[off - 1]);
	if (proto == 0x0800 && len >= off + 20 && p[off + 9] == IPPROTO_UDP)
		l4 = off + (size_t)(p[off] & 0x0f) * 4;
	else if (proto == 0x86dd && len >= off + 40 && p[off + 6] == IPPROTO_UDP)
		l4 = off + 40;
	else
		return;
	if (len < l4 + 8)
		return;
	dport = (uint16_t)(p[l4 + 2] << 8 | p[l4 + 3]);
	if (dport == port)
		payload(p + l4 + 8, len - l4 - 8);
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const uint8_t *data;
	uint16_t port = argc > 2 ? (uint16_t)atoi(argv[2]) : 3780;
	pcap_t *pc;

	if (argc < 2) {
		fprintf(stderr, "usage: sync_wire PCAP [PORT]\n");
		return 2;
	}
	pc = pcap_open_offline(argv[1], err);
	if (!pc) {
		fprintf(stderr, "sync_wire: %s\n", err);
		return 2;
	}
	while (pcap_next_ex(pc, &ph, &data) == 1)
		packet(pcap_datalink(pc), data, ph->caplen, port);
	pcap_close(pc);
	printf("SUMMARY msgs=%lu data=%lu ctl=%lu errors=%lu mismatches=%lu\n", count.msgs,
	       count.data, count.ctl, count.errors, count.mismatches);
	return count.errors || count.mismatches ? 1 : 0;
}
