// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * floor - see floor.h. The key is read from the packet at fixed offsets
 * without any validation: that and the table walk are what no tracker can
 * avoid; everything the engine does beyond it (header and checksum checks,
 * protocol state, timers) is what the engine/floor ratio measures.
 */
#include "floor.h"

#include <stdlib.h>
#include <string.h>

#define NIL   UINT32_MAX
#define GROUP 32 /* 16..128 measured alike on the development VM */

int floor_init(struct floor *fl, uint32_t max, uint32_t buckets)
{
	fl->heads = malloc(sizeof(*fl->heads) * buckets);
	fl->entries = aligned_alloc(64, sizeof(*fl->entries) * max);
	fl->buckets = buckets;
	fl->count = 0;
	fl->max = max;
	if (!fl->heads || !fl->entries) {
		floor_free(fl);
		return -1;
	}
	memset(fl->heads, 0xff, sizeof(*fl->heads) * buckets);
	return 0;
}

void floor_free(struct floor *fl)
{
	free(fl->heads);
	free(fl->entries);
	fl->heads = NULL;
	fl->entries = NULL;
}

static void key_of(const uint8_t *l3, struct floor_key *k)
{
	unsigned int alen, l4off;
	const uint8_t *a, *b, *l4;
	int order;

	memset(k, 0, sizeof(*k));
	if (l3[0] >> 4 == 6) {
		k->l3 = 6;
		k->l4 = l3[6];
		alen = 16;
		a = l3 + 8;
		l4off = 40;
	} else {
		k->l3 = 4;
		k->l4 = l3[9];
		alen = 4;
		a = l3 + 12;
		l4off = (l3[0] & 15) * 4;
	}
	b = a + alen;
	l4 = l3 + l4off;
	order = memcmp(a, b, alen);

	if (order == 0)
		order = memcmp(l4, l4 + 2, 2);
	if (order > 0) {
		const uint8_t *t = a;

		a = b;
		b = t;
	}
	memcpy(k->addr[0], a, alen);
	memcpy(k->addr[1], b, alen);
	memcpy(&k->port[0], order > 0 ? l4 + 2 : l4, 2);
	memcpy(&k->port[1], order > 0 ? l4 : l4 + 2, 2);
}

static uint32_t bucket_of(const struct floor *fl, const struct floor_key *k)
{
	uint64_t w[sizeof(*k) / 8], h = 0x243f6a8885a308d3ull;
	unsigned int i;

	memcpy(w, k, sizeof(w));
	for (i = 0; i < sizeof(w) / 8; i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return (uint32_t)(((h >> 32) * fl->buckets) >> 32);
}

int floor_insert(struct floor *fl, const uint8_t *l3)
{
	struct floor_entry *e;
	uint32_t b;

	if (fl->count == fl->max)
		return -1;
	e = &fl->entries[fl->count];
	key_of(l3, &e->key);
	e->hits = 0;
	b = bucket_of(fl, &e->key);
	e->next = fl->heads[b];
	fl->heads[b] = fl->count++;
	return 0;
}

static uint64_t lookup_group(struct floor *fl, const struct ctk_packet *pkts, unsigned int n)
{
	struct floor_key keys[GROUP];
	uint32_t bucket[GROUP], first[GROUP];
	uint64_t hits = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		key_of(pkts[i].l3, &keys[i]);
		bucket[i] = bucket_of(fl, &keys[i]);
		__builtin_prefetch(&fl->heads[bucket[i]]);
	}
	for (i = 0; i < n; i++) {
		first[i] = fl->heads[bucket[i]];
		if (first[i] != NIL)
			__builtin_prefetch(&fl->entries[first[i]]);
	}
	for (i = 0; i < n; i++) {
		uint32_t e;

		for (e = first[i]; e != NIL; e = fl->entries[e].next) {
			if (memcmp(&fl->entries[e].key, &keys[i], sizeof(keys[i])) == 0) {
				fl->entries[e].hits++;
				hits++;
				break;
			}
		}
	}
	return hits;
}

uint64_t floor_lookup(struct floor *fl, const struct ctk_packet *pkts, unsigned int n)
{
	uint64_t hits = 0;
	unsigned int i;

	for (i = 0; i < n; i += GROUP)
		hits += lookup_group(fl, pkts + i, n - i < GROUP ? n - i : GROUP);
	return hits;
}
