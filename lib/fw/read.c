// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ruleset reader's top level: `nft -j list ruleset` output in, the IR
 * of fw/ir.h out. Tables, chains, named sets and ct helper objects are
 * laid out first (counted, then filled, so every pointer into their
 * arrays stays valid), then the rules are compiled in file order, then
 * the base chains are sorted per hook.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fw/read.h"

int fw_err(struct fw_rd *rd, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	/* The first error is the one that names the cause. */
	if (!rd->err || rd->err[0])
		return -EINVAL;
	n = strlen(rd->where);
	memcpy(rd->err, rd->where, n);
	if (n) {
		memcpy(rd->err + n, ": ", 2);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(rd->err + n, CTK_RULESET_ERR_MAX - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int fw_unsupported(struct fw_rd *rd, const char *what)
{
	return fw_err(rd, "\"%s\" is not supported by the offline firewall", what);
}

static const char *const family_names[] = {
	[FW_FAMILY_IP] = "ip",	 [FW_FAMILY_IP6] = "ip6",	[FW_FAMILY_INET] = "inet",
	[FW_FAMILY_ARP] = "arp", [FW_FAMILY_BRIDGE] = "bridge", [FW_FAMILY_NETDEV] = "netdev",
};

static const char *const hook_names[] = {
	[FW_HOOK_PREROUTING] = "prerouting",   [FW_HOOK_INPUT] = "input",
	[FW_HOOK_FORWARD] = "forward",	       [FW_HOOK_OUTPUT] = "output",
	[FW_HOOK_POSTROUTING] = "postrouting", [FW_HOOK_INGRESS] = "ingress",
};

static int lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

/* The object's kind ("table", "rule", ...) and its body. */
static const char *item_kind(json_t *item, json_t **body)
{
	if (!json_is_object(item) || json_object_size(item) != 1)
		return NULL;
	*body = json_object_iter_value(json_object_iter(item));
	return json_object_iter_key(json_object_iter(item));
}

static struct fw_table *find_table(struct fw_rd *rd, json_t *body, const char *key)
{
	const char *fam = json_string_value(json_object_get(body, "family"));
	const char *name = json_string_value(json_object_get(body, key));
	int f = lookup(family_names, 6, fam);

	for (uint32_t i = 0; name && i < rd->rs->ntables; i++) {
		struct fw_table *t = &rd->rs->tables[i];

		if ((int)t->family == f && !strcmp(t->name, name)) {
			rd->table = t;
			rd->table_idx = i;
			return t;
		}
	}
	fw_err(rd, "an object of an unknown table %s %s", fam ? fam : "?", name ? name : "?");
	return NULL;
}

static struct fw_chain *find_chain(struct fw_table *t, const char *name)
{
	for (uint32_t i = 0; name && i < t->nchains; i++)
		if (!strcmp(t->chains[i].name, name))
			return &t->chains[i];
	return NULL;
}

static void set_where(struct fw_rd *rd, const struct fw_chain *c, json_t *handle)
{
	int n = snprintf(rd->where, sizeof(rd->where), "table %s %s",
			 family_names[rd->table->family], rd->table->name);

	if (c && n > 0 && (size_t)n < sizeof(rd->where))
		n += snprintf(rd->where + n, sizeof(rd->where) - (size_t)n, ", chain %s", c->name);
	if (handle && n > 0 && (size_t)n < sizeof(rd->where))
		snprintf(rd->where + n, sizeof(rd->where) - (size_t)n, ", rule handle %lld",
			 json_integer_value(handle));
}

static int read_table(struct fw_rd *rd, json_t *b, struct fw_table *t)
{
	int f = lookup(family_names, 6, json_string_value(json_object_get(b, "family")));
	const char *name = json_string_value(json_object_get(b, "name"));

	if (f < 0 || !name)
		return fw_err(rd, "a table without a known family and a name");
	t->family = (enum fw_family)f;
	t->handle = (uint64_t)json_integer_value(json_object_get(b, "handle"));
	/*
	 * "dormant" is the only table flag nft 1.0.6 knows, and its JSON writer
	 * prints a freed string for it (fixed upstream: "json: fix use after
	 * free in table_flags_json()"): any flag means a dormant table.
	 */
	t->dormant = json_object_get(b, "flags") != NULL;
	t->name = strdup(name);
	return t->name ? 0 : fw_err(rd, "out of memory");
}

/* Pass 2: how many chains, sets and helpers each table has. */
static int count_objects(struct fw_rd *rd, json_t *items)
{
	size_t i;
	json_t *it, *b;

	json_array_foreach(items, i, it)
	{
		const char *k = item_kind(it, &b);
		struct fw_table *t;

		if (!k || !strcmp(k, "table") || !strcmp(k, "metainfo") || !strcmp(k, "rule"))
			continue;
		t = find_table(rd, b, "table");
		if (!t)
			return -EINVAL;
		if (!strcmp(k, "chain"))
			t->nchains++;
		else if (!strcmp(k, "set") || !strcmp(k, "map"))
			t->nsets++;
		else if (!strcmp(k, "ct helper"))
			t->nhelpers++;
	}
	for (uint32_t n = 0; n < rd->rs->ntables; n++) {
		struct fw_table *t = &rd->rs->tables[n];

		t->chains = calloc(t->nchains + 1, sizeof(*t->chains));
		t->sets = calloc(t->nsets + 1, sizeof(*t->sets));
		t->helpers = calloc(t->nhelpers + 1, sizeof(*t->helpers));
		rd->pending[n] = calloc(t->nsets + 1, sizeof(**rd->pending));
		if (!t->chains || !t->sets || !t->helpers || !rd->pending[n])
			return fw_err(rd, "out of memory");
		t->nchains = t->nsets = t->nhelpers = 0;
	}
	return 0;
}

static int read_chain(struct fw_rd *rd, json_t *b, struct fw_chain *c)
{
	const char *hook = json_string_value(json_object_get(b, "hook"));
	const char *type = json_string_value(json_object_get(b, "type"));
	const char *policy = json_string_value(json_object_get(b, "policy"));
	json_t *prio = json_object_get(b, "prio");
	int h;

	c->name = strdup(json_string_value(json_object_get(b, "name")) ?: "");
	if (!c->name)
		return fw_err(rd, "out of memory");
	c->table = rd->table;
	c->handle = (uint64_t)json_integer_value(json_object_get(b, "handle"));
	c->hook = FW_HOOK_NONE;
	c->policy = FW_V_ACCEPT;
	set_where(rd, c, NULL);
	if (!hook)
		return 0;
	if (rd->table->family >= FW_FAMILY_ARP)
		return fw_err(rd,
			      "base chains of the %s family are not supported by the offline "
			      "firewall",
			      family_names[rd->table->family]);
	h = lookup(hook_names, FW_HOOK_INGRESS, hook);
	if (h < 0)
		return fw_err(rd, "hook \"%s\" is not supported by the offline firewall", hook);
	if (!json_is_integer(prio))
		return fw_err(rd, "a base chain's priority is a number");
	c->base = true;
	c->hook = (enum fw_hook)h;
	c->prio = (int32_t)json_integer_value(prio);
	if (!type || !strcmp(type, "filter"))
		c->type = FW_CHAIN_FILTER;
	else if (!strcmp(type, "nat"))
		c->type = FW_CHAIN_NAT;
	else if (!strcmp(type, "route"))
		c->type = FW_CHAIN_ROUTE;
	else
		return fw_err(rd, "chain type \"%s\" is unknown", type);
	if (c->type == FW_CHAIN_NAT)
		rd->rs->has_nat = true;
	if (policy && !strcmp(policy, "drop"))
		c->policy = FW_V_DROP;
	else if (policy && strcmp(policy, "accept"))
		return fw_err(rd, "policy \"%s\" is unknown", policy);
	return 0;
}

static int read_helper_obj(struct fw_rd *rd, json_t *b, struct fw_helper *h)
{
	const char *type = json_string_value(json_object_get(b, "type"));
	const char *proto = json_string_value(json_object_get(b, "protocol"));
	const char *l3 = json_string_value(json_object_get(b, "l3proto"));

	set_where(rd, NULL, NULL);
	h->name = strdup(json_string_value(json_object_get(b, "name")) ?: "");
	h->type = strdup(type ?: "");
	if (!h->name || !h->type)
		return fw_err(rd, "out of memory");
	if (!type || (strcmp(type, "ftp") && strcmp(type, "tftp")))
		return fw_err(rd,
			      "ct helper %s: type \"%s\" is not supported by the offline firewall",
			      h->name, type ? type : "?");
	h->l4proto = proto && !strcmp(proto, "udp") ? 17 : 6;
	if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
		return fw_err(rd, "ct helper %s: protocol is tcp or udp", h->name);
	h->l3proto = !l3 || !strcmp(l3, "inet") ? 0 : !strcmp(l3, "ip6") ? 10 : 2;
	rd->rs->has_helpers = true;
	return 0;
}

/* Pass 3: chains, sets and helpers; rules counted per chain. */
static int read_objects(struct fw_rd *rd, json_t *items)
{
	size_t i;
	json_t *it, *b;

	json_array_foreach(items, i, it)
	{
		const char *k = item_kind(it, &b);
		struct fw_table *t;
		struct fw_chain *c;

		if (!k || !strcmp(k, "table") || !strcmp(k, "metainfo"))
			continue;
		t = find_table(rd, b, "table");
		if (!t)
			return -EINVAL;
		set_where(rd, NULL, NULL);
		if (!strcmp(k, "chain")) {
			if (read_chain(rd, b, &t->chains[t->nchains++]) < 0)
				return -EINVAL;
		} else if (!strcmp(k, "set") || !strcmp(k, "map")) {
			struct fw_set *s = &t->sets[t->nsets];

			rd->pending[rd->table_idx][t->nsets++].json = b;
			s->name = strdup(json_string_value(json_object_get(b, "name")) ?: "");
			if (!s->name)
				return fw_err(rd, "out of memory");
		} else if (!strcmp(k, "ct helper")) {
			if (read_helper_obj(rd, b, &t->helpers[t->nhelpers++]) < 0)
				return -EINVAL;
		} else if (!strcmp(k, "rule")) {
			c = find_chain(t, json_string_value(json_object_get(b, "chain")));
			if (!c)
				return fw_err(rd, "a rule of an unknown chain");
			c->nrules++;
		} else if (strcmp(k, "counter")) {
			return fw_err(
				rd, "\"%s\" objects are not supported by the offline firewall", k);
		}
	}
	return 0;
}

static int read_rule(struct fw_rd *rd, json_t *b)
{
	struct fw_table *t = find_table(rd, b, "table");
	struct fw_chain *c;
	struct fw_rule *r;
	json_t *handle = json_object_get(b, "handle");

	if (!t)
		return -EINVAL;
	c = find_chain(t, json_string_value(json_object_get(b, "chain")));
	r = &c->rules[c->nrules++];
	set_where(rd, c, handle);
	if (!json_is_integer(handle))
		return fw_err(rd, "a rule without a handle");
	r->handle = (uint64_t)json_integer_value(handle);
	if (fw_read_rule_exprs(rd, json_object_get(b, "expr"), r) < 0)
		return -EINVAL;
	fw_rule_hints(r);
	r->text = fw_render_rule(rd, b);
	return r->text ? 0 : -EINVAL;
}

/* Pass 4: the rules, in file order. */
static int read_rules(struct fw_rd *rd, json_t *items)
{
	size_t i;
	json_t *it, *b;

	for (uint32_t n = 0; n < rd->rs->ntables; n++) {
		struct fw_table *t = &rd->rs->tables[n];

		for (uint32_t c = 0; c < t->nchains; c++) {
			t->chains[c].rules =
				calloc(t->chains[c].nrules + 1, sizeof(struct fw_rule));
			if (!t->chains[c].rules)
				return fw_err(rd, "out of memory");
			t->chains[c].nrules = 0;
		}
	}
	json_array_foreach(items, i, it)
	{
		const char *k = item_kind(it, &b);

		if (k && !strcmp(k, "rule") && read_rule(rd, b) < 0)
			return -EINVAL;
	}
	for (uint32_t n = 0; n < rd->rs->ntables; n++) {
		rd->table = &rd->rs->tables[n];
		rd->table_idx = n;
		set_where(rd, NULL, NULL);
		if (fw_finish_sets(rd) < 0)
			return -EINVAL;
	}
	return 0;
}

static int add_hook(struct fw_hook_list *l, struct fw_chain *c)
{
	struct fw_chain **a = realloc(l->chains, (l->n + 1) * sizeof(*a));
	uint32_t i;

	if (!a)
		return -ENOMEM;
	l->chains = a;
	/* Insertion keeps file order among equal priorities. */
	for (i = l->n; i > 0 && a[i - 1]->prio > c->prio; i--)
		a[i] = a[i - 1];
	a[i] = c;
	l->n++;
	return 0;
}

static int build_hooks(struct fw_rd *rd)
{
	for (uint32_t n = 0; n < rd->rs->ntables; n++) {
		struct fw_table *t = &rd->rs->tables[n];

		for (uint32_t i = 0; i < t->nchains; i++) {
			struct fw_chain *c = &t->chains[i];

			if (!c->base || c->hook >= FW_HOOK_INGRESS || t->dormant)
				continue;
			if (t->family != FW_FAMILY_IP6 &&
			    add_hook(&rd->rs->hooks[0][c->hook], c) < 0)
				return fw_err(rd, "out of memory");
			if (t->family != FW_FAMILY_IP &&
			    add_hook(&rd->rs->hooks[1][c->hook], c) < 0)
				return fw_err(rd, "out of memory");
		}
	}
	return 0;
}

static int read_tables(struct fw_rd *rd, json_t *items)
{
	size_t i, n = 0;
	json_t *it, *b;

	json_array_foreach(items, i, it)
	{
		const char *k = item_kind(it, &b);

		if (!k)
			return fw_err(rd, "item %zu of \"nftables\" is not an object with one key",
				      i);
		n += !strcmp(k, "table");
	}
	rd->rs->tables = calloc(n + 1, sizeof(*rd->rs->tables));
	rd->pending = calloc(n + 1, sizeof(*rd->pending));
	if (!rd->rs->tables || !rd->pending)
		return fw_err(rd, "out of memory");
	json_array_foreach(items, i, it)
	{
		const char *k = item_kind(it, &b);

		if (!strcmp(k, "table") &&
		    read_table(rd, b, &rd->rs->tables[rd->rs->ntables++]) < 0)
			return -EINVAL;
	}
	return 0;
}

static int read_all(struct fw_rd *rd, json_t *root)
{
	json_t *items = json_object_get(root, "nftables");

	if (!json_is_array(items))
		return fw_err(rd, "not a ruleset: no \"nftables\" list");
	if (read_tables(rd, items) < 0 || count_objects(rd, items) < 0 ||
	    read_objects(rd, items) < 0 || read_rules(rd, items) < 0)
		return -EINVAL;
	for (uint32_t n = 0; n < rd->rs->ntables; n++)
		for (uint32_t c = 0; c < rd->rs->tables[n].nchains; c++)
			rd->rs->tables[n].chains[c].index =
				fw_chain_index_build(&rd->rs->tables[n].chains[c]);
	rd->where[0] = 0;
	return build_hooks(rd);
}

struct ctk_ruleset *ctk_ruleset_parse(const char *json, size_t len, char *err)
{
	char local[CTK_RULESET_ERR_MAX];
	struct fw_rd rd = {.err = err ? err : local};
	json_error_t jerr;
	json_t *root;
	int rc;

	rd.err[0] = 0;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(rd.err, CTK_RULESET_ERR_MAX, "line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		errno = EINVAL;
		return NULL;
	}
	rd.rs = calloc(1, sizeof(*rd.rs));
	rc = rd.rs ? read_all(&rd, root) : -ENOMEM;
	if (rd.pending)
		for (uint32_t i = 0; rd.rs && i < rd.rs->ntables; i++)
			free(rd.pending[i]);
	free(rd.pending);
	json_decref(root);
	if (rc < 0) {
		if (!rd.err[0])
			snprintf(rd.err, CTK_RULESET_ERR_MAX, "out of memory");
		ctk_ruleset_free(rd.rs);
		errno = strstr(rd.err, "out of memory") ? ENOMEM : EINVAL;
		return NULL;
	}
	return rd.rs;
}

static char *read_fd(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap), *b;
	ssize_t r;

	while (buf) {
		if (n == cap) {
			b = realloc(buf, cap *= 2);
			if (!b)
				break;
			buf = b;
		}
		r = read(fd, buf + n, cap - n);
		if (r == 0) {
			*len = n;
			return buf;
		}
		if (r < 0)
			break;
		n += (size_t)r;
	}
	free(buf);
	return NULL;
}

struct ctk_ruleset *ctk_ruleset_load(const char *path, char *err)
{
	char msg[CTK_RULESET_ERR_MAX];
	struct ctk_ruleset *rs;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t len = 0;
	char *buf;
	int e;

	if (fd < 0 || !(buf = read_fd(fd, &len))) {
		e = errno ? errno : ENOMEM;
		if (err)
			snprintf(err, CTK_RULESET_ERR_MAX, "%s: %s", path, strerror(e));
		if (fd > 0)
			close(fd);
		errno = e;
		return NULL;
	}
	if (fd > 0)
		close(fd);
	rs = ctk_ruleset_parse(buf, len, msg);
	e = errno;
	free(buf);
	if (!rs && err)
		snprintf(err, CTK_RULESET_ERR_MAX, "%s: %.*s", path, CTK_RULESET_ERR_MAX / 2, msg);
	errno = e;
	return rs;
}

unsigned int ctk_ruleset_count_rules(const struct ctk_ruleset *rs)
{
	unsigned int n = 0;

	for (uint32_t t = 0; rs && t < rs->ntables; t++)
		for (uint32_t c = 0; c < rs->tables[t].nchains; c++)
			n += rs->tables[t].chains[c].nrules;
	return n;
}
