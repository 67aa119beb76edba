// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The FTP helper (nf_conntrack_ftp.c, with nf_nat_ftp.c for NATed
 * control connections). A segment is read only when it starts a line:
 * right after a segment of the same direction that ended in a newline
 * (so the first segment each way is never read). PORT and EPRT announce
 * a connection from the server, 227 and 229 one from the client; the
 * expectation is for the address the control connection's other end
 * uses. With NAT, the announced address and port become the NAT side's,
 * the text is rewritten and the sequence numbers shifted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/csum_edit.h"
#include "engine/expect.h"
#include "engine/fwext.h"
#include "engine/ftp.h"
#include "engine/helper.h"

#define FTP_MAX_EXPECTED 1
#define FTP_EXPECT_TIMEOUT (300 * NSEC_PER_SEC)

static bool after_newline(const struct eng_help *h, enum ctk_dir dir, uint32_t seq)
{
	for (unsigned int i = 0; i < h->nl_num[dir]; i++)
		if (h->nl_seq[dir][i] == seq)
			return true;
	return false;
}

/* Remember where the next line starts; of two, the older position is replaced. */
static void note_newline(struct eng_help *h, enum ctk_dir dir, uint32_t seq)
{
	unsigned int oldest;

	if (after_newline(h, dir, seq))
		return;
	if (h->nl_num[dir] < 2) {
		h->nl_seq[dir][h->nl_num[dir]++] = seq;
		return;
	}
	oldest = seq_before(h->nl_seq[dir][0], h->nl_seq[dir][1]) ? 0 : 1;
	if (seq_after(seq, h->nl_seq[dir][oldest]))
		h->nl_seq[dir][oldest] = seq;
}

/* The tuple of @dir (source first), NATed where bound. */
static void dir_tuple(const struct ctk_engine *eng, const struct ctk_conn *c, enum ctk_dir dir,
		      struct eng_tuple *t)
{
	if (dir == CTK_DIR_ORIG)
		eng_conn_tuple(c, t);
	else
		eng_conn_reply(eng, c, t);
}

static size_t addr_len(uint8_t l3)
{
	return l3 == AF_INET ? 4 : 16;
}

/* nf_nat_exp_find_port(): the announced port if free, else the next free one. */
static uint16_t nat_port(struct ctk_engine *eng, struct eng_expect *x, uint64_t now)
{
	for (uint16_t port = x->saved_port; port != 0; port++) {
		int err;

		x->tuple.dport = port;
		err = eng_expect_add(eng, x, FTP_MAX_EXPECTED, now);
		if (err == 0)
			return port;
		if (err != -EBUSY)
			break;
	}
	return 0;
}

static void expect_nat(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help *h,
		       struct eng_help_pkt *p, struct eng_expect *x, const struct eng_ftp_match *m,
		       struct eng_help_out *out)
{
	enum ctk_dir other = p->dir == CTK_DIR_ORIG ? CTK_DIR_REPLY : CTK_DIR_ORIG;
	struct eng_tuple back;
	char text[64 + 16];
	uint16_t port;
	int n;

	/* The connection will come from wherever this packet goes: the other direction. */
	dir_tuple(eng, c, other, &back);
	x->nat = true;
	x->nat_dir = (uint8_t)other;
	x->saved_port = x->tuple.dport;
	port = nat_port(eng, x, p->now);
	if (!port) {
		snprintf(out->note, sizeof(out->note), "all ports in use");
		out->drop = true;
		return;
	}
	n = eng_ftp_format(m->type, back.l3 == AF_INET ? 4 : 6, back.dst.byte, port, text,
			   sizeof(text));
	if (n <= 0 || !eng_mangle_tcp(c, h, p, m->off, m->len, text, (size_t)n)) {
		snprintf(out->note, sizeof(out->note), "cannot mangle packet");
		out->drop = true;
	}
}

/* A command or reply that names a connection: expect it. */
static void expect_data(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help *h,
			struct eng_help_pkt *p, const struct eng_ftp_match *m,
			struct eng_help_out *out)
{
	enum ctk_dir other = p->dir == CTK_DIR_ORIG ? CTK_DIR_REPLY : CTK_DIR_ORIG;
	struct eng_tuple mine, back;
	struct eng_expect x;

	dir_tuple(eng, c, p->dir, &mine);
	dir_tuple(eng, c, other, &back);
	/* An address other than the sender's is not followed (the helper's loose=0). */
	if (memcmp(m->addr, mine.src.byte, addr_len(mine.l3)))
		return;
	memset(&x, 0, sizeof(x));
	x.tuple.l3 = mine.l3;
	x.tuple.l4 = IPPROTO_TCP;
	x.tuple.src = back.src;
	x.tuple.dst = back.dst;
	x.tuple.dport = m->port;
	x.any_sport = true;
	x.zone = eng_conn_zone(eng, c);
	x.expires = p->now + FTP_EXPECT_TIMEOUT;
	x.master = ctk_engine_conn_handle(c);
	strcpy(x.helper, "ftp");
	if (c->status & (IPS_SRC_NAT | IPS_DST_NAT)) {
		expect_nat(eng, c, h, p, &x, m, out);
		return;
	}
	if (eng_expect_add(eng, &x, FTP_MAX_EXPECTED, p->now) != 0) {
		snprintf(out->note, sizeof(out->note), "cannot add expectation");
		out->drop = true;
	}
}

void eng_ftp_help(struct ctk_engine *eng, struct ctk_conn *c, struct eng_help *h,
		  struct eng_help_pkt *p, struct eng_help_out *out)
{
	const uint8_t *th = p->l3 + p->l4off;
	struct eng_ftp_match m;
	struct eng_tuple mine;
	uint32_t dataoff, datalen, seq, next;
	bool ends_nl;
	int found;

	/* Until there has been traffic both ways, the helper reads nothing. */
	if (!p->established || p->l4off + 20 > p->len)
		return;
	dataoff = p->l4off + (th[12] >> 4) * 4u;
	if (dataoff >= p->len)
		return;
	datalen = (uint32_t)p->len - dataoff;
	seq = get32(th + 4);
	next = seq + datalen;
	ends_nl = p->l3[p->len - 1] == '\n';
	if (after_newline(h, p->dir, seq)) {
		memset(&m, 0, sizeof(m));
		dir_tuple(eng, c, p->dir, &mine);
		m.family = mine.l3 == AF_INET ? 4 : 6;
		memcpy(m.addr, mine.src.byte, addr_len(mine.l3));
		found = eng_ftp_parse(p->l3 + dataoff, datalen, p->dir, &m);
		if (found < 0) {
			snprintf(out->note, sizeof(out->note), "partial matching of `%s'",
				 m.partial);
			out->drop = true;
			return;
		}
		if (found > 0)
			expect_data(eng, c, h, p, &m, out);
		if (out->drop)
			return;
	}
	if (ends_nl)
		note_newline(h, p->dir, next);
}

bool eng_mangle_tcp(struct ctk_conn *c, struct eng_help *h, struct eng_help_pkt *p,
		    uint32_t match_off, uint32_t match_len, const char *text, size_t text_len)
{
	uint8_t *th = p->l3 + p->l4off;
	uint32_t dataoff = p->l4off + (th[12] >> 4) * 4u, at = dataoff + match_off;
	size_t newlen = p->len - match_len + text_len;
	uint32_t seq = get32(th + 4);

	if (at + match_len > p->len || newlen > p->cap)
		return false;
	memmove(p->l3 + at + text_len, p->l3 + at + match_len, p->len - at - match_len);
	memcpy(p->l3 + at, text, text_len);
	p->len = newlen;
	eng_ip_len_set(p->l3, (uint32_t)newlen);
	eng_l4_csum_fill(p->l3, p->l4off, (uint32_t)(newlen - p->l4off), IPPROTO_TCP, 16);
	eng_seqadj_set(c, h, p->dir, seq, (int32_t)text_len - (int32_t)match_len);
	return true;
}
