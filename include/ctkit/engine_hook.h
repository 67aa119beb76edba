/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit engine, hook by hook: conntrack as a firewall path drives it
 * (ctkit/fw.h, or an embedder's own dataplane). ctk_engine_packet() is
 * the whole of conntrack at one prerouting hook; a firewall needs its
 * steps apart, in the kernel's order:
 *
 *   raw chains           -> zone and notrack decided (no call)
 *   ctk_engine_track()   -> nf_conntrack_in: lookup, tracker, a NEW
 *                           entry left unconfirmed, events held
 *   filter / nat chains  -> ctk_engine_conn_set_mark(), ..._nat_setup(),
 *                           ctk_engine_nat_packet() at each NAT hook
 *   ctk_engine_confirm() -> nf_confirm: the entry enters the table and
 *                           the packet's events are delivered
 *   or ctk_engine_drop() -> the packet was dropped: an unconfirmed entry
 *                           vanishes without an event
 *
 * Same threading, time and ownership rules as ctkit/engine.h. Between
 * ctk_engine_track() and ctk_engine_confirm()/ctk_engine_drop() of one
 * packet no other packet may be given to the engine.
 */
#ifndef CTKIT_ENGINE_HOOK_H
#define CTKIT_ENGINE_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/engine.h>
#include <ctkit/expect.h>
#include <ctkit/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ctk_engine_prepare - what happens to a packet before netfilter's
 * chains: the IP layer's checks and defragmentation (ctk_engine_packet()'s
 * first steps). Returns 1 with *@dgram and *@dlen the datagram to go on with
 * (@l3 itself, or the reassembled datagram in the engine's buffer, valid
 * until the next call), or 0 with @v filled when the packet goes no
 * further: @v->held for a fragment kept for reassembly, otherwise
 * discarded before netfilter (bad header, bad fragment; @v->why and
 * @v->reason say why). Feed *@dgram to ctk_engine_track().
 */
int ctk_engine_prepare(struct ctk_engine *eng, const uint8_t *l3, size_t len, uint64_t now_ns,
		       struct ctk_verdict *v, const uint8_t **dgram, size_t *dlen);

/*
 * ctk_engine_track - conntrack for one packet at prerouting (or output,
 * for a packet the firewall sends) in @zone: reassembly, lookup, the
 * protocol tracker, exactly as ctk_engine_packet() but a packet that
 * creates an entry leaves it unconfirmed (@v->conn set, not yet in the
 * table, not listed, no event) and the events of a known entry are
 * held until ctk_engine_confirm()/ctk_engine_drop(). @l3 must stay valid
 * and unchanged until then, except through ctk_engine_nat_packet().
 * Returns @v->state. When @v->held the packet is a fragment kept for
 * reassembly: no confirm or drop follows. A reassembled datagram is
 * readable through ctk_engine_track_packet() until the confirm/drop.
 */
enum ctk_ct_state ctk_engine_track(struct ctk_engine *eng, const uint8_t *l3, size_t len,
				   uint64_t now_ns, uint16_t zone, struct ctk_verdict *v);

/*
 * ctk_engine_track_packet - the datagram the tracked packet is: @l3 as
 * given, or the reassembled datagram when the packet completed one, in a
 * buffer of the engine that ctk_engine_nat_packet() may rewrite (room
 * for CTK_ENGINE_MANGLE_ROOM more bytes). Valid until the next
 * ctk_engine_track(); sets *@len. NULL before any track.
 */
#define CTK_ENGINE_MANGLE_ROOM 64
uint8_t *ctk_engine_track_packet(struct ctk_engine *eng, size_t *len);

/*
 * ctk_engine_confirm - the packet leaves the firewall (or is delivered
 * locally): an unconfirmed entry is inserted (NEW event), held events
 * are delivered. Returns 0, or -EEXIST when another entry with the same
 * tuples was confirmed meanwhile (the kernel's insert_failed: the packet
 * is dropped, @v->dropped set).
 */
int ctk_engine_confirm(struct ctk_engine *eng, struct ctk_verdict *v);

/*
 * ctk_engine_drop - the packet was dropped after ctk_engine_track(): an
 * unconfirmed entry is released with no event; the state changes the
 * tracker made to a confirmed entry stay (as in the kernel), and its
 * held events are delivered with its next packet's.
 */
void ctk_engine_drop(struct ctk_engine *eng, struct ctk_verdict *v);

/*
 * ctk_engine_conn_mark / ctk_engine_conn_zone - the entry's ct mark and
 * zone (0 when never set). ctk_engine_conn_set_mark - set the mark; a
 * confirmed entry whose mark changes raises an UPDATE event (IPCT_MARK)
 * with the tracked packet's events if it is that packet's entry, else
 * with its own next packet's. Returns 0, or -ENOMEM when the entry's
 * extension (the mark is kept outside the plain entry) cannot be made.
 */
uint32_t ctk_engine_conn_mark(const struct ctk_engine *eng, const struct ctk_conn *c);
uint16_t ctk_engine_conn_zone(const struct ctk_engine *eng, const struct ctk_conn *c);
int ctk_engine_conn_set_mark(struct ctk_engine *eng, struct ctk_conn *c, uint32_t mark);

/*
 * ctk_engine_conn_set_helper - give an unconfirmed entry the helper @type
 * (`ct helper set` with a ct helper object of that type): "ftp" for TCP,
 * "tftp" for UDP. It then reads the entry's packets at confirm time,
 * creates expectations and, for a NATed entry, rewrites what it must.
 * Returns 0; -ENOENT for a helper the engine does not have for the
 * entry's protocol; -EINVAL for a confirmed entry; -EEXIST if it has
 * one; -ENOMEM.
 * ctk_engine_conn_helper - the entry's helper name, "" if none.
 */
int ctk_engine_conn_set_helper(struct ctk_engine *eng, struct ctk_conn *c, const char *type);
const char *ctk_engine_conn_helper(const struct ctk_engine *eng, const struct ctk_conn *c);

/* ctk_engine_conn_expires_ms - milliseconds the entry has left at @now_ns (ct expiration), 0 if due. */
uint32_t ctk_engine_conn_expires_ms(const struct ctk_engine *eng, const struct ctk_conn *c,
				    uint64_t now_ns);

/* ctk_engine_conn_status - the entry's IPS_* bits (SEEN_REPLY, ASSURED, *_NAT, ...). */
uint32_t ctk_engine_conn_status(const struct ctk_engine *eng, const struct ctk_conn *c);

/*
 * ctk_engine_conn_tuple - the entry's tuple of @dir (for CTK_DIR_REPLY
 * the NATed reply tuple once a binding is made), source first.
 */
void ctk_engine_conn_tuple(const struct ctk_engine *eng, const struct ctk_conn *c,
			   enum ctk_dir dir, struct ctk_tuple *t);

/* The two NAT manipulations (nf_nat_manip_type). */
enum ctk_nat_manip {
	CTK_NAT_MANIP_SRC,	/* snat, masquerade: at postrouting and input */
	CTK_NAT_MANIP_DST,	/* dnat, redirect: at prerouting and output */
};

/*
 * struct ctk_nat_range - where a binding may map (nf_nat_range2):
 * addresses @min_addr..@max_addr (host byte order comparison as the
 * kernel's), ports (or ICMP ids) @min_port..@max_port in host order.
 */
struct ctk_nat_range {
	bool has_addr;		/* NF_NAT_RANGE_MAP_IPS */
	bool has_port;		/* NF_NAT_RANGE_PROTO_SPECIFIED */
	bool random;		/* NF_NAT_RANGE_PROTO_RANDOM */
	bool fully_random;	/* NF_NAT_RANGE_PROTO_RANDOM_FULLY */
	bool persistent;	/* NF_NAT_RANGE_PERSISTENT */
	union ctk_addr min_addr;
	union ctk_addr max_addr;
	uint16_t min_port;
	uint16_t max_port;
};

/*
 * ctk_engine_nat_setup - bind an unconfirmed entry for @manip as
 * nf_nat_setup_info() does: the tuple in @r that leaves the reply tuple
 * unique (the original one when it is free; ports and ICMP ids chosen as
 * the kernel chooses them, from the engine's seeded generator where the
 * kernel's are random), the reply tuple altered, IPS_SRC_NAT/IPS_DST_NAT
 * and the *_DONE bit set (IPS_SRC_NAT/IPS_DST_NAT only when the tuple
 * changed). @r NULL makes the null binding (nf_nat_alloc_null_binding:
 * the packet's own address as the range, so a source port already in use
 * is still remapped). As in the kernel no tuple is refused: when none of
 * @r is free (always so for a taken one-element port range) the last one
 * tried is kept and ctk_engine_confirm() fails with -EEXIST (the insert
 * clash that drops the packet). Returns 0; -EEXIST if the entry already
 * has a binding for @manip; -EINVAL for a confirmed entry or a bad
 * @manip; -ENOMEM.
 */
int ctk_engine_nat_setup(struct ctk_engine *eng, struct ctk_conn *c, enum ctk_nat_manip manip,
			 const struct ctk_nat_range *r);

/*
 * ctk_engine_nat_done - whether @c has a binding (real or null) for @manip:
 * the nat chains of that manip run only until one is made.
 */
bool ctk_engine_nat_done(const struct ctk_engine *eng, const struct ctk_conn *c,
			 enum ctk_nat_manip manip);

/*
 * ctk_engine_nat_packet - rewrite the tracked packet (ctk_engine_track_packet)
 * for @manip as nf_nat_packet() does at a hook of that manip: in @v's
 * direction, when the entry's status asks for it, addresses and ports (or
 * ICMP id) with the checksums updated incrementally; for an ICMP error
 * RELATED to a NATed entry, the quoted packet too (nf_nat_icmp_reply_
 * translation). Fills @before/@after with the packet's tuple around the
 * change (equal when nothing changed). Returns 1 if the packet changed,
 * 0 if not, -EINVAL if the kernel would drop it instead (a header cut
 * short, an ICMP error with a bad checksum at a DST hook, an ICMP redirect
 * about a NATed entry) or no packet is being tracked.
 */
int ctk_engine_nat_packet(struct ctk_engine *eng, const struct ctk_verdict *v,
			  enum ctk_nat_manip manip, struct ctk_tuple *before,
			  struct ctk_tuple *after);

/*
 * Expectations: connections helpers (ct helper set "ftp", "tftp") announce.
 * ctk_engine_set_expect_cb - called with CTK_EV_NEW when one is made and
 * CTK_EV_DESTROY when it is taken, expires or loses its master (as
 * ctnetlink's expectation events); NULL disables. The callback must not
 * call back into the engine.
 * ctk_engine_expect_foreach - each live expectation as `conntrack -L
 * expect` shows it at @now_ns (timeouts counted from it). Returns 0, or
 * -ECANCELED when @cb did not return CTK_CB_OK.
 * ctk_engine_expect_count - how many there are.
 */
void ctk_engine_set_expect_cb(struct ctk_engine *eng, ctk_expect_cb cb, void *data);
int ctk_engine_expect_foreach(struct ctk_engine *eng, uint64_t now_ns, ctk_expect_cb cb,
			      void *data);
unsigned int ctk_engine_expect_count(const struct ctk_engine *eng);

#ifdef __cplusplus
}
#endif

#endif
