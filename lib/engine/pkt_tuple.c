// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The verdict's tuple for a packet the tracker never keyed: one that
 * failed the IP checks, a fragment, an ICMP error, an untracked or
 * invalid packet. A firewall debugger still wants to see which flow it
 * belonged to, so the tuple is read from the raw header as far as the
 * captured bytes go, without the checks that rejected the packet (what
 * cannot be read stays zero). Packets with an entry get the tuple the
 * tracker keyed instead (core.c), at no extra cost.
 */
#include <string.h>
#include <netinet/in.h>
#include "engine/eng.h"

/* Ports, or ICMP type/code/id, from the layer-4 header at @l4 (@len bytes). */
static void l4_fields(struct ctk_tuple *t, const uint8_t *l4, size_t len)
{
	if (ctk_l4proto_is_icmp(t->l4num)) {
		if (len >= 8) {
			t->icmp_type = l4[0];
			t->icmp_code = l4[1];
			t->icmp_id = get16(l4 + 4);
		}
		return;
	}
	if (ctk_l4proto_has_ports(t->l4num) && len >= 4) {
		t->sport = get16(l4);
		t->dport = get16(l4 + 2);
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
	if ((get16(p + 6) & 0x1fff) == 0 && len > ihl)
		l4_fields(t, p + ihl, len - ihl);
	return true;
}

/*
 * Extension headers are walked as far as they are captured, not as
 * pkt_ip.c checks them: a walk cut short still names the last header.
 */
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
	while (off + 8 <= len) {
		if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS) {
			next = p[off];
			off += ((size_t)p[off + 1] + 1) * 8;
		} else if (next == IPPROTO_AH) {
			next = p[off];
			off += ((size_t)p[off + 1] + 2) * 4;
		} else if (next == IPPROTO_FRAGMENT) {
			if (get16(p + off + 2) & 0xfff8) {
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

bool eng_raw_tuple(const uint8_t *l3, size_t len, struct ctk_tuple *t)
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
