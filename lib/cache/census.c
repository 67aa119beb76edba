// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The census (ctkit/census.h): an open-addressing table from an entry's
 * identity hash to its class, linear probing with backward-shift deletion
 * (no tombstones, so a table that churns for months stays as fast as a
 * fresh one), and a count per class. A class is found in O(1) through a
 * small index by family, protocol and state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ctkit/census.h>
#include <ctkit/names.h>

#include "cache/cache_priv.h"

#define MIN_SLOTS 1024u
/* Protocol states are numbered below this (TCP, SCTP, DCCP have 10 or fewer). */
#define STATE_CODES 16u

struct class_rec {
	uint8_t family;
	uint8_t l4proto;
	uint8_t code; /* 0: no state, else state + 1 */
	const char *state;
	uint64_t entries;
};

/* What the census knows of one entry, beside its key. */
struct meta {
	uint16_t cls;	/* index into classes, from 1 */
	uint8_t gen;	/* the recount that last saw it */
	uint8_t silent; /* known from a dump only: no event since */
};

struct ctk_census {
	uint64_t seed;
	uint64_t *keys;	   /* 0: empty */
	struct meta *meta; /* meta[i] is keys[i]'s */
	size_t mask;	   /* slots - 1 */
	size_t used;
	size_t silent;		   /* entries with meta.silent */
	uint8_t gen;		   /* the current recount */
	struct class_rec *classes; /* classes[0] unused */
	size_t nclasses, classes_cap;
	/* class by [IPv6?][protocol][state code]; 0: none yet */
	uint16_t index[2][256][STATE_CODES];
};

struct ctk_census *ctk_census_new(void)
{
	struct ctk_census *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->seed = ctkc_seed(c);
	c->keys = calloc(MIN_SLOTS, sizeof(*c->keys));
	c->meta = calloc(MIN_SLOTS, sizeof(*c->meta));
	c->nclasses = 1;
	if (!c->keys || !c->meta) {
		ctk_census_free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->mask = MIN_SLOTS - 1;
	return c;
}

void ctk_census_free(struct ctk_census *c)
{
	if (!c)
		return;
	free(c->keys);
	free(c->meta);
	free(c->classes);
	free(c);
}

/* ---- classes ---------------------------------------------------------------- */

/* The state's code (0: none) and name, if @e says it. */
static bool state_of(const struct ctk_entry *e, uint8_t *code, const char **name)
{
	uint8_t state;

	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE)) {
		state = e->tcp.state;
		*name = ctk_tcp_state_name(state);
	} else if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE)) {
		state = e->sctp.state;
		*name = ctk_sctp_state_name(state);
	} else if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE)) {
		state = e->dccp.state;
		*name = ctk_dccp_state_name(state);
	} else {
		return false;
	}
	/* A state this build does not know still counts, as its own class. */
	if (!*name || state >= STATE_CODES - 1) {
		*name = "UNKNOWN";
		state = STATE_CODES - 2;
	}
	*code = state + 1;
	return true;
}

/* The class of (@e's family and protocol, @code), made if new; 0 on -ENOMEM. */
static uint16_t class_of(struct ctk_census *c, const struct ctk_entry *e, uint8_t code,
			 const char *state)
{
	uint8_t v6 = e->orig.l3num == AF_INET6;
	uint16_t *slot = &c->index[v6][e->orig.l4num][code];
	struct class_rec *r;

	if (*slot)
		return *slot;
	if (c->nclasses >= c->classes_cap) {
		size_t cap = c->classes_cap ? 2 * c->classes_cap : 32;
		struct class_rec *v = realloc(c->classes, cap * sizeof(*v));

		if (!v)
			return 0;
		if (!c->classes)
			memset(v, 0, sizeof(*v)); /* classes[0]: never used */
		c->classes = v;
		c->classes_cap = cap;
	}
	r = &c->classes[c->nclasses];
	*r = (struct class_rec){.family = e->orig.l3num,
				.l4proto = e->orig.l4num,
				.code = code,
				.state = code ? state : ""};
	*slot = (uint16_t)c->nclasses++;
	return *slot;
}

/* ---- the identity table ------------------------------------------------------ */

static uint64_t identity(const struct ctk_census *c, const struct ctk_entry *e)
{
	struct ctkc_key k;
	uint64_t h;

	ctkc_key_of_entry(&k, e);
	h = ctkc_key_hash(c->seed, &k);
	return h ? h : 1;
}

/* The slot of @key, or of the empty slot where it would go. */
static size_t find(const struct ctk_census *c, uint64_t key)
{
	size_t i = key & c->mask;

	while (c->keys[i] && c->keys[i] != key)
		i = (i + 1) & c->mask;
	return i;
}

/* Twice the slots once half are used: probes stay short. */
static int grow(struct ctk_census *c)
{
	size_t slots = 2 * (c->mask + 1);
	uint64_t *keys = calloc(slots, sizeof(*keys));
	struct meta *meta = calloc(slots, sizeof(*meta));
	struct ctk_census old = *c;

	if (!keys || !meta) {
		free(keys);
		free(meta);
		return -ENOMEM;
	}
	c->keys = keys;
	c->meta = meta;
	c->mask = slots - 1;
	for (size_t i = 0; i <= old.mask; i++) {
		size_t j;

		if (!old.keys[i])
			continue;
		j = find(c, old.keys[i]);
		c->keys[j] = old.keys[i];
		c->meta[j] = old.meta[i];
	}
	free(old.keys);
	free(old.meta);
	return 0;
}

/* Remove slot @i, shifting back the entries of its probe run (Knuth's algorithm R). */
static void remove_slot(struct ctk_census *c, size_t i)
{
	size_t j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & c->mask;
		if (!c->keys[j])
			break;
		home = c->keys[j] & c->mask;
		/* Can entry j move to i? Only if its home is not in (i, j]. */
		if (((j - home) & c->mask) >= ((j - i) & c->mask)) {
			c->keys[i] = c->keys[j];
			c->meta[i] = c->meta[j];
			i = j;
		}
	}
	c->keys[i] = 0;
	c->meta[i] = (struct meta){0};
	c->used--;
}

/* ---- applying ------------------------------------------------------------------ */

/* Take slot @i's entry out of its class (and of the silent ones). */
static void uncount(struct ctk_census *c, size_t i)
{
	c->classes[c->meta[i].cls].entries--;
	if (c->meta[i].silent)
		c->silent--;
}

static int count_in(struct ctk_census *c, const struct ctk_entry *e, uint64_t key,
		    enum ctk_event type)
{
	const char *state = "";
	uint8_t code = 0;
	bool has_state = state_of(e, &code, &state);
	size_t i = find(c, key);
	bool silent = type == CTK_EV_NONE;
	uint16_t cls;

	if (c->keys[i]) {
		/* an event proves the kernel sends them for this entry */
		silent = silent && c->meta[i].silent;
		if (type == CTK_EV_UPDATE && !has_state) {
			if (c->meta[i].silent && !silent)
				c->silent--;
			c->meta[i].silent = silent;
			c->meta[i].gen = c->gen;
			return 0; /* nothing it says changes the class */
		}
	}
	cls = class_of(c, e, code, state);
	if (!cls)
		return -ENOMEM;
	if (c->keys[i]) {
		uncount(c, i);
	} else {
		if (2 * (c->used + 1) > c->mask + 1) {
			if (grow(c) < 0)
				return -ENOMEM;
			i = find(c, key);
		}
		c->keys[i] = key;
		c->used++;
	}
	c->meta[i] = (struct meta){.cls = cls, .gen = c->gen, .silent = silent};
	c->classes[cls].entries++;
	c->silent += silent;
	return 0;
}

int ctk_census_apply(struct ctk_census *c, const struct ctk_entry *e, enum ctk_event type)
{
	uint64_t key;
	size_t i;

	if (!ctk_entry_has(e, CTK_ATTR_ORIG))
		return -EINVAL;
	key = identity(c, e);
	switch (type) {
	case CTK_EV_NONE:
	case CTK_EV_NEW:
	case CTK_EV_UPDATE:
		return count_in(c, e, key, type);
	case CTK_EV_DESTROY:
		i = find(c, key);
		if (c->keys[i]) {
			uncount(c, i);
			remove_slot(c, i);
		}
		return 0;
	default:
		return -EINVAL;
	}
}

void ctk_census_recount_begin(struct ctk_census *c)
{
	c->gen++;
}

size_t ctk_census_recount_end(struct ctk_census *c)
{
	size_t removed = 0;

	/* A removal shifts a later entry back into slot i: look at i again. */
	for (size_t i = 0; i <= c->mask;) {
		if (c->keys[i] && c->meta[i].gen != c->gen) {
			uncount(c, i);
			remove_slot(c, i);
			removed++;
			continue;
		}
		i++;
	}
	return removed;
}

uint64_t ctk_census_silent(const struct ctk_census *c)
{
	return c->silent;
}

void ctk_census_clear(struct ctk_census *c)
{
	memset(c->keys, 0, (c->mask + 1) * sizeof(*c->keys));
	memset(c->meta, 0, (c->mask + 1) * sizeof(*c->meta));
	c->used = 0;
	c->silent = 0;
	for (size_t i = 1; i < c->nclasses; i++)
		c->classes[i].entries = 0;
}

uint64_t ctk_census_total(const struct ctk_census *c)
{
	return c->used;
}

static int cmp_class(const void *a, const void *b)
{
	const struct ctk_census_class *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->l4proto != y->l4proto)
		return x->l4proto < y->l4proto ? -1 : 1;
	return strcmp(x->state, y->state);
}

size_t ctk_census_classes(const struct ctk_census *c, struct ctk_census_class *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 1; i < c->nclasses; i++) {
		const struct class_rec *r = &c->classes[i];

		if (!r->entries)
			continue;
		if (n < max)
			out[n] = (struct ctk_census_class){.family = r->family,
							   .l4proto = r->l4proto,
							   .state = r->state,
							   .entries = r->entries};
		n++;
	}
	if (out && n)
		qsort(out, n < max ? n : max, sizeof(*out), cmp_class);
	return n;
}
