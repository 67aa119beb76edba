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

/* NULL: the seeded hash. Set before creating the caches it should affect. */
extern uint32_t (*ctkc_hash_hook)(const void *key, size_t len)
	__attribute__((visibility("hidden")));

/* CTK_CACHE_STATE slot bodies (cache_state.c). */
struct ctk_entry;
struct ctk_tuple;
size_t ctkc_state_size(void) __attribute__((visibility("hidden")));
void ctkc_state_store(void *body, const struct ctk_entry *e) __attribute__((visibility("hidden")));
void ctkc_state_load(struct ctk_entry *e, const void *body) __attribute__((visibility("hidden")));
const struct ctk_tuple *ctkc_state_orig(const void *body, uint16_t *zone)
	__attribute__((visibility("hidden")));

#endif
