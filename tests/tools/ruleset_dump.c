// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ruleset_dump RULESET.json - load a ruleset with ctk_ruleset_load() and
 * print one line per rule, "family table chain handle: text", for
 * tests/integration/test_ruleset_reader.py to compare with what
 * `nft -a list ruleset` prints. On a load error: the message on stderr,
 * exit 1. The IR's layout comes from lib/fw/ir.h (struct ctk_ruleset is
 * opaque to the public API); no internal function is called.
 */
#include <stdio.h>
#include <stdlib.h>
#include <ctkit/ruleset.h>
#include "fw/ir.h"

static const char *const families[] = {"ip", "ip6", "inet", "arp", "bridge", "netdev"};

int main(int argc, char **argv)
{
	char err[CTK_RULESET_ERR_MAX];
	struct ctk_ruleset *rs;

	if (argc != 2) {
		fprintf(stderr, "usage: ruleset_dump RULESET.json\n");
		return 2;
	}
	rs = ctk_ruleset_load(argv[1], err);
	if (!rs) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (uint32_t t = 0; t < rs->ntables; t++) {
		const struct fw_table *tb = &rs->tables[t];

		for (uint32_t c = 0; c < tb->nchains; c++) {
			const struct fw_chain *ch = &tb->chains[c];

			for (uint32_t r = 0; r < ch->nrules; r++)
				printf("%s %s %s %llu: %s\n", families[tb->family], tb->name,
				       ch->name, (unsigned long long)ch->rules[r].handle,
				       ch->rules[r].text);
		}
	}
	printf("RULES %u\n", ctk_ruleset_count_rules(rs));
	ctk_ruleset_free(rs);
	return 0;
}
