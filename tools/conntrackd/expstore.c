// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A small table of expectations, each allocated on its own so that the
 * queue node inside it never moves; handles are table indexes + 1.
 */
#include <stdlib.h>
#include <string.h>

#include "expect.h"

struct exp_obj {
	struct ctk_expect x;
	struct ctd_obj obj;
};

struct ctd_expstore {
	struct exp_obj **slot;
	size_t n, cap, count;
};

struct ctd_expstore *ctd_expstore_new(void)
{
	return calloc(1, sizeof(struct ctd_expstore));
}

void ctd_expstore_free(struct ctd_expstore *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->slot[i]);
	free(s->slot);
	free(s);
}

size_t ctd_expstore_count(const struct ctd_expstore *s)
{
	return s ? s->count : 0;
}

static bool tuple_same(const struct ctk_tuple *a, const struct ctk_tuple *b)
{
	return a->l3num == b->l3num && a->l4num == b->l4num &&
	       !memcmp(&a->src, &b->src, sizeof(a->src)) &&
	       !memcmp(&a->dst, &b->dst, sizeof(a->dst)) && a->sport == b->sport &&
	       a->dport == b->dport;
}

/* An expectation is who expects it (master) and what (expected tuple), in its zone. */
static bool same_identity(const struct ctk_expect *a, const struct ctk_expect *b)
{
	uint16_t za = ctk_expect_has(a, CTK_EXPECT_ATTR_ZONE) ? a->zone : 0;
	uint16_t zb = ctk_expect_has(b, CTK_EXPECT_ATTR_ZONE) ? b->zone : 0;

	return za == zb && tuple_same(&a->master, &b->master) &&
	       tuple_same(&a->expected, &b->expected);
}

uint32_t ctd_expstore_find(const struct ctd_expstore *s, const struct ctk_expect *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->slot[i] && same_identity(&s->slot[i]->x, x))
			return (uint32_t)i + 1;
	return 0;
}

static uint32_t free_slot(struct ctd_expstore *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->slot[i])
			return (uint32_t)i + 1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct exp_obj **bigger = realloc(s->slot, cap * sizeof(*bigger));

		if (!bigger)
			return 0;
		s->slot = bigger;
		s->cap = cap;
	}
	s->slot[s->n] = NULL;
	return (uint32_t)++s->n;
}

uint32_t ctd_expstore_put(struct ctd_expstore *s, const struct ctk_expect *x, bool *added)
{
	uint32_t ref = ctd_expstore_find(s, x);

	*added = false;
	if (ref) {
		s->slot[ref - 1]->x = *x;
		return ref;
	}
	ref = free_slot(s);
	if (!ref)
		return 0;
	s->slot[ref - 1] = calloc(1, sizeof(struct exp_obj));
	if (!s->slot[ref - 1])
		return 0;
	s->slot[ref - 1]->x = *x;
	s->count++;
	*added = true;
	return ref;
}

const struct ctk_expect *ctd_expstore_get(const struct ctd_expstore *s, uint32_t ref)
{
	return s && ref && ref <= s->n && s->slot[ref - 1] ? &s->slot[ref - 1]->x : NULL;
}

struct ctd_obj *ctd_expstore_obj(const struct ctd_expstore *s, uint32_t ref)
{
	return s && ref && ref <= s->n && s->slot[ref - 1] ? &s->slot[ref - 1]->obj : NULL;
}

void ctd_expstore_del(struct ctd_expstore *s, uint32_t ref)
{
	if (!ctd_expstore_get(s, ref))
		return;
	free(s->slot[ref - 1]);
	s->slot[ref - 1] = NULL;
	s->count--;
}

uint32_t ctd_expstore_next(const struct ctd_expstore *s, uint32_t ref)
{
	for (size_t i = ref; s && i < s->n; i++)
		if (s->slot[i])
			return (uint32_t)i + 1;
	return 0;
}
