/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to lib/cache and its unit tests: a hook that replaces the
 * cache's hash, so tests can make every key collide, and the compact
 * slot body of CTK_CACHE_STATE. Hidden: not part of the shared library's
 * interface.
 */
#ifndef CTK_CACHE_PRIV_H
#define CTK_CACHE_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

/* NULL: the seeded hash. Set before creating the caches it should affect. */
extern uint32_t (*ctkc_hash_hook)(const void *key, size_t len)
	__attribute__((visibility("hidden")));

/*
 * An entry's key, the orig tuple's identifying fields and the zone, every
 * byte a field or zeroed padding so memcmp() compares keys (entry_key.c;
 * the cache's and the census's).
 */
struct ctkc_key {
	union ctk_addr src;
	union ctk_addr dst;
	uint16_t sport;
	uint16_t dport;
	uint16_t icmp_id;
	uint16_t zone;
	uint8_t l3num;
	uint8_t l4num;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint32_t pad;
};

void ctkc_key_of(struct ctkc_key *k, const struct ctk_tuple *t, uint16_t zone)
	__attribute__((visibility("hidden")));
void ctkc_key_of_entry(struct ctkc_key *k, const struct ctk_entry *e)
	__attribute__((visibility("hidden")));
/* ctkc_key_hash - a 64-bit hash of @k seeded with @seed (multiply-mix). */
uint64_t ctkc_key_hash(uint64_t seed, const struct ctkc_key *k) __attribute__((visibility("hidden")));
/* ctkc_seed - a random seed (the clock and @salt if the kernel has no randomness yet). */
uint64_t ctkc_seed(const void *salt) __attribute__((visibility("hidden")));

/* CTK_CACHE_STATE slot bodies (cache_state.c). */
struct ctk_entry;
struct ctk_tuple;
size_t ctkc_state_size(void) __attribute__((visibility("hidden")));
void ctkc_state_store(void *body, const struct ctk_entry *e) __attribute__((visibility("hidden")));
void ctkc_state_load(struct ctk_entry *e, const void *body) __attribute__((visibility("hidden")));
const struct ctk_tuple *ctkc_state_orig(const void *body, uint16_t *zone)
	__attribute__((visibility("hidden")));

#endif
