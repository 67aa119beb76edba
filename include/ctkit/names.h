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

/* "ipv4", "ipv6" or "unknown". */
const char *ctk_l3_name(uint8_t l3num);
/* "tcp", "udp", "udplite", "icmp", "icmpv6", "sctp", "gre", "dccp" or "unknown". */
const char *ctk_l4_name(uint8_t l4num);
/* ctk_l4_by_name - protocol number of a name above (case-insensitive), or -1. */
int ctk_l4_by_name(const char *name);

/* State names; out-of-range values give NULL. */
const char *ctk_tcp_state_name(uint8_t state);
const char *ctk_sctp_state_name(uint8_t state);
const char *ctk_dccp_state_name(uint8_t state);
/* Parse a state name (exact, case-sensitive as the reference); -1 if unknown. */
int ctk_tcp_state_by_name(const char *name);
int ctk_sctp_state_by_name(const char *name);
int ctk_dccp_state_by_name(const char *name);

/* Number of TCP/SCTP/DCCP states the tables know. */
#define CTK_TCP_STATE_MAX 10
#define CTK_SCTP_STATE_MAX 10
#define CTK_DCCP_STATE_MAX 10

/*
 * ctk_status_bit_name - name of IPS_* bit @bit ("EXPECTED", "SEEN_REPLY",
 * "ASSURED", "CONFIRMED", "SRC_NAT", ...), or NULL when the bit has no name.
 */
const char *ctk_status_bit_name(unsigned int bit);

#ifdef __cplusplus
}
#endif
#endif
