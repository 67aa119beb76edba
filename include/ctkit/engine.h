/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit engine: connection tracking in user space with the semantics of
 * the Linux kernel's nf_conntrack (pinned to Linux 6.18; docs/ENGINE.md).
 *
 * Feed raw IPv4/IPv6 packets with their time; get per packet the ct state
 * a netfilter rule would see (new, established, related, invalid,
 * untracked), the direction, the packet's tuple, the entry and, for
 * invalid packets, the reason the kernel logs with
 * nf_conntrack_log_invalid (an enum and its text). Time is always
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
	uint32_t sctp_timeout_closed;		/* 10 */
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
	/* Knobs later kernels add; ctk_engine_config_init() zeroes them. */
	uint32_t reserved[8];
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
 * enum ctk_invalid_reason - why the engine logged a packet, one value per
 * message (ctk_invalid_reason_text() gives the kernel's words). Most
 * come with an INVALID verdict; a few are logged for packets the
 * kernel lets through (CTK_INVALID_TCP_IGNORED,
 * CTK_INVALID_TCP_CHALLENGE_ACK) and CTK_INVALID_FRAG_HELD marks a
 * fragment kept for reassembly. Values may be added at the end of each
 * group's range in later versions: compare with the names, store
 * ctk_invalid_reason_name() rather than the number.
 */
enum ctk_invalid_reason {
	CTK_INVALID_NONE = 0,
	/* IP checks before conntrack (ctkit's words: the kernel drops silently) */
	CTK_INVALID_IP_EMPTY,
	CTK_INVALID_IP_VERSION,
	CTK_INVALID_IP_TRUNC_HEADER,
	CTK_INVALID_IP_HEADER_LEN,
	CTK_INVALID_IP_HEADER_CSUM,
	CTK_INVALID_IP_TRUNC,
	CTK_INVALID_IP_TOTAL_LEN,
	CTK_INVALID_IP6_TRUNC_HEADER,
	CTK_INVALID_IP6_JUMBO,
	CTK_INVALID_IP6_TRUNC,
	CTK_INVALID_IP6_EXTHDR,
	/* defragmentation */
	CTK_INVALID_FRAG_BAD,
	CTK_INVALID_FRAG_LEN,
	CTK_INVALID_FRAG_END,
	CTK_INVALID_FRAG_DUP,
	CTK_INVALID_FRAG_OVERLAP,
	CTK_INVALID_FRAG_HEADERS,
	CTK_INVALID_FRAG_HELD,
	CTK_INVALID_FRAG_NOMEM,
	/* the core */
	CTK_INVALID_NO_TUPLE,
	CTK_INVALID_NO_REPLY_TYPE,
	CTK_INVALID_TABLE_FULL,
	/* ICMP and ICMPv6 */
	CTK_INVALID_ICMP_QUOTE,
	CTK_INVALID_ICMP_QUOTE_NO_REPLY,
	CTK_INVALID_ICMP_QUOTE_NO_CONN,
	CTK_INVALID_ICMP_QUOTE_DADDR,
	CTK_INVALID_ICMP_SHORT,
	CTK_INVALID_ICMP_CSUM,
	CTK_INVALID_ICMP_TYPE,
	CTK_INVALID_ICMP6_SHORT,
	CTK_INVALID_ICMP6_CSUM,
	CTK_INVALID_ICMP6_REDIRECT_SHORT,
	CTK_INVALID_ICMP6_REDIRECT_SRC,
	CTK_INVALID_ICMP6_REDIRECT_OPTS,
	CTK_INVALID_ICMP_OTHER_IP,
	CTK_INVALID_ICMP_NOT_NEW,
	/* TCP */
	CTK_INVALID_TCP_SHORT,
	CTK_INVALID_TCP_TRUNC,
	CTK_INVALID_TCP_CSUM,
	CTK_INVALID_TCP_FLAGS,
	CTK_INVALID_TCP_NEW,
	CTK_INVALID_TCP_LOOSE,
	CTK_INVALID_TCP_RST,
	CTK_INVALID_TCP_IGNORED,
	CTK_INVALID_TCP_STATE,
	CTK_INVALID_TCP_CHALLENGE_ACK,
	CTK_INVALID_TCP_SEQ_OVERSHOT,
	CTK_INVALID_TCP_SEQ_OVER,
	CTK_INVALID_TCP_ACK_OVER,
	CTK_INVALID_TCP_SEQ_UNDER,
	CTK_INVALID_TCP_ACK_UNDER,
	/* UDP and UDP-Lite */
	CTK_INVALID_UDP_SHORT,
	CTK_INVALID_UDP_MALFORMED,
	CTK_INVALID_UDP_CSUM,
	CTK_INVALID_UDPLITE_SHORT,
	CTK_INVALID_UDPLITE_COVERAGE,
	CTK_INVALID_UDPLITE_NO_CSUM,
	CTK_INVALID_UDPLITE_CSUM,
	/* SCTP */
	CTK_INVALID_SCTP_SHORT,
	CTK_INVALID_SCTP_CRC,
	CTK_INVALID_SCTP_CHUNKS,
	CTK_INVALID_SCTP_VTAG,
	CTK_INVALID_SCTP_STATE,
	CTK_INVALID_REASON_MAX	/* one past the last value */
};

/*
 * ctk_invalid_reason_text - the message of @r as a printf format (the
 * kernel's text; values such as sequence bounds are filled in the
 * verdict's @reason). ctk_invalid_reason_name - a short stable
 * identifier ("tcp_seq_over"), for metrics. Both return NULL for a value
 * out of range and "" / "none" for CTK_INVALID_NONE.
 */
const char *ctk_invalid_reason_text(enum ctk_invalid_reason r);
const char *ctk_invalid_reason_name(enum ctk_invalid_reason r);

/*
 * struct ctk_verdict - what the engine decided for one packet.
 * @conn: the entry the packet belongs to (NULL when invalid or untracked).
 *	Valid until the next call that changes the table: a connection
 *	killed by this very packet (RST before any reply, TIME_WAIT reopen)
 *	is reported with @killed and can still be read until then. To keep
 *	a reference longer, take a handle (ctk_engine_conn_handle()).
 * @dir: the packet's direction in @conn (CTK_DIR_ORIG without one).
 * @tuple: the packet's own tuple, source first (the reply tuple of
 *	@conn when @dir is CTK_DIR_REPLY). With an entry, the tuple it was
 *	keyed by; without one (invalid, untracked, held, ICMP errors), as
 *	far as the raw headers can be read: addresses and protocol when
 *	the IP header is there, ports or ICMP type/code/id when the
 *	transport header is (never for a non-first fragment). @tuple.l3num
 *	is 0 when not even the IP header could be read.
 * @why: the reason logged for the packet, CTK_INVALID_NONE if none.
 * @reason: its text as the kernel logs it (without its "nf_ct_proto_N: "
 *	prefix and packet dump); "" otherwise. Some invalid packets are
 *	silent in the kernel: their reason is in parentheses, e.g.
 *	"(icmp type 0 cannot create a connection)".
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
	enum ctk_invalid_reason why;
	struct ctk_tuple tuple;
	char reason[CTK_REASON_MAX];
};

/*
 * struct ctk_conn_handle - a reference to one connection that outlives
 * the call that gave it: the entry's slot and its generation (the
 * entry's id). A slot is reused by later connections; a handle whose
 * connection is gone never resolves to them (-ESTALE), so keeping one is
 * safe where keeping a struct ctk_conn pointer is not. The generation is
 * the 32-bit id: a handle could only be confused after 2^32 more
 * connections all landing in the same slot. { 0, 0 } names nothing.
 */
struct ctk_conn_handle {
	uint32_t index;
	uint32_t generation;
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
 * ctk_engine_prefetch - a hint that @pkts (at most CTK_ENGINE_PREFETCH_MAX)
 * come next, one at a time (ctk_engine_packet() or the hook-by-hook calls
 * of ctkit/engine_hook.h): their hash buckets and entries are fetched
 * into the cache together, so that the misses overlap. It changes
 * nothing: results are the same with or without it. Never fails.
 */
#define CTK_ENGINE_PREFETCH_MAX 64
void ctk_engine_prefetch(struct ctk_engine *eng, const struct ctk_packet *pkts, unsigned int n);

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
 * CTK_EV_NONE. @cb may delete the entry it is given (ctk_engine_entry_handle()
 * then ctk_engine_delete()).
 */
int ctk_engine_foreach(struct ctk_engine *eng, uint64_t now_ns, ctk_entry_cb cb, void *data);

/*
 * ctk_engine_lookup - the live entry with this tuple in either direction
 * (orig or reply, as the kernel's lookup), or NULL; @dir (may be NULL)
 * tells which. Only addresses, l3num, l4num and ports/ICMP id/type/code
 * are compared. The pointer is valid until the next call that changes
 * the table; ctk_engine_conn_handle() keeps a reference longer.
 */
struct ctk_conn *ctk_engine_lookup(struct ctk_engine *eng, const struct ctk_tuple *t,
				   uint64_t now_ns, enum ctk_dir *dir);

/* ctk_engine_conn_entry - fill @e for @conn as a dump shows it at @now_ns. */
void ctk_engine_conn_entry(const struct ctk_engine *eng, const struct ctk_conn *conn,
			   uint64_t now_ns, struct ctk_entry *e);

/*
 * ctk_engine_conn_handle - the handle of @conn (a verdict's, a lookup's),
 * valid for as long as the connection lives; { 0, 0 } for NULL.
 */
struct ctk_conn_handle ctk_engine_conn_handle(const struct ctk_conn *conn);

/*
 * ctk_engine_entry_handle - the handle of the connection an entry shows
 * (from ctk_engine_foreach(), an event or ctk_engine_conn_entry()): found
 * by the entry's orig tuple and checked against its id, so an entry of a
 * connection since replaced by another with the same tuple finds
 * nothing. Changes nothing in the table (callable from a foreach
 * callback). Returns 0 with *@h set, -ENOENT when no connection live at
 * @now_ns matches, -EINVAL when @e has no orig tuple or id.
 */
int ctk_engine_entry_handle(const struct ctk_engine *eng, const struct ctk_entry *e,
			    uint64_t now_ns, struct ctk_conn_handle *h);

/*
 * ctk_engine_resolve - the connection @h names, if it is live at @now_ns:
 * 0 with *@conn set (valid until the next call that changes the table),
 * -ESTALE when it is gone (deleted, expired, its slot reused: never
 * another connection), -EINVAL for a handle that never named a slot.
 */
int ctk_engine_resolve(const struct ctk_engine *eng, struct ctk_conn_handle h, uint64_t now_ns,
		       struct ctk_conn **conn);

/*
 * ctk_engine_delete - remove the connection @h names (a DESTROY event, as
 * conntrack -D). Returns 0, or -ESTALE / -EINVAL as ctk_engine_resolve():
 * a stale handle deletes nothing, whatever reused its slot. From a
 * ctk_engine_foreach() callback, only the entry it was given.
 */
int ctk_engine_delete(struct ctk_engine *eng, struct ctk_conn_handle h, uint64_t now_ns);

/* ctk_engine_flush - remove every entry (DESTROY events, as conntrack -F). */
void ctk_engine_flush(struct ctk_engine *eng, uint64_t now_ns);

/*
 * ctk_engine_invalid_count - how many packets were logged with reason @r
 * (their verdict's @why) since the engine was made or reset: one per
 * packet, the first reason it got. 0 for a reason out of range.
 */
uint64_t ctk_engine_invalid_count(const struct ctk_engine *eng, enum ctk_invalid_reason r);

/*
 * ctk_engine_reset - back to what ctk_engine_new() returned with the same
 * configuration: no entries, no fragments held, every counter zero, the
 * clock free to restart at any time; only entry ids go on from where
 * they were, so that handles taken before stay stale. No events. The
 * event callback and the memory already allocated are kept, so a reset
 * costs a pass over what was in use, not a new table (fuzzers and test
 * harnesses replay many short traces on one engine).
 */
void ctk_engine_reset(struct ctk_engine *eng);

/*
 * ctk_engine_min_timeout - the shortest timeout, in ns, a packet can give
 * an entry under @eng's configuration (the smallest *_timeout knob). With
 * ctk_engine_next_expiry(): packets at times below
 * min(next_expiry, t + min_timeout) cross no deadline after time t.
 */
uint64_t ctk_engine_min_timeout(const struct ctk_engine *eng);

/*
 * ctk_engine_stats - the counters the kernel keeps per CPU (conntrack -S),
 * as one "cpu=0" record with the fields a 6.18 kernel sends present.
 */
void ctk_engine_stats(const struct ctk_engine *eng, struct ctk_cpu_stats *s);

#ifdef __cplusplus
}
#endif
#endif
