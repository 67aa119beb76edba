/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An entry cache: conntrack entries keyed by their original tuple and zone
 * (what conntrackd's internal and external caches are, and what the event
 * mirror compares a dump with).
 *
 * Storage: entries live in slots carved from slabs of many slots, chained
 * from a hash table of 32-bit slot numbers; an add allocates nothing
 * unless every slab is full, a delete frees nothing (the slot goes on a
 * free list). Slabs are kept until ctk_cache_free(), so memory is that of
 * the largest population seen. The bucket array doubles when the table
 * holds more entries than buckets; if that allocation fails the cache
 * keeps working with longer chains. The hash is seeded per cache, so
 * tuples chosen by remote peers cannot aim at one chain.
 *
 * Key: the orig tuple (address family, protocol, addresses, and ports,
 * GRE keys or ICMP type/code/id as the protocol has them) plus the zone
 * (CTK_ATTR_ZONE; absent is zone 0). An entry without CTK_ATTR_ORIG has no
 * key and is refused with -EINVAL.
 *
 * Generations (mark and sweep): every add stamps the entry with the
 * cache's current generation. A resync starts a new generation
 * (ctk_cache_next_generation), re-adds every entry the table still has,
 * then sweeps: what was not re-added belongs to an older generation and
 * is passed to the callback and removed.
 *
 * Threading: none inside; a cache is used by one thread at a time.
 * Ownership: the cache copies what it is given; pointers it hands out
 * (ctk_cache_find, callbacks) point into the cache and are valid until
 * the next call that adds, deletes or sweeps (with CTK_CACHE_IDENTITY or
 * CTK_CACHE_STATE: until the next call on the cache of any kind).
 *
 * Handles: ctk_cache_add_ref() and ctk_cache_find_ref() name an entry by
 * a 32-bit handle (its slot, never 0) that stays valid until the entry is
 * deleted, whatever else changes; a caller links its own structures
 * (queues, timers) through handles and the extra bytes kept per entry.
 *
 * Errors: functions return 0 (or a count) or a negative errno;
 * ctk_cache_new() returns NULL with errno set.
 */
#ifndef CTKIT_CACHE_H
#define CTKIT_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a slot keeps of an entry. */
enum ctk_cache_keep {
	/* The whole struct ctk_entry (about 650 bytes a slot). */
	CTK_CACHE_WHOLE = 0,
	/*
	 * Only the identity: orig and reply tuples, zone and id (about 110
	 * bytes a slot), what a synthetic DESTROY prints. Other attributes
	 * are absent when the entry is read back.
	 */
	CTK_CACHE_IDENTITY = 1,
	/*
	 * What a peer needs to re-create the connection (about 280 bytes a
	 * slot): tuples, zones, status, timeout, mark, id, labels, protocol
	 * state, sequence adjustments, synproxy and helper. Counters,
	 * timestamps, secmark, secctx, use and request-only fields are
	 * absent when the entry is read back. conntrackd's caches.
	 */
	CTK_CACHE_STATE = 2,
};

struct ctk_cache_opts {
	enum ctk_cache_keep keep;
	/* Most entries held; an add beyond it fails with -ENOSPC. 0: no limit. */
	size_t limit;
	/* Buckets to start with (rounded up to a power of two); 0: 1024. */
	size_t buckets;
	/*
	 * Bytes the caller keeps beside each entry (ctk_cache_extra): zeroed
	 * when a key is added, kept when its entry is replaced. 0: none.
	 */
	size_t extra;
	uint8_t reserved[32];	/* later options: zero the struct first */
};

struct ctk_cache;

/*
 * ctk_cache_new - an empty cache; @o NULL means the defaults (whole
 * entries, no limit). Returns NULL with errno set (ENOMEM, EINVAL).
 */
struct ctk_cache *ctk_cache_new(const struct ctk_cache_opts *o);
/* ctk_cache_free - release the cache and every slot; NULL is allowed. */
void ctk_cache_free(struct ctk_cache *c);

/* ctk_cache_count - entries held. */
size_t ctk_cache_count(const struct ctk_cache *c);

/*
 * ctk_cache_add - store a copy of @e under its key, replacing what was
 * there, stamped with the current generation. Returns 1 if the key was
 * new, 0 if an entry was replaced, -EINVAL if @e has no orig tuple,
 * -ENOSPC at the limit, -ENOMEM when no slot could be allocated (the
 * cache is unchanged in every error case).
 */
int ctk_cache_add(struct ctk_cache *c, const struct ctk_entry *e);

/*
 * ctk_cache_find - the entry with @key's key (only its orig tuple and zone
 * are read), or NULL. See the header comment for how long it stays valid.
 */
const struct ctk_entry *ctk_cache_find(struct ctk_cache *c, const struct ctk_entry *key);

/*
 * ctk_cache_del - remove the entry with @key's key. Returns 0, -ENOENT if
 * there was none, -EINVAL if @key has no orig tuple.
 */
int ctk_cache_del(struct ctk_cache *c, const struct ctk_entry *key);

/*
 * A walk's callback: @e is the cache's entry (read-only). It may add and
 * delete entries, @e's included; entries added during a walk may or may
 * not be visited. Returns CTK_CB_OK to go on, CTK_CB_STOP to stop,
 * CTK_CB_ERROR to stop with -ECANCELED.
 */
typedef int (*ctk_cache_cb)(const struct ctk_entry *e, void *data);

/* ctk_cache_foreach - @cb on every entry. Returns 0 or -ECANCELED. */
int ctk_cache_foreach(struct ctk_cache *c, ctk_cache_cb cb, void *data);

/*
 * ctk_cache_next_generation - start a new generation: entries added from
 * now on are marked with it. Returns the new generation number.
 */
uint32_t ctk_cache_next_generation(struct ctk_cache *c);

/*
 * ctk_cache_sweep - remove every entry not added in the current
 * generation, passing each to @cb (may be NULL) just before removing it.
 * @cb must not change the cache; its verdict is ignored except
 * CTK_CB_ERROR, which stops the sweep with the rest kept. Returns the
 * number removed or -ECANCELED.
 */
long ctk_cache_sweep(struct ctk_cache *c, ctk_cache_cb cb, void *data);

/*
 * ctk_cache_add_ref - ctk_cache_add() that also sets *@ref to the entry's
 * handle (on success). Same return values.
 */
int ctk_cache_add_ref(struct ctk_cache *c, const struct ctk_entry *e, uint32_t *ref);

/* ctk_cache_find_ref - the handle of the entry with @key's key, or 0. */
uint32_t ctk_cache_find_ref(struct ctk_cache *c, const struct ctk_entry *key);

/*
 * ctk_cache_get - the entry of handle @ref, or NULL if @ref names no
 * entry (deleted, or never handed out). Valid as ctk_cache_find()'s.
 */
const struct ctk_entry *ctk_cache_get(struct ctk_cache *c, uint32_t ref);

/*
 * ctk_cache_extra - the caller's extra bytes of handle @ref (opts.extra of
 * them, 8-byte aligned; stable until the entry is deleted), or NULL if @ref
 * names no entry or the cache keeps no extra bytes.
 */
void *ctk_cache_extra(struct ctk_cache *c, uint32_t ref);

/* ctk_cache_del_ref - delete the entry of handle @ref. Returns 0 or -ENOENT. */
int ctk_cache_del_ref(struct ctk_cache *c, uint32_t ref);

/* A walk by handle; the rules of ctk_cache_cb apply. */
typedef int (*ctk_cache_ref_cb)(struct ctk_cache *c, uint32_t ref, void *data);

/*
 * ctk_cache_foreach_ref - @cb on the handle of every entry, in increasing
 * handle order from handle @from on (1: all), so a long walk can be done in
 * steps: stop with CTK_CB_STOP and resume from the last handle + 1.
 * Returns 0 or -ECANCELED.
 */
int ctk_cache_foreach_ref(struct ctk_cache *c, uint32_t from, ctk_cache_ref_cb cb, void *data);

#ifdef __cplusplus
}
#endif
#endif
