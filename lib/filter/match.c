// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctk_filter_match: one small check per CTK_F_* field, looked up in a
 * table and run only for the bits the filter carries. No allocation; the
 * first failing check ends the walk. Runs for every entry of a dump.
 *
 * Semantics follow conntrack 1.4.7 (filter_nat, filter_mark, filter_label,
 * filter_network, then nfct_cmp(NFCT_CMP_ALL | NFCT_CMP_MASK) of
 * libnetfilter_conntrack 1.0.9), checked against the installed library:
 * a field the entry lacks fails the comparison, except the zones, which
 * the kernel leaves out when they are 0.
 */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctkit/filter.h>
#include "nat.h"

typedef bool (*field_check)(const struct ctk_filter *f, const struct ctk_entry *e);

static bool has_orig(const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_ORIG);
}

static bool has_reply(const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_REPLY);
}

static bool addr_eq_masked(uint8_t family, const union ctk_addr *a, const union ctk_addr *b,
			   const union ctk_addr *mask)
{
	unsigned int words = family == AF_INET6 ? 4 : 1;

	for (unsigned int i = 0; i < words; i++) {
		if ((a->word[i] & mask->word[i]) != (b->word[i] & mask->word[i]))
			return false;
	}
	return true;
}

static const union ctk_addr all_ones = {
	.word = { UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX },
};

/* Addresses of a tuple compare only within the filter's family. */
static bool tuple_addr_match(const struct ctk_filter *f, const struct ctk_tuple *t,
			     const union ctk_addr *a, const union ctk_addr *want,
			     const union ctk_addr *mask)
{
	if (t->l3num != f->family || (f->family != AF_INET && f->family != AF_INET6))
		return false;
	return addr_eq_masked(f->family, a, want, mask);
}

static bool check_family(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return has_orig(e) && e->orig.l3num == f->family;
}

static bool check_orig_src(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return has_orig(e) &&
	       tuple_addr_match(f, &e->orig, &e->orig.src, &f->orig.src, &f->orig_src_mask);
}

static bool check_orig_dst(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return has_orig(e) &&
	       tuple_addr_match(f, &e->orig, &e->orig.dst, &f->orig.dst, &f->orig_dst_mask);
}

static bool check_reply_src(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return has_reply(e) &&
	       tuple_addr_match(f, &e->reply, &e->reply.src, &f->reply.src, &all_ones);
}

static bool check_reply_dst(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return has_reply(e) &&
	       tuple_addr_match(f, &e->reply, &e->reply.dst, &f->reply.dst, &all_ones);
}

static bool check_l4proto(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return has_orig(e) && e->orig.l4num == f->orig.l4num;
}

static bool orig_ports(const struct ctk_entry *e)
{
	return has_orig(e) && ctk_l4proto_has_ports(e->orig.l4num) && !e->orig.no_ports;
}

static bool reply_ports(const struct ctk_entry *e)
{
	return has_reply(e) && ctk_l4proto_has_ports(e->reply.l4num) && !e->reply.no_ports;
}

static bool check_orig_sport(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return orig_ports(e) && e->orig.sport == f->orig.sport;
}

static bool check_orig_dport(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return orig_ports(e) && e->orig.dport == f->orig.dport;
}

static bool check_reply_sport(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return reply_ports(e) && e->reply.sport == f->reply.sport;
}

static bool check_reply_dport(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return reply_ports(e) && e->reply.dport == f->reply.dport;
}

static bool orig_icmp(const struct ctk_entry *e)
{
	return has_orig(e) && ctk_l4proto_is_icmp(e->orig.l4num);
}

static bool check_icmp_type(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return orig_icmp(e) && e->orig.icmp_type == f->orig.icmp_type;
}

static bool check_icmp_code(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return orig_icmp(e) && e->orig.icmp_code == f->orig.icmp_code;
}

static bool check_icmp_id(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return orig_icmp(e) && e->orig.icmp_id == f->orig.icmp_id;
}

static bool check_tcp_state(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_TCP_STATE) && e->tcp.state == f->tcp_state;
}

static bool check_sctp_state(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_SCTP_STATE) && e->sctp.state == f->sctp_state;
}

static bool check_dccp_state(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_DCCP_STATE) && e->dccp.state == f->dccp_state;
}

static bool check_status(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_STATUS) && (e->status & f->status_mask) == f->status;
}

static bool check_mark(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_MARK) && (e->mark & f->mark_mask) == f->mark;
}

static bool check_secmark(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_SECMARK) && e->secmark == f->secmark;
}

/* The kernel sends no zone attribute for zone 0. */
static uint16_t zone_or_0(const struct ctk_entry *e, enum ctk_attr a, uint16_t zone)
{
	return ctk_entry_has(e, a) ? zone : 0;
}

static bool check_zone(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return zone_or_0(e, CTK_ATTR_ZONE, e->zone) == f->zone;
}

static bool check_orig_zone(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return zone_or_0(e, CTK_ATTR_ORIG_ZONE, e->orig_zone) == f->orig_zone;
}

static bool check_reply_zone(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return zone_or_0(e, CTK_ATTR_REPLY_ZONE, e->reply_zone) == f->reply_zone;
}

static bool check_id(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_ID) && e->id == f->id;
}

static bool check_timeout(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctk_entry_has(e, CTK_ATTR_TIMEOUT) && e->timeout == f->timeout;
}

static bool check_labels(const struct ctk_filter *f, const struct ctk_entry *e)
{
	if (!ctk_entry_has(e, CTK_ATTR_LABELS))
		return false;
	for (unsigned int i = 0; i < CTK_LABEL_WORDS; i++) {
		if ((e->labels[i] & f->labels[i]) != f->labels[i])
			return false;
	}
	return true;
}

static bool check_snat(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctkf_snat_match(&f->snat, e);
}

static bool check_dnat(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctkf_dnat_match(&f->dnat, e);
}

static bool check_anynat(const struct ctk_filter *f, const struct ctk_entry *e)
{
	return ctkf_snat_match(&f->anynat, e) || ctkf_dnat_match(&f->anynat, e);
}

static const field_check checks[CTK_F_MAX] = {
	[CTK_F_FAMILY]		= check_family,
	[CTK_F_ORIG_SRC]	= check_orig_src,
	[CTK_F_ORIG_DST]	= check_orig_dst,
	[CTK_F_REPLY_SRC]	= check_reply_src,
	[CTK_F_REPLY_DST]	= check_reply_dst,
	[CTK_F_L4PROTO]		= check_l4proto,
	[CTK_F_ORIG_SPORT]	= check_orig_sport,
	[CTK_F_ORIG_DPORT]	= check_orig_dport,
	[CTK_F_REPLY_SPORT]	= check_reply_sport,
	[CTK_F_REPLY_DPORT]	= check_reply_dport,
	[CTK_F_ICMP_TYPE]	= check_icmp_type,
	[CTK_F_ICMP_CODE]	= check_icmp_code,
	[CTK_F_ICMP_ID]		= check_icmp_id,
	[CTK_F_TCP_STATE]	= check_tcp_state,
	[CTK_F_SCTP_STATE]	= check_sctp_state,
	[CTK_F_DCCP_STATE]	= check_dccp_state,
	[CTK_F_STATUS]		= check_status,
	[CTK_F_MARK]		= check_mark,
	[CTK_F_SECMARK]		= check_secmark,
	[CTK_F_ZONE]		= check_zone,
	[CTK_F_ORIG_ZONE]	= check_orig_zone,
	[CTK_F_REPLY_ZONE]	= check_reply_zone,
	[CTK_F_ID]		= check_id,
	[CTK_F_TIMEOUT]		= check_timeout,
	[CTK_F_LABELS]		= check_labels,
	[CTK_F_SNAT]		= check_snat,
	[CTK_F_DNAT]		= check_dnat,
	[CTK_F_ANYNAT]		= check_anynat,
};

#define KNOWN_FIELDS ((UINT64_C(1) << CTK_F_MAX) - 1)

void ctk_filter_init(struct ctk_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->orig_src_mask = all_ones;
	f->orig_dst_mask = all_ones;
	f->status_mask = UINT32_MAX;
	f->mark_mask = UINT32_MAX;
}

bool ctk_filter_match(const struct ctk_filter *f, const struct ctk_entry *e)
{
	/* Bits past CTK_F_MAX belong to no field: ignore them. */
	for (uint64_t todo = f->has & KNOWN_FIELDS; todo; todo &= todo - 1) {
		if (!checks[__builtin_ctzll(todo)](f, e))
			return false;
	}
	return true;
}
