// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The trackers that take timeout policies and the names of their states.
 *
 * State i of a tracker is the kernel's CTA_TIMEOUT_<PROTO> attribute i + 1
 * (linux/netfilter/nfnetlink_cttimeout.h). The names and their number per
 * tracker are libnetfilter_cttimeout 1.0.x's: nfct accepts exactly these
 * (in any case) and prints exactly these, so SCTP stops at
 * SHUTDOWN_ACK_SENT although newer kernels also have HEARTBEAT_SENT.
 */
#include <strings.h>
#include <netinet/in.h>
#include <ctkit/timeout.h>

#define N(a) ((uint8_t)(sizeof(a) / sizeof((a)[0])))

static const char *const tcp_states[] = {
	"SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
	"TIME_WAIT", "CLOSE", "SYN_SENT2", "RETRANS", "UNACKNOWLEDGED",
};

/* UDP, UDP-Lite and GRE share their two states. */
static const char *const udp_states[] = { "UNREPLIED", "REPLIED" };

/* The heartbeat states came after the library's table: named for JSON only. */
static const char *const sctp_states[] = {
	"CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
	"SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

static const char *const dccp_states[] = {
	"REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT",
};

/* ICMP, ICMPv6 and the generic tracker have one timeout. */
static const char *const single_state[] = { "TIMEOUT" };

static const struct ctk_timeout_proto protos[] = {
#define ALL(a) N(a), N(a), a
	{ IPPROTO_TCP, "tcp", ALL(tcp_states) },
	{ IPPROTO_UDP, "udp", ALL(udp_states) },
	{ IPPROTO_UDPLITE, "udplite", ALL(udp_states) },
	{ IPPROTO_ICMP, "icmp", ALL(single_state) },
	{ IPPROTO_ICMPV6, "icmpv6", ALL(single_state) },
	{ IPPROTO_SCTP, "sctp", 7, N(sctp_states), sctp_states },
	{ IPPROTO_DCCP, "dccp", ALL(dccp_states) },
	{ IPPROTO_GRE, "gre", ALL(udp_states) },
	{ CTK_TIMEOUT_GENERIC, "generic", ALL(single_state) },
#undef ALL
};

const struct ctk_timeout_proto *ctk_timeout_proto_at(unsigned int index)
{
	return index < N(protos) ? &protos[index] : NULL;
}

const struct ctk_timeout_proto *ctk_timeout_proto(uint8_t l4proto)
{
	for (unsigned int i = 0; i < N(protos); i++)
		if (protos[i].l4proto == l4proto)
			return &protos[i];
	return NULL;
}

int ctk_timeout_state(uint8_t l4proto, const char *name)
{
	const struct ctk_timeout_proto *p = ctk_timeout_proto(l4proto);

	if (!p)
		return -1;
	for (int i = 0; i < p->nstates; i++)
		if (strcasecmp(p->states[i], name) == 0)
			return i;
	return -1;
}

const char *ctk_timeout_state_name(uint8_t l4proto, unsigned int state)
{
	const struct ctk_timeout_proto *p = ctk_timeout_proto(l4proto);

	return p && state < p->nnames ? p->states[state] : NULL;
}
