// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Name tables, spelled as libnetfilter_conntrack 1.0.9 prints them
 * (src/conntrack/snprintf.c) and as conntrack-tools 1.4.7 parses them
 * (extensions/libct_proto_*.c). Every table is indexed by the kernel value.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctkit/names.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const l4_names[256] = {
	[IPPROTO_TCP]		= "tcp",
	[IPPROTO_UDP]		= "udp",
	[IPPROTO_UDPLITE]	= "udplite",
	[IPPROTO_ICMP]		= "icmp",
	[IPPROTO_ICMPV6]	= "icmpv6",
	[IPPROTO_SCTP]		= "sctp",
	[IPPROTO_GRE]		= "gre",
	[IPPROTO_DCCP]		= "dccp",
};

/* Value 9 was LISTEN once; the kernel reuses it as SYN_SENT2. */
static const char *const tcp_states[CTK_TCP_STATE_MAX] = {
	[0] = "NONE",
	[1] = "SYN_SENT",
	[2] = "SYN_RECV",
	[3] = "ESTABLISHED",
	[4] = "FIN_WAIT",
	[5] = "CLOSE_WAIT",
	[6] = "LAST_ACK",
	[7] = "TIME_WAIT",
	[8] = "CLOSE",
	[9] = "SYN_SENT2",
};

/*
 * The library prints the two heartbeat states too, but conntrack's
 * --state parser only knows the first eight (see ctk_sctp_state_by_name).
 */
static const char *const sctp_states[CTK_SCTP_STATE_MAX] = {
	[0] = "NONE",
	[1] = "CLOSED",
	[2] = "COOKIE_WAIT",
	[3] = "COOKIE_ECHOED",
	[4] = "ESTABLISHED",
	[5] = "SHUTDOWN_SENT",
	[6] = "SHUTDOWN_RECD",
	[7] = "SHUTDOWN_ACK_SENT",
	[8] = "HEARTBEAT_SENT",
	[9] = "HEARTBEAT_ACKED",
};

static const char *const dccp_states[CTK_DCCP_STATE_MAX] = {
	[0] = "NONE",
	[1] = "REQUEST",
	[2] = "RESPOND",
	[3] = "PARTOPEN",
	[4] = "OPEN",
	[5] = "CLOSEREQ",
	[6] = "CLOSING",
	[7] = "TIMEWAIT",
	[8] = "IGNORE",
	[9] = "INVALID",
};

/*
 * IPS_* bits of linux/netfilter/nf_conntrack_common.h. Bit 12 was
 * UNTRACKED; the kernel now uses it for NAT_CLASH.
 */
static const char *const status_bits[CTK_STATUS_BIT_MAX] = {
	[0]  = "EXPECTED",
	[1]  = "SEEN_REPLY",
	[2]  = "ASSURED",
	[3]  = "CONFIRMED",
	[4]  = "SRC_NAT",
	[5]  = "DST_NAT",
	[6]  = "SEQ_ADJUST",
	[7]  = "SRC_NAT_DONE",
	[8]  = "DST_NAT_DONE",
	[9]  = "DYING",
	[10] = "FIXED_TIMEOUT",
	[11] = "TEMPLATE",
	[12] = "NAT_CLASH",
	[13] = "HELPER",
	[14] = "OFFLOAD",
	[15] = "HW_OFFLOAD",
};

const char *ctk_l3_name(uint8_t l3num)
{
	switch (l3num) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	default:
		return "unknown";
	}
}

const char *ctk_l4_name(uint8_t l4num)
{
	return l4_names[l4num] ? l4_names[l4num] : "unknown";
}

int ctk_l4_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(l4_names); i++) {
		if (l4_names[i] && strcasecmp(name, l4_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

static const char *name_at(const char *const *table, size_t n, uint8_t value)
{
	return value < n ? table[value] : NULL;
}

/* Exact, case-sensitive lookup among the first @n names of @table. */
static int index_of(const char *const *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (table[i] && strcmp(name, table[i]) == 0)
			return (int)i;
	}
	return -1;
}

const char *ctk_tcp_state_name(uint8_t state)
{
	return name_at(tcp_states, ARRAY_SIZE(tcp_states), state);
}

const char *ctk_sctp_state_name(uint8_t state)
{
	return name_at(sctp_states, ARRAY_SIZE(sctp_states), state);
}

const char *ctk_dccp_state_name(uint8_t state)
{
	return name_at(dccp_states, ARRAY_SIZE(dccp_states), state);
}

int ctk_tcp_state_by_name(const char *name)
{
	/* conntrack's own table still says LISTEN for the value 9. */
	if (strcmp(name, "LISTEN") == 0)
		return 9;
	return index_of(tcp_states, ARRAY_SIZE(tcp_states), name);
}

int ctk_sctp_state_by_name(const char *name)
{
	return index_of(sctp_states, CTK_SCTP_STATE_PARSE_MAX, name);
}

int ctk_dccp_state_by_name(const char *name)
{
	return index_of(dccp_states, ARRAY_SIZE(dccp_states), name);
}

const char *ctk_status_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(status_bits) ? status_bits[bit] : NULL;
}
