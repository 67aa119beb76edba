// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The seen set of conntrack -E --resync (see event.h): an open-addressing
 * hash table with linear probing and backward-shift deletion, so there are
 * no tombstones and lookups stay short however many entries come and go.
 */
#include <stdlib.h>
#include <string.h>

#include "event.h"

/* Packed so that memcmp() compares keys: every byte is a field. */
struct seen_key {
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
};

struct seen_slot {
	struct seen_key key;
	struct ctk_tuple reply;
	uint32_t id;
	uint32_t gen;
	bool used;
	bool has_reply;
	bool has_id;
	bool has_zone;
};

struct ct_seen {
	struct seen_slot *slots;
	size_t mask; /* capacity - 1; capacity is a power of two */
	size_t count;
};

#define SEEN_MIN_CAPACITY 1024

static void key_of(struct seen_key *k, const struct ctk_entry *e)
{
	const struct ctk_tuple *t = &e->orig;

	memset(k, 0, sizeof(*k));
	k->src = t->src;
	k->dst = t->dst;
	k->l3num = t->l3num;
	k->l4num = t->l4num;
	if (ctk_proto_has_ports(t->l4num)) {
		k->sport = t->sport;
		k->dport = t->dport;
	} else if (ctk_proto_is_icmp(t->l4num)) {
		k->icmp_id = t->icmp_id;
		k->icmp_type = t->icmp_type;
		k->icmp_code = t->icmp_code;
	}
	if (ctk_entry_has(e, CTK_ATTR_ZONE))
		k->zone = e->zone;
}

/* FNV-1a: keys are short and this is not exposed to chosen input at scale. */
static size_t key_hash(const struct seen_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static size_t find_slot(const struct ct_seen *s, const struct seen_key *k)
{
	size_t i = key_hash(k) & s->mask;

	while (s->slots[i].used && memcmp(&s->slots[i].key, k, sizeof(*k)))
		i = (i + 1) & s->mask;
	return i;
}

static bool resize(struct ct_seen *s, size_t capacity)
{
	struct seen_slot *old = s->slots;
	size_t old_cap = old ? s->mask + 1 : 0;

	s->slots = calloc(capacity, sizeof(*s->slots));
	if (!s->slots) {
		s->slots = old;
		return false;
	}
	s->mask = capacity - 1;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].used)
			s->slots[find_slot(s, &old[i].key)] = old[i];
	}
	free(old);
	return true;
}

struct ct_seen *ct_seen_new(void)
{
	struct ct_seen *s = calloc(1, sizeof(*s));

	if (s && !resize(s, SEEN_MIN_CAPACITY)) {
		free(s);
		return NULL;
	}
	return s;
}

void ct_seen_free(struct ct_seen *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s);
}

size_t ct_seen_count(const struct ct_seen *s)
{
	return s->count;
}

bool ct_seen_add(struct ct_seen *s, const struct ctk_entry *e, uint32_t gen)
{
	struct seen_key k;
	struct seen_slot *slot;
	bool added;

	if (!ctk_entry_has(e, CTK_ATTR_ORIG))
		return false;
	/* Keep the load under 1/2: probes stay short with linear probing. */
	if ((s->count + 1) * 2 > s->mask + 1 && !resize(s, (s->mask + 1) * 2))
		return false;
	key_of(&k, e);
	slot = &s->slots[find_slot(s, &k)];
	added = !slot->used;
	if (added) {
		slot->used = true;
		slot->key = k;
		s->count++;
	}
	slot->gen = gen;
	if (ctk_entry_has(e, CTK_ATTR_REPLY)) {
		slot->has_reply = true;
		slot->reply = e->reply;
	}
	if (ctk_entry_has(e, CTK_ATTR_ID)) {
		slot->has_id = true;
		slot->id = e->id;
	}
	slot->has_zone = ctk_entry_has(e, CTK_ATTR_ZONE);
	return added;
}

/* Remove slot @i and pull later members of its probe run back into the gap. */
static void remove_at(struct ct_seen *s, size_t i)
{
	size_t j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & s->mask;
		if (!s->slots[j].used)
			break;
		home = key_hash(&s->slots[j].key) & s->mask;
		/* Move j into the gap unless its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		s->slots[i] = s->slots[j];
		i = j;
	}
	memset(&s->slots[i], 0, sizeof(s->slots[i]));
	s->count--;
}

bool ct_seen_del(struct ct_seen *s, const struct ctk_entry *e)
{
	struct seen_key k;
	size_t i;

	if (!ctk_entry_has(e, CTK_ATTR_ORIG))
		return false;
	key_of(&k, e);
	i = find_slot(s, &k);
	if (!s->slots[i].used)
		return false;
	remove_at(s, i);
	return true;
}

static void entry_of(struct ctk_entry *e, const struct seen_slot *slot)
{
	const struct seen_key *k = &slot->key;

	ctk_entry_clear(e);
	memset(&e->orig, 0, sizeof(e->orig));
	e->orig.src = k->src;
	e->orig.dst = k->dst;
	e->orig.l3num = k->l3num;
	e->orig.l4num = k->l4num;
	e->orig.sport = k->sport;
	e->orig.dport = k->dport;
	e->orig.icmp_id = k->icmp_id;
	e->orig.icmp_type = k->icmp_type;
	e->orig.icmp_code = k->icmp_code;
	ctk_entry_set(e, CTK_ATTR_ORIG);
	if (slot->has_reply) {
		e->reply = slot->reply;
		ctk_entry_set(e, CTK_ATTR_REPLY);
	}
	if (slot->has_id) {
		e->id = slot->id;
		ctk_entry_set(e, CTK_ATTR_ID);
	}
	if (slot->has_zone) {
		e->zone = k->zone;
		ctk_entry_set(e, CTK_ATTR_ZONE);
	}
}

void ct_seen_sweep(struct ct_seen *s, uint32_t gen, struct ctk_entry *scratch,
		   void (*fn)(const struct ctk_entry *e, void *data), void *data)
{
	size_t i = 0;

	while (i <= s->mask) {
		if (!s->slots[i].used || s->slots[i].gen == gen) {
			i++;
			continue;
		}
		entry_of(scratch, &s->slots[i]);
		fn(scratch, data);
		/* A later slot may shift into i: look at i again. */
		remove_at(s, i);
	}
}
