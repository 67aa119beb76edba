// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Link-layer framing of captured packets: where the IP header starts in
 * a pcap record, for the link types captures of Linux traffic come in
 * (Ethernet with 802.1Q/802.1ad tags, Linux cooked SLL and SLL2, raw IP,
 * BSD loopback). Frames that carry no IPv4/IPv6 (ARP, LLDP...) are not
 * for conntrack: the kernel never shows them to it.
 */
#include <errno.h>
#include <ctkit/engine.h>
#include "engine/eng.h"

enum {
	LT_NULL = 0, LT_EN10MB = 1, LT_RAW_BSD = 12, LT_RAW_OPENBSD = 14, LT_RAW = 101,
	LT_LOOP = 108, LT_LINUX_SLL = 113, LT_IPV4 = 228, LT_IPV6 = 229, LT_LINUX_SLL2 = 276,
};

static int ip_ethertype(uint16_t type)
{
	return type == 0x0800 || type == 0x86dd ? 0 : -ENOENT;
}

static int ethernet(const uint8_t *f, size_t len, size_t *off)
{
	size_t o = 12;
	uint16_t type;

	for (;;) {
		if (len < o + 2)
			return -EINVAL;
		type = get16(f + o);
		o += 2;
		/* 802.1Q, 802.1ad and the old QinQ tag: skip the tag control. */
		if (type != 0x8100 && type != 0x88a8 && type != 0x9100)
			break;
		o += 2;
	}
	*off = o;
	return ip_ethertype(type);
}

/* BSD loopback: a 4-byte address family in host (DLT_NULL) or network (LOOP) order. */
static int loopback(const uint8_t *f, size_t len, bool network_order, size_t *off)
{
	uint32_t af;

	if (len < 4)
		return -EINVAL;
	af = network_order ? get32(f) : (uint32_t)(f[0] | f[1] << 8 | f[2] << 16 | (uint32_t)f[3] << 24);
	*off = 4;
	/* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30 depending on the OS. */
	return af == 2 || af == 10 || af == 24 || af == 28 || af == 30 ? 0 : -ENOENT;
}

int ctk_frame_l3(uint32_t linktype, const uint8_t *frame, size_t len, size_t *l3_off)
{
	switch (linktype) {
	case LT_EN10MB:
		return ethernet(frame, len, l3_off);
	case LT_RAW_BSD:
	case LT_RAW_OPENBSD:
	case LT_RAW:
	case LT_IPV4:
	case LT_IPV6:
		*l3_off = 0;
		return len ? 0 : -EINVAL;
	case LT_LINUX_SLL:	/* type, ARPHRD, address length, 8-byte address, protocol */
		if (len < 16)
			return -EINVAL;
		*l3_off = 16;
		return ip_ethertype(get16(frame + 14));
	case LT_LINUX_SLL2:	/* protocol first, 20 bytes in all */
		if (len < 20)
			return -EINVAL;
		*l3_off = 20;
		return ip_ethertype(get16(frame));
	case LT_NULL:
		return loopback(frame, len, false, l3_off);
	case LT_LOOP:
		return loopback(frame, len, true, l3_off);
	default:
		return -EPROTONOSUPPORT;
	}
}
