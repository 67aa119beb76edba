// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Transport checksums, verified as nf_conntrack_checksum asks: the
 * one's-complement sum over the pseudo-header (none for ICMPv4) and the
 * transport data must fold to 0xffff.
 */
#include <netinet/in.h>
#include "engine/eng.h"

static uint64_t sum_bytes(uint64_t sum, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
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
			sum = sum_bytes(sum, p->l3 + 12, 8);
			sum += pseudo_proto;
			sum += l4len;
		}
	} else {
		sum = sum_bytes(sum, p->l3 + 8, 32);
		sum += l4len;
		sum += pseudo_proto;
	}
	sum = sum_bytes(sum, p->l3 + p->l4off, cover);
	return fold(sum) == 0xffff;
}
