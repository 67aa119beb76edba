// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Set and map lookups. Elements are sorted by their low end (the reader
 * sorts them), so a value or an interval is found by bisection. A
 * concatenation of ranges ("10.0.0.0/8 . 1000-2000") is not ordered as
 * a whole: each component is compared on its own, element by element.
 */
#include <string.h>
#include "fw/fw_priv.h"

static bool in_range(const uint8_t *k, const uint8_t *lo, const uint8_t *hi, unsigned int len)
{
	return fw_value_cmp(k, lo, len) >= 0 && fw_value_cmp(k, hi, len) <= 0;
}

static const struct fw_elem *scan_concat(const struct fw_set *s, const struct fw_value *key)
{
	for (uint32_t i = 0; i < s->nelems; i++) {
		const struct fw_elem *e = &s->elems[i];
		unsigned int off = 0, c;

		for (c = 0; c < s->ncomp; c++) {
			if (!in_range(key->bytes + off, e->lo.bytes + off, e->hi.bytes + off,
				      s->comp_len[c]))
				break;
			off += s->comp_len[c];
		}
		if (c == s->ncomp)
			return e;
	}
	return NULL;
}

/* The last element whose low end is <= @key, or NULL. */
static const struct fw_elem *floor_elem(const struct fw_set *s, const struct fw_value *key)
{
	uint32_t lo = 0, hi = s->nelems;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (fw_value_cmp(s->elems[mid].lo.bytes, key->bytes, s->key_len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &s->elems[lo - 1] : NULL;
}

const struct fw_elem *fw_set_lookup(const struct fw_set *s, const struct fw_value *key)
{
	const struct fw_elem *e;

	if (key->len != s->key_len)
		return NULL;
	if (s->ncomp > 1 && (s->flags & FW_SET_INTERVAL))
		return scan_concat(s, key);
	e = floor_elem(s, key);
	if (!e)
		return NULL;
	return fw_value_cmp(key->bytes, e->hi.bytes, s->key_len) <= 0 ? e : NULL;
}
