/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to lib/cache and its unit tests: a hook that replaces the
 * cache's hash, so tests can make every key collide. Hidden: not part of
 * the shared library's interface.
 */
#ifndef CTK_CACHE_PRIV_H
#define CTK_CACHE_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* NULL: the seeded hash. Set before creating the caches it should affect. */
extern uint32_t (*ctkc_hash_hook)(const void *key, size_t len)
	__attribute__((visibility("hidden")));

#endif
