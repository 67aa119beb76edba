// SPDX-License-Identifier: LGPL-2.1-or-later
/* Releasing a ruleset: everything below struct ctk_ruleset is owned by it. */
#include <stdlib.h>
#include "fw/read.h"

void fw_set_free(struct fw_set *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nelems; i++)
		free(s->elems[i].verdict);
	free(s->elems);
	free(s->name);
	free(s);
}

/* Named sets live in their table's array; only anonymous ones are the expression's. */
static void release_set(struct fw_set *s)
{
	if (s && (s->flags & FW_SET_ANONYMOUS))
		fw_set_free(s);
}

static void release_src(struct fw_src *s)
{
	fw_key_release(&s->key);
	release_set(s->map);
}

void fw_expr_release(struct fw_expr *e)
{
	switch (e->kind) {
	case FW_E_MATCH:
		fw_key_release(&e->u.match.key);
		release_set(e->u.match.set);
		break;
	case FW_E_VMAP:
		fw_key_release(&e->u.vmap.key);
		release_set(e->u.vmap.set);
		break;
	case FW_E_COUNTER:
		free(e->u.counter.name);
		break;
	case FW_E_LOG:
	case FW_E_REJECT:
		free(e->u.note.text);
		break;
	case FW_E_SET_CT:
	case FW_E_SET_META:
		if (e->u.set.src)
			release_src(e->u.set.src);
		free(e->u.set.src);
		break;
	case FW_E_CT_HELPER:
		free(e->u.helper.name);
		break;
	case FW_E_NAT:
		if (e->u.nat) {
			release_src(&e->u.nat->addr_lo);
			release_src(&e->u.nat->port_lo);
		}
		free(e->u.nat);
		break;
	default:
		break;
	}
}

/* A parse that failed half way leaves counts whose arrays are not there yet. */
static void free_chain(struct fw_chain *c)
{
	for (uint32_t r = 0; c->rules && r < c->nrules; r++) {
		for (uint32_t e = 0; e < c->rules[r].nexprs; e++)
			fw_expr_release(&c->rules[r].exprs[e]);
		free(c->rules[r].exprs);
		free(c->rules[r].text);
	}
	free(c->rules);
	free(c->name);
	fw_chain_index_free(c->index);
}

static void free_table(struct fw_table *t)
{
	for (uint32_t c = 0; t->chains && c < t->nchains; c++)
		free_chain(&t->chains[c]);
	free(t->chains);
	for (uint32_t s = 0; t->sets && s < t->nsets; s++) {
		for (uint32_t i = 0; i < t->sets[s].nelems; i++)
			free(t->sets[s].elems[i].verdict);
		free(t->sets[s].elems);
		free(t->sets[s].name);
	}
	free(t->sets);
	for (uint32_t h = 0; t->helpers && h < t->nhelpers; h++) {
		free(t->helpers[h].name);
		free(t->helpers[h].type);
	}
	free(t->helpers);
	free(t->name);
}

void ctk_ruleset_free(struct ctk_ruleset *rs)
{
	if (!rs)
		return;
	for (uint32_t t = 0; t < rs->ntables; t++)
		free_table(&rs->tables[t]);
	free(rs->tables);
	for (int f = 0; f < 2; f++)
		for (int h = 0; h < FW_HOOK_NONE; h++)
			free(rs->hooks[f][h].chains);
	free(rs);
}
