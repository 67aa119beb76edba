// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The layer-4 protocol descriptors (ctkit/l4proto.h) and every per-protocol
 * name table: tracker states spelled as libnetfilter_conntrack 1.0.9
 * prints them (src/conntrack/snprintf.c) and conntrack-tools 1.4.7 parses
 * them, timeout-policy states as libnetfilter_cttimeout 1.0.x names them.
 */
#include <stddef.h>
#include <strings.h>
#include <netinet/in.h>
#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include <ctkit/timeout.h>
#include "model/tables.h"

#define N(a) ((uint8_t)(sizeof(a) / sizeof((a)[0])))

/* ---- tracker states, indexed by the kernel's value ----------------------- */

/* The tables read better in rows than as clang-format aligns them. */
/* clang-format off */

/* Value 9 was LISTEN once; the kernel reuses it as SYN_SENT2. */
static const char *const tcp_states[CTK_TCP_STATE_MAX] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

/*
 * The library prints the two heartbeat states too, but conntrack's
 * --state parser only knows the first eight (CTK_SCTP_STATE_PARSE_MAX).
 */
static const char *const sctp_states[CTK_SCTP_STATE_MAX] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

static const char *const dccp_states[CTK_DCCP_STATE_MAX] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

/* ---- timeout-policy states: state i is CTA_TIMEOUT_<PROTO> attribute i + 1 -- */

/*
 * nfct accepts exactly these names (in any case) and prints exactly these,
 * so SCTP stops at SHUTDOWN_ACK_SENT although newer kernels also have the
 * heartbeat states (named for JSON only).
 */
static const char *const tcp_timeouts[] = {
	"SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
	"TIME_WAIT", "CLOSE", "SYN_SENT2", "RETRANS", "UNACKNOWLEDGED",
};
/* UDP, UDP-Lite and GRE share their two states. */
static const char *const udp_timeouts[] = { "UNREPLIED", "REPLIED" };
static const char *const sctp_timeouts[] = {
	"CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
	"SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};
static const char *const dccp_timeouts[] = {
	"REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT",
};
/* ICMP, ICMPv6 and the generic tracker have one timeout. */
static const char *const single_timeout[] = { "TIMEOUT" };

enum { T_TCP, T_UDP, T_UDPLITE, T_ICMP, T_ICMPV6, T_SCTP, T_DCCP, T_GRE, T_GENERIC, T_MAX };

#define ALL(a) N(a), N(a), a
const struct ctk_timeout_proto ctkm_timeout_protos[] = {
	[T_TCP] = { IPPROTO_TCP, "tcp", ALL(tcp_timeouts) },
	[T_UDP] = { IPPROTO_UDP, "udp", ALL(udp_timeouts) },
	[T_UDPLITE] = { IPPROTO_UDPLITE, "udplite", ALL(udp_timeouts) },
	[T_ICMP] = { IPPROTO_ICMP, "icmp", ALL(single_timeout) },
	[T_ICMPV6] = { IPPROTO_ICMPV6, "icmpv6", ALL(single_timeout) },
	[T_SCTP] = { IPPROTO_SCTP, "sctp", 7, N(sctp_timeouts), sctp_timeouts },
	[T_DCCP] = { IPPROTO_DCCP, "dccp", ALL(dccp_timeouts) },
	[T_GRE] = { IPPROTO_GRE, "gre", ALL(udp_timeouts) },
	[T_GENERIC] = { CTK_TIMEOUT_GENERIC, "generic", ALL(single_timeout) },
};
#undef ALL
const unsigned int ctkm_timeout_nprotos = T_MAX;

/* ---- the descriptors -------------------------------------------------------- */

#define STATES(a, parse) a, N(a), parse

static const struct ctk_l4proto protos[] = {
	{ IPPROTO_TCP, "tcp", CTK_L4KEY_PORTS, STATES(tcp_states, N(tcp_states)),
	  &ctkm_timeout_protos[T_TCP] },
	{ IPPROTO_UDP, "udp", CTK_L4KEY_PORTS, NULL, 0, 0, &ctkm_timeout_protos[T_UDP] },
	{ IPPROTO_UDPLITE, "udplite", CTK_L4KEY_PORTS, NULL, 0, 0,
	  &ctkm_timeout_protos[T_UDPLITE] },
	{ IPPROTO_ICMP, "icmp", CTK_L4KEY_ICMP, NULL, 0, 0, &ctkm_timeout_protos[T_ICMP] },
	{ IPPROTO_ICMPV6, "icmpv6", CTK_L4KEY_ICMP, NULL, 0, 0, &ctkm_timeout_protos[T_ICMPV6] },
	{ IPPROTO_SCTP, "sctp", CTK_L4KEY_PORTS, STATES(sctp_states, CTK_SCTP_STATE_PARSE_MAX),
	  &ctkm_timeout_protos[T_SCTP] },
	{ IPPROTO_DCCP, "dccp", CTK_L4KEY_PORTS, STATES(dccp_states, N(dccp_states)),
	  &ctkm_timeout_protos[T_DCCP] },
	{ IPPROTO_GRE, "gre", CTK_L4KEY_GRE, NULL, 0, 0, &ctkm_timeout_protos[T_GRE] },
};

/* Every other number: the generic tracker, and conntrack prints "unknown". */
static const struct ctk_l4proto generic = {
	0, "unknown", CTK_L4KEY_NONE, NULL, 0, 0, &ctkm_timeout_protos[T_GENERIC],
};

/* Indexed by protocol number: the lookup on every formatted tuple is one load. */
static const struct ctk_l4proto *const by_num[256] = {
	[IPPROTO_TCP] = &protos[0],  [IPPROTO_UDP] = &protos[1],    [IPPROTO_UDPLITE] = &protos[2],
	[IPPROTO_ICMP] = &protos[3], [IPPROTO_ICMPV6] = &protos[4], [IPPROTO_SCTP] = &protos[5],
	[IPPROTO_DCCP] = &protos[6], [IPPROTO_GRE] = &protos[7],
};

/* clang-format on */

const struct ctk_l4proto *ctk_l4proto_find(uint8_t num)
{
	return by_num[num] ? by_num[num] : &generic;
}

const char *ctk_l4proto_name(uint8_t num)
{
	return ctk_l4proto_find(num)->name;
}

bool ctk_l4proto_has_ports(uint8_t num)
{
	enum ctk_l4key key = ctk_l4proto_find(num)->key;

	return key == CTK_L4KEY_PORTS || key == CTK_L4KEY_GRE;
}

bool ctk_l4proto_is_icmp(uint8_t num)
{
	return ctk_l4proto_find(num)->key == CTK_L4KEY_ICMP;
}

const struct ctk_l4proto *ctk_l4proto_find_name(const char *name)
{
	for (unsigned int i = 0; i < N(protos); i++)
		if (strcasecmp(name, protos[i].name) == 0)
			return &protos[i];
	return NULL;
}

const struct ctk_l4proto *ctk_l4proto_at(unsigned int index)
{
	return index < N(protos) ? &protos[index] : NULL;
}
