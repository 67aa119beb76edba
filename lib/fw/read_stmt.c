// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A rule's statements, in order: the dispatch of every expression of a
 * rule, and the statements other than matches (read_expr.c) and NAT
 * (read_nat.c). What the evaluator does not implement is refused here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fw/read.h"

static char *dup_or_null(struct fw_rd *rd, const char *s, int *rc)
{
	char *d;

	*rc = 0;
	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*rc = fw_err(rd, "out of memory");
	return d;
}

/* The value a statement writes: a constant, a key, a map, with &, |, ^. */
int fw_read_src(struct fw_rd *rd, json_t *j, const struct fw_vdesc *target, struct fw_src *s)
{
	static const char binops[] = "&|^";
	json_t *x;

	for (const char *b = binops; *b; b++) {
		char op[2] = {*b, 0};
		struct fw_value v;

		if (!json_is_object(j) || !(x = json_object_get(j, op)))
			continue;
		if (json_array_size(x) != 2 ||
		    fw_read_src(rd, json_array_get(x, 0), target, s) < 0 ||
		    fw_read_const(rd, json_array_get(x, 1), target, &v) < 0)
			return fw_err(rd, "\"%s\" takes an expression and a constant", op);
		if (!s->is_key)
			return fw_err(rd, "a constant expression is not supported");
		if (!s->bitop) {
			s->mask.len = s->xor.len = v.len;
			memset(s->mask.bytes, 0xff, v.len);
			s->bitop = (uint8_t)*b;
			s->operand = v;
		} else {
			s->bitop = 'b';
		}
		/* (x & mask) ^ xor, as the kernel's bitwise expression composes them. */
		for (unsigned int i = 0; i < v.len; i++) {
			if (*b == '&') {
				s->mask.bytes[i] &= v.bytes[i];
				s->xor.bytes[i] &= v.bytes[i];
			} else if (*b == '|') {
				s->mask.bytes[i] &= (uint8_t)~v.bytes[i];
				s->xor.bytes[i] |= v.bytes[i];
			} else {
				s->xor.bytes[i] ^= v.bytes[i];
			}
		}
		return 0;
	}
	if (json_is_object(j) && (x = json_object_get(j, "map"))) {
		struct fw_vdesc kd;
		json_t *data = json_object_get(x, "data"), *set;

		if (fw_read_key(rd, json_object_get(x, "key"), &s->key) < 0)
			return -EINVAL;
		s->is_key = true;
		fw_key_vdesc(&s->key, &kd);
		if (json_is_string(data) && json_string_value(data)[0] == '@')
			s->map = fw_named_set(rd, json_string_value(data) + 1, &kd, target, false);
		else if (json_is_object(data) && (set = json_object_get(data, "set")))
			s->map = fw_read_anon_set(rd, set, &kd, target, false);
		else
			return fw_err(rd, "map data is a set or @name");
		return s->map ? 0 : -EINVAL;
	}
	if (json_is_object(j) && !json_object_get(j, "prefix") && !json_object_get(j, "range") &&
	    !json_object_get(j, "concat")) {
		if (fw_read_key(rd, j, &s->key) < 0)
			return -EINVAL;
		s->is_key = true;
		if (target->n == 1 && s->key.len != target->len[0])
			return fw_err(rd, "a %u-byte key written to a %u-byte field", s->key.len,
				      target->len[0]);
		return 0;
	}
	return fw_read_const(rd, j, target, &s->value);
}

int fw_read_mangle(struct fw_rd *rd, json_t *m, struct fw_expr *e)
{
	struct fw_key k;
	struct fw_vdesc d;

	if (fw_read_key(rd, json_object_get(m, "key"), &k) < 0) {
		fw_key_release(&k);
		return -EINVAL;
	}
	fw_key_vdesc(&k, &d);
	fw_key_release(&k);
	if (k.kind == FW_KEY_META && k.u.meta == FW_META_MARK) {
		e->kind = FW_E_SET_META;
		e->u.set.meta = k.u.meta;
	} else if (k.kind == FW_KEY_CT && k.u.ct.dir == FW_DIR_NONE &&
		   (k.u.ct.key == FW_CT_MARK || k.u.ct.key == FW_CT_ZONE)) {
		e->kind = FW_E_SET_CT;
		e->u.set.ct_key = k.u.ct.key;
	} else {
		json_t *kj = json_object_get(m, "key"), *pl = json_object_get(kj, "payload");

		if (pl)
			return fw_err(rd,
				      "\"%s %s set\" (packet mangling) is not supported by the "
				      "offline firewall",
				      json_string_value(json_object_get(pl, "protocol")) ?: "?",
				      json_string_value(json_object_get(pl, "field")) ?: "?");
		return fw_err(rd, "setting \"%s %s\" is not supported by the offline firewall",
			      json_object_iter_key(json_object_iter(kj)),
			      json_string_value(json_object_get(
				      json_object_iter_value(json_object_iter(kj)), "key"))
				      ?: "?");
	}
	e->u.set.src = calloc(1, sizeof(*e->u.set.src));
	if (!e->u.set.src)
		return fw_err(rd, "out of memory");
	return fw_read_src(rd, json_object_get(m, "value"), &d, e->u.set.src);
}

static int read_helper(struct fw_rd *rd, json_t *v, struct fw_expr *e)
{
	const char *name = json_string_value(v);

	e->kind = FW_E_CT_HELPER;
	if (!name)
		return fw_err(rd, "ct helper set needs an object name");
	for (uint32_t i = 0; i < rd->table->nhelpers; i++)
		if (!strcmp(rd->table->helpers[i].name, name)) {
			int rc;

			e->u.helper.obj = &rd->table->helpers[i];
			e->u.helper.name = dup_or_null(rd, name, &rc);
			return rc;
		}
	return fw_err(rd, "no ct helper object \"%s\" in table %s", name, rd->table->name);
}

static int read_reject(struct fw_rd *rd, json_t *v, struct fw_expr *e)
{
	const char *type = json_string_value(json_object_get(v, "type"));
	const char *code = json_string_value(json_object_get(v, "expr"));
	char buf[128];
	int rc;

	e->kind = FW_E_REJECT;
	snprintf(buf, sizeof(buf), "%s%s%s", type ? type : "icmpx", code ? " " : "",
		 code ? code : "");
	e->u.note.text = dup_or_null(rd, buf, &rc);
	return rc;
}

static int read_stmt(struct fw_rd *rd, const char *name, json_t *v, struct fw_expr *e)
{
	int rc = 0;

	if (!strcmp(name, "match"))
		return fw_read_match(rd, v, e);
	if (!strcmp(name, "vmap"))
		return fw_read_vmap(rd, v, e);
	if (!strcmp(name, "counter")) {
		e->kind = FW_E_COUNTER;
		e->u.counter.name = dup_or_null(rd, json_string_value(v), &rc);
		return rc;
	}
	if (!strcmp(name, "log")) {
		e->kind = FW_E_LOG;
		e->u.note.text =
			dup_or_null(rd, json_string_value(json_object_get(v, "prefix")), &rc);
		return rc;
	}
	if (!strcmp(name, "reject"))
		return read_reject(rd, v, e);
	if (!strcmp(name, "notrack")) {
		e->kind = FW_E_NOTRACK;
		return 0;
	}
	if (!strcmp(name, "mangle"))
		return fw_read_mangle(rd, v, e);
	if (!strcmp(name, "ct helper"))
		return read_helper(rd, v, e);
	if (!strcmp(name, "snat") || !strcmp(name, "dnat") || !strcmp(name, "masquerade") ||
	    !strcmp(name, "redirect"))
		return fw_read_nat(rd, name, v, e);
	if (!strcmp(name, "set") || !strcmp(name, "map"))
		return fw_unsupported(rd, "dynamic set update");
	if (!strcmp(name, "payload") || !strcmp(name, "exthdr"))
		return fw_unsupported(rd, "packet mangling");
	return fw_unsupported(rd, name);
}

int fw_read_rule_exprs(struct fw_rd *rd, json_t *exprs, struct fw_rule *r)
{
	size_t n = json_array_size(exprs);

	if (!json_is_array(exprs))
		return fw_err(rd, "a rule's \"expr\" is a list");
	r->exprs = n ? calloc(n, sizeof(*r->exprs)) : NULL;
	if (n && !r->exprs)
		return fw_err(rd, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_array_get(exprs, i);
		struct fw_expr *e = &r->exprs[r->nexprs++];
		const char *name;

		if (!json_is_object(j) || json_object_size(j) != 1)
			return fw_err(rd, "an expression is an object with one key");
		name = json_object_iter_key(json_object_iter(j));
		if (fw_is_verdict(j)) {
			e->kind = FW_E_VERDICT;
			if (fw_read_verdict(rd, j, &e->u.verdict) < 0)
				return -EINVAL;
			continue;
		}
		if (read_stmt(rd, name, json_object_iter_value(json_object_iter(j)), e) < 0)
			return -EINVAL;
	}
	return 0;
}
