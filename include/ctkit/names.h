/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names of protocols, states and status bits, as conntrack-tools spells them.
 * Every table here is data: one array per kind, indexed by the kernel value.
 */
#ifndef CTKIT_NAMES_H
#define CTKIT_NAMES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ctk_stat_name - the name of per-CPU counter @stat (enum ctk_stat), as
 * conntrack -S prints it ("found", "insert_failed", ...); NULL past the last.
 */
const char *ctk_stat_name(unsigned int stat);

/* "ipv4", "ipv6" or "unknown". */
const char *ctk_l3_name(uint8_t l3num);
/* Layer-4 protocol names: ctk_l4proto_name() and ctk_l4proto_find_name() (ctkit/l4proto.h). */

/*
 * State names; out-of-range values give NULL (libnetfilter_conntrack then
 * prints "NONE", the name of state 0).
 */
const char *ctk_tcp_state_name(uint8_t state);
const char *ctk_sctp_state_name(uint8_t state);
const char *ctk_dccp_state_name(uint8_t state);
/*
 * Parse a state name (exact, case-sensitive as the reference); -1 if unknown.
 * TCP also takes "LISTEN" (9, printed as SYN_SENT2). SCTP takes only the
 * first CTK_SCTP_STATE_PARSE_MAX names: conntrack 1.4.7's table stops there
 * (it even crashes on any other name, where ctkit returns -1).
 */
int ctk_tcp_state_by_name(const char *name);
int ctk_sctp_state_by_name(const char *name);
int ctk_dccp_state_by_name(const char *name);

/* Number of TCP/SCTP/DCCP states the tables know. */
#define CTK_TCP_STATE_MAX 10
#define CTK_SCTP_STATE_MAX 10
#define CTK_DCCP_STATE_MAX 10
/* SCTP states conntrack --state accepts: NONE .. SHUTDOWN_ACK_SENT. */
#define CTK_SCTP_STATE_PARSE_MAX 8
/* Status bits that have a name: 0 .. 15 (IPS_HW_OFFLOAD). */
#define CTK_STATUS_BIT_MAX 16

/*
 * ctk_status_bit_name - name of IPS_* bit @bit ("EXPECTED", "SEEN_REPLY",
 * "ASSURED", "CONFIRMED", "SRC_NAT", ...), or NULL when the bit has no name.
 */
const char *ctk_status_bit_name(unsigned int bit);

#ifdef __cplusplus
}
#endif
#endif
