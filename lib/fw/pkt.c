// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where nft's payload keys read: the network header, and the transport
 * header after IPv4 options or IPv6 extension headers (what the kernel's
 * nft_set_pktinfo_ipv4/ipv6 compute: pkt->thoff and the l4 protocol).
 * A non-first fragment has no transport header: port matches fail on it.
 */
#include <netinet/in.h>
#include "fw/fw_priv.h"

static bool parse_ipv4(struct fw_hdrs *h)
{
	unsigned int ihl;

	if (h->len < 20)
		return false;
	ihl = (h->l3[0] & 0x0f) * 4u;
	if (ihl < 20 || ihl > h->len)
		return false;
	h->family = 4;
	h->l4proto = h->l3[9];
	/* fragment offset: only the first fragment carries the transport header */
	h->l4off = ((h->l3[6] & 0x1f) | h->l3[7]) ? 0 : ihl;
	return true;
}

static bool ipv6_exthdr(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_FRAGMENT ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_AH;
}

static bool parse_ipv6(struct fw_hdrs *h)
{
	uint32_t off = 40;
	uint8_t nh;

	if (h->len < 40)
		return false;
	h->family = 6;
	nh = h->l3[6];
	while (ipv6_exthdr(nh)) {
		const uint8_t *e = h->l3 + off;

		if (off + 8 > h->len)
			return false;
		if (nh == IPPROTO_FRAGMENT) {
			if ((e[2] << 8 | e[3]) & 0xfff8) {
				h->l4proto = e[0];
				h->l4off = 0;
				return true;
			}
			off += 8;
		} else if (nh == IPPROTO_AH) {
			off += (e[1] + 2u) * 4u;
		} else {
			off += (e[1] + 1u) * 8u;
		}
		nh = e[0];
	}
	if (off > h->len)
		return false;
	h->l4proto = nh;
	h->l4off = off;
	return true;
}

bool fw_hdrs_parse(struct fw_hdrs *h, const uint8_t *l3, uint32_t len)
{
	h->l3 = l3;
	h->len = len;
	h->l4off = 0;
	h->l4proto = 0;
	if (!len)
		return false;
	switch (l3[0] >> 4) {
	case 4:
		return parse_ipv4(h);
	case 6:
		return parse_ipv6(h);
	default:
		return false;
	}
}
