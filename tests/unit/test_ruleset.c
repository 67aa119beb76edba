// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The nftables ruleset reader (lib/fw/read*.c): the IR it builds from the
 * sample rulesets of tests/data/rulesets/ (NAME.json as nft 1.0.6 printed
 * it for NAME.nft), the errors for what the offline firewall refuses, and
 * bad input. The rule texts are checked against nft itself by
 * tests/integration/test_ruleset_reader.py.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/ruleset.h>
#include "fw/ir.h"

#define DATA "tests/data/rulesets/"

static struct ctk_ruleset *load(const char *name)
{
	char path[256], err[CTK_RULESET_ERR_MAX] = "";
	struct ctk_ruleset *rs;

	snprintf(path, sizeof(path), DATA "%s.json", name);
	rs = ctk_ruleset_load(path, err);
	if (!rs)
		fail_msg("%s: %s", path, err);
	return rs;
}

static struct fw_table *table(struct ctk_ruleset *rs, enum fw_family f, const char *name)
{
	for (uint32_t i = 0; i < rs->ntables; i++)
		if (rs->tables[i].family == f && !strcmp(rs->tables[i].name, name))
			return &rs->tables[i];
	fail_msg("no table %s", name);
	return NULL;
}

static struct fw_chain *chain(struct fw_table *t, const char *name)
{
	for (uint32_t i = 0; i < t->nchains; i++)
		if (!strcmp(t->chains[i].name, name))
			return &t->chains[i];
	fail_msg("no chain %s", name);
	return NULL;
}

static struct fw_rule *rule(struct fw_chain *c, uint64_t handle)
{
	for (uint32_t i = 0; i < c->nrules; i++)
		if (c->rules[i].handle == handle)
			return &c->rules[i];
	fail_msg("no rule handle %llu in %s", (unsigned long long)handle, c->name);
	return NULL;
}

static struct fw_set *named(struct fw_table *t, const char *name)
{
	for (uint32_t i = 0; i < t->nsets; i++)
		if (!strcmp(t->sets[i].name, name))
			return &t->sets[i];
	fail_msg("no set %s", name);
	return NULL;
}

static void assert_bytes(const struct fw_value *v, const void *want, unsigned int len)
{
	assert_int_equal(v->len, len);
	assert_memory_equal(v->bytes, want, len);
}

static void test_home_router(void **state)
{
	struct ctk_ruleset *rs = load("home_router");
	struct fw_table *f = table(rs, FW_FAMILY_INET, "filter");
	struct fw_table *nat = table(rs, FW_FAMILY_IP, "nat");
	struct fw_chain *in = chain(f, "input"), *pre = chain(nat, "prerouting");
	struct fw_rule *r;
	struct fw_expr *e;

	(void)state;
	assert_int_equal(rs->ntables, 2);
	assert_true(in->base);
	assert_int_equal(in->hook, FW_HOOK_INPUT);
	assert_int_equal(in->prio, 0);
	assert_int_equal(in->type, FW_CHAIN_FILTER);
	assert_int_equal(in->policy, FW_V_DROP);
	assert_ptr_equal(in->table, f);
	assert_int_equal(chain(f, "output")->policy, FW_V_ACCEPT);

	r = rule(in, 4);
	assert_string_equal(r->text, "ct state established,related accept");
	assert_int_equal(r->nexprs, 2);
	e = &r->exprs[0];
	assert_int_equal(e->kind, FW_E_MATCH);
	assert_int_equal(e->u.match.key.kind, FW_KEY_CT);
	assert_int_equal(e->u.match.key.u.ct.key, FW_CT_STATE);
	assert_int_equal(e->u.match.key.len, 4);
	assert_int_equal(e->u.match.op, FW_OP_IN);
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_bytes(&e->u.match.mask, "\0\0\0\x06", 4);
	assert_int_equal(r->exprs[1].kind, FW_E_VERDICT);
	assert_int_equal(r->exprs[1].u.verdict.code, FW_V_ACCEPT);

	e = &rule(in, 6)->exprs[0];
	assert_int_equal(e->u.match.key.u.meta, FW_META_IIFNAME);
	assert_bytes(&e->u.match.value, "lo\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(e->u.match.rhs, FW_RHS_VALUE);
	assert_int_equal(rule(in, 10)->exprs[2].kind, FW_E_COUNTER);

	e = &rule(chain(f, "forward"), 15)->exprs[1];
	assert_int_equal(e->kind, FW_E_LOG);
	assert_string_equal(e->u.note.text, "fwd-drop: ");
	e = &rule(chain(f, "forward"), 14)->exprs[1];
	assert_int_equal(e->u.match.key.u.ct.key, FW_CT_STATUS);
	assert_bytes(&e->u.match.mask, "\0\0\0\x20", 4);

	assert_int_equal(pre->hook, FW_HOOK_PREROUTING);
	assert_int_equal(pre->prio, -100);
	assert_int_equal(pre->type, FW_CHAIN_NAT);
	r = rule(pre, 3);
	assert_string_equal(r->text, "iifname \"wan0\" tcp dport 8080 dnat to 192.168.1.10:80");
	e = &r->exprs[1];
	assert_int_equal(e->u.match.key.kind, FW_KEY_PAYLOAD);
	assert_int_equal(e->u.match.key.u.payload.proto, FW_P_TCP);
	assert_int_equal(e->u.match.key.u.payload.field, FW_F_DPORT);
	assert_bytes(&e->u.match.value, "\x1f\x90", 2);
	e = &r->exprs[2];
	assert_int_equal(e->kind, FW_E_NAT);
	assert_int_equal(e->u.nat->kind, FW_NAT_DNAT);
	assert_int_equal(e->u.nat->family, 4);
	assert_int_equal(e->u.nat->flags, FW_NAT_HAS_ADDR | FW_NAT_HAS_PORT);
	assert_false(e->u.nat->addr_lo.is_key);
	assert_bytes(&e->u.nat->addr_lo.value, "\xc0\xa8\x01\x0a", 4);
	assert_bytes(&e->u.nat->addr_hi, "\xc0\xa8\x01\x0a", 4);
	assert_bytes(&e->u.nat->port_lo.value, "\0\x50", 2);
	assert_bytes(&e->u.nat->port_hi, "\0\x50", 2);
	e = &rule(chain(nat, "postrouting"), 6)->exprs[1];
	assert_int_equal(e->u.nat->kind, FW_NAT_MASQUERADE);
	assert_int_equal(e->u.nat->flags, 0);

	/* inet chains run for both families; the ip table for IPv4 only. */
	assert_int_equal(rs->hooks[0][FW_HOOK_INPUT].n, 1);
	assert_ptr_equal(rs->hooks[1][FW_HOOK_INPUT].chains[0], in);
	assert_int_equal(rs->hooks[0][FW_HOOK_PREROUTING].n, 1);
	assert_ptr_equal(rs->hooks[0][FW_HOOK_PREROUTING].chains[0], pre);
	assert_int_equal(rs->hooks[1][FW_HOOK_PREROUTING].n, 0);
	assert_int_equal(rs->hooks[0][FW_HOOK_POSTROUTING].n, 1);
	assert_true(rs->has_nat);
	assert_false(rs->has_helpers);
	assert_int_equal(ctk_ruleset_count_rules(rs), 15);
	ctk_ruleset_free(rs);
}

static void test_server(void **state)
{
	struct ctk_ruleset *rs = load("server");
	struct fw_chain *in = chain(table(rs, FW_FAMILY_INET, "filter"), "input");
	struct fw_expr *e;
	struct fw_set *s;

	(void)state;
	e = &rule(in, 6)->exprs[0];
	assert_int_equal(e->u.match.key.u.meta, FW_META_IIFNAME);
	e = &rule(in, 8)->exprs[0];
	assert_int_equal(e->u.match.rhs, FW_RHS_SET);
	assert_int_equal(e->u.match.op, FW_OP_EQ);
	s = e->u.match.set;
	assert_null(s->name);
	assert_true(s->flags & FW_SET_ANONYMOUS);
	assert_false(s->flags & FW_SET_INTERVAL);
	assert_int_equal(s->key_len, 2);
	assert_int_equal(s->nelems, 3);
	assert_bytes(&s->elems[0].lo, "\0\x16", 2);
	assert_bytes(&s->elems[1].lo, "\0\x50", 2);
	assert_bytes(&s->elems[2].hi, "\x01\xbb", 2);
	e = &rule(in, 9)->exprs[0];
	assert_int_equal(e->u.match.key.u.payload.field, FW_F_IP_PROTOCOL);
	assert_bytes(&e->u.match.value, "\x01", 1);
	e = &rule(in, 10)->exprs[0];
	assert_int_equal(e->u.match.key.u.meta, FW_META_L4PROTO);
	assert_bytes(&e->u.match.value, "\x3a", 1);
	e = &rule(in, 11)->exprs[0];
	assert_int_equal(e->kind, FW_E_REJECT);
	assert_string_equal(e->u.note.text, "icmpx admin-prohibited");
	assert_false(rs->has_nat);
	ctk_ruleset_free(rs);
}

static void test_raw_zone_mark(void **state)
{
	struct ctk_ruleset *rs = load("raw_zone_mark");
	struct fw_chain *raw = chain(table(rs, FW_FAMILY_INET, "raw"), "prerouting");
	struct fw_chain *m = chain(table(rs, FW_FAMILY_IP, "mangle"), "prerouting");
	struct fw_expr *e;
	struct fw_set *map;

	(void)state;
	assert_int_equal(raw->prio, -300);
	assert_int_equal(m->prio, -150);
	/* raw before mangle, IPv4; only raw for IPv6 */
	assert_int_equal(rs->hooks[0][FW_HOOK_PREROUTING].n, 2);
	assert_ptr_equal(rs->hooks[0][FW_HOOK_PREROUTING].chains[0], raw);
	assert_ptr_equal(rs->hooks[0][FW_HOOK_PREROUTING].chains[1], m);
	assert_int_equal(rs->hooks[1][FW_HOOK_PREROUTING].n, 1);
	assert_int_equal(rs->hooks[0][FW_HOOK_OUTPUT].n, 1);

	assert_int_equal(rule(raw, 3)->exprs[1].kind, FW_E_NOTRACK);
	e = &rule(raw, 5)->exprs[1];
	assert_int_equal(e->kind, FW_E_SET_CT);
	assert_int_equal(e->u.set.ct_key, FW_CT_ZONE);
	assert_false(e->u.set.src->is_key);
	assert_bytes(&e->u.set.src->value, "\0\x01", 2);
	e = &rule(raw, 9)->exprs[1];
	assert_true(e->u.set.src->is_key);
	assert_int_equal(e->u.set.src->key.u.meta, FW_META_IIFNAME);
	map = e->u.set.src->map;
	assert_non_null(map);
	assert_true(map->flags & FW_SET_MAP);
	assert_int_equal(map->data_len, 2);
	assert_int_equal(map->nelems, 2);
	assert_bytes(&map->elems[0].data, "\0\x03", 2);

	e = &rule(m, 2)->exprs[0];
	assert_int_equal(e->u.match.op, FW_OP_NE);
	assert_bytes(&e->u.match.value, "\0\0\0\0", 4);
	e = &rule(m, 2)->exprs[1];
	assert_int_equal(e->kind, FW_E_SET_META);
	assert_int_equal(e->u.set.meta, FW_META_MARK);
	assert_int_equal(e->u.set.src->key.kind, FW_KEY_CT);
	assert_int_equal(e->u.set.src->key.u.ct.key, FW_CT_MARK);
	e = &rule(m, 6)->exprs[0];
	assert_int_equal(e->u.set.src->bitop, '|');
	assert_bytes(&e->u.set.src->operand, "\0\0\x01\0", 4);
	assert_bytes(&e->u.set.src->mask, "\xff\xff\xfe\xff", 4);
	assert_bytes(&e->u.set.src->xor, "\0\0\x01\0", 4);
	e = &rule(m, 9)->exprs[0];
	assert_int_equal(e->kind, FW_E_SET_CT);
	assert_int_equal(e->u.set.src->bitop, 'b');
	assert_bytes(&e->u.set.src->mask, "\0\0\0\xff", 4);
	assert_bytes(&e->u.set.src->xor, "\0\0\0\x10", 4);
	e = &rule(m, 11)->exprs[0];
	assert_int_equal(e->u.set.src->map->data_len, 4);
	assert_bytes(&e->u.set.src->map->elems[1].lo, "\0\x19", 2);
	assert_bytes(&e->u.set.src->map->elems[1].data, "\0\0\0\x12", 4);
	e = &rule(m, 12)->exprs[0];
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_int_equal(e->u.match.op, FW_OP_EQ);
	assert_bytes(&e->u.match.mask, "\0\0\xff\0", 4);
	assert_bytes(&e->u.match.value, "\0\0\x01\0", 4);
	ctk_ruleset_free(rs);
}

static void test_helpers(void **state)
{
	struct ctk_ruleset *rs = load("helpers");
	struct fw_table *t = table(rs, FW_FAMILY_INET, "helpers");
	struct fw_expr *e;

	(void)state;
	assert_int_equal(t->nhelpers, 2);
	assert_string_equal(t->helpers[0].name, "ftp-standard");
	assert_string_equal(t->helpers[0].type, "ftp");
	assert_int_equal(t->helpers[0].l4proto, 6);
	assert_int_equal(t->helpers[0].l3proto, 0);
	assert_int_equal(t->helpers[1].l4proto, 17);
	assert_int_equal(t->helpers[1].l3proto, 0);
	e = &rule(chain(t, "prerouting"), 6)->exprs[1];
	assert_int_equal(e->kind, FW_E_CT_HELPER);
	assert_string_equal(e->u.helper.name, "tftp-standard");
	assert_ptr_equal(e->u.helper.obj, &t->helpers[1]);
	e = &rule(chain(t, "forward"), 8)->exprs[0];
	assert_int_equal(e->u.match.key.u.ct.key, FW_CT_HELPER);
	assert_bytes(&e->u.match.value, "ftp\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_true(rs->has_helpers);
	ctk_ruleset_free(rs);
}

static void test_sets_maps(void **state)
{
	struct ctk_ruleset *rs = load("sets_maps");
	struct fw_table *f = table(rs, FW_FAMILY_INET, "filter");
	struct fw_table *nat = table(rs, FW_FAMILY_IP, "nat");
	struct fw_chain *fwd = chain(f, "forward");
	struct fw_set *s;
	struct fw_expr *e;

	(void)state;
	s = named(f, "blocked4");
	assert_true(s->flags & FW_SET_INTERVAL);
	assert_int_equal(s->nelems, 3);
	assert_bytes(&s->elems[0].lo, "\x0a\x63\0\0", 4);
	assert_bytes(&s->elems[0].hi, "\x0a\x63\xff\xff", 4);
	assert_bytes(&s->elems[1].lo, "\xc0\0\x02\x01", 4);
	assert_bytes(&s->elems[1].hi, "\xc0\0\x02\x14", 4);
	assert_bytes(&s->elems[2].lo, "\xc6\x33\x64\x07", 4);
	assert_ptr_equal(rule(fwd, 21)->exprs[0].u.match.set, s);

	s = named(f, "svc");
	assert_int_equal(s->ncomp, 2);
	assert_int_equal(s->comp_len[0], 4);
	assert_int_equal(s->comp_len[1], 2);
	assert_int_equal(s->key_len, 6);
	assert_bytes(&s->elems[0].lo, "\x0a\x51\x02\x02\0\x50", 6);
	assert_bytes(&s->elems[1].lo, "\x0a\x51\x02\x02\x01\xbb", 6);
	e = &rule(fwd, 23)->exprs[0];
	assert_int_equal(e->u.match.key.kind, FW_KEY_CONCAT);
	assert_int_equal(e->u.match.key.u.concat.n, 2);
	assert_int_equal(e->u.match.key.len, 6);

	s = named(f, "ranges");
	assert_bytes(&s->elems[0].lo, "\x0a\0\0\0\x03\xe8", 6);
	assert_bytes(&s->elems[0].hi, "\x0a\xff\xff\xff\x07\xcf", 6);

	s = named(f, "port_verdict");
	assert_true(s->flags & FW_SET_VMAP);
	assert_int_equal(s->elems[0].verdict->code, FW_V_JUMP);
	assert_ptr_equal(s->elems[0].verdict->chain, chain(f, "ssh"));
	assert_int_equal(s->elems[1].verdict->code, FW_V_DROP);
	e = &rule(chain(f, "wan"), 17)->exprs[0];
	assert_int_equal(e->kind, FW_E_VMAP);
	assert_ptr_equal(e->u.vmap.set, s);

	assert_int_equal(named(f, "zones")->key_len, 2);
	assert_int_equal(named(f, "marks")->key_len, 4);

	e = &rule(fwd, 20)->exprs[0];
	assert_int_equal(e->kind, FW_E_VMAP);
	assert_int_equal(e->u.vmap.set->nelems, 3);
	assert_bytes(&e->u.vmap.set->elems[0].lo, "\0\0\0\x01", 4);
	assert_int_equal(e->u.vmap.set->elems[0].verdict->code, FW_V_DROP);

	e = &rule(fwd, 29)->exprs[0];
	assert_int_equal(e->u.match.op, FW_OP_NE);
	assert_true(e->u.match.set->flags & FW_SET_INTERVAL);
	e = &rule(fwd, 35)->exprs[0];
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_bytes(&e->u.match.mask, "\xff\xff\xff\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_bytes(&e->u.match.value, "eth\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(rule(fwd, 35)->exprs[1].u.verdict.code, FW_V_GOTO);

	e = &rule(chain(nat, "prerouting"), 6)->exprs[0];
	assert_int_equal(e->u.nat->flags, FW_NAT_HAS_ADDR | FW_NAT_HAS_PORT);
	assert_true(e->u.nat->addr_lo.is_key);
	assert_int_equal(e->u.nat->addr_lo.map->data_len, 6);
	assert_bytes(&e->u.nat->addr_lo.map->elems[0].data, "\x0a\x51\x02\x02\0\x50", 6);
	e = &rule(chain(nat, "prerouting"), 9)->exprs[1];
	assert_bytes(&e->u.nat->addr_lo.value, "\x0a\x51\x02\x02", 4);
	assert_bytes(&e->u.nat->addr_hi, "\x0a\x51\x02\x04", 4);
	assert_bytes(&e->u.nat->port_lo.value, "\0\x64", 2);
	assert_bytes(&e->u.nat->port_hi, "\0\xc8", 2);
	e = &rule(chain(nat, "prerouting"), 10)->exprs[1];
	assert_int_equal(e->u.nat->kind, FW_NAT_REDIRECT);
	assert_int_equal(e->u.nat->flags, FW_NAT_HAS_PORT);
	e = &rule(chain(nat, "postrouting"), 11)->exprs[2];
	assert_int_equal(e->u.nat->flags, FW_NAT_HAS_ADDR | FW_NAT_PERSISTENT);
	e = &rule(chain(table(rs, FW_FAMILY_IP6, "nat6"), "postrouting"), 2)->exprs[2];
	assert_int_equal(e->u.nat->family, 6);
	assert_int_equal(e->u.nat->addr_lo.value.len, 16);
	ctk_ruleset_free(rs);
}

static void test_syntax(void **state)
{
	struct ctk_ruleset *rs = load("syntax1");
	struct fw_table *f = table(rs, FW_FAMILY_INET, "filter");
	struct fw_chain *in = chain(f, "input");
	struct fw_expr *e;

	(void)state;
	e = &rule(in, 14)->exprs[0];
	assert_int_equal(e->u.match.key.u.payload.field, FW_F_TCP_FLAGS);
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_int_equal(e->u.match.op, FW_OP_EQ);
	assert_bytes(&e->u.match.mask, "\x12", 1);
	assert_bytes(&e->u.match.value, "\x02", 1);
	assert_bytes(&rule(in, 15)->exprs[1].u.match.value, "\x08", 1);
	e = &rule(in, 22)->exprs[0];
	assert_int_equal(e->u.match.op, FW_OP_NE);
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_bytes(&e->u.match.mask, "\xff\0\0\0", 4);
	assert_bytes(&e->u.match.value, "\x0a\0\0\0", 4);
	e = &rule(in, 21)->exprs[1];
	assert_int_equal(e->u.match.rhs, FW_RHS_RANGE);
	assert_bytes(&e->u.match.value, "\x03\xe8", 2);
	assert_bytes(&e->u.match.hi, "\x07\xd0", 2);
	e = &rule(in, 25)->exprs[0];
	assert_int_equal(e->u.verdict.code, FW_V_JUMP);
	assert_ptr_equal(e->u.verdict.chain, chain(f, "other"));
	e = &rule(in, 30)->exprs[0];
	assert_int_equal(e->u.match.key.u.ct.key, FW_CT_SADDR);
	assert_int_equal(e->u.match.key.u.ct.dir, FW_DIR_ORIGINAL);
	assert_int_equal(e->u.match.key.u.ct.family, 4);
	assert_int_equal(e->u.match.key.len, 4);
	e = &rule(in, 29)->exprs[0];
	assert_bytes(&e->u.match.value, "\x01", 1);
	e = &rule(in, 36)->exprs[0];
	assert_int_equal(e->u.match.key.u.payload.proto, FW_P_TH);
	assert_int_equal(rule(chain(f, "other"), 43)->exprs[0].u.verdict.code, FW_V_RETURN);
	assert_int_equal(chain(table(rs, FW_FAMILY_IP, "nat"), "post")->prio, 110);
	ctk_ruleset_free(rs);

	rs = load("syntax2");
	f = table(rs, FW_FAMILY_IP, "f");
	in = chain(f, "c");
	e = &rule(in, 39)->exprs[0];
	assert_int_equal(e->u.match.key.u.ct.key, FW_CT_EXPIRATION);
	assert_bytes(&e->u.match.value, "\0\0\x13\x88", 4);
	e = &rule(in, 14)->exprs[0];
	assert_int_equal(e->u.match.op, FW_OP_NE);
	assert_int_equal(e->u.match.rhs, FW_RHS_VALUE);
	assert_bytes(&e->u.match.value, "\0\0\0\x02", 4);
	e = &rule(in, 44)->exprs[0];
	assert_bytes(&e->u.match.value, "\x08", 1);
	e = &rule(in, 56)->exprs[0];
	assert_int_equal(e->u.set.src->map->nelems, 2);
	assert_int_equal(ctk_ruleset_count_rules(rs), 70);
	ctk_ruleset_free(rs);
}

static void test_syntax_more(void **state)
{
	struct ctk_ruleset *rs = load("syntax3");
	struct fw_chain *c = chain(table(rs, FW_FAMILY_IP, "f"), "c");
	struct fw_table *t;
	struct fw_expr *e;

	(void)state;
	/* "tcp flags ! syn,rst": none of the bits */
	e = &rule(c, 37)->exprs[0];
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_int_equal(e->u.match.op, FW_OP_EQ);
	assert_bytes(&e->u.match.mask, "\x06", 1);
	assert_bytes(&e->u.match.value, "\0", 1);
	assert_string_equal(rule(c, 37)->text, "tcp flags ! syn,rst accept");
	/* "ip saddr & 255.255.0.0 == 10.1.0.0" comes back as a prefix */
	e = &rule(c, 38)->exprs[0];
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_bytes(&e->u.match.mask, "\xff\xff\0\0", 4);
	assert_string_equal(rule(c, 48)->text,
			    "tcp dport 22 ct state new accept comment \"ssh in\"");
	ctk_ruleset_free(rs);

	rs = load("syntax5");
	c = chain(table(rs, FW_FAMILY_INET, "f"), "c");
	e = &rule(c, 7)->exprs[0];
	assert_true(e->u.match.set->flags & FW_SET_INTERVAL);
	assert_bytes(&e->u.match.set->elems[0].lo, "eth\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_bytes(&e->u.match.set->elems[0].hi,
		     "eth\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	assert_bytes(&e->u.match.set->elems[1].hi, "lo\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	e = &rule(c, 8)->exprs[0];
	assert_int_equal(e->u.match.op, FW_OP_NE);
	assert_int_equal(e->u.match.rhs, FW_RHS_MASK);
	assert_bytes(&e->u.match.value, "veth\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	ctk_ruleset_free(rs);

	rs = load("syntax4");
	t = table(rs, FW_FAMILY_IP, "d");
	assert_true(t->dormant);
	assert_false(table(rs, FW_FAMILY_INET, "f")->dormant);
	/* the dormant table's input chain runs nowhere */
	assert_int_equal(rs->hooks[0][FW_HOOK_INPUT].n, 1);
	assert_string_equal(rs->hooks[0][FW_HOOK_INPUT].chains[0]->table->name, "f");
	t = table(rs, FW_FAMILY_INET, "f");
	assert_int_equal(named(t, "s")->nelems, 2);
	assert_int_equal(named(t, "vm")->elems[0].verdict->code, FW_V_GOTO);
	assert_ptr_equal(named(t, "vm")->elems[0].verdict->chain, chain(t, "x"));
	ctk_ruleset_free(rs);
}

static void test_bench_ruleset(void **state)
{
	struct ctk_ruleset *rs = load("bench_200");

	(void)state;
	assert_true(ctk_ruleset_count_rules(rs) >= 200);
	assert_int_equal(named(table(rs, FW_FAMILY_INET, "filter"), "blocklist4")->nelems, 400);
	ctk_ruleset_free(rs);
}

static const struct {
	const char *name;
	const char *err;
} refused[] = {
	{"limit",
	 "table inet filter, chain input, rule handle 3: \"limit\" is not supported by the "
	 "offline firewall"},
	{"quota",
	 "table ip filter, chain forward, rule handle 2: \"quota\" is not supported by the "
	 "offline firewall"},
	{"fib",
	 "table inet filter, chain prerouting, rule handle 2: \"fib\" is not supported by the "
	 "offline firewall"},
	{"meter", "table ip filter, chain input, rule handle 3: \"dynamic set update\" is not "
		  "supported by the offline firewall"},
	{"ct_count",
	 "table ip filter, chain input, rule handle 2: \"ct count\" is not supported by "
	 "the offline firewall"},
	{"synproxy",
	 "table ip filter, chain input, rule handle 2: \"synproxy\" is not supported by "
	 "the offline firewall"},
	{"tproxy",
	 "table ip filter, chain prerouting, rule handle 2: \"tproxy\" is not supported by "
	 "the offline firewall"},
	{"dup", "table ip mangle, chain prerouting, rule handle 2: \"dup\" is not supported by the "
		"offline firewall"},
	{"socket",
	 "table inet filter, chain prerouting, rule handle 2: \"socket\" is not supported "
	 "by the offline firewall"},
	{"payload_set", "table inet filter, chain forward, rule handle 2: \"ip dscp set\" (packet "
			"mangling) is not supported by the offline firewall"},
	{"netdev", "table netdev edge, chain ingress: base chains of the netdev family are not "
		   "supported by the offline firewall"},
	{"bridge", "table bridge br, chain forward: base chains of the bridge family are not "
		   "supported by the offline firewall"},
};

static void test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char path[256], want[600], err[CTK_RULESET_ERR_MAX] = "";

		snprintf(path, sizeof(path), DATA "refused/%s.json", refused[i].name);
		snprintf(want, sizeof(want), "%s: %s", path, refused[i].err);
		errno = 0;
		assert_null(ctk_ruleset_load(path, err));
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err, want);
	}
}

static void expect_error(const char *json, const char *want)
{
	char err[CTK_RULESET_ERR_MAX] = "";

	errno = 0;
	assert_null(ctk_ruleset_parse(json, strlen(json), err));
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, want);
}

#define TABLE "{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}}, "
#define CHAIN                                                                                      \
	"{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1, "      \
	"\"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": \"accept\"}}"
#define RULE(x)                                                                                    \
	"{\"nftables\": [" TABLE CHAIN ", {\"rule\": {\"family\": \"ip\", \"table\": \"t\", "      \
	"\"chain\": \"c\", \"handle\": 5, \"expr\": [" x "]}}]}"

#define EMPTY "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}]}"

static void test_bad_input(void **state)
{
	char err[CTK_RULESET_ERR_MAX];
	struct ctk_ruleset *rs;

	(void)state;
	expect_error("{\"nftables\": [\n  {\"table\": }]}",
		     "line 2 column 13: unexpected token near '}'");
	expect_error("", "line 1 column 0: '[' or '{' expected near end of file");
	expect_error("[1, 2]", "not a ruleset: no \"nftables\" list");
	expect_error("{\"nftables\": [1]}", "item 0 of \"nftables\" is not an object with one key");
	expect_error(RULE("{\"jump\": {\"target\": \"nowhere\"}}"),
		     "table ip t, chain c, rule handle 5: jump to chain nowhere, which table t "
		     "does not have");
	expect_error(RULE("{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": "
			  "\"tcp\", \"field\": \"dport\"}}, \"right\": \"@nope\"}}"),
		     "table ip t, chain c, rule handle 5: no set or map @nope in table t");
	expect_error(RULE("{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": "
			  "\"tcp\", \"field\": \"dport\"}}, \"right\": 70000}}"),
		     "table ip t, chain c, rule handle 5: value 70000 does not fit in 2 bytes");
	expect_error(RULE("{\"match\": {\"op\": \"==\", \"left\": {\"ct\": {\"key\": \"state\"}}, "
			  "\"right\": \"sleepy\"}}"),
		     "table ip t, chain c, rule handle 5: unknown value \"sleepy\"");
	expect_error("{\"nftables\": [" TABLE "{\"set\": {\"family\": \"ip\", \"name\": \"s\", "
		     "\"table\": \"t\", \"type\": \"ipv4_addr\", \"handle\": 2, \"elem\": "
		     "[\"1.2.3.4\", \"1.2.3.400\"]}}]}",
		     "table ip t, set @s: \"1.2.3.400\" is not an IPv4 address");
	expect_error(RULE("{\"frobnicate\": null}"),
		     "table ip t, chain c, rule handle 5: \"frobnicate\" is not supported by the "
		     "offline firewall");
	expect_error(
		RULE("{\"ct helper\": \"missing\"}"),
		"table ip t, chain c, rule handle 5: no ct helper object \"missing\" in table t");

	rs = ctk_ruleset_parse(RULE("{\"accept\": null}"), strlen(RULE("{\"accept\": null}")), err);
	assert_non_null(rs);
	assert_string_equal(rs->tables[0].chains[0].rules[0].text, "accept");
	ctk_ruleset_free(rs);
	/* an empty ruleset: what `nft -j list ruleset` prints on a fresh box */
	rs = ctk_ruleset_parse(EMPTY, strlen(EMPTY), err);
	assert_non_null(rs);
	assert_int_equal(rs->ntables, 0);
	assert_int_equal(ctk_ruleset_count_rules(rs), 0);
	ctk_ruleset_free(rs);
	ctk_ruleset_free(NULL);
	assert_int_equal(ctk_ruleset_count_rules(NULL), 0);

	errno = 0;
	assert_null(ctk_ruleset_load("/nonexistent/r.json", err));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "/nonexistent/r.json: No such file or directory");
	/* NULL err is allowed */
	assert_null(ctk_ruleset_parse("x", 1, NULL));
}

/* Equal priorities keep file order; lower priorities go first. */
static void test_hook_order(void **state)
{
	static const char json[] =
		"{\"nftables\": ["
		"{\"table\": {\"family\": \"inet\", \"name\": \"a\", \"handle\": 1}},"
		"{\"table\": {\"family\": \"ip6\", \"name\": \"b\", \"handle\": 2}},"
		"{\"chain\": {\"family\": \"inet\", \"table\": \"a\", \"name\": \"x\", \"handle\": "
		"1,"
		" \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 10, \"policy\": "
		"\"drop\"}},"
		"{\"chain\": {\"family\": \"inet\", \"table\": \"a\", \"name\": \"y\", \"handle\": "
		"2,"
		" \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": "
		"\"accept\"}},"
		"{\"chain\": {\"family\": \"ip6\", \"table\": \"b\", \"name\": \"z\", \"handle\": "
		"1,"
		" \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 10, \"policy\": "
		"\"accept\"}}"
		"]}";
	char err[CTK_RULESET_ERR_MAX];
	struct ctk_ruleset *rs = ctk_ruleset_parse(json, sizeof(json) - 1, err);
	struct fw_hook_list *v4, *v6;

	(void)state;
	assert_non_null(rs);
	v4 = &rs->hooks[0][FW_HOOK_FORWARD];
	v6 = &rs->hooks[1][FW_HOOK_FORWARD];
	assert_int_equal(v4->n, 2);
	assert_string_equal(v4->chains[0]->name, "y");
	assert_string_equal(v4->chains[1]->name, "x");
	assert_int_equal(v6->n, 3);
	assert_string_equal(v6->chains[0]->name, "y");
	assert_string_equal(v6->chains[1]->name, "x");
	assert_string_equal(v6->chains[2]->name, "z");
	ctk_ruleset_free(rs);
}

/* 100 000 elements given in descending order come out sorted. */
static void test_big_set(void **state)
{
	const unsigned int n = 100000;
	size_t cap = (size_t)n * 24 + 4096, len = 0;
	char *json = malloc(cap), err[CTK_RULESET_ERR_MAX];
	struct ctk_ruleset *rs;
	struct fw_set *s;

	(void)state;
	assert_non_null(json);
	len += (size_t)snprintf(json + len, cap - len,
				"{\"nftables\": [" TABLE "{\"set\": {\"family\": \"ip\", \"name\": "
				"\"big\", \"table\": \"t\", \"type\": \"ipv4_addr\", \"handle\": "
				"2, \"elem\": [");
	for (unsigned int i = n; i > 0; i--)
		len += (size_t)snprintf(json + len, cap - len, "\"10.%u.%u.%u\"%s", (i >> 16) & 255,
					(i >> 8) & 255, i & 255, i > 1 ? ", " : "");
	len += (size_t)snprintf(json + len, cap - len, "]}}]}");
	rs = ctk_ruleset_parse(json, len, err);
	free(json);
	assert_non_null(rs);
	s = &rs->tables[0].sets[0];
	assert_int_equal(s->nelems, n);
	for (unsigned int i = 1; i < n; i++)
		assert_true(memcmp(s->elems[i - 1].lo.bytes, s->elems[i].lo.bytes, 4) < 0);
	assert_bytes(&s->elems[0].lo, "\x0a\0\0\x01", 4);
	ctk_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_home_router),   cmocka_unit_test(test_server),
		cmocka_unit_test(test_raw_zone_mark), cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_sets_maps),     cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_syntax_more),   cmocka_unit_test(test_bench_ruleset),
		cmocka_unit_test(test_refused),	      cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_hook_order),    cmocka_unit_test(test_big_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
