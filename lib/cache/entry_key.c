// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An entry's identity as the kernel keeps it unique (orig tuple and zone),
 * packed for comparison and hashing: the key of the entry cache and of the
 * census (cache_priv.h).
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <ctkit/l4proto.h>

#include "cache/cache_priv.h"

void ctkc_key_of(struct ctkc_key *k, const struct ctk_tuple *t, uint16_t zone)
{
	memset(k, 0, sizeof(*k));
	k->src = t->src;
	k->dst = t->dst;
	k->l3num = t->l3num;
	k->l4num = t->l4num;
	if (ctk_l4proto_has_ports(t->l4num)) {
		k->sport = t->sport;
		k->dport = t->dport;
	} else if (ctk_l4proto_is_icmp(t->l4num)) {
		k->icmp_id = t->icmp_id;
		k->icmp_type = t->icmp_type;
		k->icmp_code = t->icmp_code;
	}
	k->zone = zone;
}

void ctkc_key_of_entry(struct ctkc_key *k, const struct ctk_entry *e)
{
	ctkc_key_of(k, &e->orig, ctk_entry_has(e, CTK_ATTR_ZONE) ? e->zone : 0);
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t ctkc_key_hash(uint64_t seed, const struct ctkc_key *k)
{
	uint64_t w[sizeof(*k) / 8];
	uint64_t h = seed;

	memcpy(w, k, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		h = mix(h ^ w[i]) + i;
	return mix(h);
}

uint64_t ctkc_seed(const void *salt)
{
	uint64_t seed;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		return seed;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return mix((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)(uintptr_t)salt);
}
