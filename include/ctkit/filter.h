/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One filter model: what conntrack's selection options mean, as a predicate
 * on an entry. The same filter serves kernel dumps, kernel events and the
 * userspace engine. ctk_filter_kernel_fields() tells which parts a kernel
 * dump request could apply instead, so a caller can send those and keep
 * checking the rest here.
 *
 * A filter is a plain struct: set the values, then the CTK_F_* bit that
 * says the comparison applies. Semantics follow conntrack-tools 1.4.7
 * (nfct_filter + nfct_cmp(NFCT_CMP_ALL | NFCT_CMP_MASK)).
 */
#ifndef CTKIT_FILTER_H
#define CTKIT_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A field the entry lacks fails its comparison (as nfct_cmp with
 * NFCT_CMP_MASK does), except the zones: the kernel omits zone 0.
 * Addresses compare only when the entry's tuple has family @family.
 * Ports compare only for protocols with ports (ctk_l4proto_has_ports), ICMP
 * fields only for icmp/icmpv6; set CTK_F_L4PROTO along with them.
 */
enum ctk_filter_field {
	CTK_F_FAMILY,		/* orig.l3num == family */
	CTK_F_ORIG_SRC,		/* (orig.src & orig_src_mask) == (f.orig.src & mask) */
	CTK_F_ORIG_DST,
	CTK_F_REPLY_SRC,	/* exact */
	CTK_F_REPLY_DST,
	CTK_F_L4PROTO,		/* orig.l4num == f.orig.l4num */
	CTK_F_ORIG_SPORT,	/* ports, or GRE keys; 1.4.7 never compares GRE keys */
	CTK_F_ORIG_DPORT,
	CTK_F_REPLY_SPORT,	/* f.reply.sport */
	CTK_F_REPLY_DPORT,
	CTK_F_ICMP_TYPE,	/* orig tuple (the request type: 8, not 0) */
	CTK_F_ICMP_CODE,
	CTK_F_ICMP_ID,
	CTK_F_TCP_STATE,
	CTK_F_SCTP_STATE,
	CTK_F_DCCP_STATE,
	CTK_F_STATUS,		/* (status & status_mask) == status, see below */
	CTK_F_MARK,		/* (mark & mark_mask) == mark */
	CTK_F_SECMARK,		/* exact; 1.4.7 accepts -c but never compares it */
	CTK_F_ZONE,		/* absent zone counts as 0 */
	CTK_F_ORIG_ZONE,
	CTK_F_REPLY_ZONE,
	CTK_F_ID,
	CTK_F_TIMEOUT,		/* exact (reference compares it when -t is given to -D) */
	CTK_F_LABELS,		/* entry has labels and every bit in labels[] set */
	CTK_F_SNAT,		/* entry is source-NATed [to nat ip/port], see below */
	CTK_F_DNAT,
	CTK_F_ANYNAT,		/* SNAT or DNAT, both checked with @anynat */
	CTK_F_MAX
};

/*
 * NAT, as conntrack 1.4.7 filter_nat(): an entry is source-NATed when
 * IPS_SRC_NAT_DONE is set (or the status is absent) and
 * reply.dst != orig.src (address NAT) or reply.dport !=
 * orig.sport (port NAT); DNAT likewise with reply.src/orig.dst, reply.sport/
 * orig.dport and IPS_DST_NAT_DONE. With has_ip the address must be NATed to
 * @ip (in the entry's family); with has_port the port must be NATed to @port
 * (ICMP, having no port, compares 0); with both, both; with neither,
 * address or port NAT counts.
 * Compat: 1.4.7 ignores an IPv6 NAT address (it reads only the IPv4 one),
 * so `--src-nat fd00::8` lists every IPv6 SNAT entry: a compatible CLI
 * leaves has_ip false for IPv6 addresses.
 */
struct ctk_filter_nat {
	bool has_ip;
	bool has_port;
	union ctk_addr ip;
	uint16_t port;
};

struct ctk_filter {
	uint64_t has;				/* bit per enum ctk_filter_field */
	uint8_t family;				/* CTK_F_FAMILY; also the family of
						 * every address in the filter */
	struct ctk_tuple orig;			/* values for CTK_F_ORIG_* and L4/ICMP fields */
	struct ctk_tuple reply;			/* values for CTK_F_REPLY_* */
	union ctk_addr orig_src_mask;		/* all ones unless CIDR or --mask-src */
	union ctk_addr orig_dst_mask;
	uint8_t tcp_state, sctp_state, dccp_state;
	uint32_t status, status_mask;
	uint32_t mark, mark_mask;
	uint32_t secmark;
	uint16_t zone, orig_zone, reply_zone;
	uint32_t id;
	uint32_t timeout;
	uint32_t labels[CTK_LABEL_WORDS];
	struct ctk_filter_nat snat, dnat, anynat;

	uint8_t reserved[64];	/* later fields, with a CTK_F_* bit: start from ctk_filter_init() */
};

/* Is the comparison @x part of @f; add it. Never fail. */
static inline bool ctk_filter_has(const struct ctk_filter *f, enum ctk_filter_field x)
{
	return (f->has >> x) & 1;
}

static inline void ctk_filter_set(struct ctk_filter *f, enum ctk_filter_field x)
{
	f->has |= UINT64_C(1) << x;
}

/*
 * Status: conntrack -L sends CTA_STATUS/CTA_STATUS_MASK, where the mask is
 * the "!FLAG" and UNREPLIED bits or, when there are none, the value itself
 * (so "-u ASSURED,UNREPLIED" gives value ASSURED, mask SEEN_REPLY, and
 * matches nothing, as in the reference). -D and -E only check that the
 * value's bits are set (UNREPLIED and !FLAG have no effect there): a
 * compatible CLI sets status_mask = status for them.
 */

/* ctk_filter_init - an empty filter (matches everything), masks all ones. */
void ctk_filter_init(struct ctk_filter *f);

/*
 * ctk_filter_field_name - a short name of @field ("orig-src", "protocol",
 * "mark", ...), for debug output; "?" when out of range. Never NULL.
 */
const char *ctk_filter_field_name(enum ctk_filter_field field);

/* ctk_filter_match - does @e pass every comparison @f carries? */
bool ctk_filter_match(const struct ctk_filter *f, const struct ctk_entry *e);

/* What a kernel can filter in a dump request (probed at run time). */
struct ctk_kernel_caps {
	bool mark;		/* CTA_MARK + CTA_MARK_MASK */
	bool status;		/* CTA_STATUS + CTA_STATUS_MASK (5.15) */
	bool zone;		/* CTA_ZONE (6.8) */
	bool tuple;		/* CTA_FILTER orig/reply tuple fields (5.8) */
};

/*
 * ctk_filter_kernel_fields - the CTK_F_* bits of @f that a dump request
 * could carry on a kernel with @caps. The caller may still check them here.
 * Tuple fields (caps->tuple, CTA_FILTER) are claimed only as the kernel can
 * take them: addresses with CTK_F_FAMILY set (family in nfgenmsg) and, for
 * orig src/dst, an all-ones mask; ports and ICMP fields with CTK_F_L4PROTO
 * (f->orig.l4num is the protocol of both tuples). CTK_F_ZONE only for a
 * zone other than 0 (the kernel matches the zone id in any direction).
 */
uint64_t ctk_filter_kernel_fields(const struct ctk_filter *f, const struct ctk_kernel_caps *caps);

#ifdef __cplusplus
}
#endif
#endif
