// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A rule's text as `nft list ruleset` prints it, from the rule's JSON:
 * the trace names the rule the way the administrator reads it. Values
 * print by their key's type (marks in hex, interface names quoted); the
 * one deliberate difference: counters print as "counter" without the
 * live box's packet and byte counts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fw/read.h"

struct sb {
	char *p;
	size_t n, cap;
	bool bad;
};

static void put(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int need;

	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0 || b->bad)
		return;
	if (b->n + (size_t)need + 1 > b->cap) {
		size_t cap = (b->n + (size_t)need + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->bad = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

static void value(struct fw_rd *rd, struct sb *b, json_t *j, const struct fw_vdesc *d);

static const struct fw_vdesc plain = {.n = 1, .vt = {FW_VT_INT}, .len = {4}};

/* The type of a key's values; plain numbers when it is not a key. */
static void key_desc(struct fw_rd *rd, json_t *j, struct fw_vdesc *d)
{
	struct fw_key k;
	char save[CTK_RULESET_ERR_MAX];

	/* A failure here was already reported by the compiler, or it is not a key. */
	snprintf(save, sizeof(save), "%s", rd->err);
	if (fw_read_key(rd, j, &k) == 0)
		fw_key_vdesc(&k, d);
	else
		*d = plain;
	fw_key_release(&k);
	snprintf(rd->err, CTK_RULESET_ERR_MAX, "%s", save);
}

static void duration(struct sb *b, long long s)
{
	static const struct {
		long long secs;
		char unit;
	} units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};

	if (!s) {
		put(b, "0s");
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s >= units[i].secs) {
			put(b, "%lld%c", s / units[i].secs, units[i].unit);
			s %= units[i].secs;
		}
}

static void scalar(struct sb *b, json_t *j, uint8_t vt, uint8_t len)
{
	size_t i;
	json_t *x;

	if (json_is_integer(j)) {
		if (vt == FW_VT_HEX)
			put(b, "0x%0*llx", 2 * len, (unsigned long long)json_integer_value(j));
		else if (vt == FW_VT_RAW)
			put(b, "0x%llx", (unsigned long long)json_integer_value(j));
		else if (vt == FW_VT_TIME)
			duration(b, json_integer_value(j));
		else
			put(b, "%lld", json_integer_value(j));
	} else if (json_is_string(j)) {
		const char *s = json_string_value(j);

		if ((vt == FW_VT_IFNAME || vt == FW_VT_STRING) && s[0] != '@')
			put(b, "\"%s\"", s);
		else
			put(b, "%s", s);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, x)
		{
			put(b, "%s", i ? "," : "");
			scalar(b, x, vt, len);
		}
	} else {
		b->bad = true;
	}
}

static void verdict(struct sb *b, json_t *j)
{
	const char *name = json_object_iter_key(json_object_iter(j));
	json_t *t = json_object_get(json_object_iter_value(json_object_iter(j)), "target");

	put(b, "%s", name);
	if (json_is_string(t))
		put(b, " %s", json_string_value(t));
}

static void component(struct sb *b, json_t *j, uint8_t vt, uint8_t len)
{
	json_t *x;

	if (json_is_object(j) && (x = json_object_get(j, "prefix"))) {
		scalar(b, json_object_get(x, "addr"), vt, len);
		put(b, "/%lld", json_integer_value(json_object_get(x, "len")));
	} else if (json_is_object(j) && (x = json_object_get(j, "range"))) {
		scalar(b, json_array_get(x, 0), vt, len);
		put(b, "-");
		scalar(b, json_array_get(x, 1), vt, len);
	} else if (json_is_object(j) && (x = json_object_get(j, "elem"))) {
		component(b, json_object_get(x, "val"), vt, len);
		if (json_is_string(json_object_get(x, "comment")))
			put(b, " comment \"%s\"", json_string_value(json_object_get(x, "comment")));
	} else if (fw_is_verdict(j)) {
		verdict(b, j);
	} else {
		scalar(b, j, vt, len);
	}
}

/* A set's elements; @data, when not NULL, types the mapped values. */
static void set(struct fw_rd *rd, struct sb *b, json_t *elems, const struct fw_vdesc *d,
		const struct fw_vdesc *data)
{
	size_t i;
	json_t *e;

	put(b, "{ ");
	json_array_foreach(elems, i, e)
	{
		put(b, "%s", i ? ", " : "");
		if (json_is_array(e) && json_array_size(e) == 2) {
			value(rd, b, json_array_get(e, 0), d);
			put(b, " : ");
			value(rd, b, json_array_get(e, 1), data ? data : &plain);
		} else {
			value(rd, b, e, d);
		}
	}
	put(b, " }");
}

static void value(struct fw_rd *rd, struct sb *b, json_t *j, const struct fw_vdesc *d)
{
	json_t *x;

	if (json_is_object(j) && (x = json_object_get(j, "set"))) {
		set(rd, b, x, d, NULL);
	} else if (json_is_object(j) && (x = json_object_get(j, "concat"))) {
		size_t i;
		json_t *c;

		json_array_foreach(x, i, c)
		{
			put(b, "%s", i ? " . " : "");
			component(b, c, i < d->n ? d->vt[i] : FW_VT_INT, i < d->n ? d->len[i] : 4);
		}
	} else {
		component(b, j, d->vt[0], d->len[0]);
	}
}

static const char *const unqualified_meta[] = {"iifname", "oifname",  "iif",
					       "oif",	  "iifgroup", "oifgroup"};

static void key(struct fw_rd *rd, struct sb *b, json_t *j)
{
	const char *name = json_object_iter_key(json_object_iter(j));
	json_t *v = json_object_iter_value(json_object_iter(j)), *x;
	size_t i;

	if (!strcmp(name, "payload")) {
		if (json_object_get(v, "base"))
			put(b, "@%s,%lld,%lld", json_string_value(json_object_get(v, "base")),
			    json_integer_value(json_object_get(v, "offset")),
			    json_integer_value(json_object_get(v, "len")));
		else
			put(b, "%s %s", json_string_value(json_object_get(v, "protocol")),
			    json_string_value(json_object_get(v, "field")));
	} else if (!strcmp(name, "meta")) {
		const char *k = json_string_value(json_object_get(v, "key"));

		for (i = 0; i < sizeof(unqualified_meta) / sizeof(unqualified_meta[0]); i++)
			if (!strcmp(k, unqualified_meta[i]))
				break;
		put(b, "%s%s",
		    i < sizeof(unqualified_meta) / sizeof(unqualified_meta[0]) ? "" : "meta ", k);
	} else if (!strcmp(name, "ct")) {
		const char *dir = json_string_value(json_object_get(v, "dir"));

		const char *k = json_string_value(json_object_get(v, "key")) ?: "";
		/* A bare "saddr" is the table's family's: nft prints which. */
		const char *fam = (strcmp(k, "saddr") && strcmp(k, "daddr")) ? ""
				  : rd->table->family == FW_FAMILY_IP6	     ? "ip6 "
									     : "ip ";

		put(b, "ct %s%s%s%s", dir ? dir : "", dir ? " " : "", fam, k);
	} else if (!strcmp(name, "concat")) {
		json_array_foreach(v, i, x)
		{
			put(b, "%s", i ? " . " : "");
			key(rd, b, x);
		}
	} else {
		b->bad = true;
	}
}

/* "key map data": the data typed by @data. */
static void map(struct fw_rd *rd, struct sb *b, json_t *m, const char *kw,
		const struct fw_vdesc *data)
{
	struct fw_vdesc kd;
	json_t *k = json_object_get(m, "key"), *d = json_object_get(m, "data"), *x;

	key_desc(rd, k, &kd);
	key(rd, b, k);
	put(b, " %s ", kw);
	if (json_is_object(d) && (x = json_object_get(d, "set")))
		set(rd, b, x, &kd, data);
	else
		put(b, "%s", json_string_value(d) ?: "?");
}

/* A computed value: key, binop chain, map; constants typed by @d. */
static void computed(struct fw_rd *rd, struct sb *b, json_t *j, const struct fw_vdesc *d)
{
	static const char *const ops[] = {"&", "|", "^"};
	json_t *x;

	for (size_t i = 0; i < 3; i++)
		if (json_is_object(j) && (x = json_object_get(j, ops[i]))) {
			computed(rd, b, json_array_get(x, 0), d);
			put(b, " %s ", ops[i]);
			value(rd, b, json_array_get(x, 1), d);
			return;
		}
	if (json_is_object(j) && (x = json_object_get(j, "map")))
		map(rd, b, x, "map", d);
	else if (json_is_object(j) && !json_object_get(j, "prefix") &&
		 !json_object_get(j, "range") && !json_object_get(j, "concat") &&
		 !json_object_get(j, "set"))
		key(rd, b, j);
	else
		value(rd, b, j, d);
}

static bool is_set_ref(json_t *r)
{
	return (json_is_object(r) && json_object_get(r, "set")) ||
	       (json_is_string(r) && json_string_value(r)[0] == '@');
}

static void match(struct fw_rd *rd, struct sb *b, json_t *m)
{
	json_t *l = json_object_get(m, "left"), *r = json_object_get(m, "right");
	const char *op = json_string_value(json_object_get(m, "op")) ?: "==";
	json_t *and = json_object_get(l, "&");
	struct fw_vdesc d;

	if (and) {
		key_desc(rd, json_array_get(and, 0), &d);
		key(rd, b, json_array_get(and, 0));
		if (d.n == 1 && fw_vt_is_flags(d.vt[0])) {
			/* nft 1.0's form for flag types: "tcp flags syn / syn,ack". */
			if (strcmp(op, "==") && strcmp(op, "in"))
				put(b, " %s", op);
			put(b, " ");
			value(rd, b, r, &d);
			put(b, " / ");
			value(rd, b, json_array_get(and, 1), &d);
			return;
		}
		put(b, " & ");
		value(rd, b, json_array_get(and, 1), &d);
		put(b, " %s ", strcmp(op, "in") ? op : "==");
		value(rd, b, r, &d);
		return;
	}
	key_desc(rd, l, &d);
	key(rd, b, l);
	if (!strcmp(op, "in") ||
	    (!strcmp(op, "==") && !(d.n == 1 && fw_vt_is_flags(d.vt[0]) && !is_set_ref(r))))
		put(b, " ");
	else
		put(b, " %s ", op);
	value(rd, b, r, &d);
}

static void flags(struct sb *b, json_t *f)
{
	size_t i;
	json_t *x;

	if (json_is_string(f) && strcmp(json_string_value(f), "netmap"))
		put(b, " %s", json_string_value(f));
	else if (json_is_array(f)) {
		bool first = true;

		json_array_foreach(f, i, x)
		{
			if (!json_is_string(x) || !strcmp(json_string_value(x), "netmap"))
				continue;
			put(b, "%s%s", first ? " " : ",", json_string_value(x));
			first = false;
		}
	}
}

static void nat(struct fw_rd *rd, struct sb *b, const char *name, json_t *v)
{
	json_t *addr = json_object_get(v, "addr"), *port = json_object_get(v, "port");
	const char *fam = json_string_value(json_object_get(v, "family"));
	const char *tf = json_string_value(json_object_get(v, "type_flags"));
	struct fw_vdesc d = plain;
	bool six;

	put(b, "%s", name);
	if (fam)
		put(b, " %s", fam);
	if (tf && !strcmp(tf, "prefix"))
		put(b, " prefix");
	if (addr || port)
		put(b, " to ");
	if (addr && json_is_object(addr) && json_object_get(addr, "map")) {
		map(rd, b, json_object_get(addr, "map"), "map", &d);
	} else if (addr) {
		json_t *first = addr, *x;

		while (json_is_object(first) && (x = json_object_get(first, "range")))
			first = json_array_get(x, 0);
		if (json_is_object(first) && (x = json_object_get(first, "prefix")))
			first = json_object_get(x, "addr");
		six = json_is_string(first) && strchr(json_string_value(first), ':');
		x = json_is_object(addr) ? json_object_get(addr, "range") : NULL;
		if (six && port && x) {
			/* "[::5]-[::6]:80" */
			put(b, "[");
			value(rd, b, json_array_get(x, 0), &d);
			put(b, "]-[");
			value(rd, b, json_array_get(x, 1), &d);
			put(b, "]");
		} else if (six && port) {
			put(b, "[");
			value(rd, b, addr, &d);
			put(b, "]");
		} else {
			value(rd, b, addr, &d);
		}
	}
	if (port) {
		put(b, ":");
		value(rd, b, port, &d);
	}
	flags(b, json_object_get(v, "flags"));
}

static bool has_name(json_t *list, const char *name)
{
	size_t i;
	json_t *x;

	if (json_is_string(list))
		return !strcmp(json_string_value(list), name);
	json_array_foreach(list, i, x)
	{
		if (json_is_string(x) && !strcmp(json_string_value(x), name))
			return true;
	}
	return false;
}

/* nft groups the log flags: "flags tcp sequence,options flags ip options". */
static void log_flags(struct sb *b, json_t *f)
{
	bool seq = has_name(f, "tcp sequence"), opt = has_name(f, "tcp options");

	if (has_name(f, "all")) {
		put(b, " flags all");
		return;
	}
	if (seq || opt)
		put(b, " flags tcp%s%s%s", seq ? " sequence" : "", seq && opt ? "," : " ",
		    opt ? "options" : "");
	if (has_name(f, "ip options"))
		put(b, " flags ip options");
	if (has_name(f, "skuid"))
		put(b, " flags skuid");
	if (has_name(f, "ether"))
		put(b, " flags ether");
}

static void log_stmt(struct sb *b, json_t *v)
{
	static const char *const nums[] = {"group", "snaplen", "queue-threshold"};
	json_t *x;

	put(b, "log");
	if ((x = json_object_get(v, "prefix")))
		put(b, " prefix \"%s\"", json_string_value(x));
	for (size_t i = 0; i < 3; i++)
		if ((x = json_object_get(v, nums[i])))
			put(b, " %s %lld", nums[i], json_integer_value(x));
	if ((x = json_object_get(v, "level")))
		put(b, " level %s", json_string_value(x));
	if ((x = json_object_get(v, "flags")))
		log_flags(b, x);
}

static void reject(struct fw_rd *rd, struct sb *b, json_t *v)
{
	const char *type = json_string_value(json_object_get(v, "type"));
	const char *code = json_string_value(json_object_get(v, "expr"));
	enum fw_family f = rd->table->family;
	bool dflt = code && !strcmp(code, "port-unreachable") && type &&
		    (!strcmp(type, "icmpx") || (f == FW_FAMILY_IP && !strcmp(type, "icmp")) ||
		     (f == FW_FAMILY_IP6 && !strcmp(type, "icmpv6")));

	put(b, "reject");
	if (!type || dflt)
		return;
	put(b, " with %s", type);
	if (code)
		put(b, " %s", code);
}

static void stmt(struct fw_rd *rd, struct sb *b, json_t *j)
{
	const char *name = json_object_iter_key(json_object_iter(j));
	json_t *v = json_object_iter_value(json_object_iter(j));

	if (fw_is_verdict(j))
		verdict(b, j);
	else if (!strcmp(name, "match"))
		match(rd, b, v);
	else if (!strcmp(name, "vmap"))
		map(rd, b, v, "vmap", NULL);
	else if (!strcmp(name, "counter") && json_is_string(v))
		put(b, "counter name \"%s\"", json_string_value(v));
	else if (!strcmp(name, "counter"))
		put(b, "counter");
	else if (!strcmp(name, "log"))
		log_stmt(b, v);
	else if (!strcmp(name, "reject"))
		reject(rd, b, v);
	else if (!strcmp(name, "notrack"))
		put(b, "notrack");
	else if (!strcmp(name, "ct helper"))
		put(b, "ct helper set \"%s\"", json_string_value(v));
	else if (!strcmp(name, "mangle")) {
		struct fw_vdesc d;

		key_desc(rd, json_object_get(v, "key"), &d);
		key(rd, b, json_object_get(v, "key"));
		put(b, " set ");
		computed(rd, b, json_object_get(v, "value"), &d);
	} else if (!strcmp(name, "snat") || !strcmp(name, "dnat") || !strcmp(name, "masquerade") ||
		   !strcmp(name, "redirect"))
		nat(rd, b, name, v);
	else
		b->bad = true;
}

char *fw_render_rule(struct fw_rd *rd, json_t *rule)
{
	json_t *exprs = json_object_get(rule, "expr");
	json_t *comment = json_object_get(rule, "comment");
	struct sb b = {0};
	size_t i;
	json_t *j;

	put(&b, "%s", "");
	json_array_foreach(exprs, i, j)
	{
		if (i)
			put(&b, " ");
		stmt(rd, &b, j);
	}
	if (json_is_string(comment))
		put(&b, " comment \"%s\"", json_string_value(comment));
	if (b.bad) {
		free(b.p);
		fw_err(rd, "cannot print this rule");
		return NULL;
	}
	return b.p;
}
