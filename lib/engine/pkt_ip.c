// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Layer 3: find the transport header of an IPv4 or IPv6 packet, as the
 * kernel's ip_rcv/ipv6_rcv checks followed by conntrack's get_l4proto()
 * (IPv4 options skipped by IHL; IPv6 extension headers walked as
 * ipv6_skip_exthdr does).
 *
 * A packet the kernel would drop before conntrack (bad IPv4 header
 * checksum, length fields beyond the data) is reported invalid with an
 * "ip: ..." or "ipv6: ..." reason that the kernel does not log.
 * Fragments are flagged for pkt_frag.c, which reassembles them first as
 * the kernel's defrag does.
 */
#include <string.h>
#include <netinet/in.h>
#include "engine/eng.h"

/*
 * Is the IPv4 header checksum right? The one's complement sum of the
 * header, checksum included, is 0xffff; the sum does not depend on byte
 * order, so the header is summed as native 32-bit words (ip_fast_csum).
 */
static bool ipv4_header_ok(const uint8_t *h, unsigned int len)
{
	uint64_t sum = 0;
	uint32_t w;

	for (unsigned int i = 0; i < len; i += 4) {
		memcpy(&w, h + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static bool parse_ipv4(struct ctk_engine *eng, const uint8_t *l3, size_t len, struct eng_pkt *p)
{
	unsigned int ihl, tot;

	if (len < 20)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP_TRUNC_HEADER), false;
	ihl = (l3[0] & 0x0f) * 4u;
	tot = get16(l3 + 2);
	if (ihl < 20 || len < ihl)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP_HEADER_LEN), false;
	if (!ipv4_header_ok(l3, ihl))
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP_HEADER_CSUM), false;
	if (tot > len)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP_TRUNC), false;
	if (tot < ihl)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP_TOTAL_LEN), false;
	p->l3num = AF_INET;
	p->len = tot;
	p->l4off = ihl;
	p->l4num = l3[9];
	p->hop_limit = l3[8];
	/* More-fragments or an offset: reassembled before tracking. */
	p->frag = get16(l3 + 6) & 0x3fff;
	return true;
}

static bool ipv6_is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 59 || nh == 60;
}

/*
 * Walk IPv6 extension headers from @off (next header @nh, named by the
 * byte at *@nh_at) to the transport header, as ipv6_skip_exthdr. Returns
 * the offset, or -1 (missing data, "no next header", a non-first
 * fragment). With @frag_at, a fragment header with an offset or the M
 * flag stops the walk: its offset is stored there.
 */
static long ipv6_skip_ext(const uint8_t *l3, uint32_t len, uint32_t off, uint8_t *nh, uint32_t *nh_at,
			  uint32_t *frag_at)
{
	while (ipv6_is_ext(*nh)) {
		uint32_t hlen;

		if (*nh == 59 || off + 8 > len)
			return -1;
		if (*nh == 44) {
			uint16_t frag = get16(l3 + off + 2);

			if (frag_at && (frag & 0xfff9)) {
				*frag_at = off;
				return (long)off;
			}
			if (frag & 0xfff8)	/* not the first fragment */
				return -1;
			hlen = 8;
		} else if (*nh == 51) {
			hlen = (l3[off + 1] + 2u) * 4u;
		} else {
			hlen = (l3[off + 1] + 1u) * 8u;
		}
		*nh = l3[off];
		*nh_at = off;
		off += hlen;
	}
	return off <= len ? (long)off : -1;
}

static bool parse_ipv6(struct ctk_engine *eng, const uint8_t *l3, size_t len, struct eng_pkt *p)
{
	uint32_t plen, nh_at = 6, frag_at = 0;
	uint8_t nh;
	long off;

	if (len < 40)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP6_TRUNC_HEADER), false;
	plen = get16(l3 + 4);
	if (plen == 0)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP6_JUMBO), false;
	if (40 + plen > len)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP6_TRUNC), false;
	p->l3num = AF_INET6;
	p->len = 40 + plen;
	p->hop_limit = l3[7];
	nh = l3[6];
	off = ipv6_skip_ext(l3, p->len, 40, &nh, &nh_at, &frag_at);
	if (off < 0)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP6_EXTHDR),
		       p->l4num = 0, p->tracked = true, false;
	if (frag_at) {
		p->frag = true;
		p->frag_at = frag_at;
		p->frag_nh_at = nh_at;
	}
	p->l4off = (uint32_t)off;
	p->l4num = nh;
	return true;
}

bool eng_parse_ip(struct ctk_engine *eng, const uint8_t *l3, size_t len, struct eng_pkt *p)
{
	p->l3 = l3;
	if (len < 1)
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP_EMPTY), false;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	switch (l3[0] >> 4) {
	case 4:
		return parse_ipv4(eng, l3, len, p);
	case 6:
		return parse_ipv6(eng, l3, len, p);
	default:
		return eng_invalid(eng, ENG_INVALID, CTK_INVALID_IP_VERSION, l3[0] >> 4), false;
	}
}

/*
 * The packet quoted in an ICMP error, from @off: its transport header, as
 * get_l4proto() on the inner header (no length checks: quotes are cut).
 * Returns false when the quote is too short or a non-first fragment.
 */
bool eng_parse_inner(const uint8_t *l3, uint32_t len, uint32_t off, uint8_t l3num,
		     uint32_t *l4off, uint8_t *l4num)
{
	const uint8_t *h = l3 + off;
	uint32_t nh_at = off + 6;
	uint8_t nh;
	long o;

	if (l3num == AF_INET) {
		if (off + 20 > len || (h[0] >> 4) != 4)
			return false;
		if (get16(h + 6) & 0x1fff)
			return false;
		*l4off = off + (h[0] & 0x0f) * 4u;
		*l4num = h[9];
		return *l4off <= len;
	}
	if (off + 40 > len || (h[0] >> 4) != 6)
		return false;
	nh = h[6];
	o = ipv6_skip_ext(l3, len, off + 40, &nh, &nh_at, NULL);
	if (o < 0)
		return false;
	*l4off = (uint32_t)o;
	*l4num = nh;
	return true;
}
