// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Name tables, spelled as libnetfilter_conntrack 1.0.9 prints them
 * (src/conntrack/snprintf.c) and as conntrack-tools 1.4.7 parses them
 * (extensions/libct_proto_*.c). Every table is indexed by the kernel value;
 * per-protocol names live in the protocol descriptors (l4proto.c).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include <ctkit/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

/* Exact, case-sensitive lookup among the first @n state names of @p. */
static int state_by_name(const struct ctk_l4proto *p, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++) {
		if (strcmp(name, p->states[i]) == 0)
			return (int)i;
	}
	return -1;
}

const char *ctk_tcp_state_name(uint8_t state)
{
	return ctk_l4proto_state_name(ctk_l4proto_find(IPPROTO_TCP), state);
}

const char *ctk_sctp_state_name(uint8_t state)
{
	return ctk_l4proto_state_name(ctk_l4proto_find(IPPROTO_SCTP), state);
}

const char *ctk_dccp_state_name(uint8_t state)
{
	return ctk_l4proto_state_name(ctk_l4proto_find(IPPROTO_DCCP), state);
}

int ctk_tcp_state_by_name(const char *name)
{
	const struct ctk_l4proto *p = ctk_l4proto_find(IPPROTO_TCP);

	/* conntrack's own table still says LISTEN for the value 9. */
	if (strcmp(name, "LISTEN") == 0)
		return 9;
	return state_by_name(p, p->nstates_parse, name);
}

int ctk_sctp_state_by_name(const char *name)
{
	const struct ctk_l4proto *p = ctk_l4proto_find(IPPROTO_SCTP);

	return state_by_name(p, p->nstates_parse, name);
}

int ctk_dccp_state_by_name(const char *name)
{
	const struct ctk_l4proto *p = ctk_l4proto_find(IPPROTO_DCCP);

	return state_by_name(p, p->nstates_parse, name);
}

const char *ctk_status_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(status_bits) ? status_bits[bit] : NULL;
}

static const char *const stat_names[CTK_STAT_MAX] = {
	[CTK_STAT_SEARCHED] = "searched",
	[CTK_STAT_FOUND] = "found",
	[CTK_STAT_NEW] = "new",
	[CTK_STAT_INVALID] = "invalid",
	[CTK_STAT_IGNORE] = "ignore",
	[CTK_STAT_DELETE] = "delete",
	[CTK_STAT_DELETE_LIST] = "delete_list",
	[CTK_STAT_INSERT] = "insert",
	[CTK_STAT_INSERT_FAILED] = "insert_failed",
	[CTK_STAT_DROP] = "drop",
	[CTK_STAT_EARLY_DROP] = "early_drop",
	[CTK_STAT_ERROR] = "error",
	[CTK_STAT_SEARCH_RESTART] = "search_restart",
	[CTK_STAT_CLASH_RESOLVE] = "clash_resolve",
	[CTK_STAT_CHAIN_TOOLONG] = "chaintoolong",
	[CTK_STAT_EXP_NEW] = "expect_new",
	[CTK_STAT_EXP_CREATE] = "expect_create",
	[CTK_STAT_EXP_DELETE] = "expect_delete",
};

const char *ctk_stat_name(unsigned int stat)
{
	return stat < CTK_STAT_MAX ? stat_names[stat] : NULL;
}
