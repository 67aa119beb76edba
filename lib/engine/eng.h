/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Engine internals shared by the lib/engine sources: the entry layout, the parsed
 * packet, the table and the calls between core and trackers.
 *
 * Threading: none. One engine is touched by one thread at a time.
 */
#ifndef CTK_ENGINE_ENG_H
#define CTK_ENGINE_ENG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <ctkit/engine.h>
#include <ctkit/engine_hook.h>

#define NSEC_PER_SEC 1000000000ull
#define ENG_NIL UINT32_MAX

/* The kernel's TCP states (enum tcp_conntrack), plus its two timeout-only slots. */
enum eng_tcp_state {
	TCP_S_NONE,
	TCP_S_SYN_SENT,
	TCP_S_SYN_RECV,
	TCP_S_ESTABLISHED,
	TCP_S_FIN_WAIT,
	TCP_S_CLOSE_WAIT,
	TCP_S_LAST_ACK,
	TCP_S_TIME_WAIT,
	TCP_S_CLOSE,
	TCP_S_SYN_SENT2,
	TCP_S_MAX,		/* "invalid" in the transition table */
	TCP_S_IGNORE,		/* "ignore" in the transition table */
	TCP_S_RETRANS = TCP_S_MAX,	/* timeout slots only */
	TCP_S_UNACK,
	TCP_S_TIMEOUT_MAX
};

/*
 * A tuple as the engine keys it. Ports in host order. ICMP keeps its id in
 * both port slots so that swapping src and dst inverts it like a port
 * pair; type and code only take part in the comparison.
 */
struct eng_tuple {
	union ctk_addr src;
	union ctk_addr dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t type;
	uint8_t code;
	uint8_t l3;
	uint8_t l4;
};

/* One direction's window data (struct ip_ct_tcp_state). */
struct tcp_side {
	uint32_t td_end;
	uint32_t td_maxend;
	uint32_t td_maxwin;
	uint32_t td_maxack;
	uint8_t td_scale;
	uint8_t flags;		/* IP_CT_TCP_FLAG_* */
};

/* TCP private state (struct ip_ct_tcp). */
struct eng_tcp {
	struct tcp_side seen[2];
	uint32_t last_seq;
	uint32_t last_ack;
	uint32_t last_end;
	uint16_t last_win;
	uint8_t state;
	uint8_t last_dir;
	uint8_t last_index;
	uint8_t last_wscale;
	uint8_t last_flags;
	uint8_t retrans;
};

/* SCTP private state (struct ip_ct_sctp); tags in host order. */
struct eng_sctp {
	uint32_t vtag[2];
	uint8_t state;
	uint8_t flags;
	uint8_t last_dir;
	uint8_t init[2];
};

/* ctk_conn.flags */
enum {
	CONN_IN_USE = 1u << 0,	/* handed out (unconfirmed or linked) */
	CONN_LINKED = 1u << 1,	/* in the hash and the wheel (confirmed) */
	CONN_FW = 1u << 2,	/* has a firewall extension (fwext.h): zone, mark, NAT */
	/* Events of a dropped packet, delivered with the entry's next ones (EV_* << 2). */
	CONN_PEND_SHIFT = 2,
	CONN_PEND_MASK = 0x78u,	/* EV_REPLY..EV_MARK shifted: bits 3 to 6 */
};

/*
 * struct ctk_conn - one connection, 120 bytes for IPv4 and 144 for IPv6
 * (docs/ARCHITECTURE.md, "Engine memory"). The original tuple is split:
 * ports, protocols and ICMP type/code up front with what every packet
 * reads (chain link, deadline, status), the addresses last, so that an
 * IPv4 entry simply ends 24 bytes earlier: IPv4 and IPv6 entries live in
 * two pools whose strides differ, and nothing but the tuple accessors
 * below looks at the addresses. Counters and the start time, needed only
 * with nf_conntrack_acct/timestamp, follow in an extension area when
 * enabled (struct eng_ext), as the kernel's ct extensions do.
 *
 * Pool slots are addressed by 32-bit index (bit 31: the IPv6 pool); hnext
 * chains the hash bucket, tprev/tnext the timer-wheel slot.
 */
struct ctk_conn {
	uint32_t hnext;
	uint32_t id;
	uint64_t expires;	/* ns */
	uint32_t status;	/* IPS_* */
	uint16_t sport;		/* original direction, host order; ICMP: the id */
	uint16_t dport;
	uint8_t l3;
	uint8_t l4;
	uint8_t type;		/* ICMP: the original type and code */
	uint8_t code;
	uint8_t reply_type;	/* ICMP: the inverted type */
	uint8_t flags;		/* CONN_* */
	uint16_t tslot;		/* wheel slot index, if linked */
	uint32_t tprev;
	uint32_t tnext;
	uint32_t self;		/* own pool index */
	union {
		struct eng_tcp tcp;
		struct {
			uint64_t stream_ts;	/* ns: "still active after two seconds" */
		} udp;
		struct eng_sctp sctp;
	} p;
	union {
		uint32_t v4[2];		/* src, dst */
		uint8_t v6[2][16];
	} addr;
};

/* Per-entry extension when acct or timestamp is on. */
struct eng_ext {
	uint64_t start;		/* ns, creation */
	struct ctk_counters cnt[2];
};

/* A packet parsed enough to be tracked. @len is the IP datagram length (skb->len). */
struct eng_pkt {
	const uint8_t *l3;
	uint32_t len;
	uint32_t l4off;
	uint8_t l3num;
	uint8_t l4num;
	uint8_t hop_limit;
	bool tracked;	/* reached conntrack (counts in its stats) even if invalid */
	bool frag;	/* a fragment: reassemble first (l4num/l4off not valid) */
	uint32_t frag_at;	/* IPv6: offset of the fragment header */
	uint32_t frag_nh_at;	/* IPv6: offset of the byte naming it */
	uint64_t now;
};

/* A tracker's answer (the kernel's verdict sign convention, as an enum). */
enum eng_res {
	ENG_ACCEPT,	/* packet belongs to the connection */
	ENG_INVALID,	/* -NF_ACCEPT: no ct for this packet */
	ENG_REPEAT,	/* -NF_REPEAT: entry killed, look up again */
};

/* Per-packet event bits (IPCT_*), turned into one NEW or UPDATE. */
enum {
	EV_NEW = 1u << 0,
	EV_REPLY = 1u << 1,
	EV_ASSURED = 1u << 2,
	EV_PROTOINFO = 1u << 3,
	EV_MARK = 1u << 4,
};

#define WHEEL_SHIFT 24			/* 16.8 ms per slot */
#define WHEEL_SLOTS (1u << 14)		/* 4.6 minutes of horizon */

struct eng_frag;
struct eng_expect;
struct eng_fw;

/* A pool of entries of one stride, in chunks of CHUNK_SIZE slots. */
struct eng_pool {
	uint8_t **chunks;
	uint32_t nchunks;
	uint32_t capacity;	/* slots allocated */
	uint32_t high;		/* slots ever handed out */
	uint32_t free_head;
	uint32_t stride;	/* bytes per slot */
	uint32_t tag;		/* index bit of this pool (0 or POOL_V6) */
};

struct ctk_engine {
	struct ctk_engine_config cfg;
	uint64_t tcp_timeouts[TCP_S_TIMEOUT_MAX];	/* ns */
	uint64_t udp_timeouts[2];
	uint64_t icmp_timeout;
	uint64_t icmpv6_timeout;
	uint64_t generic_timeout;
	uint64_t gre_timeouts[2];

	uint32_t *buckets;
	uint32_t bucket_mask;
	uint64_t seed;

	struct eng_pool pool[2];	/* IPv4, IPv6 */
	uint32_t ext_off[2];	/* where struct eng_ext starts in each pool's slots, 0: none */
	uint32_t deferred;	/* killed this call, freed on the next */
	uint32_t count;
	uint32_t next_id;

	uint32_t *wheel;
	uint64_t *wheel_min;
	/* bit i: slot i may be busy; clear means empty with no minimum (table.c) */
	uint64_t wheel_busy[WHEEL_SLOTS / 64];
	uint64_t wheel_next;	/* first absolute slot not fully processed */

	uint32_t stats[CTK_STAT_MAX];
	uint64_t invalid[CTK_INVALID_REASON_MAX];	/* per reason, as verdicts carried them */

	ctk_entry_cb ev_cb;
	void *ev_data;
	uint32_t ev_mask;
	struct ctk_entry ev_entry;
	struct ctk_verdict *v;	/* the verdict being filled, for the logger */
	struct eng_frag *frags;	/* reassembly slots, allocated on first use */

	/*
	 * ctk_engine_prefetch()'s parse of the packets it was told come next,
	 * taken in order by the tracking path so they are not parsed twice
	 * (batch.c); any other packet empties it.
	 */
	struct eng_ahead {
		const uint8_t *l3;
		uint32_t len;
		bool ok;	/* parsed for eng_track(); else the whole path */
		struct eng_pkt p;
		struct eng_tuple t;
		uint32_t hash;
	} ahead[2 * CTK_ENGINE_PREFETCH_MAX];	/* a ring: two hints may be pending */
	uint32_t nahead;	/* entries pending */
	uint32_t ahead_pos;	/* the next one's slot */

	/* expectations (expect.c) */
	struct eng_expect *exps;
	uint32_t nexp;
	uint32_t capexp;
	uint32_t next_exp_id;
	ctk_expect_cb exp_cb;
	void *exp_data;

	/* The hook-by-hook path (hook.c, fwext.h); all zero without it. */
	uint16_t cur_zone;	/* zone of the packet being looked up */
	bool hooked;		/* in ctk_engine_track(): no confirm, events held */
	uint32_t nat_linked;	/* confirmed entries with an altered reply tuple */
	const uint8_t *whole;	/* the datagram a fragment completed, this packet */
	uint32_t whole_len;
	struct eng_fw *fw;	/* extensions, NAT reply hash, mangle buffer */
};

#define CHUNK_SHIFT 12
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define POOL_V6 (1u << 31)

static inline struct ctk_conn *eng_conn(const struct ctk_engine *eng, uint32_t idx)
{
	const struct eng_pool *pool = &eng->pool[idx >> 31];
	uint32_t i = idx & ~POOL_V6;

	return (struct ctk_conn *)(pool->chunks[i >> CHUNK_SHIFT] +
				   (size_t)(i & (CHUNK_SIZE - 1)) * pool->stride);
}

/*
 * A prefetch the compiler keeps: GCC drops a loop made only of
 * __builtin_prefetch() calls as if it did nothing.
 */
static inline void eng_prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p);
	__asm__ volatile("" : : "r"(p) : "memory");
#endif
}

/* An entry spans two or three lines, the tuple at both ends: fetch them all. */
static inline void eng_prefetch_conn(const struct ctk_engine *eng, uint32_t idx)
{
	const uint8_t *c;

	if (idx == ENG_NIL)
		return;
	c = (const uint8_t *)eng_conn(eng, idx);
	eng_prefetch(c);
	eng_prefetch(c + 64);
	eng_prefetch(c + offsetof(struct ctk_conn, addr) + 7);
}

static inline struct eng_ext *eng_ext(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	return (struct eng_ext *)((uint8_t *)c + eng->ext_off[c->l3 == AF_INET6]);
}

static inline bool eng_has_ext(const struct ctk_engine *eng)
{
	return eng->ext_off[0] != 0;
}

/* The original tuple's addresses, as the table stores them. */
static inline void eng_conn_addrs(const struct ctk_conn *c, union ctk_addr *src,
				  union ctk_addr *dst)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (c->l3 == AF_INET) {
		memcpy(src->byte, &c->addr.v4[0], 4);
		memcpy(dst->byte, &c->addr.v4[1], 4);
	} else {
		memcpy(src->byte, c->addr.v6[0], 16);
		memcpy(dst->byte, c->addr.v6[1], 16);
	}
}

/* The original tuple of @c, whole. */
static inline void eng_conn_tuple(const struct ctk_conn *c, struct eng_tuple *t)
{
	eng_conn_addrs(c, &t->src, &t->dst);
	t->sport = c->sport;
	t->dport = c->dport;
	t->type = c->type;
	t->code = c->code;
	t->l3 = c->l3;
	t->l4 = c->l4;
}


static inline bool eng_expired(const struct ctk_conn *c, uint64_t now)
{
	return c->expires <= now;
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Serial-number comparisons of 32-bit sequence numbers (RFC 1982). */
static inline bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool seq_after(uint32_t a, uint32_t b)
{
	return seq_before(b, a);
}

/*
 * eng_invalid - the one logger: record why a packet is invalid, as @why
 * and in the kernel's words (invalid.c's table, a printf format filled
 * with the arguments), count it, and return @res so callers write
 * `return eng_invalid(...)`. The first reason of a packet wins, as the
 * first log line would; without a verdict (parsing ahead in a batch)
 * nothing is recorded, the packet's own turn will.
 */
enum eng_res eng_invalid(struct ctk_engine *eng, enum eng_res res, enum ctk_invalid_reason why,
			 ...);

/* pkt_tuple.c: the tuple of a raw packet as far as it can be read; false: no IP header. */
bool eng_raw_tuple(const uint8_t *l3, size_t len, struct ctk_tuple *t);

/* core.c: the per-packet path, whole or from a parsed tuple on (batch.c) */
void eng_verdict_init(struct ctk_engine *eng, struct ctk_verdict *v);
void eng_verdict_tuple(struct ctk_verdict *v, const uint8_t *l3, size_t len);
enum ctk_ct_state eng_packet(struct ctk_engine *eng, const uint8_t *l3, size_t len,
			     uint64_t now_ns, struct ctk_verdict *v);
enum ctk_ct_state eng_track(struct ctk_engine *eng, const struct eng_pkt *p,
			    const struct eng_tuple *t, uint32_t hash, struct ctk_verdict *v);
/* Deliver the packet's held events (and @c's pending ones) as one NEW or UPDATE. */
void eng_deliver_events(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now);

/* table.c */
int eng_table_init(struct ctk_engine *eng);
void eng_table_fini(struct ctk_engine *eng);
void eng_table_reset(struct ctk_engine *eng);
/* Which side of @c does @t describe: 0 orig, 1 reply, -1 neither. */
int eng_tuple_dir(const struct ctk_conn *c, const struct eng_tuple *t);
uint32_t eng_hash(const struct ctk_engine *eng, const struct eng_tuple *t);
struct ctk_conn *eng_find(struct ctk_engine *eng, const struct eng_tuple *t, uint32_t hash,
			  uint64_t now, enum ctk_dir *dir);
struct ctk_conn *eng_alloc(struct ctk_engine *eng, const struct eng_tuple *t, uint32_t hash,
			   uint64_t now);
void eng_release(struct ctk_engine *eng, struct ctk_conn *c);
void eng_confirm(struct ctk_engine *eng, struct ctk_conn *c, uint32_t hash);
void eng_kill(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now);
void eng_set_timeout(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now, uint64_t timeout);
void eng_flush_deferred(struct ctk_engine *eng);

/* entry.c */
/* @ev_mask: the packet's EV_* bits (NEW/UPDATE carry protoinfo only with EV_PROTOINFO). */
void eng_fill_entry(const struct ctk_engine *eng, const struct ctk_conn *c, uint64_t now,
		    enum ctk_event ev, uint32_t ev_mask, struct ctk_entry *e);
void eng_tuple_to_ctk(const struct eng_tuple *t, struct ctk_tuple *out);
void eng_tuple_from_ctk(const struct ctk_tuple *in, struct eng_tuple *t);
void eng_tuple_invert(const struct eng_tuple *t, uint8_t reply_type, struct eng_tuple *out);
void eng_emit(struct ctk_engine *eng, struct ctk_conn *c, enum ctk_event ev, uint32_t ev_mask,
	      uint64_t now);

/* pkt_frag.c */
enum eng_defrag { DEFRAG_HELD, DEFRAG_DONE, DEFRAG_BAD };
enum eng_defrag eng_defrag(struct ctk_engine *eng, const struct eng_pkt *p, const uint8_t **out,
			   uint32_t *out_len);
void eng_defrag_reset(struct ctk_engine *eng);
void eng_defrag_free(struct ctk_engine *eng);

/*
 * batch.c: the prefetched parse of @l3 if it is the next one told, NULL
 * otherwise (and the rest is forgotten); _peek leaves it in place.
 */
const struct eng_ahead *eng_ahead_take(struct ctk_engine *eng, const uint8_t *l3, size_t len);
const struct eng_ahead *eng_ahead_peek(const struct ctk_engine *eng, const uint8_t *l3,
				       size_t len);

/* pkt_ip.c, pkt_l4.c, pkt_csum.c */
bool eng_parse_ip(struct ctk_engine *eng, const uint8_t *l3, size_t len, struct eng_pkt *p);
bool eng_parse_inner(const uint8_t *l3, uint32_t len, uint32_t off, uint8_t l3num,
		     uint32_t *l4off, uint8_t *l4num);
/* The tuple of the packet whose IP header is at @iph, transport at @l4off of @l3. */
bool eng_parse_tuple(const uint8_t *l3, uint32_t len, const uint8_t *iph, uint8_t l3num,
		     uint32_t l4off, uint8_t l4num, struct eng_tuple *t);
/* Is the transport checksum right? @cover bytes from l4off (UDP-Lite), 0 = all. */
bool eng_l4_csum_ok(const struct eng_pkt *p, uint32_t cover);
/* The same with another protocol number in the pseudo-header. */
bool eng_l4_csum_ok_as(const struct eng_pkt *p, uint32_t cover, uint8_t pseudo_proto);

/* Trackers. @dir is the packet's direction; @conn is unconfirmed when new. */
enum eng_res eng_tcp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			    enum ctk_dir dir, bool *kill);
enum eng_res eng_udp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			    enum ctk_dir dir);
enum eng_res eng_icmp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			     enum ctk_dir dir);
enum eng_res eng_sctp_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			     enum ctk_dir dir);
enum eng_res eng_gre_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
			    enum ctk_dir dir);
enum eng_res eng_generic_packet(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
				enum ctk_dir dir);
bool eng_tcp_can_early_drop(const struct ctk_conn *c);
/* proto_sctp.c: SCTP's CRC32c over @n bytes, the 4 at @skip_at read as zero. */
uint32_t eng_crc32c(const uint8_t *p, uint32_t n, uint32_t skip_at);

/* proto_icmp.c: errors and untracked types, before the normal lookup. */
enum eng_icmp_pre {
	ICMP_PRE_TRACK,		/* not an error: track it as a connection */
	ICMP_PRE_RELATED,	/* an error about a known connection */
	ICMP_PRE_UNTRACKED,	/* ICMPv6 neighbour discovery and MLD */
	ICMP_PRE_ERROR,		/* invalid */
};
enum eng_icmp_pre eng_icmp_error(struct ctk_engine *eng, const struct eng_pkt *p,
				 struct ctk_conn **conn, enum ctk_dir *dir);
bool eng_icmp_invert_type(uint8_t l4, uint8_t type, uint8_t *out);

/* Packet accounting shared by the trackers (nf_ct_refresh_acct). */
void eng_refresh_acct(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
		      enum ctk_dir dir, uint64_t timeout);
void eng_acct(struct ctk_engine *eng, struct ctk_conn *c, const struct eng_pkt *p,
	      enum ctk_dir dir);

#endif
