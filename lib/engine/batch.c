// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Many packets at once. At a million connections nearly every packet
 * misses the cache twice (its hash bucket, then its entry), and one
 * packet at a time those misses queue up: the core waits ~100-200 ns for
 * each. Here a group of packets is first parsed and hashed and the
 * buckets prefetched, then the first entries of those buckets are
 * prefetched, and only then is each packet tracked, in order, by the
 * same code as ctk_engine_packet(): the misses of the group overlap.
 *
 * Only what cannot change the outcome is done ahead: parsing the IP and
 * transport headers and hashing the tuple read nothing but the packet.
 * Fragments, ICMP (errors look up other connections) and packets that
 * fail to parse take the whole single-packet path at their turn, so
 * every verdict, event and counter is the one the single API gives.
 */
#include <stddef.h>
#include <string.h>
#include "engine/eng.h"

struct batch_slot {
	struct eng_pkt p;
	struct eng_tuple t;
	uint32_t hash;
	bool parsed;	/* ready for eng_track(); else the whole path */
};

/* Parse and hash one packet ahead of its turn; false sends it down the whole path. */
static bool parse_ahead(struct ctk_engine *eng, const struct ctk_packet *in, struct batch_slot *s)
{
	memset(&s->p, 0, sizeof(s->p));
	s->p.now = in->now_ns;
	if (!eng_parse_ip(eng, in->l3, in->len, &s->p) || s->p.frag)
		return false;
	if (s->p.l4num == IPPROTO_ICMP || s->p.l4num == IPPROTO_ICMPV6)
		return false;
	if (!eng_parse_tuple(s->p.l3, s->p.len, s->p.l3, s->p.l3num, s->p.l4off, s->p.l4num,
			     &s->t))
		return false;
	s->hash = eng_hash(eng, &s->t);
	return true;
}

/*
 * A software pipeline over the packets: packet i is parsed and its bucket
 * prefetched at step i, its first entry prefetched at step i + AHEAD_BUCKET,
 * and it is tracked at step i + AHEAD_BUCKET + AHEAD_ENTRY, so every miss
 * has the tracking of several other packets to hide behind.
 */
#define AHEAD_BUCKET 8
#define AHEAD_ENTRY 8
#define RING 32	/* a power of two > AHEAD_BUCKET + AHEAD_ENTRY */

static void track_one(struct ctk_engine *eng, const struct ctk_packet *in, struct batch_slot *s,
		      struct ctk_verdict *v)
{
	/*
	 * Unlike the one-packet API, slots killed by earlier packets of the
	 * call stay deferred (unless the pool is full), so that every verdict
	 * of the call still names its own entry when the call returns.
	 */
	if (!s->parsed) {
		eng_packet(eng, in->l3, in->len, in->now_ns, v);
	} else {
		eng_verdict_init(eng, v);
		v->l3num = s->p.l3num;
		v->l4num = s->p.l4num;
		eng_track(eng, &s->p, &s->t, s->hash, v);
		eng_verdict_tuple(v, in->l3, in->len);
	}
	/* No verdict to write reasons into while parsing ahead. */
	eng->v = NULL;
}

void ctk_engine_packets(struct ctk_engine *eng, const struct ctk_packet *pkts, unsigned int n,
			struct ctk_verdict *v)
{
	struct batch_slot ring[RING];
	unsigned int steps = n + AHEAD_BUCKET + AHEAD_ENTRY;

	eng_flush_deferred(eng);
	eng->v = NULL;
	for (unsigned int i = 0; i < steps; i++) {
		unsigned int b = i - AHEAD_BUCKET, t = b - AHEAD_ENTRY;

		if (i < n) {
			struct batch_slot *s = &ring[i % RING];

			s->parsed = parse_ahead(eng, &pkts[i], s);
			if (s->parsed)
				eng_prefetch(&eng->buckets[s->hash & eng->bucket_mask]);
		}
		if (i >= AHEAD_BUCKET && b < n && ring[b % RING].parsed)
			eng_prefetch_conn(eng, eng->buckets[ring[b % RING].hash & eng->bucket_mask]);
		if (i >= AHEAD_BUCKET + AHEAD_ENTRY && t < n)
			track_one(eng, &pkts[t], &ring[t % RING], &v[t]);
	}
}

/*
 * Warm the cache for packets about to be tracked one at a time (the
 * firewall path cannot batch: chains run between conntrack's steps).
 * Two passes over the group, as the pipeline above: buckets, then their
 * first entries. Nothing is changed, so the verdicts cannot depend on it.
 */
#define AHEAD_RING (2 * CTK_ENGINE_PREFETCH_MAX)

void ctk_engine_prefetch(struct ctk_engine *eng, const struct ctk_packet *pkts, unsigned int n)
{
	struct ctk_verdict *saved = eng->v;
	uint32_t first = eng->nahead;
	struct batch_slot s;

	if (n > CTK_ENGINE_PREFETCH_MAX)
		n = CTK_ENGINE_PREFETCH_MAX;
	if (eng->nahead + n > AHEAD_RING)
		eng->nahead = first = 0;	/* hints nobody took: start over */
	eng->v = NULL;
	for (unsigned int i = 0; i < n; i++) {
		struct eng_ahead *a = &eng->ahead[(eng->ahead_pos + first + i) % AHEAD_RING];

		a->l3 = pkts[i].l3;
		a->len = pkts[i].len;
		a->ok = parse_ahead(eng, &pkts[i], &s);
		if (!a->ok)
			continue;
		a->p = s.p;
		a->t = s.t;
		a->hash = s.hash;
		eng_prefetch(&eng->buckets[s.hash & eng->bucket_mask]);
	}
	eng->nahead = first + n;
	eng->v = saved;
	/*
	 * The entries of the hint before this one: their buckets have had a
	 * whole group's time to arrive, so reading them does not stall.
	 */
	for (unsigned int i = 0; i < first && i < CTK_ENGINE_PREFETCH_MAX; i++) {
		const struct eng_ahead *a = &eng->ahead[(eng->ahead_pos + i) % AHEAD_RING];

		if (a->ok)
			eng_prefetch_conn(eng, eng->buckets[a->hash & eng->bucket_mask]);
	}
}

const struct eng_ahead *eng_ahead_peek(const struct ctk_engine *eng, const uint8_t *l3,
				       size_t len)
{
	const struct eng_ahead *a = &eng->ahead[eng->ahead_pos];

	if (!eng->nahead || a->l3 != l3 || a->len != len)
		return NULL;
	return a->ok ? a : NULL;
}

const struct eng_ahead *eng_ahead_take(struct ctk_engine *eng, const uint8_t *l3, size_t len)
{
	const struct eng_ahead *a = &eng->ahead[eng->ahead_pos];

	if (!eng->nahead)
		return NULL;
	if (a->l3 != l3 || a->len != len) {
		eng->nahead = 0;	/* not the packets we were told of */
		return NULL;
	}
	eng->ahead_pos = (eng->ahead_pos + 1) % AHEAD_RING;
	eng->nahead--;
	return a->ok ? a : NULL;
}
