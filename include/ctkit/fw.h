/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit firewall path: a packet through a Linux firewall as the kernel
 * takes it, offline. The firewall's nftables ruleset (ctkit/ruleset.h)
 * runs at its hooks and priorities around the userspace engine's
 * conntrack (ctkit/engine_hook.h), with NAT bindings and helpers, and
 * every packet gets a verdict, the rule that decided it and the NAT it
 * went through: a packet tracer for Linux.
 *
 * The path (IPv4 and IPv6; docs/pcap.md "The firewall path"):
 *   forwarded: prerouting (raw, conntrack, mangle, dstnat, filter) ->
 *              forward -> postrouting (srcnat, confirm)
 *   to the firewall (destination is a local address): prerouting ->
 *              input (filter, srcnat, confirm)
 *   from the firewall (source is a local address): output (raw,
 *              conntrack, mangle, dstnat, filter) -> postrouting
 *
 * Threading and time as for the engine: one firewall per thread, time
 * an input. The firewall keeps pointers to the engine and the ruleset it
 * was made with; both must outlive it.
 */
#ifndef CTKIT_FW_H
#define CTKIT_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/engine.h>
#include <ctkit/ruleset.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ctk_fw;

/* What became of a packet. */
enum ctk_fw_verdict_code {
	CTK_FW_ACCEPT,		/* forwarded, or delivered locally, or sent */
	CTK_FW_DROP,		/* dropped by a rule, a policy, NAT or conntrack */
	CTK_FW_HELD,		/* a fragment queued for reassembly: no ct state yet */
	CTK_FW_DISCARD,		/* dropped before netfilter (bad IPv4 header...) */
};

/* "accept", "drop", "held", "discard". */
const char *ctk_fw_verdict_name(enum ctk_fw_verdict_code v);

/* The rule that decided (or the chain policy: @handle 0, @text the policy). */
struct ctk_fw_rule_ref {
	const char *family;	/* "ip", "ip6", "inet" */
	const char *table;
	const char *chain;
	uint64_t handle;	/* 0: the chain's policy */
	const char *text;	/* the rule as nft prints it, or "policy drop" */
};

/* One NAT rewrite the packet went through. */
struct ctk_fw_nat_step {
	const char *hook;	/* "prerouting", "postrouting", "output", "input" */
	struct ctk_tuple before;
	struct ctk_tuple after;
};

#define CTK_FW_NOTES_MAX 8
#define CTK_FW_NOTE_LEN 128

/*
 * struct ctk_fw_verdict - one packet's way through the firewall.
 * @ct: conntrack's verdict (state, direction, entry, reason); its state
 *	is meaningless when @tracked is false.
 * @tracked: conntrack saw the packet (false for held/discarded packets,
 *	and a state of CTK_CT_UNTRACKED for notrack).
 * @path_local_in / @path_local_out: the packet was for / from the firewall.
 * @rule: what decided; @has_rule false when no rule or policy did (no
 *	chain at all, or accepted by conntrack's own checks).
 * @nat: the rewrites, in hook order.
 * @notes: log prefixes, reject types, helper and expectation events, in
 *	order ("log prefix \"x\"", "reject with icmp port-unreachable",
 *	"expectation created: ...").
 */
struct ctk_fw_verdict {
	struct ctk_verdict ct;
	enum ctk_fw_verdict_code verdict;
	bool tracked;
	bool path_local_in;
	bool path_local_out;
	bool has_rule;
	struct ctk_fw_rule_ref rule;
	unsigned int nnat;
	struct ctk_fw_nat_step nat[2];
	unsigned int nnotes;
	char notes[CTK_FW_NOTES_MAX][CTK_FW_NOTE_LEN];
};

/*
 * struct ctk_fw_packet - one packet as the capture gives it: the IP
 * datagram, its time, and the interfaces when the capture names them
 * (NULL otherwise; a rule matching iifname/oifname then fails with
 * -ENXIO from ctk_fw_packet()).
 */
struct ctk_fw_packet {
	const uint8_t *l3;
	uint32_t len;
	uint64_t now_ns;
	const char *iifname;
	const char *oifname;
	bool outgoing;		/* the capture saw it leave the firewall */
};

/*
 * ctk_fw_new - a firewall running @rs (NULL: no ruleset, every hook
 * accepts) around @eng. NULL with errno set (ENOMEM).
 */
struct ctk_fw *ctk_fw_new(struct ctk_engine *eng, const struct ctk_ruleset *rs);
void ctk_fw_free(struct ctk_fw *fw);

/*
 * ctk_fw_add_local_address - @addr (an IPv4 or IPv6 address in text) is
 * the firewall's own: packets to it take the input path, from it the
 * output path. Returns 0, -EINVAL if not an address, -ENOMEM.
 */
int ctk_fw_add_local_address(struct ctk_fw *fw, const char *addr);

/*
 * ctk_fw_set_masquerade_address - the address `masquerade` maps to for
 * @addr's family (a capture has no interface addresses). Returns 0 or
 * -EINVAL. Without one, a masquerade rule drops the packet with a note.
 */
int ctk_fw_set_masquerade_address(struct ctk_fw *fw, const char *addr);

/*
 * ctk_fw_add_route - packets to @prefix ("198.51.100.0/24", "::/0", an
 * address alone for a host) leave through @ifname: the routing table a
 * capture does not hold, for `oifname` rules. The longest prefix wins.
 * Returns 0, -EINVAL for a bad prefix or name, -ENOMEM.
 */
int ctk_fw_add_route(struct ctk_fw *fw, const char *prefix, const char *ifname);

/*
 * ctk_fw_set_iifname - the interface packets arrived on when the capture
 * does not say (a pcap file taken on one interface). Returns 0 or -EINVAL.
 */
int ctk_fw_set_iifname(struct ctk_fw *fw, const char *ifname);

/*
 * Tracing: for one packet, every chain entered and rule evaluated, as
 * `nft monitor trace` shows them. @rule NULL for a chain's policy;
 * @verdict the rule's verdict ("continue" when it did not match or did
 * not decide).
 */
struct ctk_fw_trace {
	const char *hook;
	const char *family;
	const char *table;
	const char *chain;
	uint64_t handle;	/* 0: the policy */
	const char *text;
	const char *verdict;	/* "accept", "drop", "continue", "jump x", "return", ... */
};
typedef void (*ctk_fw_trace_cb)(const struct ctk_fw_trace *t, void *data);

/* ctk_fw_set_trace_cb - call @cb for the next packets' evaluation steps; NULL stops. */
void ctk_fw_set_trace_cb(struct ctk_fw *fw, ctk_fw_trace_cb cb, void *data);

/*
 * ctk_fw_packet - take one packet through the firewall. Fills @v.
 * Returns 0; 1 when @p is outgoing but not from a local address, i.e.
 * the firewall's own copy of a packet it forwarded, seen leaving (a
 * capture on several interfaces has both): nothing is done, @v is not
 * filled; or a negative errno when the ruleset needs what the packet
 * cannot give (-ENXIO: an interface name the capture does not have),
 * with a note in @v naming the rule; the packet is then dropped.
 */
int ctk_fw_packet(struct ctk_fw *fw, const struct ctk_fw_packet *p, struct ctk_fw_verdict *v);

/*
 * ctk_fw_out_packet - the packet as it left the firewall (after NAT and
 * helper rewrites), valid until the next ctk_fw_packet(); NULL if it was
 * not accepted. Sets *@len.
 */
const uint8_t *ctk_fw_out_packet(const struct ctk_fw *fw, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
