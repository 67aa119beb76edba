// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A rule's expressions: matches ("left op right") and verdict maps. The
 * statements are in read_stmt.c, NAT in read_nat.c.
 */
#include <errno.h>
#include <string.h>
#include "fw/read.h"

static const struct {
	const char *name;
	enum fw_op op;
} ops[] = {
	{"==", FW_OP_EQ}, {"!=", FW_OP_NE}, {"<", FW_OP_LT}, {">", FW_OP_GT}, {"<=", FW_OP_LE},
	{">=", FW_OP_GE}, {"in", FW_OP_IN}, {"!", FW_OP_EQ}, /* "tcp flags ! syn,rst": none of the
								bits, see fw_read_match() */
};

static int read_op(struct fw_rd *rd, json_t *j, enum fw_op *op)
{
	const char *s = json_string_value(j);

	for (size_t i = 0; s && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, s)) {
			*op = ops[i].op;
			return 0;
		}
	return fw_err(rd, "unknown match operator \"%s\"", s ? s : "?");
}

/* The left side: a key, or "key & mask" (tcp flags & (syn|ack), meta mark & 0xff). */
static int read_left(struct fw_rd *rd, json_t *l, struct fw_expr *e, bool *masked)
{
	json_t *and = json_is_object(l) ? json_object_get(l, "&") : NULL;
	struct fw_vdesc d;

	*masked = false;
	if (!and)
		return fw_read_key(rd, l, &e->u.match.key);
	if (json_array_size(and) != 2)
		return fw_err(rd, "\"&\" takes two operands");
	if (fw_read_key(rd, json_array_get(and, 0), &e->u.match.key) < 0)
		return -EINVAL;
	fw_key_vdesc(&e->u.match.key, &d);
	if (d.n != 1)
		return fw_err(rd,
			      "a mask on a concatenation is not supported by the offline firewall");
	*masked = true;
	e->u.match.mask.len = d.len[0];
	return fw_read_scalar(rd, json_array_get(and, 1), d.vt[0], d.len[0], e->u.match.mask.bytes);
}

/* "eth*": the name's first bytes, compared under a mask. */
static bool read_wildcard(json_t *r, const struct fw_vdesc *d, struct fw_expr *e)
{
	const char *s = json_string_value(r);
	size_t n = s ? strlen(s) : 0;

	if (d->n != 1 || d->vt[0] != FW_VT_IFNAME || !n || s[n - 1] != '*' || n > d->len[0])
		return false;
	e->u.match.rhs = FW_RHS_MASK;
	e->u.match.value.len = e->u.match.mask.len = d->len[0];
	memcpy(e->u.match.value.bytes, s, n - 1);
	memset(e->u.match.mask.bytes, 0xff, n - 1);
	return true;
}

static int read_right(struct fw_rd *rd, json_t *r, const struct fw_vdesc *d, bool masked,
		      struct fw_expr *e)
{
	struct fw_value lo, hi;
	json_t *x;

	if (json_is_string(r) && json_string_value(r)[0] == '@') {
		e->u.match.rhs = FW_RHS_SET;
		e->u.match.set = fw_named_set(rd, json_string_value(r) + 1, d, NULL, false);
		return e->u.match.set ? 0 : -EINVAL;
	}
	if (json_is_object(r) && (x = json_object_get(r, "set"))) {
		e->u.match.rhs = FW_RHS_SET;
		e->u.match.set = fw_read_anon_set(rd, x, d, NULL, false);
		return e->u.match.set ? 0 : -EINVAL;
	}
	if (!masked && read_wildcard(r, d, e))
		return 0;
	if (fw_read_range(rd, r, d, &lo, &hi) < 0)
		return -EINVAL;
	e->u.match.value = lo;
	if (!memcmp(lo.bytes, hi.bytes, lo.len)) {
		e->u.match.rhs = masked ? FW_RHS_MASK : FW_RHS_VALUE;
		return 0;
	}
	if (masked)
		return fw_err(rd, "a range under a mask is not supported by the offline firewall");
	if (json_is_object(r) && json_object_get(r, "prefix") && d->n == 1) {
		/* lo and hi differ exactly in the host bits: the mask is what they share. */
		e->u.match.rhs = FW_RHS_MASK;
		e->u.match.mask.len = lo.len;
		for (unsigned int i = 0; i < lo.len; i++)
			e->u.match.mask.bytes[i] = (uint8_t) ~(lo.bytes[i] ^ hi.bytes[i]);
		return 0;
	}
	if (d->n != 1)
		return fw_err(rd, "a concatenation with ranges outside a set is not supported");
	e->u.match.rhs = FW_RHS_RANGE;
	e->u.match.hi = hi;
	return 0;
}

/* Flags as (key & bits) against 0: "in" tests any bit (FW_OP_IN), "!" none (EQ). */
static bool as_flag_mask(struct fw_expr *e, const struct fw_vdesc *d)
{
	if (e->u.match.rhs != FW_RHS_VALUE || d->n != 1 || !fw_vt_is_flags(d->vt[0]))
		return false;
	e->u.match.rhs = FW_RHS_MASK;
	e->u.match.mask = e->u.match.value;
	memset(e->u.match.value.bytes, 0, sizeof(e->u.match.value.bytes));
	return true;
}

int fw_read_match(struct fw_rd *rd, json_t *m, struct fw_expr *e)
{
	struct fw_vdesc d;
	bool masked;

	e->kind = FW_E_MATCH;
	if (read_op(rd, json_object_get(m, "op"), &e->u.match.op) < 0 ||
	    read_left(rd, json_object_get(m, "left"), e, &masked) < 0)
		return -EINVAL;
	fw_key_vdesc(&e->u.match.key, &d);
	if (read_right(rd, json_object_get(m, "right"), &d, masked, e) < 0)
		return -EINVAL;
	if (!strcmp(json_string_value(json_object_get(m, "op")), "!")) {
		if (!as_flag_mask(e, &d))
			return fw_err(rd, "\"!\" applies to a flag list");
		return 0;
	}
	/* nft's implicit match: a flag list tests any bit, anything else equality. */
	if (e->u.match.op == FW_OP_IN && !as_flag_mask(e, &d))
		e->u.match.op = FW_OP_EQ;
	if ((e->u.match.rhs == FW_RHS_SET || e->u.match.rhs == FW_RHS_RANGE) &&
	    e->u.match.op != FW_OP_EQ && e->u.match.op != FW_OP_NE)
		return fw_err(rd, "only == and != apply to a set or a range");
	return 0;
}

int fw_read_vmap(struct fw_rd *rd, json_t *m, struct fw_expr *e)
{
	struct fw_vdesc d;
	json_t *data = json_object_get(m, "data"), *x;

	e->kind = FW_E_VMAP;
	if (fw_read_key(rd, json_object_get(m, "key"), &e->u.vmap.key) < 0)
		return -EINVAL;
	fw_key_vdesc(&e->u.vmap.key, &d);
	if (json_is_string(data) && json_string_value(data)[0] == '@')
		e->u.vmap.set = fw_named_set(rd, json_string_value(data) + 1, &d, NULL, true);
	else if (json_is_object(data) && (x = json_object_get(data, "set")))
		e->u.vmap.set = fw_read_anon_set(rd, x, &d, NULL, true);
	else
		return fw_err(rd, "vmap data is a set or @name");
	return e->u.vmap.set ? 0 : -EINVAL;
}
