// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Protocol extensions of the conntrack command line: one table per
 * protocol (long options, legality rows, pair rule, help), and the option
 * actions they share. Option codes and column counts are the reference's
 * own, because its "second -p" quirk hands one table's codes to another
 * protocol's parser and checks up to its column count.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_priv.h"

#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

/* TCP flags the reference sets on every TCP template (no window tracking). */
#define TCP_FLAG_SACK_PERM 0x02
#define TCP_FLAG_CLOSE_INIT 0x04
#define TCP_FLAG_BE_LIBERAL 0x08
#define TCP_STATE_TIME_WAIT 7

/* ---- state names --------------------------------------------------------- */

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

static const char *const sctp_states[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
};

static const char *const dccp_states[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int find_state(const char *const *names, unsigned int n, const char *s)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* ---- port-like protocols (tcp, udp, udplite, sctp, dccp) ----------------- */

#define PORT_COLS							\
	{ '1', PA_ORIG_SPORT, "sport" }, { '2', PA_ORIG_DPORT, "dport" },	\
	{ '3', PA_REPL_SPORT, "reply-port-src" },				\
	{ '4', PA_REPL_DPORT, "reply-port-dst" },				\
	{ '5', PA_MASK_SPORT, "mask-port-src" },				\
	{ '6', PA_MASK_DPORT, "mask-port-dst" }

#define PORT_PAIR_MSG \
	"you have to specify `--sport' and `--dport'", \
	"you have to specify `--reply-src-port' and `--reply-dst-port'"

static const char *const port_help[] = {
	"  --sport, --orig-port-src PORT\tsource port, original direction",
	"  --dport, --orig-port-dst PORT\tdestination port, original direction",
	"  --reply-port-src PORT\t\tsource port, reply direction",
	"  --reply-port-dst PORT\t\tdestination port, reply direction",
	"  --mask-port-src PORT\t\texpectation mask, source port",
	"  --mask-port-dst PORT\t\texpectation mask, destination port",
	"  --tuple-port-src PORT\t\texpected tuple, source port",
	"  --tuple-port-dst PORT\t\texpected tuple, destination port",
	NULL,
};

static const struct ct_proto_longopt tcp_longopts[] = {
	{ "orig-port-src", '1' }, { "sport", '1' }, { "orig-port-dst", '2' },
	{ "dport", '2' }, { "reply-port-src", '3' }, { "reply-port-dst", '4' },
	{ "mask-port-src", '5' }, { "mask-port-dst", '6' }, { "state", '7' },
	{ "tuple-port-src", '8' }, { "tuple-port-dst", '9' }, { NULL, 0 },
};

static const struct ct_proto_col tcp_cols[] = {
	PORT_COLS,
	{ '7', PA_STATE, "state" },
	{ '8', PA_EXP_SPORT, "tuple-port-src" },
	{ '9', PA_EXP_DPORT, "tuple-port-dst" },
};

/*                           1 2 3 4 5 6 7 8 9 */
static const uint8_t tcp_rows[][CT_PROTO_COLS] = {
	[CT_ROW_LIST]       = {2,2,2,2,0,0,2,0,0},
	[CT_ROW_CREATE]     = {3,3,3,3,0,0,1,0,0},
	[CT_ROW_UPDATE]     = {2,2,2,2,0,0,2,0,0},
	[CT_ROW_DELETE]     = {2,2,2,2,0,0,2,0,0},
	[CT_ROW_GET]        = {3,3,3,3,0,0,2,0,0},
	[CT_ROW_EVENT]      = {2,2,2,2,0,0,2,0,0},
	[CT_ROW_EXP_CREATE] = {1,1,0,0,1,1,0,1,1},
	[CT_ROW_EXP_DELETE] = {1,1,1,1,0,0,0,0,0},
	[CT_ROW_EXP_GET]    = {1,1,1,1,0,0,0,0,0},
	[CT_ROW_EXP_EVENT]  = {0},
};

static const char *const tcp_help[] = {
	"  --state STATE\t\t\tTCP state, e.g. ESTABLISHED (required by -I)",
	NULL,
};

static const struct ct_proto_longopt udp_longopts[] = {
	{ "orig-port-src", '1' }, { "sport", '1' }, { "orig-port-dst", '2' },
	{ "dport", '2' }, { "reply-port-src", '3' }, { "reply-port-dst", '4' },
	{ "mask-port-src", '5' }, { "mask-port-dst", '6' },
	{ "tuple-port-src", '7' }, { "tuple-port-dst", '8' }, { NULL, 0 },
};

static const struct ct_proto_col udp_cols[] = {
	PORT_COLS,
	{ '7', PA_EXP_SPORT, "tuple-port-src" },
	{ '8', PA_EXP_DPORT, "tuple-port-dst" },
};

/*                           1 2 3 4 5 6 7 8 */
static const uint8_t udp_rows[][CT_PROTO_COLS] = {
	[CT_ROW_LIST]       = {2,2,2,2,0,0,0,0},
	[CT_ROW_CREATE]     = {3,3,3,3,0,0,0,0},
	[CT_ROW_UPDATE]     = {2,2,2,2,0,0,0,0},
	[CT_ROW_DELETE]     = {2,2,2,2,0,0,0,0},
	[CT_ROW_GET]        = {3,3,3,3,0,0,0,0},
	[CT_ROW_EVENT]      = {2,2,2,2,0,0,0,0},
	[CT_ROW_EXP_CREATE] = {1,1,0,0,1,1,1,1},
	[CT_ROW_EXP_DELETE] = {1,1,1,1,0,0,0,0},
	[CT_ROW_EXP_GET]    = {1,1,1,1,0,0,0,0},
	[CT_ROW_EXP_EVENT]  = {0},
};

static const struct ct_proto_longopt sctp_longopts[] = {
	{ "orig-port-src", 1 }, { "orig-port-dst", 2 }, { "reply-port-src", 3 },
	{ "reply-port-dst", 4 }, { "mask-port-src", 5 }, { "mask-port-dst", 6 },
	{ "state", 7 }, { "tuple-port-src", 8 }, { "tuple-port-dst", 9 },
	{ "orig-vtag", 10 }, { "reply-vtag", 11 }, { "sport", 1 }, { "dport", 2 },
	{ NULL, 0 },
};

static const struct ct_proto_col sctp_cols[] = {
	{ 1, PA_ORIG_SPORT, "sport" }, { 2, PA_ORIG_DPORT, "dport" },
	{ 3, PA_REPL_SPORT, "reply-port-src" }, { 4, PA_REPL_DPORT, "reply-port-dst" },
	{ 5, PA_MASK_SPORT, "mask-port-src" }, { 6, PA_MASK_DPORT, "mask-port-dst" },
	{ 7, PA_STATE, "state" }, { 8, PA_EXP_SPORT, "tuple-port-src" },
	{ 9, PA_EXP_DPORT, "tuple-port-dst" }, { 10, PA_VTAG_ORIG, "orig-vtag" },
	{ 11, PA_VTAG_REPL, "reply-vtag" },
};

/*                           1 2 3 4 5 6 7 8 9 10 11 */
static const uint8_t sctp_rows[][CT_PROTO_COLS] = {
	[CT_ROW_LIST]       = {2,2,2,2,0,0,2,0,0,0,0},
	[CT_ROW_CREATE]     = {3,3,3,3,0,0,1,0,0,1,1},
	[CT_ROW_UPDATE]     = {2,2,2,2,0,0,2,0,0,2,2},
	[CT_ROW_DELETE]     = {2,2,2,2,0,0,2,0,0,0,0},
	[CT_ROW_GET]        = {3,3,3,3,0,0,2,0,0,2,2},
	[CT_ROW_EVENT]      = {2,2,2,2,0,0,2,0,0,0,0},
	[CT_ROW_EXP_CREATE] = {1,1,0,0,1,1,0,1,1,1,1},
	[CT_ROW_EXP_DELETE] = {1,1,1,1,0,0,0,0,0,0,0},
	[CT_ROW_EXP_GET]    = {1,1,1,1,0,0,0,0,0,0,0},
	[CT_ROW_EXP_EVENT]  = {0},
};

static const char *const sctp_help[] = {
	"  --state STATE\t\t\tSCTP state, e.g. ESTABLISHED (required by -I)",
	"  --orig-vtag TAG\t\tverification tag, original direction",
	"  --reply-vtag TAG\t\tverification tag, reply direction",
	NULL,
};

static const struct ct_proto_longopt dccp_longopts[] = {
	{ "orig-port-src", 1 }, { "orig-port-dst", 2 }, { "reply-port-src", 3 },
	{ "reply-port-dst", 4 }, { "mask-port-src", 5 }, { "mask-port-dst", 6 },
	{ "state", 7 }, { "tuple-port-src", 8 }, { "tuple-port-dst", 9 },
	{ "sport", 1 }, { "dport", 2 }, { "role", 10 }, { NULL, 0 },
};

static const struct ct_proto_col dccp_cols[] = {
	{ 1, PA_ORIG_SPORT, "sport" }, { 2, PA_ORIG_DPORT, "dport" },
	{ 3, PA_REPL_SPORT, "reply-port-src" }, { 4, PA_REPL_DPORT, "reply-port-dst" },
	{ 5, PA_MASK_SPORT, "mask-port-src" }, { 6, PA_MASK_DPORT, "mask-port-dst" },
	{ 7, PA_STATE, "state" }, { 8, PA_EXP_SPORT, "tuple-port-src" },
	{ 9, PA_EXP_DPORT, "tuple-port-dst" }, { 10, PA_ROLE, "role" },
};

/*                           1 2 3 4 5 6 7 8 9 10 */
static const uint8_t dccp_rows[][CT_PROTO_COLS] = {
	[CT_ROW_LIST]       = {2,2,2,2,0,0,2,0,0,0},
	[CT_ROW_CREATE]     = {3,3,3,3,0,0,1,0,0,1},
	[CT_ROW_UPDATE]     = {2,2,2,2,0,0,2,0,0,0},
	[CT_ROW_DELETE]     = {2,2,2,2,0,0,2,0,0,0},
	[CT_ROW_GET]        = {3,3,3,3,0,0,2,0,0,0},
	[CT_ROW_EVENT]      = {2,2,2,2,0,0,2,0,0,0},
	[CT_ROW_EXP_CREATE] = {1,1,0,0,1,1,0,1,1,1},
	[CT_ROW_EXP_DELETE] = {1,1,1,1,0,0,0,0,0,0},
	[CT_ROW_EXP_GET]    = {1,1,1,1,0,0,0,0,0,0},
	[CT_ROW_EXP_EVENT]  = {0},
};

static const char *const dccp_help[] = {
	"  --state STATE\t\t\tDCCP state, e.g. OPEN (required by -I)",
	"  --role client|server\t\tDCCP role (required by -I)",
	NULL,
};

/* ---- icmp, icmpv6 --------------------------------------------------------- */

static const struct ct_proto_longopt icmp_longopts[] = {
	{ "icmp-type", '1' }, { "icmp-code", '2' }, { "icmp-id", '3' }, { NULL, 0 },
};

static const struct ct_proto_col icmp_cols[] = {
	{ '1', PA_ICMP_TYPE, "icmp-type" }, { '2', PA_ICMP_CODE, "icmp-code" },
	{ '3', PA_ICMP_ID, "icmp-id" },
};

static const struct ct_proto_longopt icmpv6_longopts[] = {
	{ "icmpv6-type", '1' }, { "icmpv6-code", '2' }, { "icmpv6-id", '3' }, { NULL, 0 },
};

static const struct ct_proto_col icmpv6_cols[] = {
	{ '1', PA_ICMP_TYPE, "icmpv6-type" }, { '2', PA_ICMP_CODE, "icmpv6-code" },
	{ '3', PA_ICMP_ID, "icmpv6-id" },
};

static const uint8_t icmp_rows[][CT_PROTO_COLS] = {
	[CT_ROW_LIST]       = {2,2,2},
	[CT_ROW_CREATE]     = {1,1,2},
	[CT_ROW_UPDATE]     = {2,2,2},
	[CT_ROW_DELETE]     = {2,2,2},
	[CT_ROW_GET]        = {1,1,2},
	[CT_ROW_EVENT]      = {2,2,2},
	[CT_ROW_EXP_EVENT]  = {0},
};

static const char *const icmp_help[] = {
	"  --icmp-type TYPE\t\tICMP type (required by -I and -G)",
	"  --icmp-code CODE\t\tICMP code (required by -I and -G)",
	"  --icmp-id ID\t\t\tICMP identifier",
	NULL,
};

static const char *const icmpv6_help[] = {
	"  --icmpv6-type TYPE\t\tICMPv6 type (required by -I and -G)",
	"  --icmpv6-code CODE\t\tICMPv6 code (required by -I and -G)",
	"  --icmpv6-id ID\t\tICMPv6 identifier",
	NULL,
};

/* ---- gre ------------------------------------------------------------------ */

static const struct ct_proto_longopt gre_longopts[] = {
	{ "orig-key-src", '1' }, { "srckey", '1' }, { "orig-key-dst", '2' },
	{ "dstkey", '2' }, { "reply-key-src", '3' }, { "reply-key-dst", '4' },
	{ "mask-key-src", '5' }, { "mask-key-dst", '6' },
	{ "tuple-key-src", '7' }, { "tuple-key-dst", '8' }, { NULL, 0 },
};

static const struct ct_proto_col gre_cols[] = {
	{ '1', PA_ORIG_SPORT, "srckey" }, { '2', PA_ORIG_DPORT, "dstkey" },
	{ '3', PA_REPL_SPORT, "reply-key-src" }, { '4', PA_REPL_DPORT, "reply-key-dst" },
	{ '5', PA_MASK_SPORT, "mask-key-src" }, { '6', PA_MASK_DPORT, "mask-key-dst" },
	{ '7', PA_EXP_SPORT, "tuple-key-src" }, { '8', PA_EXP_DPORT, "tuple-key-dst" },
};

/*                           1 2 3 4 5 6 7 8 */
static const uint8_t gre_rows[][CT_PROTO_COLS] = {
	[CT_ROW_LIST]       = {2,2,2,2,0,0,0,0},
	[CT_ROW_CREATE]     = {3,3,3,3,0,0,0,0},
	[CT_ROW_UPDATE]     = {2,2,2,2,0,0,0,0},
	[CT_ROW_DELETE]     = {2,2,2,2,0,0,0,0},
	[CT_ROW_GET]        = {3,3,3,3,0,0,0,0},
	[CT_ROW_EVENT]      = {2,2,2,2,0,0,0,0},
	[CT_ROW_EXP_CREATE] = {1,1,1,1,1,1,1,1},
	[CT_ROW_EXP_DELETE] = {1,1,1,1,0,0,0,0},
	[CT_ROW_EXP_GET]    = {1,1,1,1,0,0,0,0},
	[CT_ROW_EXP_EVENT]  = {0},
};

static const char *const gre_help[] = {
	"  --srckey, --orig-key-src KEY\tsource key, original direction",
	"  --dstkey, --orig-key-dst KEY\tdestination key, original direction",
	"  --reply-key-src KEY\t\tsource key, reply direction",
	"  --reply-key-dst KEY\t\tdestination key, reply direction",
	"  --mask-key-src KEY\t\texpectation mask, source key",
	"  --mask-key-dst KEY\t\texpectation mask, destination key",
	"  --tuple-key-src KEY\t\texpected tuple, source key",
	"  --tuple-key-dst KEY\t\texpected tuple, destination key",
	NULL,
};

/* ---- the table of tables ---------------------------------------------------- */

static const struct ct_proto_longopt no_longopts[] = { { NULL, 0 } };
static const char *const unknown_help[] = { "  no options (unsupported)", NULL };

/*
 * Column counts are the reference's array sizes, which exceed the options
 * by one or more: a flag carried over from another protocol by a second -p
 * lands there and is reported with a missing name, as the reference does.
 */
#define COLS(c) .cols = (c), .ndef = N(c)

static const struct ct_proto protos[] = {
	{ .name = "tcp", .num = IPPROTO_TCP, .longopts = tcp_longopts, COLS(tcp_cols),
	  .ncols = 10, .rows = tcp_rows, .pair_msg = { PORT_PAIR_MSG },
	  .states = CT_STATES_TCP, .tcp_flags = true, .help = tcp_help },
	{ .name = "udp", .num = IPPROTO_UDP, .longopts = udp_longopts, COLS(udp_cols),
	  .ncols = 9, .rows = udp_rows, .pair_msg = { PORT_PAIR_MSG } },
	{ .name = "udplite", .num = IPPROTO_UDPLITE, .longopts = udp_longopts, COLS(udp_cols),
	  .ncols = 9, .rows = udp_rows, .pair_msg = { PORT_PAIR_MSG } },
	{ .name = "sctp", .num = IPPROTO_SCTP, .longopts = sctp_longopts, COLS(sctp_cols),
	  .ncols = 14, .rows = sctp_rows, .pair_msg = { PORT_PAIR_MSG },
	  .states = CT_STATES_SCTP, .help = sctp_help },
	{ .name = "dccp", .num = IPPROTO_DCCP, .longopts = dccp_longopts, COLS(dccp_cols),
	  .ncols = 13, .rows = dccp_rows,
	  .pair_msg = { "you have to specify `--sport' and `--dport'",
			"you have to specify `--reply-port-src' and `--report-port-dst'" },
	  .states = CT_STATES_DCCP, .help = dccp_help },
	{ .name = "icmp", .num = IPPROTO_ICMP, .longopts = icmp_longopts, COLS(icmp_cols),
	  .ncols = 4, .rows = icmp_rows, .help = icmp_help },
	{ .name = "icmpv6", .num = IPPROTO_ICMPV6, .longopts = icmpv6_longopts,
	  COLS(icmpv6_cols), .ncols = 4, .rows = icmp_rows, .help = icmpv6_help },
	{ .name = "gre", .num = IPPROTO_GRE, .longopts = gre_longopts, COLS(gre_cols),
	  .ncols = 11, .rows = gre_rows,
	  .pair_msg = { "you have to specify `--srckey' and `--dstkey'",
			"you have to specify `--reply-src-key' and `--reply-dst-key'" },
	  .keys_strtoul = true, .help = gre_help },
};

/* Any other protocol: no options, no checks. */
const struct ct_proto ct_proto_unknown = {
	.name = "unknown", .longopts = no_longopts, .help = unknown_help,
};

const struct ct_proto *ct_proto_by_name(const char *name)
{
	for (size_t i = 0; i < N(protos); i++)
		if (!strcasecmp(protos[i].name, name))
			return &protos[i];
	return NULL;
}

const struct ct_proto *ct_proto_by_num(uint8_t num)
{
	for (size_t i = 0; i < N(protos); i++)
		if (protos[i].num == num)
			return &protos[i];
	return NULL;
}

/* Help lines of a protocol: the port block first for port protocols. */
const char *const *ct_proto_help(const struct ct_proto *p, const char *const **extra)
{
	bool ports = p->ndef && p->cols[0].action == PA_ORIG_SPORT && !p->keys_strtoul;

	*extra = ports ? p->help : NULL;
	return ports ? port_help : p->help;
}

/* ---- parsing ------------------------------------------------------------------ */

static uint16_t parse_port(const struct ct_proto *p, const char *arg)
{
	return p->keys_strtoul ? (uint16_t)ct_strtou32(arg) : (uint16_t)ct_atou32(arg);
}

/*
 * The expected tuple's protocol: tcp, sctp and dccp store the port value
 * there (a reference bug, fixed upstream in 8a251dd; kept for identical
 * behaviour): the low byte of the port in network order.
 */
static uint8_t exp_l4(const struct ct_proto *p, uint16_t port)
{
	if (p->num == IPPROTO_TCP || p->num == IPPROTO_SCTP || p->num == IPPROTO_DCCP)
		return (uint8_t)htons(port);
	return p->num;
}

static void set_port(struct ct_parse *ps, enum ct_proto_action a, uint16_t port)
{
	struct ct_cli *cli = ps->cli;
	uint8_t num = ps->proto->num;

	switch (a) {
	case PA_ORIG_SPORT:
	case PA_ORIG_DPORT:
		*(a == PA_ORIG_SPORT ? &cli->tmpl.orig.sport : &cli->tmpl.orig.dport) = port;
		cli->tmpl.orig.l4num = num;
		ps->tset |= TBIT(a == PA_ORIG_SPORT ? T_ORIG_SPORT : T_ORIG_DPORT) | TBIT(T_ORIG_L4);
		break;
	case PA_REPL_SPORT:
	case PA_REPL_DPORT:
		*(a == PA_REPL_SPORT ? &cli->tmpl.reply.sport : &cli->tmpl.reply.dport) = port;
		cli->tmpl.reply.l4num = num;
		ps->tset |= TBIT(a == PA_REPL_SPORT ? T_REPL_SPORT : T_REPL_DPORT) | TBIT(T_REPL_L4);
		break;
	case PA_MASK_SPORT:
	case PA_MASK_DPORT:
		*(a == PA_MASK_SPORT ? &cli->exp_mask.sport : &cli->exp_mask.dport) = port;
		cli->exp_mask.l4num = num;
		ps->tset |= TBIT(a == PA_MASK_SPORT ? T_MASK_SPORT : T_MASK_DPORT);
		break;
	default:
		*(a == PA_EXP_SPORT ? &cli->exp_tuple.sport : &cli->exp_tuple.dport) = port;
		cli->exp_tuple.l4num = exp_l4(ps->proto, port);
		ps->tset |= TBIT(a == PA_EXP_SPORT ? T_EXP_SPORT : T_EXP_DPORT) | TBIT(T_EXP_L4);
		break;
	}
}

static int set_state(struct ct_parse *ps, const char *arg)
{
	struct ctk_entry *t = &ps->cli->tmpl;
	int s;

	switch (ps->proto->states) {
	case CT_STATES_TCP:
		/* LISTEN is the pre-2.6.31 name of SYN_SENT2 */
		s = !strcmp(arg, "LISTEN") ? 9 : find_state(tcp_states, N(tcp_states), arg);
		if (s < 0)
			return ct_fail(ps, 2, "unknown TCP state `%s'", arg);
		t->tcp.state = (uint8_t)s;
		ps->tset |= TBIT(T_TCP_STATE);
		return 0;
	case CT_STATES_SCTP:
		/* the reference crashes here on an unknown name; we report it */
		s = find_state(sctp_states, N(sctp_states), arg);
		if (s < 0)
			return ct_fail(ps, 2, "unknown SCTP state `%s'", arg);
		t->sctp.state = (uint8_t)s;
		ps->tset |= TBIT(T_SCTP_STATE);
		return 0;
	default:
		s = find_state(dccp_states, N(dccp_states), arg);
		if (s < 0)
			return ct_fail(ps, 2, "Unknown DCCP state `%s'", arg);
		t->dccp.state = (uint8_t)s;
		ps->tset |= TBIT(T_DCCP_STATE);
		return 0;
	}
}

static int set_role(struct ct_parse *ps, const char *arg)
{
	size_t len = strlen(arg);

	if (!strncasecmp(arg, "client", len))
		ps->cli->tmpl.dccp.role = 0;
	else if (!strncasecmp(arg, "server", len))
		ps->cli->tmpl.dccp.role = 1;
	else
		return ct_fail(ps, 2, "Unknown DCCP role `%s'", arg);
	ps->tset |= TBIT(T_DCCP_ROLE);
	return 0;
}

/*
 * As libnetfilter_conntrack does, an ICMP field also sets the reply
 * tuple's: the same code and id, and the reply type of a request (255
 * when the type has none). -I with both -s/-d and -r/-q sends them.
 */
static void set_icmp(struct ct_parse *ps, enum ct_proto_action a, const char *arg)
{
	struct ctk_tuple *o = &ps->cli->tmpl.orig;
	struct ctk_tuple *r = &ps->cli->tmpl.reply;

	if (a == PA_ICMP_TYPE) {
		o->icmp_type = (uint8_t)ct_atou32(arg);
		if (!ctk_icmp_reply_type(ps->proto->num, o->icmp_type, &r->icmp_type))
			r->icmp_type = 255;
		ps->tset |= TBIT(T_ICMP_TYPE);
	} else if (a == PA_ICMP_CODE) {
		o->icmp_code = r->icmp_code = (uint8_t)ct_atou32(arg);
		ps->tset |= TBIT(T_ICMP_CODE);
	} else {
		o->icmp_id = r->icmp_id = (uint16_t)ct_atou32(arg);
		ps->tset |= TBIT(T_ICMP_ID);
	}
	o->l4num = ps->proto->num;
	ps->tset |= TBIT(T_ORIG_L4);
	if (ps->tset & TBIT(T_REPL_L3)) {
		ps->cli->tmpl.reply.l4num = ps->proto->num;
		ps->tset |= TBIT(T_REPL_L4);
	}
}

static int apply(struct ct_parse *ps, const struct ct_proto_col *col, const char *arg)
{
	switch (col->action) {
	case PA_STATE:
		return set_state(ps, arg);
	case PA_ROLE:
		return set_role(ps, arg);
	case PA_VTAG_ORIG:
	case PA_VTAG_REPL:
		ps->cli->tmpl.sctp.vtag[col->action == PA_VTAG_REPL] = ct_atou32(arg);
		ps->tset |= TBIT(col->action == PA_VTAG_REPL ? T_VTAG_REPL : T_VTAG_ORIG);
		return 0;
	case PA_ICMP_TYPE:
	case PA_ICMP_CODE:
	case PA_ICMP_ID:
		set_icmp(ps, col->action, arg);
		return 0;
	default:
		set_port(ps, col->action, parse_port(ps->proto, arg));
		return 0;
	}
}

/*
 * An option of a protocol table, handled by the parser of the last -p
 * (which may be another protocol: the reference's second -p quirk).
 */
int ct_proto_parse(struct ct_parse *ps, int code, const char *arg)
{
	const struct ct_proto *p = ps->proto;

	for (unsigned int i = 0; i < p->ndef; i++) {
		if (p->cols[i].code != code)
			continue;
		ps->l4flags |= OPTBIT(i);
		ps->cli->proto_opts = ps->l4flags;
		return apply(ps, &p->cols[i], arg);
	}
	return 0;
}

static const uint8_t *proto_row(const struct ct_proto *p, enum ct_row row)
{
	static const uint8_t none[CT_PROTO_COLS];

	/* -A is checked as -I; rows past -E expect are all illegal. */
	if (row == CT_ROW_ADD)
		row = CT_ROW_CREATE;
	if (row > CT_ROW_EXP_EVENT)
		return none;
	return p->rows[row];
}

int ct_proto_final_check(struct ct_parse *ps)
{
	const struct ct_proto *p = ps->proto;
	const char *names[CT_PROTO_COLS];
	uint32_t pairs[2];
	struct ctk_entry *t = &ps->cli->tmpl;

	if (!p || !p->rows || ps->row == CT_ROW_HELP)
		return 0;
	/* columns past the named ones print as glibc prints a NULL %s */
	for (unsigned int i = 0; i < CT_PROTO_COLS; i++)
		names[i] = i < p->ndef ? p->cols[i].name : "(null)";
	pairs[0] = OPTBIT(0) | OPTBIT(1);
	pairs[1] = OPTBIT(2) | OPTBIT(3);
	if (ct_check_opts(ps, ps->l4flags, p->ncols, proto_row(p, ps->row), names,
			  p->pair_msg[0] ? pairs : NULL, p->pair_msg) < 0)
		return -1;
	if (p->tcp_flags) {
		uint8_t f = TCP_FLAG_BE_LIBERAL | TCP_FLAG_SACK_PERM;

		if ((ps->tset & TBIT(T_TCP_STATE)) && t->tcp.state >= TCP_STATE_TIME_WAIT)
			f |= TCP_FLAG_CLOSE_INIT;
		for (int d = 0; d < 2; d++)
			t->tcp.flags[d] = t->tcp.flags_mask[d] = f;
		ctk_entry_set(t, CTK_ATTR_TCP_FLAGS_ORIG);
		ctk_entry_set(t, CTK_ATTR_TCP_FLAGS_REPLY);
	}
	return 0;
}
