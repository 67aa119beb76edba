// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Transport checksums, verified as nf_conntrack_checksum asks: the
 * one's-complement sum over the pseudo-header (none for ICMPv4) and the
 * transport data must fold to 0xffff.
 */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "engine/eng.h"

/*
 * The one's-complement sum does not depend on byte order as long as
 * every word is read the same way: words are summed in native order,
 * eight bytes at a time, and the pseudo-header's numbers are added in
 * network order to match. A trailing odd byte is the first of a word
 * whose second byte is zero.
 */
static uint64_t sum_words(uint64_t sum, const uint8_t *p, uint32_t n)
{
	uint64_t w64;
	uint32_t w32;
	uint16_t w16;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w64, p, 8);
		sum += (w64 & 0xffffffff) + (w64 >> 32);
	}
	if (n >= 4) {
		memcpy(&w32, p, 4);
		sum += w32;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&w16, p, 2);
		sum += w16;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, 2);
		sum += w16;
	}
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

bool eng_l4_csum_ok(const struct eng_pkt *p, uint32_t cover)
{
	return eng_l4_csum_ok_as(p, cover, p->l4num);
}

bool eng_l4_csum_ok_as(const struct eng_pkt *p, uint32_t cover, uint8_t pseudo_proto)
{
	uint32_t l4len = p->len - p->l4off;
	uint64_t sum = 0;

	if (!cover || cover > l4len)
		cover = l4len;
	if (p->l3num == AF_INET) {
		if (p->l4num != IPPROTO_ICMP) {
			sum = sum_words(sum, p->l3 + 12, 8);
			sum += htons(pseudo_proto);
			sum += htons((uint16_t)l4len);
		}
	} else {
		sum = sum_words(sum, p->l3 + 8, 32);
		sum += htons((uint16_t)(l4len >> 16)) + htons((uint16_t)l4len);
		sum += htons(pseudo_proto);
	}
	sum = sum_words(sum, p->l3 + p->l4off, cover);
	return fold(sum) == 0xffff;
}
