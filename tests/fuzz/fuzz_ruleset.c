// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the nftables ruleset reader: the input is the
 * JSON. A failure must leave a message and errno EINVAL or ENOMEM; a
 * ruleset that reads must keep the IR's promises the evaluator relies on
 * (values as long as their keys, sets sorted, jumps resolved, hook lists
 * sorted by priority, every rule with its text) and free cleanly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/ruleset.h>
#include "fw/ir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_set(const struct fw_set *s)
{
	for (uint32_t i = 0; i < s->nelems; i++) {
		const struct fw_elem *e = &s->elems[i];

		if (e->lo.len != s->key_len || e->hi.len != s->key_len)
			abort();
		if ((s->flags & FW_SET_MAP) && e->data.len != s->data_len)
			abort();
		if ((s->flags & FW_SET_VMAP) && !e->verdict)
			abort();
		if (e->verdict &&
		    (e->verdict->code == FW_V_JUMP || e->verdict->code == FW_V_GOTO) &&
		    !e->verdict->chain)
			abort();
		if (i && memcmp(s->elems[i - 1].lo.bytes, e->lo.bytes, s->key_len) > 0)
			abort();
	}
}

static void check_expr(const struct fw_expr *e)
{
	switch (e->kind) {
	case FW_E_MATCH:
		if (e->u.match.rhs == FW_RHS_SET)
			check_set(e->u.match.set);
		else if (e->u.match.value.len != e->u.match.key.len)
			abort();
		break;
	case FW_E_VERDICT:
		if ((e->u.verdict.code == FW_V_JUMP || e->u.verdict.code == FW_V_GOTO) &&
		    !e->u.verdict.chain)
			abort();
		break;
	case FW_E_VMAP:
		check_set(e->u.vmap.set);
		break;
	case FW_E_CT_HELPER:
		if (!e->u.helper.obj)
			abort();
		break;
	default:
		break;
	}
}

static void check(const struct ctk_ruleset *rs)
{
	for (uint32_t t = 0; t < rs->ntables; t++) {
		const struct fw_table *tb = &rs->tables[t];

		for (uint32_t s = 0; s < tb->nsets; s++)
			check_set(&tb->sets[s]);
		for (uint32_t c = 0; c < tb->nchains; c++)
			for (uint32_t r = 0; r < tb->chains[c].nrules; r++) {
				const struct fw_rule *rule = &tb->chains[c].rules[r];

				if (!rule->text)
					abort();
				for (uint32_t e = 0; e < rule->nexprs; e++)
					check_expr(&rule->exprs[e]);
			}
	}
	for (int f = 0; f < 2; f++)
		for (int h = 0; h < FW_HOOK_NONE; h++)
			for (uint32_t i = 1; i < rs->hooks[f][h].n; i++)
				if (rs->hooks[f][h].chains[i - 1]->prio >
				    rs->hooks[f][h].chains[i]->prio)
					abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CTK_RULESET_ERR_MAX];
	struct ctk_ruleset *rs;

	err[0] = 0;
	rs = ctk_ruleset_parse((const char *)data, size, err);
	if (!rs) {
		if (!err[0] || (errno != EINVAL && errno != ENOMEM))
			abort();
		return 0;
	}
	check(rs);
	(void)ctk_ruleset_count_rules(rs);
	ctk_ruleset_free(rs);
	return 0;
}
