// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A chain's rule index: which rules a packet can match, found without
 * visiting each (the bit-vector scheme of packet classifiers). The rules
 * of a long chain mostly begin with a test of one word of the packet (a
 * port, an address prefix, a mark: their lead, fw_rule.lead) or of the
 * input interface (need_iifname). Rules whose leads read the same word
 * under the same mask form a group; the group's values are cut into
 * intervals, and each interval carries the bits of the group's rules
 * whose lead holds there. A packet's candidates are the rules of no
 * group, and per group the bits of the interval its word falls in: one
 * binary search per group instead of a test per rule.
 *
 * The index only leaves out rules that cannot match (their lead fails);
 * a candidate is still tested whole. A rule whose statements change what
 * a lead reads (fw_rule.sets_keys) makes the walk ask again.
 */
#include <stdlib.h>
#include <string.h>
#include "fw/fw_priv.h"

struct fw_index_group {
	struct fw_quick word; /* what the group's leads read: src, len, off, family, l4, mask */
	uint32_t npoints;
	uint32_t *points; /* interval starts, ascending; points[0] == 0 */
	uint64_t *bits;	  /* one row of nwords per interval */
};

struct fw_chain_index {
	uint32_t nwords;
	uint64_t *always; /* rules no group leaves out */
	uint32_t ngroups;
	struct fw_index_group *groups;
	/* rules with a leading `iifname "NAME"` (and no lead word) */
	uint32_t nname_rules;
	uint32_t nnames;
	uint8_t (*names)[16]; /* ascending */
	uint64_t *name_bits;  /* one row per name, then a row of them all */
};

static bool same_word(const struct fw_quick *a, const struct fw_quick *b)
{
	return a->src == b->src && a->len == b->len && a->off == b->off && a->family == b->family &&
	       a->l4 == b->l4 && a->mask == b->mask;
}

static void set_bit(uint64_t *w, uint32_t i)
{
	w[i / 64] |= 1ull << (i % 64);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* A rule's interface name as the index compares it; false if no name can pass. */
static bool padded_name(const char *name, uint8_t out[16])
{
	memset(out, 0, 16);
	if (name[15] != '\0')
		return false; /* iif_may_be(): longer than a device name */
	strncpy((char *)out, name, 15);
	return true;
}

static struct fw_index_group *group_of(struct fw_chain_index *ix, const struct fw_quick *q)
{
	for (uint32_t g = 0; g < ix->ngroups; g++)
		if (same_word(&ix->groups[g].word, q))
			return &ix->groups[g];
	return NULL;
}

/* The intervals of @g over the leads of @c's rules that read its word, and their bits. */
static int build_group(struct fw_chain_index *ix, struct fw_index_group *g,
		       const struct fw_chain *c)
{
	uint32_t max = fw_quick_max(g->word.len);
	uint32_t n = 1, k = 0, *pts = malloc((2 * (size_t)c->nrules + 1) * sizeof(*pts));

	if (!pts)
		return -1;
	g->points = pts;
	pts[0] = 0;
	for (uint32_t i = 0; i < c->nrules; i++) {
		const struct fw_quick *q = &c->rules[i].lead;

		if (!c->rules[i].has_lead || !same_word(q, &g->word) || q->lo > q->hi)
			continue; /* an empty range has no edges */
		pts[n++] = q->lo;
		if (q->hi < max)
			pts[n++] = q->hi + 1;
	}
	qsort(pts, n, sizeof(*pts), cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		if (k == 0 || pts[i] != pts[k - 1])
			pts[k++] = pts[i];
	g->npoints = k;
	g->bits = calloc((size_t)k * ix->nwords, sizeof(*g->bits));
	if (!g->bits)
		return -1;
	/* Every value of an interval gives the same answer: ask for its start. */
	for (uint32_t p = 0; p < k; p++)
		for (uint32_t i = 0; i < c->nrules; i++) {
			const struct fw_quick *q = &c->rules[i].lead;

			if (c->rules[i].has_lead && same_word(q, &g->word) &&
			    (pts[p] >= q->lo && pts[p] <= q->hi) != q->negate)
				set_bit(&g->bits[(size_t)p * ix->nwords], i);
		}
	return 0;
}

static int build_names(struct fw_chain_index *ix, const struct fw_chain *c)
{
	uint32_t k = 0;

	ix->names = calloc(c->nrules + 1, 16);
	if (!ix->names)
		return -1;
	for (uint32_t i = 0; i < c->nrules; i++) {
		const struct fw_rule *r = &c->rules[i];

		if (!r->has_lead && r->need_iifname && padded_name(r->need_iifname, ix->names[k]))
			k++;
	}
	qsort(ix->names, k, 16, cmp_name);
	ix->nnames = 0;
	for (uint32_t i = 0; i < k; i++)
		if (ix->nnames == 0 || memcmp(ix->names[i], ix->names[ix->nnames - 1], 16))
			memcpy(ix->names[ix->nnames++], ix->names[i], 16);
	ix->name_bits = calloc(((size_t)ix->nnames + 1) * ix->nwords, sizeof(*ix->name_bits));
	if (!ix->name_bits)
		return -1;
	for (uint32_t i = 0; i < c->nrules; i++) {
		const struct fw_rule *r = &c->rules[i];
		uint8_t name[16];
		uint8_t(*at)[16];

		if (r->has_lead || !r->need_iifname)
			continue;
		ix->nname_rules++;
		/* the last row: the packet's interface is not known, every name may be it */
		set_bit(&ix->name_bits[(size_t)ix->nnames * ix->nwords], i);
		if (!padded_name(r->need_iifname, name))
			continue;
		at = bsearch(name, ix->names, ix->nnames, 16, cmp_name);
		set_bit(&ix->name_bits[(size_t)(at - ix->names) * ix->nwords], i);
	}
	return 0;
}

static int build(struct fw_chain_index *ix, const struct fw_chain *c)
{
	ix->nwords = (c->nrules + 63) / 64;
	ix->always = calloc(ix->nwords, sizeof(*ix->always));
	ix->groups = calloc(c->nrules, sizeof(*ix->groups));
	if (!ix->always || !ix->groups)
		return -1;
	for (uint32_t i = 0; i < c->nrules; i++) {
		const struct fw_rule *r = &c->rules[i];

		if (r->has_lead) {
			if (!group_of(ix, &r->lead))
				ix->groups[ix->ngroups++].word = r->lead;
		} else if (!r->need_iifname) {
			set_bit(ix->always, i);
		}
	}
	for (uint32_t g = 0; g < ix->ngroups; g++)
		if (build_group(ix, &ix->groups[g], c) < 0)
			return -1;
	return build_names(ix, c);
}

void fw_chain_index_free(struct fw_chain_index *ix)
{
	if (!ix)
		return;
	for (uint32_t g = 0; ix->groups && g < ix->ngroups; g++) {
		free(ix->groups[g].points);
		free(ix->groups[g].bits);
	}
	free(ix->groups);
	free(ix->always);
	free(ix->names);
	free(ix->name_bits);
	free(ix);
}

struct fw_chain_index *fw_chain_index_build(const struct fw_chain *c)
{
	struct fw_chain_index *ix;

	if (c->nrules < FW_INDEX_MIN_RULES || c->nrules > FW_INDEX_MAX_RULES)
		return NULL; /* a short chain walks as fast; a huge one keeps memory small */
	ix = calloc(1, sizeof(*ix));
	if (ix && build(ix, c) < 0) {
		fw_chain_index_free(ix);
		return NULL; /* without an index the walk visits every rule: still right */
	}
	return ix;
}

static void or_row(uint64_t *dst, const uint64_t *row, uint32_t nwords)
{
	for (uint32_t w = 0; w < nwords; w++)
		dst[w] |= row[w];
}

/* The interval of @g that @v falls in: the last start at or below it. */
static uint32_t interval_of(const struct fw_index_group *g, uint32_t v)
{
	uint32_t lo = 0, hi = g->npoints;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (g->points[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void add_names(const struct fw_ctx *x, const struct fw_chain_index *ix, uint64_t *out)
{
	const char *mine = x->v->path_local_out ? "" : x->iifname;
	uint8_t name[16] = {0};
	uint8_t(*at)[16];

	if (!ix->nname_rules)
		return;
	if (!mine) {
		or_row(out, &ix->name_bits[(size_t)ix->nnames * ix->nwords], ix->nwords);
		return;
	}
	strncpy((char *)name, mine, 15);
	at = bsearch(name, ix->names, ix->nnames, 16, cmp_name);
	if (at)
		or_row(out, &ix->name_bits[(size_t)(at - ix->names) * ix->nwords], ix->nwords);
}

void fw_chain_index_candidates(const struct fw_ctx *x, const struct fw_chain_index *ix,
			       uint64_t *out)
{
	memcpy(out, ix->always, ix->nwords * sizeof(*out));
	for (uint32_t g = 0; g < ix->ngroups; g++) {
		const struct fw_index_group *grp = &ix->groups[g];
		uint32_t v;

		/* a word the packet does not have: no lead on it holds */
		if (fw_quick_read(x, &grp->word, &v))
			or_row(out,
			       &grp->bits[(size_t)interval_of(grp, v & grp->word.mask) *
					  ix->nwords],
			       ix->nwords);
	}
	add_names(x, ix, out);
}

uint32_t fw_chain_index_next(const struct fw_chain_index *ix, const uint64_t *cand, uint32_t i)
{
	for (uint32_t w = i / 64; w < ix->nwords; w++) {
		uint64_t bits = cand[w] & (w == i / 64 ? ~0ull << (i % 64) : ~0ull);

		if (bits)
			return w * 64 + (uint32_t)__builtin_ctzll(bits);
	}
	return UINT32_MAX;
}
