// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which parts of a filter a dump request can carry, so that the kernel
 * skips entries before copying them to us. Claiming too little only costs
 * time; claiming too much would lose entries, so a field is claimed only
 * when the kernel compares it exactly as ctk_filter_match() does:
 *
 *   nfgen_family        family (every kernel)
 *   CTA_MARK(+_MASK)    (mark & mask) == value
 *   CTA_STATUS(+_MASK)  (status & mask) == value
 *   CTA_ZONE            zone id, whatever its direction: claimed only for
 *                       a zone other than 0, since an entry with an
 *                       orig-only zone has no CTA_ZONE, which we read as 0
 *   CTA_FILTER          orig/reply tuple fields, compared exactly
 *                       (ctnetlink_filter_match_tuple, CTA_FILTER_F_*):
 *                       addresses, protocol number, ports, ICMP type,
 *                       code and id. No address masks, so a CIDR orig
 *                       address stays in userspace.
 */
#include <string.h>
#include <sys/socket.h>
#include <ctkit/filter.h>

#define BIT(x) (UINT64_C(1) << (x))

static const union ctk_addr all_ones = {
	.word = { UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX },
};

static bool full_mask(uint8_t family, const union ctk_addr *mask)
{
	size_t len = family == AF_INET6 ? 16 : 4;

	return memcmp(mask, &all_ones, len) == 0;
}

/*
 * The tuple filter needs the family in nfgenmsg to parse addresses and
 * the protocol number to parse ports or ICMP fields.
 */
static uint64_t tuple_fields(const struct ctk_filter *f)
{
	bool family = ctk_filter_has(f, CTK_F_FAMILY) &&
		      (f->family == AF_INET || f->family == AF_INET6);
	uint64_t bits = BIT(CTK_F_L4PROTO);

	/*
	 * IPv6 addresses stay in userspace: ctnetlink_filter_match_tuple()
	 * inverts its IPv6 comparison (it skips entries whose address is
	 * equal), observed on 6.18: "-L -s 2001:db8::1" matched nothing.
	 */
	if (family && f->family == AF_INET) {
		bits |= BIT(CTK_F_REPLY_SRC) | BIT(CTK_F_REPLY_DST);
		if (full_mask(f->family, &f->orig_src_mask))
			bits |= BIT(CTK_F_ORIG_SRC);
		if (full_mask(f->family, &f->orig_dst_mask))
			bits |= BIT(CTK_F_ORIG_DST);
	}
	if (!ctk_filter_has(f, CTK_F_L4PROTO))
		return bits;
	if (ctk_l4proto_has_ports(f->orig.l4num))
		bits |= BIT(CTK_F_ORIG_SPORT) | BIT(CTK_F_ORIG_DPORT) |
			BIT(CTK_F_REPLY_SPORT) | BIT(CTK_F_REPLY_DPORT);
	if (ctk_l4proto_is_icmp(f->orig.l4num))
		bits |= BIT(CTK_F_ICMP_TYPE) | BIT(CTK_F_ICMP_CODE) | BIT(CTK_F_ICMP_ID);
	return bits;
}

uint64_t ctk_filter_kernel_fields(const struct ctk_filter *f, const struct ctk_kernel_caps *caps)
{
	uint64_t bits = BIT(CTK_F_FAMILY);

	if (caps->mark)
		bits |= BIT(CTK_F_MARK);
	if (caps->status)
		bits |= BIT(CTK_F_STATUS);
	if (caps->zone && f->zone != 0)
		bits |= BIT(CTK_F_ZONE);
	if (caps->tuple)
		bits |= tuple_fields(f);
	return f->has & bits;
}
