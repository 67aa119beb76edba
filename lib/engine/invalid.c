// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Why packets are invalid: one table from enum ctk_invalid_reason to a
 * stable name and the message, the one logger every check goes through,
 * and the per-reason counters. The messages are the kernel's
 * nf_ct_l4proto_log_invalid() texts (those in parentheses are ctkit's,
 * for drops the kernel does not log) and must stay byte for byte what
 * they are: replayed captures are compared with the kernel's log.
 */
#include <stdarg.h>
#include <stdio.h>
#include "engine/eng.h"

static const struct reason_desc {
	const char *name;
	const char *text; /* a printf format */
} reasons[CTK_INVALID_REASON_MAX] = {
	[CTK_INVALID_NONE] = {"none", ""},
	[CTK_INVALID_IP_EMPTY] = {"ip_empty", "(ip: empty packet)"},
	[CTK_INVALID_IP_VERSION] = {"ip_version", "(ip: unknown version %u)"},
	[CTK_INVALID_IP_TRUNC_HEADER] = {"ip_trunc_header", "(ip: truncated header)"},
	[CTK_INVALID_IP_HEADER_LEN] = {"ip_header_len", "(ip: bad header length)"},
	[CTK_INVALID_IP_HEADER_CSUM] = {"ip_header_csum", "(ip: bad header checksum)"},
	[CTK_INVALID_IP_TRUNC] = {"ip_trunc", "(ip: truncated packet)"},
	[CTK_INVALID_IP_TOTAL_LEN] = {"ip_total_len", "(ip: bad total length)"},
	[CTK_INVALID_IP6_TRUNC_HEADER] = {"ip6_trunc_header", "(ipv6: truncated header)"},
	[CTK_INVALID_IP6_JUMBO] = {"ip6_jumbo", "(ipv6: jumbogram not supported)"},
	[CTK_INVALID_IP6_TRUNC] = {"ip6_trunc", "(ipv6: truncated packet)"},
	[CTK_INVALID_IP6_EXTHDR] = {"ip6_exthdr", "(ipv6: bad extension headers)"},
	[CTK_INVALID_FRAG_BAD] = {"frag_bad", "(fragment: bad length or offset)"},
	[CTK_INVALID_FRAG_LEN] = {"frag_len", "(fragment: inconsistent length)"},
	[CTK_INVALID_FRAG_END] = {"frag_end", "(fragment: beyond the datagram's end)"},
	[CTK_INVALID_FRAG_DUP] = {"frag_dup", "(fragment: duplicate, dropped)"},
	[CTK_INVALID_FRAG_OVERLAP] = {"frag_overlap", "(fragment: overlap, datagram dropped)"},
	[CTK_INVALID_FRAG_HEADERS] = {"frag_headers", "(fragment: headers too long)"},
	[CTK_INVALID_FRAG_HELD] = {"frag_held", "(fragment held for reassembly)"},
	[CTK_INVALID_FRAG_NOMEM] = {"frag_nomem", "(fragment: out of memory)"},
	[CTK_INVALID_NO_TUPLE] = {"no_tuple", "(truncated transport header: no tuple)"},
	[CTK_INVALID_NO_REPLY_TYPE] = {"no_reply_type", "(icmp type %u has no reply type)"},
	[CTK_INVALID_TABLE_FULL] = {"table_full", "(nf_conntrack: table full, dropping packet)"},
	[CTK_INVALID_ICMP_QUOTE] = {"icmp_quote", "(icmp error: quoted packet unreadable)"},
	[CTK_INVALID_ICMP_QUOTE_NO_REPLY] = {"icmp_quote_no_reply",
					     "(icmp error: quoted icmp has no reply type)"},
	[CTK_INVALID_ICMP_QUOTE_NO_CONN] = {"icmp_quote_no_conn",
					    "(icmp error: no connection for the quoted packet)"},
	[CTK_INVALID_ICMP_QUOTE_DADDR] = {"icmp_quote_daddr", "outer daddr %s != inner %s"},
	[CTK_INVALID_ICMP_SHORT] = {"icmp_short", "short packet"},
	[CTK_INVALID_ICMP_CSUM] = {"icmp_csum", "bad hw icmp checksum"},
	[CTK_INVALID_ICMP_TYPE] = {"icmp_type", "invalid icmp type"},
	[CTK_INVALID_ICMP6_REDIRECT_SHORT] = {"icmp6_redirect_short", "short redirect"},
	[CTK_INVALID_ICMP6_REDIRECT_SRC] = {"icmp6_redirect_src",
					    "invalid saddr or hoplimit for redirect"},
	[CTK_INVALID_ICMP6_REDIRECT_OPTS] = {"icmp6_redirect_opts", "redirect without options"},
	[CTK_INVALID_ICMP6_SHORT] = {"icmp6_short", "short packet"},
	[CTK_INVALID_ICMP6_CSUM] = {"icmp6_csum", "ICMPv6 checksum failed"},
	[CTK_INVALID_ICMP_OTHER_IP] = {"icmp_other_ip", "(icmp of the other ip version)"},
	[CTK_INVALID_ICMP_NOT_NEW] = {"icmp_not_new", "(icmp type %u cannot create a connection)"},
	[CTK_INVALID_TCP_SHORT] = {"tcp_short", "(truncated tcp header)"},
	[CTK_INVALID_TCP_TRUNC] = {"tcp_trunc", "truncated packet"},
	[CTK_INVALID_TCP_CSUM] = {"tcp_csum", "bad checksum"},
	[CTK_INVALID_TCP_FLAGS] = {"tcp_flags", "invalid tcp flag combination"},
	[CTK_INVALID_TCP_NEW] = {"tcp_new", "invalid new"},
	[CTK_INVALID_TCP_LOOSE] = {"tcp_loose", "(mid-stream packet, tcp_loose=0)"},
	[CTK_INVALID_TCP_RST] = {"tcp_rst", "invalid rst"},
	[CTK_INVALID_TCP_IGNORED] = {"tcp_ignored",
				     "packet (index %d) in dir %d ignored, state %s"},
	[CTK_INVALID_TCP_STATE] = {"tcp_state", "packet (index %d) in dir %d invalid, state %s"},
	[CTK_INVALID_TCP_CHALLENGE_ACK] = {"tcp_challenge_ack", "challenge-ack ignored"},
	[CTK_INVALID_TCP_SEQ_OVERSHOT] = {"tcp_seq_overshot", "%u bytes more than expected"},
	[CTK_INVALID_TCP_SEQ_OVER] =
		{"tcp_seq_over", "SEQ is over upper bound %u (over the window of the receiver)"},
	[CTK_INVALID_TCP_ACK_OVER] = {"tcp_ack_over",
				      "ACK is over upper bound %u (ACKed data not seen yet)"},
	[CTK_INVALID_TCP_SEQ_UNDER] =
		{"tcp_seq_under", "SEQ is under lower bound %u (already ACKed data retransmitted)"},
	[CTK_INVALID_TCP_ACK_UNDER] =
		{"tcp_ack_under", "ignored ACK under lower bound %u (possible overly delayed)"},
	[CTK_INVALID_UDP_SHORT] = {"udp_short", "short packet"},
	[CTK_INVALID_UDP_MALFORMED] = {"udp_malformed", "truncated/malformed packet"},
	[CTK_INVALID_UDP_CSUM] = {"udp_csum", "bad checksum"},
	[CTK_INVALID_UDPLITE_SHORT] = {"udplite_short", "short packet"},
	[CTK_INVALID_UDPLITE_COVERAGE] = {"udplite_coverage", "invalid checksum coverage"},
	[CTK_INVALID_UDPLITE_NO_CSUM] = {"udplite_no_csum", "checksum missing"},
	[CTK_INVALID_UDPLITE_CSUM] = {"udplite_csum", "bad checksum"},
	[CTK_INVALID_SCTP_SHORT] = {"sctp_short", "nf_ct_sctp: short packet "},
	[CTK_INVALID_SCTP_CRC] = {"sctp_crc", "nf_ct_sctp: bad CRC "},
	[CTK_INVALID_SCTP_CHUNKS] =
		{"sctp_chunks", "do_basic_checks failed. chunk num %u, type %u, len %u flag %d"},
	[CTK_INVALID_SCTP_VTAG] = {"sctp_vtag",
				   "verification tag check failed %x vs %x for dir %d"},
	[CTK_INVALID_SCTP_STATE] = {"sctp_state", "Invalid, old_state %d, dir %d, type %d"},
};

static const struct reason_desc *desc(enum ctk_invalid_reason r)
{
	if ((unsigned int)r >= CTK_INVALID_REASON_MAX || !reasons[r].name)
		return NULL;
	return &reasons[r];
}

const char *ctk_invalid_reason_text(enum ctk_invalid_reason r)
{
	const struct reason_desc *d = desc(r);

	return d ? d->text : NULL;
}

const char *ctk_invalid_reason_name(enum ctk_invalid_reason r)
{
	const struct reason_desc *d = desc(r);

	return d ? d->name : NULL;
}

enum eng_res eng_invalid(struct ctk_engine *eng, enum eng_res res, enum ctk_invalid_reason why, ...)
{
	struct ctk_verdict *v = eng->v;
	va_list ap;

	if (!v || v->why != CTK_INVALID_NONE)
		return res;
	v->why = why;
	eng->invalid[why]++;
	va_start(ap, why);
	vsnprintf(v->reason, sizeof(v->reason), reasons[why].text, ap);
	va_end(ap);
	return res;
}

uint64_t ctk_engine_invalid_count(const struct ctk_engine *eng, enum ctk_invalid_reason r)
{
	return desc(r) ? eng->invalid[r] : 0;
}
