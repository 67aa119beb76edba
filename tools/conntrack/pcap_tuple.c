// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack --pcap: the tuple of a packet the engine found invalid or did
 * not track, for display only. The engine has no entry to show for such
 * a packet, but a firewall debugger still wants to see which flow it
 * belonged to. Best effort: what cannot be read stays zero.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "run_pcap.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Ports, or ICMP type/code/id, from the layer-4 header at @l4 (@len bytes). */
static void l4_fields(struct ctk_tuple *t, const uint8_t *l4, size_t len)
{
	if (ctk_l4proto_is_icmp(t->l4num)) {
		if (len >= 8) {
			t->icmp_type = l4[0];
			t->icmp_code = l4[1];
			t->icmp_id = be16(l4 + 4);
		}
		return;
	}
	if (ctk_l4proto_has_ports(t->l4num) && len >= 4) {
		t->sport = be16(l4);
		t->dport = be16(l4 + 2);
	}
}

static bool ipv4_tuple(const uint8_t *p, size_t len, struct ctk_tuple *t)
{
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;

	if (len < 20 || ihl < 20)
		return false;
	t->l3num = AF_INET;
	t->l4num = p[9];
	memcpy(&t->src.v4, p + 12, 4);
	memcpy(&t->dst.v4, p + 16, 4);
	/* A later fragment has no layer-4 header. */
	if ((be16(p + 6) & 0x1fff) == 0 && len > ihl)
		l4_fields(t, p + ihl, len - ihl);
	return true;
}

static bool ipv6_tuple(const uint8_t *p, size_t len, struct ctk_tuple *t)
{
	uint8_t next;
	size_t off = 40;

	if (len < 40)
		return false;
	t->l3num = AF_INET6;
	memcpy(&t->src.v6, p + 8, 16);
	memcpy(&t->dst.v6, p + 24, 16);
	next = p[6];
	/* Extension headers, as ipv6_skip_exthdr walks them. */
	while (off + 8 <= len) {
		if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS) {
			next = p[off];
			off += ((size_t)p[off + 1] + 1) * 8;
		} else if (next == IPPROTO_AH) {
			next = p[off];
			off += ((size_t)p[off + 1] + 2) * 4;
		} else if (next == IPPROTO_FRAGMENT) {
			if (be16(p + off + 2) & 0xfff8) {
				t->l4num = p[off];
				return true;
			}
			next = p[off];
			off += 8;
		} else {
			break;
		}
	}
	t->l4num = next;
	if (off < len)
		l4_fields(t, p + off, len - off);
	return true;
}

bool ct_packet_tuple(const uint8_t *l3, size_t len, struct ctk_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (len < 1)
		return false;
	switch (l3[0] >> 4) {
	case 4:
		return ipv4_tuple(l3, len, t);
	case 6:
		return ipv6_tuple(l3, len, t);
	default:
		return false;
	}
}
