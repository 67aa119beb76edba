// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sets and maps, anonymous ({ 22, 80 } in a rule) and named (@name in
 * the rule's table): elements read with the type of the key that looks
 * them up, sorted by their low end so the evaluator bisects. A named
 * set is compiled at its first use, because nft declares some keys only
 * as "integer" and the use tells their length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fw/read.h"

static int elem_cmp(const void *a, const void *b)
{
	const struct fw_elem *x = a, *y = b;

	return memcmp(x->lo.bytes, y->lo.bytes, x->lo.len);
}

static int read_elem(struct fw_rd *rd, json_t *j, const struct fw_vdesc *key,
		     const struct fw_vdesc *data, bool vmap, struct fw_elem *e)
{
	json_t *k = j, *d = NULL, *w;

	if (vmap || data) {
		if (!json_is_array(j) || json_array_size(j) != 2)
			return fw_err(rd, "a map element is [key, value]");
		k = json_array_get(j, 0);
		d = json_array_get(j, 1);
	}
	/* {"elem": {"val": X, "comment": ..., "counter": ...}}: the value counts. */
	if (json_is_object(k) && (w = json_object_get(k, "elem"))) {
		if (json_object_get(w, "timeout") || json_object_get(w, "expires"))
			return fw_err(rd, "set elements with timeouts are not supported by the "
					  "offline firewall");
		k = json_object_get(w, "val");
	}
	if (fw_read_range(rd, k, key, &e->lo, &e->hi) < 0)
		return -EINVAL;
	if (vmap) {
		e->verdict = calloc(1, sizeof(*e->verdict));
		if (!e->verdict)
			return -ENOMEM;
		return fw_read_verdict(rd, d, e->verdict);
	}
	if (data)
		return fw_read_const(rd, d, data, &e->data);
	return 0;
}

static int check_overlap(struct fw_rd *rd, struct fw_set *s)
{
	/* Concatenations compare per component: their bytes do not order ranges. */
	if (s->ncomp > 1)
		return 0;
	for (uint32_t i = 1; i < s->nelems; i++)
		if (memcmp(s->elems[i - 1].hi.bytes, s->elems[i].lo.bytes, s->key_len) >= 0)
			return fw_err(rd, "overlapping set elements");
	return 0;
}

int fw_set_compile(struct fw_rd *rd, struct fw_set *s, json_t *elems, const struct fw_vdesc *key,
		   const struct fw_vdesc *data, bool vmap)
{
	size_t n = elems ? json_array_size(elems) : 0;

	if (elems && !json_is_array(elems))
		return fw_err(rd, "a set's elements are a list");
	s->ncomp = key->n;
	s->key_len = 0;
	for (unsigned int i = 0; i < key->n; i++) {
		s->comp_len[i] = key->len[i];
		s->key_len += key->len[i];
	}
	if (vmap)
		s->flags |= FW_SET_VMAP;
	else if (data) {
		s->flags |= FW_SET_MAP;
		for (unsigned int i = 0; i < data->n; i++)
			s->data_len += data->len[i];
	}
	s->elems = n ? calloc(n, sizeof(*s->elems)) : NULL;
	if (n && !s->elems)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct fw_elem *e = &s->elems[s->nelems++];

		if (read_elem(rd, json_array_get(elems, i), key, data, vmap, e) < 0)
			return -EINVAL;
		if (memcmp(e->lo.bytes, e->hi.bytes, e->lo.len))
			s->flags |= FW_SET_INTERVAL;
	}
	if (s->nelems)
		qsort(s->elems, s->nelems, sizeof(*s->elems), elem_cmp);
	return check_overlap(rd, s);
}

struct fw_set *fw_read_anon_set(struct fw_rd *rd, json_t *elems, const struct fw_vdesc *key,
				const struct fw_vdesc *data, bool vmap)
{
	struct fw_set *s = calloc(1, sizeof(*s));

	if (!s) {
		fw_err(rd, "out of memory");
		return NULL;
	}
	s->flags = FW_SET_ANONYMOUS | FW_SET_CONSTANT;
	if (!json_is_array(elems)) {
		fw_err(rd, "an anonymous set is a list of elements");
		fw_set_free(s);
		return NULL;
	}
	if (fw_set_compile(rd, s, elems, key, data, vmap) < 0) {
		fw_set_free(s);
		return NULL;
	}
	return s;
}

static bool has_flag(json_t *flags, const char *f)
{
	size_t i;
	json_t *x;

	if (json_is_string(flags))
		return !strcmp(json_string_value(flags), f);
	json_array_foreach(flags, i, x)
	{
		if (json_is_string(x) && !strcmp(json_string_value(x), f))
			return true;
	}
	return false;
}

/* The declared types must agree with the use, except "integer" (any length). */
static int check_types(struct fw_rd *rd, const char *name, json_t *type, const struct fw_vdesc *use)
{
	struct fw_vdesc d;

	if (fw_type_vdesc(rd, type, &d) < 0)
		return -EINVAL;
	if (d.n != use->n)
		return fw_err(rd, "set @%s has %u components, its use %u", name, d.n, use->n);
	for (unsigned int i = 0; i < d.n; i++)
		if (d.len[i] && d.len[i] != use->len[i])
			return fw_err(rd, "set @%s holds %u-byte values, its use %u-byte ones",
				      name, d.len[i], use->len[i]);
	return 0;
}

/* A bad element names its set: the rule that uses it may be far away. */
static int compile_elems(struct fw_rd *rd, struct fw_set *s, json_t *elems,
			 const struct fw_vdesc *key, const struct fw_vdesc *data, bool vmap)
{
	char where[sizeof(rd->where)];
	size_t n = strlen(rd->where);
	int rc;

	memcpy(where, rd->where, sizeof(where));
	snprintf(rd->where + n, sizeof(rd->where) - n, "%sset @%s", n ? ", " : "", s->name);
	rc = fw_set_compile(rd, s, elems, key, data, vmap);
	memcpy(rd->where, where, sizeof(where));
	return rc;
}

static int compile_named(struct fw_rd *rd, struct fw_set *s, json_t *j, const struct fw_vdesc *key,
			 const struct fw_vdesc *data, bool vmap)
{
	json_t *flags = json_object_get(j, "flags");
	json_t *map = json_object_get(j, "map");

	if (has_flag(flags, "dynamic") || has_flag(flags, "timeout") ||
	    json_object_get(j, "timeout"))
		return fw_err(rd,
			      "set @%s: dynamic sets and sets with timeouts are not supported by "
			      "the offline firewall",
			      s->name);
	if (check_types(rd, s->name, json_object_get(j, "type"), key) < 0)
		return -EINVAL;
	if (vmap != (json_is_string(map) && !strcmp(json_string_value(map), "verdict")))
		return fw_err(rd, "@%s is %s verdict map", s->name, vmap ? "not a" : "a");
	if (!vmap && !!data != !!map)
		return fw_err(rd, "@%s is %s map", s->name, data ? "not a" : "a");
	if (data && check_types(rd, s->name, map, data) < 0)
		return -EINVAL;
	if (has_flag(flags, "interval"))
		s->flags |= FW_SET_INTERVAL;
	if (has_flag(flags, "constant"))
		s->flags |= FW_SET_CONSTANT;
	return compile_elems(rd, s, json_object_get(j, "elem"), key, data, vmap);
}

static bool same_shape(const struct fw_set *s, const struct fw_vdesc *key,
		       const struct fw_vdesc *data)
{
	unsigned int dl = 0;

	if (s->ncomp != key->n)
		return false;
	for (unsigned int i = 0; i < key->n; i++)
		if (s->comp_len[i] != key->len[i])
			return false;
	for (unsigned int i = 0; data && i < data->n; i++)
		dl += data->len[i];
	return dl == s->data_len;
}

struct fw_set *fw_named_set(struct fw_rd *rd, const char *name, const struct fw_vdesc *key,
			    const struct fw_vdesc *data, bool vmap)
{
	struct fw_table *t = rd->table;

	for (uint32_t i = 0; i < t->nsets; i++) {
		struct fw_set *s = &t->sets[i];
		struct fw_pending_set *p = &rd->pending[rd->table_idx][i];

		if (strcmp(s->name, name))
			continue;
		if (!p->done) {
			p->done = true;
			if (compile_named(rd, s, p->json, key, data, vmap) < 0)
				return NULL;
		} else if (!same_shape(s, key, data) || !!(s->flags & FW_SET_VMAP) != vmap) {
			fw_err(rd, "@%s is used with keys of different types", name);
			return NULL;
		}
		return s;
	}
	fw_err(rd, "no set or map @%s in table %s", name, t->name);
	return NULL;
}

/* Sets no rule uses, compiled from their declared types when those are known. */
int fw_finish_sets(struct fw_rd *rd)
{
	struct fw_table *t = rd->table;

	for (uint32_t i = 0; i < t->nsets; i++) {
		struct fw_pending_set *p = &rd->pending[rd->table_idx][i];
		struct fw_vdesc key, data;
		json_t *map = json_object_get(p->json, "map");
		bool vmap = json_is_string(map) && !strcmp(json_string_value(map), "verdict");
		bool known = true;

		if (p->done)
			continue;
		p->done = true;
		/* Unused, it cannot change a verdict: only its uses are refused. */
		if (has_flag(json_object_get(p->json, "flags"), "dynamic") ||
		    has_flag(json_object_get(p->json, "flags"), "timeout"))
			continue;
		if (fw_type_vdesc(rd, json_object_get(p->json, "type"), &key) < 0)
			return -EINVAL;
		if (map && !vmap && fw_type_vdesc(rd, map, &data) < 0)
			return -EINVAL;
		for (unsigned int c = 0; c < key.n; c++)
			known &= key.len[c] != 0;
		for (unsigned int c = 0; map && !vmap && c < data.n; c++)
			known &= data.len[c] != 0;
		if (!known)
			continue;
		/* Verdict maps' jumps resolve in this table, as for rules. */
		if (compile_named(rd, &t->sets[i], p->json, &key, map && !vmap ? &data : NULL,
				  vmap) < 0)
			return -EINVAL;
	}
	return 0;
}
