/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit engine: connection tracking in user space with the semantics of
 * the Linux kernel's nf_conntrack (pinned to Linux 6.18; docs/ENGINE.md).
 *
 * Feed raw IPv4/IPv6 packets with their time; get per packet the ct state
 * a netfilter rule would see (new, established, related, invalid,
 * untracked), the direction, the entry and, for invalid packets, the
 * reason the kernel logs with nf_conntrack_log_invalid. Time is always
 * an input (nanoseconds, any epoch, never decreasing): the engine never
 * reads a clock, so a capture replays the same way every time.
 *
 * Entries are reported in the kernel backend's model (struct ctk_entry),
 * so the CLI's filters and formatters list an engine table exactly like
 * a kernel dump. Single-threaded: one engine per thread (see ENGINE.md).
 *
 * No heap allocation per packet: the table and entry pool are set up at
 * creation (the pool grows in chunks when max is 0, i.e. unlimited).
 */
#ifndef CTKIT_ENGINE_H
#define CTKIT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The semantics reproduced, for reports and --version. */
#define CTK_ENGINE_KERNEL_VERSION "6.18"

/*
 * struct ctk_engine_config - the kernel's knobs, named after their
 * net.netfilter.nf_conntrack_* sysctls, with the kernel's defaults
 * (ctk_engine_config_init). Timeouts are in seconds.
 */
struct ctk_engine_config {
	uint32_t tcp_timeout_syn_sent;		/* 120 */
	uint32_t tcp_timeout_syn_recv;		/* 60 */
	uint32_t tcp_timeout_established;	/* 432000 (5 days) */
	uint32_t tcp_timeout_fin_wait;		/* 120 */
	uint32_t tcp_timeout_close_wait;	/* 60 */
	uint32_t tcp_timeout_last_ack;		/* 30 */
	uint32_t tcp_timeout_time_wait;		/* 120 */
	uint32_t tcp_timeout_close;		/* 10 */
	uint32_t tcp_timeout_max_retrans;	/* 300 */
	uint32_t tcp_timeout_unacknowledged;	/* 300 */
	uint32_t udp_timeout;			/* 30 */
	uint32_t udp_timeout_stream;		/* 120 */
	uint32_t icmp_timeout;			/* 30 */
	uint32_t icmpv6_timeout;		/* 30 */
	uint32_t generic_timeout;		/* 600 */
	uint32_t gre_timeout;			/* 30 */
	uint32_t gre_timeout_stream;		/* 180 */
	uint32_t sctp_timeout_closed;		/* 10 (SCTP not tracked yet) */
	uint32_t sctp_timeout_cookie_wait;	/* 3 */
	uint32_t sctp_timeout_cookie_echoed;	/* 3 */
	uint32_t sctp_timeout_established;	/* 210 */
	uint32_t sctp_timeout_shutdown_sent;	/* 3 */
	uint32_t sctp_timeout_shutdown_recd;	/* 3 */
	uint32_t sctp_timeout_shutdown_ack_sent;/* 3 */
	uint32_t sctp_timeout_heartbeat_sent;	/* 30 */
	uint32_t tcp_loose;			/* 1: pick up mid-stream connections */
	uint32_t tcp_be_liberal;		/* 0: window violations are invalid */
	uint32_t tcp_max_retrans;		/* 3 */
	uint32_t tcp_ignore_invalid_rst;	/* 0 */
	uint32_t checksum;			/* 1: verify l4 checksums */
	uint32_t acct;				/* 0: counters shown in entries */
	uint32_t timestamp;			/* 0: start/stop times in entries */
	uint32_t events;			/* 1: event callbacks fire */
	uint32_t max;				/* 262144; 0 = unlimited */
	uint32_t buckets;			/* 262144 */
	uint64_t hash_seed;			/* 0: a fixed seed (reproducible) */
};

/* ctk_engine_config_init - the kernel's defaults (6.18, >4 GiB of RAM). */
void ctk_engine_config_init(struct ctk_engine_config *cfg);

/*
 * ctk_engine_config_set - set one knob by its sysctl name, with or without
 * the "net.netfilter." prefix, dots or slashes ("nf_conntrack_tcp_loose",
 * "net/netfilter/nf_conntrack_max"; "net.nf_conntrack_max" too). Returns 0,
 * -ENOENT for an unknown name, -EINVAL for a value that is not a number
 * or is out of the kernel's range.
 */
int ctk_engine_config_set(struct ctk_engine_config *cfg, const char *name, const char *value);
/* ctk_engine_config_get - the value of one knob by name, or -ENOENT. */
int ctk_engine_config_get(const struct ctk_engine_config *cfg, const char *name, uint64_t *value);
/* ctk_engine_config_name - the i-th knob's full sysctl name, NULL past the end. */
const char *ctk_engine_config_name(unsigned int i);

/* What a rule would match with `ct state`. */
enum ctk_ct_state {
	CTK_CT_INVALID = 0,
	CTK_CT_NEW,
	CTK_CT_ESTABLISHED,
	CTK_CT_RELATED,
	CTK_CT_UNTRACKED,
};

/* "invalid", "new", "established", "related", "untracked" (nft's words). */
const char *ctk_ct_state_name(enum ctk_ct_state s);

struct ctk_engine;
struct ctk_conn;	/* one tracked connection, owned by the engine */

#define CTK_REASON_MAX 112

/*
 * struct ctk_verdict - what the engine decided for one packet.
 * @conn: the entry the packet belongs to (NULL when invalid or untracked).
 *	Valid until the next call that changes the table: a connection
 *	killed by this very packet (RST before any reply, TIME_WAIT reopen)
 *	is reported with @killed and can still be read until then.
 * @reason: for invalid packets, the text the kernel logs (without its
 *	"nf_ct_proto_N: " prefix and packet dump); "" otherwise. Some
 *	invalid packets are silent in the kernel: their reason is in
 *	parentheses, e.g. "(icmp type 0 cannot create a connection)".
 * @held: an IP fragment waiting for the rest of its datagram (state is
 *	CTK_CT_INVALID, reason "(fragment held for reassembly)"); the fragment
 *	that completes the datagram gets the verdict of the whole.
 * @l4num: the packet's layer-4 protocol (0 if the IP header was bad).
 */
struct ctk_verdict {
	enum ctk_ct_state state;
	enum ctk_dir dir;
	struct ctk_conn *conn;
	bool killed;
	bool dropped;	/* the kernel would drop it (table full) */
	bool held;	/* a fragment kept for reassembly: no ct state of its own */
	uint8_t l3num;
	uint8_t l4num;
	char reason[CTK_REASON_MAX];
};

/*
 * ctk_engine_new - an engine with @cfg (NULL: defaults); NULL with errno
 * on allocation failure or a bad configuration (EINVAL).
 */
struct ctk_engine *ctk_engine_new(const struct ctk_engine_config *cfg);
void ctk_engine_free(struct ctk_engine *eng);
const struct ctk_engine_config *ctk_engine_config(const struct ctk_engine *eng);

/*
 * ctk_engine_set_event_cb - called with CTK_EV_NEW, CTK_EV_UPDATE and
 * CTK_EV_DESTROY as ctnetlink would send them: at most one NEW or UPDATE
 * per packet, after the packet; DESTROY when an entry expires, is killed
 * or deleted. The entry passed carries what the kernel's event carries.
 * The callback must not call back into the engine. NULL disables.
 */
void ctk_engine_set_event_cb(struct ctk_engine *eng, ctk_entry_cb cb, void *data);

/*
 * ctk_engine_packet - track one raw IPv4 or IPv6 packet (starting at the
 * IP header, @len bytes as captured) seen at @now_ns, as the kernel's
 * PREROUTING hook of a forwarding router would. Fills @v; returns its
 * state. Never fails: malformed input is CTK_CT_INVALID with a reason.
 * Expired entries met on the way are destroyed first (as the kernel
 * reaps them on lookup).
 */
enum ctk_ct_state ctk_engine_packet(struct ctk_engine *eng, const uint8_t *l3, size_t len,
				    uint64_t now_ns, struct ctk_verdict *v);

/*
 * struct ctk_packet - one packet for ctk_engine_packets(): the IP header
 * and captured length as for ctk_engine_packet(), and the time it was seen.
 */
struct ctk_packet {
	const uint8_t *l3;
	uint32_t len;
	uint64_t now_ns;
};

/*
 * ctk_engine_packets - track @n packets in order, exactly as @n calls of
 * ctk_engine_packet() would (same verdicts, events, stats and entries;
 * only the memory slots of new entries may differ). On large tables it
 * is several times faster: packets are parsed and hashed ahead and their
 * buckets and entries prefetched, so the cache misses of a group of
 * packets overlap. @v receives one verdict per packet; times must not
 * decrease. The entries named by the verdicts stay readable until the
 * next call (a killed entry's slot is reused within a call only when the
 * pool is full). Any @n; the misses of the first and last few packets
 * of a call overlap less, so a few hundred packets per call
 * (CTK_ENGINE_BATCH) work best.
 */
#define CTK_ENGINE_BATCH 256
void ctk_engine_packets(struct ctk_engine *eng, const struct ctk_packet *pkts, unsigned int n,
			struct ctk_verdict *v);

/*
 * ctk_frame_l3 - where the IP header starts in a captured frame of pcap
 * link type @linktype (LINKTYPE_*: 1 Ethernet with 802.1Q/802.1ad tags,
 * 113 Linux SLL, 276 Linux SLL2, 101/12/14/228/229 raw IP, 0/108 BSD
 * loopback). Returns 0 with *@l3_off set, -ENOENT for a frame without
 * IPv4/IPv6 (not for conntrack), -EINVAL when cut short, -EPROTONOSUPPORT
 * for other link types.
 */
int ctk_frame_l3(uint32_t linktype, const uint8_t *frame, size_t len, size_t *l3_off);

/*
 * ctk_engine_expire - destroy every entry whose timeout ran out at or
 * before @now_ns (one DESTROY event each).
 * Returns how many. Cheap when nothing is due (a timer wheel, no table
 * scan): call it before each packet to get events in trace time.
 */
unsigned int ctk_engine_expire(struct ctk_engine *eng, uint64_t now_ns);

/*
 * ctk_engine_next_expiry - a time before which ctk_engine_expire() has
 * nothing to destroy: no entry's timeout runs out before it, so expiry at
 * any earlier time is a no-op. Conservative (never later than the first
 * real deadline, possibly earlier); UINT64_MAX for an empty table.
 * Packets tracked afterwards can add earlier deadlines, each at or after
 * its packet's time plus the shortest *_timeout knob. With both, a caller
 * can feed ctk_engine_packets() batches that cross no deadline, so that
 * skipping ctk_engine_expire() between their packets changes nothing.
 * Cost: a walk of the timer wheel's slots up to the first busy one.
 */
uint64_t ctk_engine_next_expiry(const struct ctk_engine *eng);

/* ctk_engine_count - live entries, as nf_conntrack_count (expired ones not yet reaped included). */
unsigned int ctk_engine_count(const struct ctk_engine *eng);

/*
 * ctk_engine_foreach - every live entry (timeout not run out at @now_ns)
 * as a dump would show it, timeouts relative to @now_ns; @cb returns
 * CTK_CB_OK to go on, CTK_CB_STOP to stop, CTK_CB_ERROR to stop with
 * -ECANCELED. Returns the number passed or -ECANCELED. The ev argument is
 * CTK_EV_NONE. @cb may delete the entry it is given (ctk_engine_delete).
 */
int ctk_engine_foreach(struct ctk_engine *eng, uint64_t now_ns, ctk_entry_cb cb, void *data);

/*
 * ctk_engine_lookup - the live entry with this tuple in either direction
 * (orig or reply, as the kernel's lookup), or NULL; @dir (may be NULL)
 * tells which. Only addresses, l3num, l4num and ports/ICMP id/type/code
 * are compared.
 */
struct ctk_conn *ctk_engine_lookup(struct ctk_engine *eng, const struct ctk_tuple *t,
				   uint64_t now_ns, enum ctk_dir *dir);

/* ctk_engine_conn_entry - fill @e for @conn as a dump shows it at @now_ns. */
void ctk_engine_conn_entry(const struct ctk_engine *eng, const struct ctk_conn *conn,
			   uint64_t now_ns, struct ctk_entry *e);

/* ctk_engine_delete - remove @conn (a DESTROY event, as conntrack -D). */
void ctk_engine_delete(struct ctk_engine *eng, struct ctk_conn *conn, uint64_t now_ns);

/* ctk_engine_flush - remove every entry (DESTROY events, as conntrack -F). */
void ctk_engine_flush(struct ctk_engine *eng, uint64_t now_ns);

/*
 * ctk_engine_stats - the counters the kernel keeps per CPU (conntrack -S),
 * as one "cpu=0" record with the fields a 6.18 kernel sends present.
 */
void ctk_engine_stats(const struct ctk_engine *eng, struct ctk_cpu_stats *s);

#ifdef __cplusplus
}
#endif
#endif
