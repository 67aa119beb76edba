// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Counting entries by keys (ctkit/group.h): an open-addressing hash of
 * groups keyed by the bytes of struct group_key, grown at 3/4 full.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include "model/group_priv.h"

static const char *const key_names[] = {
	[CTK_GROUP_SRC] = "src",       [CTK_GROUP_DST] = "dst",	    [CTK_GROUP_SPORT] = "sport",
	[CTK_GROUP_DPORT] = "dport",   [CTK_GROUP_PROTO] = "proto", [CTK_GROUP_FAMILY] = "family",
	[CTK_GROUP_STATE] = "state",   [CTK_GROUP_ZONE] = "zone",   [CTK_GROUP_MARK] = "mark",
	[CTK_GROUP_STATUS] = "status", [CTK_GROUP_LABEL] = "label", [CTK_GROUP_NETNS] = "netns",
};

const char *ctk_group_key_name(enum ctk_group_key key)
{
	return (unsigned int)key < sizeof(key_names) / sizeof(key_names[0]) ? key_names[key] : "";
}

static void copy_bad(char *bad, size_t size, const char *word, size_t len)
{
	if (!bad || !size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(bad, word, len);
	bad[len] = '\0';
}

/* "src", "src/24": the key and its prefix; -EINVAL if neither. */
static int parse_word(const char *w, size_t len, enum ctk_group_key *key, unsigned int *prefix)
{
	size_t name_len = len;
	const char *slash = memchr(w, '/', len);

	*prefix = 128;
	if (slash) {
		char *end;
		unsigned long p;

		name_len = (size_t)(slash - w);
		if (slash + 1 == w + len || slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		p = strtoul(slash + 1, &end, 10);
		if (end != w + len || p > 128)
			return -EINVAL;
		*prefix = (unsigned int)p;
	}
	for (unsigned int k = 0; k < sizeof(key_names) / sizeof(key_names[0]); k++) {
		if (strlen(key_names[k]) == name_len && !memcmp(key_names[k], w, name_len)) {
			if (slash && k != CTK_GROUP_SRC && k != CTK_GROUP_DST)
				return -EINVAL; /* only addresses have prefixes */
			*key = (enum ctk_group_key)k;
			return 0;
		}
	}
	return -EINVAL;
}

int ctk_group_spec_parse(struct ctk_group_spec *spec, const char *text, char *bad, size_t bad_size)
{
	const char *w = text;

	memset(spec, 0, sizeof(*spec));
	copy_bad(bad, bad_size, "", 0);
	for (;;) {
		size_t len = strcspn(w, ",");
		enum ctk_group_key key;
		unsigned int prefix;

		if (parse_word(w, len, &key, &prefix) < 0 || spec->nkeys == CTK_GROUP_KEYS_MAX) {
			copy_bad(bad, bad_size, w, len);
			return -EINVAL;
		}
		for (unsigned int i = 0; i < spec->nkeys; i++)
			if (spec->keys[i].key == key) {
				copy_bad(bad, bad_size, w, len);
				return -EINVAL;
			}
		spec->keys[spec->nkeys].key = key;
		spec->keys[spec->nkeys].prefix4 = (uint8_t)(prefix > 32 ? 32 : prefix);
		spec->keys[spec->nkeys].prefix6 = (uint8_t)prefix;
		spec->nkeys++;
		if (!w[len])
			return 0;
		w += len + 1;
	}
}

struct ctk_groups *ctk_groups_new(const struct ctk_group_spec *spec)
{
	struct ctk_groups *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->spec = *spec;
	g->cap = 1024;
	g->index = calloc(g->cap, sizeof(*g->index));
	if (!g->index) {
		free(g);
		errno = ENOMEM;
		return NULL;
	}
	return g;
}

const struct ctk_group_spec *ctk_groups_spec(const struct ctk_groups *g)
{
	return &g->spec;
}

void ctk_groups_free(struct ctk_groups *g)
{
	if (!g)
		return;
	for (uint32_t i = 0; i < g->nnames; i++)
		free(g->names[i]);
	for (size_t i = 0; i < g->nchunks; i++)
		free(g->chunks[i]);
	free(g->names);
	free(g->chunks);
	free(g->index);
	free(g);
}

size_t ctk_groups_count(const struct ctk_groups *g)
{
	return g->n;
}

/* @a with only its leading @bits bits. */
static void keep_prefix(union ctk_addr *a, unsigned int bits, unsigned int width)
{
	for (unsigned int i = 0; i < width / 8; i++) {
		unsigned int have = i * 8 >= bits ? 0 : bits - i * 8;

		a->byte[i] &= have >= 8 ? 0xff : (uint8_t)(0xff00 >> have);
	}
}

static const char *state_name(const struct ctk_entry *e)
{
	const char *s = NULL;

	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE))
		s = ctk_tcp_state_name(e->tcp.state);
	else if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE))
		s = ctk_sctp_state_name(e->sctp.state);
	else if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE))
		s = ctk_dccp_state_name(e->dccp.state);
	return s ? s : "";
}

/* @name's id (1-based) in the names met so far, added if new; 0 on -ENOMEM. */
static uint32_t intern(struct ctk_groups *g, const char *name)
{
	char **names;

	if (g->last_name && !strcmp(g->names[g->last_name - 1], name))
		return g->last_name;
	for (uint32_t i = 0; i < g->nnames; i++)
		if (!strcmp(g->names[i], name))
			return g->last_name = i + 1;
	names = realloc(g->names, (g->nnames + 1) * sizeof(*names));
	if (!names)
		return 0;
	g->names = names;
	names[g->nnames] = strdup(name);
	if (!names[g->nnames])
		return 0;
	return g->last_name = ++g->nnames;
}

static int make_key(struct ctk_groups *g, const struct ctk_entry *e, const char *netns,
		    struct group_key *k)
{
	const struct ctk_tuple *t = &e->orig;
	bool v6 = t->l3num == AF_INET6;

	memset(k, 0, sizeof(*k));
	for (unsigned int i = 0; i < g->spec.nkeys; i++) {
		unsigned int plen = v6 ? g->spec.keys[i].prefix6 : g->spec.keys[i].prefix4;

		switch (g->spec.keys[i].key) {
		case CTK_GROUP_SRC:
			k->family = t->l3num;
			k->src = t->src;
			k->src_len = (uint8_t)plen;
			keep_prefix(&k->src, plen, v6 ? 128 : 32);
			break;
		case CTK_GROUP_DST:
			k->family = t->l3num;
			k->dst = t->dst;
			k->dst_len = (uint8_t)plen;
			keep_prefix(&k->dst, plen, v6 ? 128 : 32);
			break;
		case CTK_GROUP_SPORT:
		case CTK_GROUP_DPORT:
			k->has_ports = ctk_l4proto_has_ports(t->l4num) && !t->no_ports;
			if (k->has_ports && g->spec.keys[i].key == CTK_GROUP_SPORT)
				k->sport = t->sport;
			else if (k->has_ports)
				k->dport = t->dport;
			break;
		case CTK_GROUP_PROTO:
			k->l4 = t->l4num;
			break;
		case CTK_GROUP_FAMILY:
			k->family = t->l3num;
			break;
		case CTK_GROUP_STATE:
			if (state_name(e)[0] && !(k->state = (uint8_t)intern(g, state_name(e))))
				return -ENOMEM;
			break;
		case CTK_GROUP_ZONE:
			k->zone = ctk_entry_has(e, CTK_ATTR_ZONE) ? e->zone : 0;
			break;
		case CTK_GROUP_MARK:
			k->mark = ctk_entry_has(e, CTK_ATTR_MARK) ? e->mark : 0;
			break;
		case CTK_GROUP_STATUS:
			k->status = ctk_entry_has(e, CTK_ATTR_STATUS) ? e->status : 0;
			break;
		case CTK_GROUP_LABEL:
			if (ctk_entry_has(e, CTK_ATTR_LABELS))
				memcpy(k->labels, e->labels, sizeof(k->labels));
			break;
		case CTK_GROUP_NETNS:
			if (!(k->netns = intern(g, netns ? netns : "")))
				return -ENOMEM;
			break;
		}
	}
	return 0;
}

/* A multiply-shift mix of the key's words: keys are zeroed where unused. */
static uint32_t key_hash(const struct group_key *k)
{
	uint64_t w[sizeof(*k) / 8], h = 0x9e3779b97f4a7c15ull;

	memcpy(w, k, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return (uint32_t)(h ^ (h >> 29));
}

/* The index slot of @k: its record's, or the empty one where it would go. */
static uint32_t *find_slot(const struct ctk_groups *g, const struct group_key *k, uint32_t hash)
{
	size_t i = hash & (g->cap - 1);

	for (;; i = (i + 1) & (g->cap - 1)) {
		const struct group_rec *r;

		if (!g->index[i])
			return &g->index[i];
		r = group_rec_at(g, g->index[i] - 1);
		if (r->hash == hash && !memcmp(&r->key, k, sizeof(*k)))
			return &g->index[i];
	}
}

/* Twice the index: records stay where they are, only their numbers move. */
static int grow(struct ctk_groups *g)
{
	size_t cap = g->cap * 2;
	uint32_t *index = calloc(cap, sizeof(*index));

	if (!index)
		return -ENOMEM;
	for (size_t r = 0; r < g->n; r++) {
		size_t i = group_rec_at(g, r)->hash & (cap - 1);

		while (index[i])
			i = (i + 1) & (cap - 1);
		index[i] = (uint32_t)r + 1;
	}
	free(g->index);
	g->index = index;
	g->cap = cap;
	return 0;
}

/* A new record for @k; NULL when memory ran out. */
static struct group_rec *new_rec(struct ctk_groups *g, const struct group_key *k, uint32_t hash)
{
	struct group_rec *r;

	if (g->n == g->nchunks * GROUP_CHUNK) {
		struct group_rec **chunks = realloc(g->chunks, (g->nchunks + 1) * sizeof(*chunks));

		if (!chunks)
			return NULL;
		g->chunks = chunks;
		chunks[g->nchunks] = malloc(GROUP_CHUNK * sizeof(**chunks));
		if (!chunks[g->nchunks])
			return NULL;
		g->nchunks++;
	}
	r = group_rec_at(g, g->n++);
	memset(&r->grp, 0, sizeof(r->grp));
	r->key = *k;
	r->hash = hash;
	return r;
}

int ctk_groups_add(struct ctk_groups *g, const struct ctk_entry *e, const char *netns)
{
	struct group_key k;
	struct group_rec *r;
	uint32_t hash, *slot;
	bool counted = ctk_entry_has(e, CTK_ATTR_COUNTERS_ORIG) ||
		       ctk_entry_has(e, CTK_ATTR_COUNTERS_REPLY);

	if (make_key(g, e, netns, &k) < 0)
		return -ENOMEM;
	hash = key_hash(&k);
	slot = find_slot(g, &k, hash);
	if (*slot) {
		r = group_rec_at(g, *slot - 1);
	} else {
		if ((g->n + 1) * 4 > g->cap * 3) {
			if (grow(g) < 0)
				return -ENOMEM;
			slot = find_slot(g, &k, hash);
		}
		r = new_rec(g, &k, hash);
		if (!r)
			return -ENOMEM;
		*slot = (uint32_t)g->n;
	}
	r->grp.count++;
	if (counted) {
		r->grp.with_counters++;
		r->grp.packets +=
			e->counters[CTK_DIR_ORIG].packets + e->counters[CTK_DIR_REPLY].packets;
		r->grp.bytes += e->counters[CTK_DIR_ORIG].bytes + e->counters[CTK_DIR_REPLY].bytes;
	}
	return 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_addr(const struct group_key *a, const struct group_key *b, const union ctk_addr *x,
		    const union ctk_addr *y)
{
	if (a->family != b->family)
		return cmp_u32(a->family, b->family);
	return memcmp(x->byte, y->byte, a->family == AF_INET6 ? 16 : 4);
}

/* Keys in the spec's order, each by its natural order: ties of count read well. */
static int key_cmp(const struct ctk_groups *g, const struct group_key *a, const struct group_key *b)
{
	for (unsigned int i = 0; i < g->spec.nkeys; i++) {
		int c = 0;

		switch (g->spec.keys[i].key) {
		case CTK_GROUP_SRC:
			c = cmp_addr(a, b, &a->src, &b->src);
			break;
		case CTK_GROUP_DST:
			c = cmp_addr(a, b, &a->dst, &b->dst);
			break;
		case CTK_GROUP_SPORT:
			c = a->has_ports != b->has_ports ? cmp_u32(a->has_ports, b->has_ports)
							 : cmp_u32(a->sport, b->sport);
			break;
		case CTK_GROUP_DPORT:
			c = a->has_ports != b->has_ports ? cmp_u32(a->has_ports, b->has_ports)
							 : cmp_u32(a->dport, b->dport);
			break;
		case CTK_GROUP_PROTO:
			c = cmp_u32(a->l4, b->l4);
			break;
		case CTK_GROUP_FAMILY:
			c = cmp_u32(a->family, b->family);
			break;
		case CTK_GROUP_STATE:
			c = strcmp(group_name(g, a->state), group_name(g, b->state));
			break;
		case CTK_GROUP_ZONE:
			c = cmp_u32(a->zone, b->zone);
			break;
		case CTK_GROUP_MARK:
			c = cmp_u32(a->mark, b->mark);
			break;
		case CTK_GROUP_STATUS:
			c = cmp_u32(a->status, b->status);
			break;
		case CTK_GROUP_LABEL:
			for (unsigned int w = 0; !c && w < CTK_LABEL_WORDS; w++)
				c = cmp_u32(a->labels[w], b->labels[w]);
			break;
		case CTK_GROUP_NETNS:
			c = strcmp(group_name(g, a->netns), group_name(g, b->netns));
			break;
		}
		if (c)
			return c;
	}
	return 0;
}

/* What groups are ranked by, for the comparators. */
struct ranking {
	const struct ctk_groups *g;
	enum ctk_group_order order;
};

static uint64_t rank_value(const struct ctk_group *grp, enum ctk_group_order order)
{
	switch (order) {
	case CTK_GROUP_ORDER_PACKETS:
		return grp->packets;
	case CTK_GROUP_ORDER_BYTES:
		return grp->bytes;
	default:
		return grp->count;
	}
}

/* Larger groups first; ties by count, then in the keys' order. */
static int rec_order(const struct ranking *rk, const struct group_rec *x, const struct group_rec *y)
{
	uint64_t a = rank_value(&x->grp, rk->order), b = rank_value(&y->grp, rk->order);

	if (a != b)
		return a > b ? -1 : 1;
	if (x->grp.count != y->grp.count)
		return x->grp.count > y->grp.count ? -1 : 1;
	return key_cmp(rk->g, &x->key, &y->key);
}

static int by_rank(const void *a, const void *b, void *ranking)
{
	return rec_order(ranking, *(const struct group_rec *const *)a,
			 *(const struct group_rec *const *)b);
}

/* Keep @top (n slots, sorted largest first) the n largest seen: insertion into a short list. */
static size_t keep_largest(const struct ranking *rk, const struct group_rec **top, size_t have,
			   size_t n, const struct group_rec *s)
{
	size_t i;

	if (have == n && rec_order(rk, s, top[n - 1]) >= 0)
		return have;
	i = have < n ? have++ : n - 1;
	for (; i > 0 && rec_order(rk, s, top[i - 1]) < 0; i--)
		top[i] = top[i - 1];
	top[i] = s;
	return have;
}

size_t ctk_groups_top_by(struct ctk_groups *g, enum ctk_group_order order, size_t n,
			 const struct ctk_group **out)
{
	struct ranking rk = {g, order};
	const struct group_rec **all;
	size_t k = 0;

	if ((unsigned int)order > CTK_GROUP_ORDER_BYTES)
		return 0;
	if (n == 0 || n > g->n)
		n = g->n;
	if (n && n <= 64) {
		/* a few of many: one pass, no sort of everything */
		const struct group_rec *top[64];

		for (size_t i = 0; i < g->n; i++)
			k = keep_largest(&rk, top, k, n, group_rec_at(g, i));
		for (size_t i = 0; i < k; i++)
			out[i] = &top[i]->grp;
		return k;
	}
	all = malloc((g->n ? g->n : 1) * sizeof(*all));
	if (!all)
		return 0;
	for (size_t i = 0; i < g->n; i++)
		all[k++] = group_rec_at(g, i);
	qsort_r(all, k, sizeof(*all), by_rank, &rk);
	for (size_t i = 0; i < n; i++)
		out[i] = &all[i]->grp;
	free(all);
	return n;
}

size_t ctk_groups_top(struct ctk_groups *g, size_t n, const struct ctk_group **out)
{
	return ctk_groups_top_by(g, CTK_GROUP_ORDER_COUNT, n, out);
}

void ctk_groups_clear(struct ctk_groups *g)
{
	/* The records' chunks and the interned names stay for the next count. */
	memset(g->index, 0, g->cap * sizeof(*g->index));
	g->n = 0;
}
