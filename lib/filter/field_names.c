// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of the filter's fields, for programs that say what was filtered where. */
#include <ctkit/filter.h>

static const char *const field_names[CTK_F_MAX] = {
	[CTK_F_FAMILY] = "family",
	[CTK_F_ORIG_SRC] = "orig-src",
	[CTK_F_ORIG_DST] = "orig-dst",
	[CTK_F_REPLY_SRC] = "reply-src",
	[CTK_F_REPLY_DST] = "reply-dst",
	[CTK_F_L4PROTO] = "protocol",
	[CTK_F_ORIG_SPORT] = "orig-sport",
	[CTK_F_ORIG_DPORT] = "orig-dport",
	[CTK_F_REPLY_SPORT] = "reply-sport",
	[CTK_F_REPLY_DPORT] = "reply-dport",
	[CTK_F_ICMP_TYPE] = "icmp-type",
	[CTK_F_ICMP_CODE] = "icmp-code",
	[CTK_F_ICMP_ID] = "icmp-id",
	[CTK_F_TCP_STATE] = "tcp-state",
	[CTK_F_SCTP_STATE] = "sctp-state",
	[CTK_F_DCCP_STATE] = "dccp-state",
	[CTK_F_STATUS] = "status",
	[CTK_F_MARK] = "mark",
	[CTK_F_SECMARK] = "secmark",
	[CTK_F_ZONE] = "zone",
	[CTK_F_ORIG_ZONE] = "orig-zone",
	[CTK_F_REPLY_ZONE] = "reply-zone",
	[CTK_F_ID] = "id",
	[CTK_F_TIMEOUT] = "timeout",
	[CTK_F_LABELS] = "labels",
	[CTK_F_SNAT] = "src-nat",
	[CTK_F_DNAT] = "dst-nat",
	[CTK_F_ANYNAT] = "any-nat",
};

const char *ctk_filter_field_name(enum ctk_filter_field field)
{
	return (unsigned int)field < CTK_F_MAX && field_names[field] ? field_names[field] : "?";
}
