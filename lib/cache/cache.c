// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Entry cache (see include/ctkit/cache.h): chained hashing over slots
 * numbered from 1 (0 ends a chain), carved from slabs that never move, so
 * a slot number stays valid while the bucket array is resized and walks
 * can go by slot number whatever callbacks add or delete.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ctkit/cache.h>

#include "cache/cache_priv.h"

uint32_t (*ctkc_hash_hook)(const void *key, size_t len);

#define SLAB_SLOTS	1024u
#define DEFAULT_BUCKETS 1024u
#define MAX_BUCKETS	(1u << 30)
/* Slot numbers are 32-bit and 0 means none. */
#define MAX_SLOTS (UINT32_MAX - SLAB_SLOTS)


/* CTK_CACHE_IDENTITY's slot body. */
struct ident {
	struct ctk_tuple orig;
	struct ctk_tuple reply;
	uint32_t id;
	uint16_t zone;
	uint8_t has; /* IDENT_* */
};

enum {
	IDENT_REPLY = 1,
	IDENT_ID = 2,
	IDENT_ZONE = 4,
};

struct slot {
	uint32_t next; /* chain, or the free list */
	uint32_t hash;
	uint32_t gen;
	uint32_t used;
	/* the body (struct ctk_entry or struct ident) follows */
};

struct ctk_cache {
	enum ctk_cache_keep keep;
	size_t limit;
	size_t slot_size;
	size_t body_size;  /* rounded to 8: the extra bytes follow */
	size_t extra;
	uint64_t seed;
	uint32_t gen;
	size_t count;
	uint32_t *buckets; /* slot numbers */
	size_t mask;	   /* buckets - 1 */
	char **slabs;
	size_t nslabs, slabs_cap;
	uint32_t top;		  /* slots handed out so far: 1..top exist */
	uint32_t free_list;	  /* freed slots */
	struct ctk_entry scratch; /* CTK_CACHE_IDENTITY and _STATE read-back */
};

/* A seeded multiply-mix over the key's 64-bit words (entry_key.c). */
static uint32_t key_hash(const struct ctk_cache *c, const struct ctkc_key *k)
{
	if (ctkc_hash_hook)
		return ctkc_hash_hook(k, sizeof(*k));
	return (uint32_t)(ctkc_key_hash(c->seed, k) >> 16);
}

static struct slot *slot_at(const struct ctk_cache *c, uint32_t n)
{
	uint32_t i = n - 1;

	return (struct slot *)(c->slabs[i / SLAB_SLOTS] + (size_t)(i % SLAB_SLOTS) * c->slot_size);
}

static void *body_of(struct slot *s)
{
	return s + 1;
}

static void *extra_of(const struct ctk_cache *c, struct slot *s)
{
	return (char *)body_of(s) + c->body_size;
}

static void slot_key(const struct ctk_cache *c, struct slot *s, struct ctkc_key *k)
{
	const struct ident *id;
	const struct ctk_tuple *orig;
	uint16_t zone;

	switch (c->keep) {
	case CTK_CACHE_IDENTITY:
		id = body_of(s);
		ctkc_key_of(k, &id->orig, id->has & IDENT_ZONE ? id->zone : 0);
		break;
	case CTK_CACHE_STATE:
		orig = ctkc_state_orig(body_of(s), &zone);
		ctkc_key_of(k, orig, zone);
		break;
	default:
		ctkc_key_of_entry(k, body_of(s));
		break;
	}
}

static void store(struct ctk_cache *c, struct slot *s, const struct ctk_entry *e)
{
	struct ident *id;

	if (c->keep == CTK_CACHE_WHOLE) {
		memcpy(body_of(s), e, sizeof(*e));
		return;
	}
	if (c->keep == CTK_CACHE_STATE) {
		ctkc_state_store(body_of(s), e);
		return;
	}
	id = body_of(s);
	memset(id, 0, sizeof(*id));
	id->orig = e->orig;
	if (ctk_entry_has(e, CTK_ATTR_REPLY)) {
		id->reply = e->reply;
		id->has |= IDENT_REPLY;
	}
	if (ctk_entry_has(e, CTK_ATTR_ID)) {
		id->id = e->id;
		id->has |= IDENT_ID;
	}
	if (ctk_entry_has(e, CTK_ATTR_ZONE)) {
		id->zone = e->zone;
		id->has |= IDENT_ZONE;
	}
}

static const struct ctk_entry *load(struct ctk_cache *c, struct slot *s)
{
	const struct ident *id;
	struct ctk_entry *e = &c->scratch;

	if (c->keep == CTK_CACHE_WHOLE)
		return body_of(s);
	if (c->keep == CTK_CACHE_STATE) {
		ctkc_state_load(e, body_of(s));
		return e;
	}
	id = body_of(s);
	ctk_entry_clear(e);
	e->orig = id->orig;
	ctk_entry_set(e, CTK_ATTR_ORIG);
	if (id->has & IDENT_REPLY) {
		e->reply = id->reply;
		ctk_entry_set(e, CTK_ATTR_REPLY);
	}
	if (id->has & IDENT_ID) {
		e->id = id->id;
		ctk_entry_set(e, CTK_ATTR_ID);
	}
	if (id->has & IDENT_ZONE) {
		e->zone = id->zone;
		ctk_entry_set(e, CTK_ATTR_ZONE);
	}
	return e;
}

static size_t round_pow2(size_t n)
{
	size_t p = 1;

	while (p < n && p < MAX_BUCKETS)
		p <<= 1;
	return p;
}

struct ctk_cache *ctk_cache_new(const struct ctk_cache_opts *o)
{
	struct ctk_cache_opts defaults = {0};
	struct ctk_cache *c;
	size_t body, nb;

	if (!o)
		o = &defaults;
	switch (o->keep) {
	case CTK_CACHE_WHOLE:
		body = sizeof(struct ctk_entry);
		break;
	case CTK_CACHE_IDENTITY:
		body = sizeof(struct ident);
		break;
	case CTK_CACHE_STATE:
		body = ctkc_state_size();
		break;
	default:
		errno = EINVAL;
		return NULL;
	}
	if (o->extra > (1u << 20)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->keep = o->keep;
	c->limit = o->limit;
	c->body_size = (body + 7) & ~(size_t)7;
	c->extra = (o->extra + 7) & ~(size_t)7;
	c->slot_size = sizeof(struct slot) + c->body_size + c->extra;
	c->gen = 1;
	c->seed = ctkc_seed(c);
	nb = round_pow2(o->buckets ? o->buckets : DEFAULT_BUCKETS);
	c->buckets = calloc(nb, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->mask = nb - 1;
	return c;
}

void ctk_cache_free(struct ctk_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nslabs; i++)
		free(c->slabs[i]);
	free(c->slabs);
	free(c->buckets);
	free(c);
}

size_t ctk_cache_count(const struct ctk_cache *c)
{
	return c->count;
}

uint32_t ctk_cache_next_generation(struct ctk_cache *c)
{
	return ++c->gen;
}

/* Returns the slot number holding @k (0: none); *@prev its predecessor in the chain. */
static uint32_t lookup(const struct ctk_cache *c, const struct ctkc_key *k, uint32_t hash,
		       uint32_t *prev)
{
	struct ctkc_key other;
	uint32_t p = 0;

	for (uint32_t n = c->buckets[hash & c->mask]; n; p = n, n = slot_at(c, n)->next) {
		struct slot *s = slot_at(c, n);

		if (s->hash != hash)
			continue;
		slot_key(c, s, &other);
		if (!memcmp(&other, k, sizeof(*k))) {
			if (prev)
				*prev = p;
			return n;
		}
	}
	return 0;
}

static int grow_slabs(struct ctk_cache *c)
{
	char *slab;

	if (c->top >= MAX_SLOTS)
		return -ENOSPC;
	if (c->nslabs == c->slabs_cap) {
		size_t cap = c->slabs_cap ? c->slabs_cap * 2 : 16;
		char **bigger = realloc(c->slabs, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		c->slabs = bigger;
		c->slabs_cap = cap;
	}
	slab = malloc(SLAB_SLOTS * c->slot_size);
	if (!slab)
		return -ENOMEM;
	c->slabs[c->nslabs++] = slab;
	return 0;
}

static int take_slot(struct ctk_cache *c, uint32_t *n)
{
	int ret;

	if (c->free_list) {
		*n = c->free_list;
		c->free_list = slot_at(c, *n)->next;
		return 0;
	}
	if (c->top == c->nslabs * SLAB_SLOTS) {
		ret = grow_slabs(c);
		if (ret < 0)
			return ret;
	}
	*n = ++c->top;
	return 0;
}

/* Double the buckets; on failure keep the old ones (chains get longer). */
static void grow_buckets(struct ctk_cache *c)
{
	size_t nb = (c->mask + 1) * 2;
	uint32_t *b;

	if (nb > MAX_BUCKETS)
		return;
	b = calloc(nb, sizeof(*b));
	if (!b)
		return;
	for (uint32_t n = 1; n <= c->top; n++) {
		struct slot *s = slot_at(c, n);

		if (!s->used)
			continue;
		s->next = b[s->hash & (nb - 1)];
		b[s->hash & (nb - 1)] = n;
	}
	free(c->buckets);
	c->buckets = b;
	c->mask = nb - 1;
}

int ctk_cache_add(struct ctk_cache *c, const struct ctk_entry *e)
{
	uint32_t ref;

	return ctk_cache_add_ref(c, e, &ref);
}

int ctk_cache_add_ref(struct ctk_cache *c, const struct ctk_entry *e, uint32_t *ref)
{
	struct ctkc_key k;
	struct slot *s;
	uint32_t hash, n;
	int ret;

	if (!ctk_entry_has(e, CTK_ATTR_ORIG))
		return -EINVAL;
	ctkc_key_of_entry(&k, e);
	hash = key_hash(c, &k);
	n = lookup(c, &k, hash, NULL);
	if (n) {
		s = slot_at(c, n);
		store(c, s, e);
		s->gen = c->gen;
		*ref = n;
		return 0;
	}
	if (c->limit && c->count >= c->limit)
		return -ENOSPC;
	ret = take_slot(c, &n);
	if (ret < 0)
		return ret;
	s = slot_at(c, n);
	store(c, s, e);
	if (c->extra)
		memset(extra_of(c, s), 0, c->extra);
	s->hash = hash;
	s->gen = c->gen;
	s->used = 1;
	s->next = c->buckets[hash & c->mask];
	c->buckets[hash & c->mask] = n;
	c->count++;
	if (c->count > c->mask + 1)
		grow_buckets(c);
	*ref = n;
	return 1;
}

const struct ctk_entry *ctk_cache_find(struct ctk_cache *c, const struct ctk_entry *key)
{
	struct ctkc_key k;
	uint32_t n;

	if (!ctk_entry_has(key, CTK_ATTR_ORIG))
		return NULL;
	ctkc_key_of_entry(&k, key);
	n = lookup(c, &k, key_hash(c, &k), NULL);
	return n ? load(c, slot_at(c, n)) : NULL;
}

uint32_t ctk_cache_find_ref(struct ctk_cache *c, const struct ctk_entry *key)
{
	struct ctkc_key k;

	if (!ctk_entry_has(key, CTK_ATTR_ORIG))
		return 0;
	ctkc_key_of_entry(&k, key);
	return lookup(c, &k, key_hash(c, &k), NULL);
}

/* The slot of handle @ref if it holds an entry, else NULL. */
static struct slot *used_slot(const struct ctk_cache *c, uint32_t ref)
{
	struct slot *s;

	if (!ref || ref > c->top)
		return NULL;
	s = slot_at(c, ref);
	return s->used ? s : NULL;
}

const struct ctk_entry *ctk_cache_get(struct ctk_cache *c, uint32_t ref)
{
	struct slot *s = used_slot(c, ref);

	return s ? load(c, s) : NULL;
}

void *ctk_cache_extra(struct ctk_cache *c, uint32_t ref)
{
	struct slot *s = used_slot(c, ref);

	return s && c->extra ? extra_of(c, s) : NULL;
}

static void unlink_slot(struct ctk_cache *c, uint32_t n, uint32_t prev)
{
	struct slot *s = slot_at(c, n);

	if (prev)
		slot_at(c, prev)->next = s->next;
	else
		c->buckets[s->hash & c->mask] = s->next;
	s->used = 0;
	s->next = c->free_list;
	c->free_list = n;
	c->count--;
}

int ctk_cache_del(struct ctk_cache *c, const struct ctk_entry *key)
{
	struct ctkc_key k;
	uint32_t n, prev = 0;

	if (!ctk_entry_has(key, CTK_ATTR_ORIG))
		return -EINVAL;
	ctkc_key_of_entry(&k, key);
	n = lookup(c, &k, key_hash(c, &k), &prev);
	if (!n)
		return -ENOENT;
	unlink_slot(c, n, prev);
	return 0;
}

static uint32_t prev_in_chain(const struct ctk_cache *c, uint32_t n);

int ctk_cache_del_ref(struct ctk_cache *c, uint32_t ref)
{
	if (!used_slot(c, ref))
		return -ENOENT;
	unlink_slot(c, ref, prev_in_chain(c, ref));
	return 0;
}

int ctk_cache_foreach_ref(struct ctk_cache *c, uint32_t from, ctk_cache_ref_cb cb, void *data)
{
	for (uint32_t n = from ? from : 1; n <= c->top; n++) {
		int verdict;

		if (!slot_at(c, n)->used)
			continue;
		verdict = cb(c, n, data);
		if (verdict == CTK_CB_ERROR)
			return -ECANCELED;
		if (verdict == CTK_CB_STOP)
			break;
	}
	return 0;
}

int ctk_cache_foreach(struct ctk_cache *c, ctk_cache_cb cb, void *data)
{
	/* By slot number: slots never move, whatever the callback changes. */
	for (uint32_t n = 1; n <= c->top; n++) {
		struct slot *s = slot_at(c, n);
		int verdict;

		if (!s->used)
			continue;
		verdict = cb(load(c, s), data);
		if (verdict == CTK_CB_ERROR)
			return -ECANCELED;
		if (verdict == CTK_CB_STOP)
			break;
	}
	return 0;
}

static uint32_t prev_in_chain(const struct ctk_cache *c, uint32_t n)
{
	uint32_t p = 0;

	for (uint32_t m = c->buckets[slot_at(c, n)->hash & c->mask]; m != n;
	     p = m, m = slot_at(c, m)->next)
		;
	return p;
}

long ctk_cache_sweep(struct ctk_cache *c, ctk_cache_cb cb, void *data)
{
	long removed = 0;

	for (uint32_t n = 1; n <= c->top; n++) {
		struct slot *s = slot_at(c, n);

		if (!s->used || s->gen == c->gen)
			continue;
		if (cb && cb(load(c, s), data) == CTK_CB_ERROR)
			return -ECANCELED;
		unlink_slot(c, n, prev_in_chain(c, n));
		removed++;
	}
	return removed;
}
