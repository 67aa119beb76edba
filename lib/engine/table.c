// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The table: a pool of entries addressed by 32-bit index, a hash of
 * bucket heads with one chain link per connection, and a timer wheel.
 *
 * Hashing is symmetric (each endpoint hashed alone, the two combined
 * by addition, which commutes as Open vSwitch's XOR does but keeps
 * a flow between two equal endpoints from hashing to zero): a reply packet lands in the bucket of
 * its connection, so each connection is indexed once, where the kernel
 * inserts it twice (ORIGINAL and REPLY). Without NAT the reply tuple is
 * the inverse of the original one, so one index entry is enough.
 *
 * Expiry follows the kernel's observable behaviour: an entry whose
 * timeout ran out is absent for lookups and dumps whether or not it was
 * reaped yet. Reaping is a timer wheel: each entry sits in the slot of the
 * deadline it had when linked; refreshing it later does not move it (no
 * list work per packet); when its slot comes up it is destroyed if due,
 * else relinked where its deadline is now. Only a shorter deadline that
 * falls before its slot moves it at once.
 *
 * Entries live in two pools (IPv4 and IPv6) whose slots differ in size
 * only by the addresses at their end; a slot index names its pool.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include "engine/eng.h"
#include "engine/expect.h"
#include "engine/fwext.h"

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/*
 * One endpoint (address and port) mixed alone; the two are added, so the
 * hash is the same from either side of the connection.
 */
static uint64_t hash_endpoint(uint64_t seed, uint8_t l3, const union ctk_addr *a, uint16_t port)
{
	uint64_t x = (uint64_t)a->word[0] << 16 | port;

	if (l3 == AF_INET6) {
		uint64_t hi;

		memcpy(&hi, a->byte + 8, 8);
		x = mix64(x ^ seed) ^ hi ^ (uint64_t)a->word[1] << 32;
	}
	return mix64(x ^ seed);
}

uint32_t eng_hash(const struct ctk_engine *eng, const struct eng_tuple *t)
{
	uint64_t h = hash_endpoint(eng->seed, t->l3, &t->src, t->sport) +
		     hash_endpoint(eng->seed, t->l3, &t->dst, t->dport);

	return (uint32_t)mix64(h ^ ((uint64_t)t->l3 << 8 | t->l4));
}

static bool addr4_eq(const uint32_t *stored, const union ctk_addr *a)
{
	return *stored == a->word[0];
}

static bool addr6_eq(const uint8_t *stored, const union ctk_addr *a)
{
	return memcmp(stored, a->byte, 16) == 0;
}

int eng_tuple_dir(const struct ctk_conn *c, const struct eng_tuple *t)
{
	bool v4 = c->l3 == AF_INET;

	if (c->l4 != t->l4 || c->l3 != t->l3 || c->code != t->code)
		return -1;
	if (c->sport == t->sport && c->dport == t->dport && c->type == t->type &&
	    (v4 ? addr4_eq(&c->addr.v4[0], &t->src) && addr4_eq(&c->addr.v4[1], &t->dst)
		: addr6_eq(c->addr.v6[0], &t->src) && addr6_eq(c->addr.v6[1], &t->dst)))
		return CTK_DIR_ORIG;
	if (c->sport == t->dport && c->dport == t->sport && c->reply_type == t->type &&
	    (v4 ? addr4_eq(&c->addr.v4[0], &t->dst) && addr4_eq(&c->addr.v4[1], &t->src)
		: addr6_eq(c->addr.v6[0], &t->dst) && addr6_eq(c->addr.v6[1], &t->src)))
		return CTK_DIR_REPLY;
	return -1;
}

static void set_tuple(struct ctk_conn *c, const struct eng_tuple *t)
{
	c->sport = t->sport;
	c->dport = t->dport;
	c->l3 = t->l3;
	c->l4 = t->l4;
	c->type = t->type;
	c->code = t->code;
	if (t->l3 == AF_INET) {
		memcpy(&c->addr.v4[0], t->src.byte, 4);
		memcpy(&c->addr.v4[1], t->dst.byte, 4);
	} else {
		memcpy(c->addr.v6[0], t->src.byte, 16);
		memcpy(c->addr.v6[1], t->dst.byte, 16);
	}
}

/* ---- pool ---------------------------------------------------------------- */

static int grow_pool(struct ctk_engine *eng, struct eng_pool *pool)
{
	uint8_t **chunks, *chunk;

	if (eng->cfg.max && pool->capacity >= eng->cfg.max)
		return -ENOSPC;
	if ((uint64_t)pool->capacity + CHUNK_SIZE >= POOL_V6)
		return -ENOSPC;
	chunks = realloc(pool->chunks, (pool->nchunks + 1) * sizeof(*chunks));
	if (!chunks)
		return -ENOMEM;
	pool->chunks = chunks;
	chunk = calloc(CHUNK_SIZE, pool->stride);
	if (!chunk)
		return -ENOMEM;
	pool->chunks[pool->nchunks++] = chunk;
	pool->capacity += CHUNK_SIZE;
	return 0;
}

static struct ctk_conn *take_slot(struct ctk_engine *eng, uint8_t l3)
{
	struct eng_pool *pool = &eng->pool[l3 == AF_INET6];
	struct ctk_conn *c;
	uint32_t idx;

	if (pool->free_head == ENG_NIL && pool->high == pool->capacity &&
	    grow_pool(eng, pool) != 0) {
		/*
		 * Full: entries killed during this call (early drop, reaping)
		 * are reused at once rather than failing. Otherwise they wait
		 * for the next call, so a batch's verdicts keep their entries.
		 */
		eng_flush_deferred(eng);
	}
	if (pool->free_head != ENG_NIL) {
		idx = pool->free_head;
		c = eng_conn(eng, idx);
		pool->free_head = c->hnext;
		/* The free list is linked through cold slots: fetch the next one early. */
		eng_prefetch_conn(eng, pool->free_head);
	} else if (pool->high < pool->capacity) {
		idx = pool->tag | pool->high++;
		c = eng_conn(eng, idx);
	} else {
		return NULL;
	}
	memset(c, 0, pool->stride);
	c->self = idx;
	return c;
}

void eng_release(struct ctk_engine *eng, struct ctk_conn *c)
{
	c->flags &= (uint8_t)~CONN_IN_USE;
	c->hnext = eng->deferred;
	eng->deferred = c->self;
}

void eng_flush_deferred(struct ctk_engine *eng)
{
	while (eng->deferred != ENG_NIL) {
		struct ctk_conn *c = eng_conn(eng, eng->deferred);
		struct eng_pool *pool = &eng->pool[c->self >> 31];

		eng->deferred = c->hnext;
		/* Kept until now: a killed entry's verdict still reads its zone and mark. */
		if (c->flags & CONN_FW)
			eng_fwext_free(eng, c);
		c->hnext = pool->free_head;
		pool->free_head = c->self;
	}
}

/* ---- timer wheel ------------------------------------------------------- */

static uint64_t slot_of(uint64_t t)
{
	return t >> WHEEL_SHIFT;
}

static void wheel_link(struct ctk_engine *eng, struct ctk_conn *c)
{
	uint64_t s = slot_of(c->expires);
	uint32_t i, head;

	if (s < eng->wheel_next)
		s = eng->wheel_next;
	if (s >= eng->wheel_next + WHEEL_SLOTS)
		s = eng->wheel_next + WHEEL_SLOTS - 1;
	i = (uint32_t)(s & (WHEEL_SLOTS - 1));
	head = eng->wheel[i];
	c->tslot = (uint16_t)i;
	c->tprev = ENG_NIL;
	c->tnext = head;
	if (head != ENG_NIL)
		eng_conn(eng, head)->tprev = c->self;
	eng->wheel[i] = c->self;
	eng->wheel_busy[i >> 6] |= 1ull << (i & 63);
	if (c->expires < eng->wheel_min[i])
		eng->wheel_min[i] = c->expires;
}

static void wheel_unlink(struct ctk_engine *eng, struct ctk_conn *c)
{
	uint32_t i = c->tslot;

	if (c->tprev != ENG_NIL)
		eng_conn(eng, c->tprev)->tnext = c->tnext;
	else
		eng->wheel[i] = c->tnext;
	if (c->tnext != ENG_NIL)
		eng_conn(eng, c->tnext)->tprev = c->tprev;
}

/* Detach a whole slot's list, reset its minimum, return its head. */
static uint32_t take_list(struct ctk_engine *eng, uint32_t i)
{
	uint32_t head = eng->wheel[i];

	eng->wheel[i] = ENG_NIL;
	eng->wheel_min[i] = UINT64_MAX;
	eng->wheel_busy[i >> 6] &= ~(1ull << (i & 63));
	return head;
}

/*
 * The first absolute slot in [@s, @end) whose busy bit is set, or @end.
 * Only wheel_link() sets a bit and only take_list() clears one, so a
 * clear bit means an empty slot with no minimum: skipping it is exact,
 * and idle stretches of the wheel cost a word per 64 slots.
 */
static uint64_t next_busy(const struct ctk_engine *eng, uint64_t s, uint64_t end)
{
	while (s < end) {
		uint32_t i = (uint32_t)(s & (WHEEL_SLOTS - 1));
		uint64_t bits = eng->wheel_busy[i >> 6] >> (i & 63);

		if (bits) {
			s += (uint64_t)__builtin_ctzll(bits);
			return s < end ? s : end;
		}
		s += 64 - (i & 63);
	}
	return end;
}

/*
 * The first instant of the slot @c is linked in. Linked entries sit in
 * [wheel_next, wheel_next + WHEEL_SLOTS): the slot index says which.
 */
static uint64_t linked_slot_start(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	uint64_t s = eng->wheel_next + ((c->tslot - eng->wheel_next) & (WHEEL_SLOTS - 1));

	return s << WHEEL_SHIFT;
}

void eng_set_timeout(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now, uint64_t timeout)
{
	uint64_t old = c->expires;

	c->expires = now + timeout;
	if (!(c->flags & CONN_LINKED) || c->expires >= old)
		return;
	/* Shorter: the wheel must see it no later than its deadline. */
	if (c->expires < linked_slot_start(eng, c)) {
		wheel_unlink(eng, c);
		wheel_link(eng, c);
	} else {
		uint32_t i = c->tslot;

		if (c->expires < eng->wheel_min[i])
			eng->wheel_min[i] = c->expires;
	}
}

/* ---- hash ---------------------------------------------------------------- */

static uint32_t conn_hash(const struct ctk_engine *eng, const struct ctk_conn *c)
{
	struct eng_tuple t;

	eng_conn_tuple(c, &t);
	return eng_hash(eng, &t);
}

static void hash_unlink(struct ctk_engine *eng, struct ctk_conn *c, uint32_t hash)
{
	uint32_t *pp = &eng->buckets[hash & eng->bucket_mask];

	while (*pp != ENG_NIL && *pp != c->self)
		pp = &eng_conn(eng, *pp)->hnext;
	if (*pp == c->self)
		*pp = c->hnext;
}

/* Off the hash and the count, marked dying, DESTROY sent (the wheel is the caller's). */
static void unhash_dying(struct ctk_engine *eng, struct ctk_conn *c, uint32_t hash, uint64_t now)
{
	hash_unlink(eng, c, hash);
	if (c->flags & CONN_FW)
		eng_nat_unlink(eng, c);
	c->flags &= (uint8_t)~CONN_LINKED;
	c->status |= IPS_DYING;
	eng->count--;
	eng_emit(eng, c, CTK_EV_DESTROY, 0, now);
}

/* Take @c out of the table for good: DESTROY event, slot freed next call. */
void eng_kill(struct ctk_engine *eng, struct ctk_conn *c, uint64_t now)
{
	if (!(c->flags & CONN_IN_USE))
		return;
	if (c->flags & CONN_LINKED) {
		wheel_unlink(eng, c);
		unhash_dying(eng, c, conn_hash(eng, c), now);
	}
	eng_release(eng, c);
}

struct ctk_conn *eng_find(struct ctk_engine *eng, const struct eng_tuple *t, uint32_t hash,
			  uint64_t now, enum ctk_dir *dir)
{
	uint32_t idx = eng->buckets[hash & eng->bucket_mask];

	while (idx != ENG_NIL) {
		struct ctk_conn *c = eng_conn(eng, idx);
		int d;

		idx = c->hnext;
		/* As the kernel's lookup: reap what expired on the way. */
		if (eng_expired(c, now)) {
			eng_kill(eng, c, now);
			continue;
		}
		d = eng_tuple_dir(c, t);
		/* Zones and NAT live in extensions: an entry without one is zone 0, unNATed. */
		if (d >= 0 && ((c->flags & CONN_FW) ? eng_fw_match(eng, c, d) : !eng->cur_zone)) {
			if (dir)
				*dir = (enum ctk_dir)d;
			return c;
		}
	}
	/* NATed reply tuples are hashed apart, by themselves (nat.c). */
	if (eng->nat_linked)
		return eng_nat_find(eng, t, now, dir);
	return NULL;
}

/*
 * The kernel's early_drop(): look at NF_CT_EVICTION_RANGE (8) buckets from
 * the new tuple's one and kill the non-ASSURED entries of the first bucket
 * that has any. Buckets differ from the kernel's (its hash is keyed at
 * random), so which entry goes is as arbitrary here as there.
 */
static bool early_drop(struct ctk_engine *eng, uint32_t hash, uint64_t now)
{
	for (uint32_t i = 0; i < 8; i++) {
		uint32_t b = (hash + i) & eng->bucket_mask;
		uint32_t idx = eng->buckets[b], drops = 0;

		while (idx != ENG_NIL) {
			struct ctk_conn *c = eng_conn(eng, idx);

			idx = c->hnext;
			if (eng_expired(c, now)) {
				eng_kill(eng, c, now);
				continue;
			}
			if (c->status & IPS_ASSURED)
				continue;
			eng_kill(eng, c, now);
			drops++;
		}
		if (drops) {
			eng->stats[CTK_STAT_EARLY_DROP] += drops;
			return true;
		}
	}
	return false;
}

struct ctk_conn *eng_alloc(struct ctk_engine *eng, const struct eng_tuple *t, uint32_t hash,
			   uint64_t now)
{
	struct ctk_conn *c;

	if (eng->cfg.max && eng->count >= eng->cfg.max && !early_drop(eng, hash, now))
		return NULL;
	c = take_slot(eng, t->l3);
	if (!c)
		return NULL;
	set_tuple(c, t);
	c->flags = CONN_IN_USE;
	/* Ids are handle generations (handle.c): 0 never names a connection. */
	c->id = ++eng->next_id ? eng->next_id : ++eng->next_id;
	if (eng_has_ext(eng))
		eng_ext(eng, c)->start = now;
	return c;
}

void eng_confirm(struct ctk_engine *eng, struct ctk_conn *c, uint32_t hash)
{
	uint32_t b = hash & eng->bucket_mask;

	c->hnext = eng->buckets[b];
	eng->buckets[b] = c->self;
	c->status |= IPS_CONFIRMED;
	c->flags |= CONN_LINKED;
	eng->count++;
	wheel_link(eng, c);
}

/* ---- setup ------------------------------------------------------------- */

/* Slot sizes: an IPv4 entry stops after its 8 address bytes; extensions follow. */
static void init_pools(struct ctk_engine *eng)
{
	uint32_t end[2] = {
		offsetof(struct ctk_conn, addr) + 2 * 4,
		sizeof(struct ctk_conn),
	};
	bool ext = eng->cfg.acct || eng->cfg.timestamp;

	for (int i = 0; i < 2; i++) {
		uint32_t stride = (end[i] + 7) & ~7u;

		eng->ext_off[i] = ext ? stride : 0;
		if (ext)
			stride += sizeof(struct eng_ext);
		eng->pool[i].stride = stride;
		eng->pool[i].tag = i ? POOL_V6 : 0;
		eng->pool[i].free_head = ENG_NIL;
	}
}

int eng_table_init(struct ctk_engine *eng)
{
	uint32_t n = 1;

	while (n < eng->cfg.buckets && n < (1u << 30))
		n <<= 1;
	eng->buckets = malloc((size_t)n * sizeof(*eng->buckets));
	eng->wheel = malloc(WHEEL_SLOTS * sizeof(*eng->wheel));
	eng->wheel_min = malloc(WHEEL_SLOTS * sizeof(*eng->wheel_min));
	if (!eng->buckets || !eng->wheel || !eng->wheel_min)
		return -ENOMEM;
	memset(eng->buckets, 0xff, (size_t)n * sizeof(*eng->buckets));
	memset(eng->wheel, 0xff, WHEEL_SLOTS * sizeof(*eng->wheel));
	memset(eng->wheel_min, 0xff, WHEEL_SLOTS * sizeof(*eng->wheel_min));
	eng->bucket_mask = n - 1;
	eng->deferred = ENG_NIL;
	eng->wheel_next = 0;
	init_pools(eng);
	return 0;
}

/*
 * Empty the table, keeping its memory: the pools hand out slots from
 * index 0 again (take_slot() clears each), as a new table would, and the
 * wheel restarts at time 0. Bucket heads are cleared one by one when few
 * are in use, so that a small trace on a large table resets cheaply.
 */
void eng_table_reset(struct ctk_engine *eng)
{
	size_t nb = (size_t)eng->bucket_mask + 1;
	uint32_t used = eng->pool[0].high + eng->pool[1].high;

	for (int p = 0; p < 2 && (size_t)used * 16 < nb; p++) {
		for (uint32_t i = 0; i < eng->pool[p].high; i++) {
			struct ctk_conn *c = eng_conn(eng, eng->pool[p].tag | i);

			if (c->flags & CONN_LINKED)
				eng->buckets[conn_hash(eng, c) & eng->bucket_mask] = ENG_NIL;
		}
	}
	if ((size_t)used * 16 >= nb)
		memset(eng->buckets, 0xff, nb * sizeof(*eng->buckets));
	for (uint64_t s = next_busy(eng, 0, WHEEL_SLOTS); s < WHEEL_SLOTS;
	     s = next_busy(eng, s + 1, WHEEL_SLOTS))
		take_list(eng, (uint32_t)s);
	for (int p = 0; p < 2; p++) {
		eng->pool[p].high = 0;
		eng->pool[p].free_head = ENG_NIL;
	}
	eng->deferred = ENG_NIL;
	eng->wheel_next = 0;
	eng->count = 0;
	eng_fw_reset(eng);
	/*
	 * Ids go on: they are the handles' generations, and slots restart at
	 * 0, so a handle taken before the reset must not match a newcomer.
	 */
}

void eng_table_fini(struct ctk_engine *eng)
{
	for (int p = 0; p < 2; p++) {
		for (uint32_t i = 0; i < eng->pool[p].nchunks; i++)
			free(eng->pool[p].chunks[i]);
		free(eng->pool[p].chunks);
	}
	eng_fw_free(eng);
	free(eng->buckets);
	free(eng->wheel);
	free(eng->wheel_min);
}

/* ---- expiry ------------------------------------------------------------ */

/*
 * Destroy the due entries of a detached list, relink the others. At a
 * full table this runs once per new connection and each step misses the
 * cache: the list's next entry, then the due entry's bucket. The next
 * entry is prefetched as soon as it is known and a due entry is unhashed
 * SETTLE_AHEAD entries later, its bucket prefetched meanwhile, so those
 * misses overlap. DESTROY events keep the list's order.
 */
#define SETTLE_AHEAD 8

struct settle_ring {
	uint32_t idx[SETTLE_AHEAD];
	uint32_t hash[SETTLE_AHEAD];
	unsigned int head, len;
};

static void settle_one(struct ctk_engine *eng, struct settle_ring *r, uint64_t now)
{
	unsigned int k = r->head;
	struct ctk_conn *c = eng_conn(eng, r->idx[k]);

	/* Already off the wheel: only the hash and the count left. */
	unhash_dying(eng, c, r->hash[k], now);
	eng_release(eng, c);
	r->head = (k + 1) % SETTLE_AHEAD;
	r->len--;
}

static unsigned int settle_list(struct ctk_engine *eng, uint32_t idx, uint64_t now)
{
	struct settle_ring r = { .head = 0, .len = 0 };
	unsigned int n = 0;

	while (idx != ENG_NIL) {
		struct ctk_conn *c = eng_conn(eng, idx);

		idx = c->tnext;
		eng_prefetch_conn(eng, idx);	/* its tuple too: conn_hash() reads it */
		if (eng_expired(c, now)) {
			unsigned int k;

			if (r.len == SETTLE_AHEAD)
				settle_one(eng, &r, now);
			k = (r.head + r.len) % SETTLE_AHEAD;
			r.idx[k] = c->self;
			r.hash[k] = conn_hash(eng, c);
			eng_prefetch(&eng->buckets[r.hash[k] & eng->bucket_mask]);
			r.len++;
			n++;
		} else {
			wheel_link(eng, c);
		}
	}
	while (r.len)
		settle_one(eng, &r, now);
	return n;
}

static unsigned int expire_conns(struct ctk_engine *eng, uint64_t now)
{
	uint64_t cur = slot_of(now);
	unsigned int n = 0;
	uint32_t i;

	eng_flush_deferred(eng);
	if (cur > eng->wheel_next + WHEEL_SLOTS) {
		/* A long jump: gather everything, then settle it once. */
		uint32_t all = ENG_NIL;

		for (uint64_t s = next_busy(eng, 0, WHEEL_SLOTS); s < WHEEL_SLOTS;
		     s = next_busy(eng, s + 1, WHEEL_SLOTS)) {
			uint32_t idx = take_list(eng, (uint32_t)s);

			while (idx != ENG_NIL) {
				struct ctk_conn *c = eng_conn(eng, idx);

				idx = c->tnext;
				c->tnext = all;
				all = c->self;
			}
		}
		eng->wheel_next = cur;
		return settle_list(eng, all, now);
	}
	while ((eng->wheel_next = next_busy(eng, eng->wheel_next, cur)) < cur) {
		i = (uint32_t)(eng->wheel_next & (WHEEL_SLOTS - 1));
		eng->wheel_next++;
		if (eng->wheel[i] != ENG_NIL)
			n += settle_list(eng, take_list(eng, i), now);
	}
	i = (uint32_t)(cur & (WHEEL_SLOTS - 1));
	if (eng->wheel_min[i] <= now)
		n += settle_list(eng, take_list(eng, i), now);
	return n;
}

/* Entries due by @now, then expectations past their time or whose master went. */
unsigned int ctk_engine_expire(struct ctk_engine *eng, uint64_t now)
{
	unsigned int n = expire_conns(eng, now);

	if (eng->nexp)
		eng_expect_expire(eng, now);
	return n;
}

/*
 * Every linked entry is due at or after its slot's minimum. An entry in a
 * slot after wheel_next is also due at or after that slot's start (it was
 * linked there by its deadline, or moved earlier when that shrank), so
 * the walk stops at the first slot starting after the best so far, and a
 * stale minimum (its entry since unlinked) counts for no less than the
 * slot's start. Only wheel_next's slot can hold entries clamped in from
 * earlier deadlines: its minimum is taken as it is.
 */
uint64_t ctk_engine_next_expiry(const struct ctk_engine *eng)
{
	uint64_t best = UINT64_MAX;

	for (uint32_t k = 0; k < WHEEL_SLOTS; k++) {
		uint64_t s = eng->wheel_next + k, start = s << WHEEL_SHIFT, due;
		uint32_t i = (uint32_t)(s & (WHEEL_SLOTS - 1));

		if (start >= best)
			break;
		if (eng->wheel[i] == ENG_NIL)
			continue;
		due = eng->wheel_min[i];
		if (k && due < start)
			due = start;
		if (due < best)
			best = due;
	}
	return best;
}

int ctk_engine_foreach(struct ctk_engine *eng, uint64_t now, ctk_entry_cb cb, void *data)
{
	struct ctk_entry e;
	int n = 0;

	eng_flush_deferred(eng);
	for (uint32_t b = 0; b <= eng->bucket_mask; b++) {
		uint32_t idx = eng->buckets[b];

		while (idx != ENG_NIL) {
			struct ctk_conn *c = eng_conn(eng, idx);
			int ret;

			idx = c->hnext;
			if (eng_expired(c, now))
				continue;
			eng_fill_entry(eng, c, now, CTK_EV_NONE, 0, &e);
			n++;
			ret = cb(&e, CTK_EV_NONE, data);
			if (ret == CTK_CB_ERROR)
				return -ECANCELED;
			if (ret == CTK_CB_STOP)
				return n;
		}
	}
	return n;
}

void ctk_engine_flush(struct ctk_engine *eng, uint64_t now)
{
	eng_flush_deferred(eng);
	for (uint32_t b = 0; b <= eng->bucket_mask; b++)
		while (eng->buckets[b] != ENG_NIL)
			eng_kill(eng, eng_conn(eng, eng->buckets[b]), now);
	eng_flush_deferred(eng);
}

unsigned int ctk_engine_count(const struct ctk_engine *eng)
{
	return eng->count;
}
