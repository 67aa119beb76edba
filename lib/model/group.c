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
	g->slots = calloc(g->cap, sizeof(*g->slots));
	if (!g->slots) {
		free(g);
		errno = ENOMEM;
		return NULL;
	}
	return g;
}

void ctk_groups_free(struct ctk_groups *g)
{
	if (!g)
		return;
	for (uint32_t i = 0; i < g->nnetns; i++)
		free(g->netns[i]);
	free(g->netns);
	free(g->slots);
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

static int intern_netns(struct ctk_groups *g, const char *name, uint32_t *out)
{
	char **names;

	if (g->last_netns && !strcmp(g->netns[g->last_netns - 1], name)) {
		*out = g->last_netns;
		return 0;
	}
	for (uint32_t i = 0; i < g->nnetns; i++)
		if (!strcmp(g->netns[i], name)) {
			*out = g->last_netns = i + 1;
			return 0;
		}
	names = realloc(g->netns, (g->nnetns + 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	g->netns = names;
	names[g->nnetns] = strdup(name);
	if (!names[g->nnetns])
		return -ENOMEM;
	*out = g->last_netns = ++g->nnetns;
	return 0;
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
			strncpy(k->state, state_name(e), GROUP_STATE_LEN - 1);
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
			if (intern_netns(g, netns ? netns : "", &k->netns) < 0)
				return -ENOMEM;
			break;
		}
	}
	return 0;
}

/* FNV-1a over the key's bytes: keys are short, and zeroed where unused. */
static uint32_t key_hash(const struct group_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct group_slot *find_slot(struct group_slot *slots, size_t cap, const struct group_key *k,
				    uint32_t hash)
{
	size_t i = hash & (cap - 1);

	while (slots[i].used && (slots[i].hash != hash || memcmp(&slots[i].key, k, sizeof(*k))))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct ctk_groups *g)
{
	size_t cap = g->cap * 2;
	struct group_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i].used)
			*find_slot(slots, cap, &g->slots[i].key, g->slots[i].hash) = g->slots[i];
	free(g->slots);
	g->slots = slots;
	g->cap = cap;
	return 0;
}

int ctk_groups_add(struct ctk_groups *g, const struct ctk_entry *e, const char *netns)
{
	struct group_key k;
	struct group_slot *s;
	uint32_t hash;
	bool counted = ctk_entry_has(e, CTK_ATTR_COUNTERS_ORIG) ||
		       ctk_entry_has(e, CTK_ATTR_COUNTERS_REPLY);

	if (make_key(g, e, netns, &k) < 0)
		return -ENOMEM;
	hash = key_hash(&k);
	s = find_slot(g->slots, g->cap, &k, hash);
	if (!s->used) {
		if ((g->n + 1) * 4 > g->cap * 3) {
			if (grow(g) < 0)
				return -ENOMEM;
			s = find_slot(g->slots, g->cap, &k, hash);
		}
		s->used = true;
		s->key = k;
		s->hash = hash;
		g->n++;
	}
	s->grp.count++;
	if (counted) {
		s->grp.with_counters++;
		s->grp.packets +=
			e->counters[CTK_DIR_ORIG].packets + e->counters[CTK_DIR_REPLY].packets;
		s->grp.bytes += e->counters[CTK_DIR_ORIG].bytes + e->counters[CTK_DIR_REPLY].bytes;
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
			c = strcmp(a->state, b->state);
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
			c = strcmp(a->netns ? g->netns[a->netns - 1] : "",
				   b->netns ? g->netns[b->netns - 1] : "");
			break;
		}
		if (c)
			return c;
	}
	return 0;
}

static int by_count(const void *a, const void *b, void *groups)
{
	const struct group_slot *x = *(const struct group_slot *const *)a;
	const struct group_slot *y = *(const struct group_slot *const *)b;

	if (x->grp.count != y->grp.count)
		return x->grp.count > y->grp.count ? -1 : 1;
	return key_cmp(groups, &x->key, &y->key);
}

size_t ctk_groups_top(struct ctk_groups *g, size_t n, const struct ctk_group **out)
{
	const struct group_slot **all = malloc((g->n ? g->n : 1) * sizeof(*all));
	size_t k = 0;

	if (!all)
		return 0;
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i].used)
			all[k++] = &g->slots[i];
	qsort_r(all, k, sizeof(*all), by_count, g);
	if (n == 0 || n > k)
		n = k;
	for (size_t i = 0; i < n; i++)
		out[i] = &all[i]->grp;
	free(all);
	return n;
}
