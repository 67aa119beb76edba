/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit timeout policies: named per-protocol timeout sets (cttimeout).
 *
 * A timeout policy says how long a connection may stay in each state of
 * its protocol tracker ("UDP replied: 30 s"). The kernel keeps named
 * policies per network namespace (NFNL_SUBSYS_CTNETLINK_TIMEOUT); an
 * iptables rule ("-t raw ... -j CT --timeout NAME") attaches one to the
 * connections it matches (nftables has its own timeout objects). The
 * kernel also keeps one default policy per protocol, which applies to
 * every other connection.
 *
 * struct ctk_timeout is plain data: the same object is what the kernel
 * sends, what a request carries, and what a userspace engine (a later
 * "conntrack --pcap F --timeout-policy FILE") takes its timeouts
 * from. State numbers are the kernel's CTA_TIMEOUT_<PROTO>_* attribute
 * types minus one; ctk_timeout_state() finds them by name.
 *
 * The kernel side is in ctkit/timeout_nl.h, text and JSON in ctkit/format.h.
 *
 * Errors: functions return 0 or a negative errno (netlink.h conventions).
 */
#ifndef CTKIT_TIMEOUT_H
#define CTKIT_TIMEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CTK_TIMEOUT_NAME_LEN 32		/* CTNL_TIMEOUT_NAME_MAX, NUL included */
#define CTK_TIMEOUT_STATES 16		/* more than any tracker has (tcp: 11) */
#define CTK_TIMEOUT_GENERIC 255		/* l4proto of the generic tracker (IPPROTO_RAW) */

/* Presence bits of struct ctk_timeout (the policy itself: @states). */
enum ctk_timeout_attr {
	CTK_TIMEOUT_ATTR_NAME = 1 << 0,
	CTK_TIMEOUT_ATTR_L3PROTO = 1 << 1,
	CTK_TIMEOUT_ATTR_L4PROTO = 1 << 2,
	CTK_TIMEOUT_ATTR_USE = 1 << 3,	/* reference count; kernel replies only */
};

/*
 * struct ctk_timeout - one policy, or a template for a request.
 * @secs[i] is valid when bit i of @states is set; a policy sent with
 * some states leaves the others at the kernel's defaults.
 */
struct ctk_timeout {
	uint32_t present;		/* enum ctk_timeout_attr */
	char name[CTK_TIMEOUT_NAME_LEN];
	uint16_t l3proto;		/* AF_INET, AF_INET6 */
	uint8_t l4proto;		/* IPPROTO_*, CTK_TIMEOUT_GENERIC */
	uint32_t use;
	uint32_t states;		/* bit i: secs[i] present */
	uint32_t secs[CTK_TIMEOUT_STATES];
};

/* ---- protocols and their states (data tables, lib/model) ----------------- */

/*
 * struct ctk_timeout_proto - a tracker that takes timeout policies.
 * @states: the state names in state-number order, upper case as the
 * reference prints them (libnetfilter_cttimeout's names). The first
 * @nstates are those nfct accepts and prints; up to @nnames, states only
 * newer kernels report (SCTP's HEARTBEAT_SENT), named for JSON.
 */
struct ctk_timeout_proto {
	uint8_t l4proto;
	const char *name;		/* "tcp", ..., "generic" */
	uint8_t nstates;
	uint8_t nnames;
	const char *const *states;
};

/* The tracker of @l4proto, or NULL when it takes no policy. */
const struct ctk_timeout_proto *ctk_timeout_proto(uint8_t l4proto);
/* The trackers in a fixed order: index 0 .. until NULL. */
const struct ctk_timeout_proto *ctk_timeout_proto_at(unsigned int index);
/* State number of @name (any case) in @l4proto's tracker, or -1. */
int ctk_timeout_state(uint8_t l4proto, const char *name);
/* Name of state @state of @l4proto's tracker (up to nnames), or NULL. */
const char *ctk_timeout_state_name(uint8_t l4proto, unsigned int state);

/* Copy @name, cut to CTK_TIMEOUT_NAME_LEN - 1 bytes as the reference does. */
void ctk_timeout_set_name(struct ctk_timeout *t, const char *name);
/* Set state @state to @secs; -EINVAL when @t's l4proto has no such state. */
int ctk_timeout_set_secs(struct ctk_timeout *t, unsigned int state, uint32_t secs);
/* The timeout of state @state, if the policy has one. */
bool ctk_timeout_get_secs(const struct ctk_timeout *t, unsigned int state, uint32_t *secs);

/*
 * The nfct command-line syntax, "FAMILY PROTO STATE SECS [STATE SECS]...",
 * shared with policy files. FAMILY is inet or inet6; PROTO a name from
 * /etc/protocols, or icmpv6 or generic; states any case. SECS is read as
 * atoi() reads it (as the reference), unless CTK_TIMEOUT_ARGS_STRICT asks
 * for a plain decimal number of at most 32 bits.
 */
enum ctk_timeout_args_err {
	CTK_TIMEOUT_ARGS_OK,
	CTK_TIMEOUT_ARGS_L3,		/* unknown layer 3 protocol */
	CTK_TIMEOUT_ARGS_L4,		/* unknown layer 4 protocol */
	CTK_TIMEOUT_ARGS_STATE,		/* a state the protocol does not have */
	CTK_TIMEOUT_ARGS_MISSING,	/* a state without its value */
	CTK_TIMEOUT_ARGS_VALUE,		/* STRICT: not a number */
};

#define CTK_TIMEOUT_ARGS_STRICT 0x1

/*
 * ctk_timeout_parse_args - fill @t's l3proto, l4proto and states from
 * @argv. On an error, *@bad (if not NULL) is the index of the word at
 * fault. Only FAMILY and PROTO are required.
 */
enum ctk_timeout_args_err ctk_timeout_parse_args(struct ctk_timeout *t, int argc,
						 char *const argv[], unsigned int flags,
						 int *bad);
/* ctk_timeout_l4proto - PROTO as ctk_timeout_parse_args reads it; -1 when unknown. */
int ctk_timeout_l4proto(const char *name);

#ifdef __cplusplus
}
#endif
#endif
