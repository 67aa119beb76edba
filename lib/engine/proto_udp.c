// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * UDP and UDP-Lite, as Linux 6.18's nf_conntrack_proto_udp.c: a header
 * check, then two timeouts. Until a reply is seen the entry lives
 * udp_timeout (30 s) after each packet. Once replied, traffic within two
 * seconds of the first packet still gets 30 s ("probably a request and
 * its answer"); after that the flow is a stream: udp_timeout_stream
 * (120 s) and ASSURED. UDP-Lite skips the two-second rule.
 */
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/eng.h"

static bool udp_error(struct ctk_engine *eng, const struct eng_pkt *p)
{
	uint32_t udplen = p->len - p->l4off;
	const uint8_t *h = p->l3 + p->l4off;
	uint32_t ulen;

	if (udplen < 8)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_UDP_SHORT), true;
	ulen = get16(h + 4);
	if (ulen > udplen || ulen < 8)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_UDP_MALFORMED), true;
	if (get16(h + 6) == 0)
		return false;		/* no checksum */
	if (eng->cfg.checksum && !eng_l4_csum_ok(p, 0))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_UDP_CSUM), true;
	return false;
}

static bool udplite_error(struct ctk_engine *eng, const struct eng_pkt *p)
{
	uint32_t udplen = p->len - p->l4off;
	const uint8_t *h = p->l3 + p->l4off;
	uint32_t cscov;

	if (udplen < 8)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_UDPLITE_SHORT), true;
	cscov = get16(h + 4);
	if (cscov == 0)
		cscov = udplen;
	else if (cscov < 8 || cscov > udplen)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_UDPLITE_COVERAGE), true;
	if (get16(h + 6) == 0)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_UDPLITE_NO_CSUM), true;
	/*
	 * udplite_error() asks nf_checksum_partial() with IPPROTO_UDP, so the
	 * kernel's pseudo-header carries 17, not RFC 3828's 136: only such
	 * packets pass (the oracle's udplite cases show it).
	 */
	if (eng->cfg.checksum && !eng_l4_csum_ok_as(p, cscov, IPPROTO_UDP))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_UDPLITE_CSUM), true;
	return false;
}

static void assure(struct ctk_engine *eng, struct ctk_conn *c)
{
	/* (The kernel never assures NAT-clash entries: no NAT here.) */
	if (c->status & IPS_ASSURED)
		return;
	c->status |= IPS_ASSURED;
	eng->ev_mask |= EV_ASSURED;
}

enum eng_res eng_udp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			    enum ctk_dir dir)
{
	bool lite = c->l4 == IPPROTO_UDPLITE;
	const uint64_t *t = eng->udp_timeouts;

	if (lite ? udplite_error(eng, p) : udp_error(eng, p))
		return ENG_INVALID;
	if (!(c->flags & CONN_LINKED))
		c->p.udp.stream_ts = p->now + 2 * NSEC_PER_SEC;
	if (!(c->status & IPS_SEEN_REPLY)) {
		eng_refresh_acct(eng, c, p, dir, t[0]);
		return ENG_ACCEPT;
	}
	if (lite) {
		eng_refresh_acct(eng, c, p, dir, t[1]);
		assure(eng, c);
		return ENG_ACCEPT;
	}
	/* Still active after two seconds: a stream. (time_after: strictly later) */
	if (p->now > c->p.udp.stream_ts) {
		bool stream = !(c->status & IPS_ASSURED);

		eng_refresh_acct(eng, c, p, dir, t[1]);
		if (stream)
			assure(eng, c);
	} else {
		eng_refresh_acct(eng, c, p, dir, t[0]);
	}
	return ENG_ACCEPT;
}
