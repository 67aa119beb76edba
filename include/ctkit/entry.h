/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit entry model: one connection-tracking entry as the kernel reports it.
 *
 * An entry is a plain struct that callers may fill and read directly. Every
 * optional field has a bit in entry->present (see enum ctk_attr): a field
 * whose bit is clear is *absent*, which differs from present-and-zero just
 * as an attribute missing from a ctnetlink message differs from one that
 * carries 0. Decoders clear the mask first; encoders send only present
 * fields; formatters print only present fields.
 *
 * Byte order: addresses are kept in network order (as in struct in_addr);
 * every other number (ports, ICMP id, marks, counters) is in host order.
 */
#ifndef CTKIT_ENTRY_H
#define CTKIT_ENTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <ctkit/types.h>
#include <ctkit/l4proto.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An IPv4 or IPv6 address in network byte order. */
union ctk_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint32_t word[4];
	uint8_t byte[16];
};

/*
 * struct ctk_tuple - one direction of a connection.
 * @l3num: AF_INET or AF_INET6.
 * @l4num: IPPROTO_* number; any value 0..255 is valid.
 * @sport/@dport: ports for tcp, udp, udplite, sctp, dccp; GRE keys for gre
 *	(the kernel keeps a 16-bit key in the port slots).
 * @icmp_type/@icmp_code/@icmp_id: for icmp and icmpv6.
 */
struct ctk_tuple {
	union ctk_addr src;
	union ctk_addr dst;
	uint8_t l3num;
	uint8_t l4num;
	uint16_t sport;
	uint16_t dport;
	uint16_t icmp_id;
	uint8_t icmp_type;
	uint8_t icmp_code;
	/*
	 * The source reported a port-carrying protocol without its ports
	 * (DCCP on a kernel without DCCP tracking): @sport/@dport are not
	 * values, and filters on ports do not match, as in the reference.
	 */
	uint8_t no_ports;	/* 0 or 1 */
};

struct ctk_counters {
	uint64_t packets;
	uint64_t bytes;
};

/* Sequence-number adjustment of one direction (NAT helpers, synproxy). */
struct ctk_seqadj {
	uint32_t correction_pos;
	uint32_t offset_before;
	uint32_t offset_after;
};

struct ctk_synproxy {
	uint32_t isn;
	uint32_t its;
	uint32_t tsoff;
};

/* A NAT binding request (CTA_NAT_SRC / CTA_NAT_DST): used when creating. */
struct ctk_nat {
	union ctk_addr min_ip;
	union ctk_addr max_ip;
	uint16_t min_port;
	uint16_t max_port;
	bool has_max_ip;
	bool has_port;
	bool has_max_port;
};

#define CTK_LABEL_BITS 128
#define CTK_LABEL_WORDS (CTK_LABEL_BITS / 32)
#define CTK_HELPER_NAME_MAX 32
#define CTK_SECCTX_MAX 256

/*
 * Presence bits, one per optional part of an entry. The tuples themselves
 * are parts too: a template may carry only a reply tuple.
 */
enum ctk_attr {
	CTK_ATTR_ORIG,		/* orig tuple */
	CTK_ATTR_REPLY,		/* reply tuple */
	CTK_ATTR_MASTER,	/* master tuple (RELATED entries) */
	CTK_ATTR_ORIG_ZONE,	/* zone of the orig tuple (CTA_TUPLE_ZONE) */
	CTK_ATTR_REPLY_ZONE,	/* zone of the reply tuple */
	CTK_ATTR_STATUS,
	CTK_ATTR_TIMEOUT,
	CTK_ATTR_MARK,
	CTK_ATTR_SECMARK,
	CTK_ATTR_SECCTX,
	CTK_ATTR_ZONE,
	CTK_ATTR_USE,
	CTK_ATTR_ID,
	CTK_ATTR_LABELS,
	CTK_ATTR_LABELS_MASK,	/* only in requests: which label bits to change */
	CTK_ATTR_COUNTERS_ORIG,
	CTK_ATTR_COUNTERS_REPLY,
	CTK_ATTR_TS_START,
	CTK_ATTR_TS_STOP,
	CTK_ATTR_TS_EVENT,	/* CTA_TIMESTAMP_EVENT (kernel >= 6.9) */
	CTK_ATTR_TCP_STATE,
	CTK_ATTR_TCP_WSCALE_ORIG,
	CTK_ATTR_TCP_WSCALE_REPLY,
	CTK_ATTR_TCP_FLAGS_ORIG,	/* flags + mask */
	CTK_ATTR_TCP_FLAGS_REPLY,
	CTK_ATTR_SCTP_STATE,
	CTK_ATTR_SCTP_VTAG_ORIG,
	CTK_ATTR_SCTP_VTAG_REPLY,
	CTK_ATTR_DCCP_STATE,
	CTK_ATTR_DCCP_ROLE,
	CTK_ATTR_DCCP_HANDSHAKE_SEQ,
	CTK_ATTR_HELPER_NAME,
	CTK_ATTR_SEQADJ_ORIG,
	CTK_ATTR_SEQADJ_REPLY,
	CTK_ATTR_SYNPROXY,
	CTK_ATTR_NAT_SRC,	/* only in requests */
	CTK_ATTR_NAT_DST,	/* only in requests */
	CTK_ATTR_MAX
};

/*
 * struct ctk_entry - a conntrack entry, or a template for a request.
 * Fields are valid only when their CTK_ATTR_* bit is set in @present.
 */
struct ctk_entry {
	uint64_t present;

	struct ctk_tuple orig;
	struct ctk_tuple reply;
	struct ctk_tuple master;
	uint16_t orig_zone;
	uint16_t reply_zone;
	uint16_t zone;

	uint32_t status;	/* IPS_* bits (linux/netfilter/nf_conntrack_common.h) */
	uint32_t timeout;	/* seconds */
	uint32_t mark;
	uint32_t secmark;
	uint32_t use;
	uint32_t id;

	uint32_t labels[CTK_LABEL_WORDS];	/* bit n = word n/32, bit n%32 */
	uint32_t labels_mask[CTK_LABEL_WORDS];

	struct ctk_counters counters[2];	/* [CTK_DIR_ORIG], [CTK_DIR_REPLY] */
	uint64_t ts_start;	/* ns since the epoch */
	uint64_t ts_stop;
	uint64_t ts_event;

	struct {
		uint8_t state;
		uint8_t wscale[2];
		uint8_t flags[2];	/* IP_CT_TCP_FLAG_* */
		uint8_t flags_mask[2];
	} tcp;
	struct {
		uint8_t state;
		uint32_t vtag[2];
	} sctp;
	struct {
		uint8_t state;
		uint8_t role;
		uint64_t handshake_seq;
	} dccp;

	struct ctk_seqadj seqadj[2];
	struct ctk_synproxy synproxy;
	struct ctk_nat nat_src;
	struct ctk_nat nat_dst;

	char helper_name[CTK_HELPER_NAME_MAX];
	char secctx[CTK_SECCTX_MAX];

	/*
	 * Attributes later kernels add take this space (and a CTK_ATTR_* bit),
	 * so the struct keeps its size and layout within ABI version 0.
	 */
	uint8_t reserved[64];
};

enum ctk_dir {
	CTK_DIR_ORIG = 0,
	CTK_DIR_REPLY = 1,
};

/* Presence bits: is @a present, make it present, make it absent. Never fail. */
static inline bool ctk_entry_has(const struct ctk_entry *e, enum ctk_attr a)
{
	return (e->present >> a) & 1;
}

static inline void ctk_entry_set(struct ctk_entry *e, enum ctk_attr a)
{
	e->present |= UINT64_C(1) << a;
}

static inline void ctk_entry_unset(struct ctk_entry *e, enum ctk_attr a)
{
	e->present &= ~(UINT64_C(1) << a);
}

/* ctk_entry_clear - make every attribute absent (cheap: only the mask). */
static inline void ctk_entry_clear(struct ctk_entry *e)
{
	e->present = 0;
}

/*
 * ctk_entry_src_natted / ctk_entry_dst_natted - is the address NATed:
 * NAT_DONE status bit set (or no status) and the reply tuple's address
 * differs from the original one (libnetfilter_conntrack's rule).
 */
bool ctk_entry_src_natted(const struct ctk_entry *e);
bool ctk_entry_dst_natted(const struct ctk_entry *e);
/* ctk_addr_equal - compare the bytes @family uses (4 or 16; other families: equal). */
bool ctk_addr_equal(uint8_t family, const union ctk_addr *a, const union ctk_addr *b);

/* ctk_icmp_reply_type - the reply type of ICMP(v6) request @type; false if it has none. */
bool ctk_icmp_reply_type(uint8_t l4num, uint8_t type, uint8_t *reply);

/* ctk_tuple_invert - the tuple a reply would carry (ICMP types mapped). */
void ctk_tuple_invert(struct ctk_tuple *out, const struct ctk_tuple *in);

#ifdef __cplusplus
}
#endif
#endif
