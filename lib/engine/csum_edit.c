// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Checksums of packets the engine rewrites (NAT, helpers, sequence
 * adjustment): an incremental update when a few bytes change (RFC 1624,
 * as inet_proto_csum_replace*: a wrong checksum stays wrong), and a
 * transport checksum computed afresh when a payload is rewritten (as
 * nf_nat_csum does for a mangled segment).
 */
#include "engine/eng.h"
#include "engine/csum_edit.h"

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void eng_csum_replace(uint8_t *check, const uint8_t *from, const uint8_t *to, size_t n)
{
	/* HC' = ~(~HC + ~m + m') over 16-bit words (@n is even) */
	uint32_t sum = (uint16_t)~(check[0] << 8 | check[1]);

	for (size_t i = 0; i + 1 < n; i += 2) {
		sum += (uint16_t)~(from[i] << 8 | from[i + 1]);
		sum += (uint32_t)(to[i] << 8 | to[i + 1]);
	}
	sum = (uint16_t)~fold(sum);
	check[0] = (uint8_t)(sum >> 8);
	check[1] = (uint8_t)sum;
}

void eng_l4_csum_fill(uint8_t *l3, uint32_t l4off, uint32_t l4len, uint8_t proto,
		      uint32_t check_at)
{
	bool v6 = (l3[0] >> 4) == 6;
	uint8_t *l4 = l3 + l4off;
	uint32_t sum = 0;
	uint16_t c;

	l4[check_at] = l4[check_at + 1] = 0;
	if (v6)
		sum = sum16(sum, l3 + 8, 32);
	else
		sum = sum16(sum, l3 + 12, 8);
	sum += proto;
	sum += l4len & 0xffff;
	sum += l4len >> 16;
	sum = sum16(sum, l4, l4len);
	c = (uint16_t)~fold(sum);
	if (c == 0 && proto == IPPROTO_UDP)
		c = 0xffff;
	l4[check_at] = (uint8_t)(c >> 8);
	l4[check_at + 1] = (uint8_t)c;
}

void eng_ip_len_set(uint8_t *l3, uint32_t total)
{
	uint8_t old[2], val[2];

	if ((l3[0] >> 4) == 6) {
		l3[4] = (uint8_t)((total - 40) >> 8);
		l3[5] = (uint8_t)(total - 40);
		return;
	}
	old[0] = l3[2];
	old[1] = l3[3];
	val[0] = (uint8_t)(total >> 8);
	val[1] = (uint8_t)total;
	l3[2] = val[0];
	l3[3] = val[1];
	eng_csum_replace(l3 + 10, old, val, 2);
}
