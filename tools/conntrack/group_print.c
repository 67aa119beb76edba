// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --group-by: the counts of a dump (kernel or capture) printed largest
 * first, --top N of them, as ctk_group_format() writes them.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <ctkit/output.h>

#include "group_print.h"

int ct_group_print(struct ctk_out *out, struct ctk_groups *g, const struct ct_cli *cli,
		   const struct ctk_labelmap *labels)
{
	size_t n = cli->top && cli->top < ctk_groups_count(g) ? cli->top : ctk_groups_count(g);
	const struct ctk_group **top = malloc((n ? n : 1) * sizeof(*top));
	char line[4096];

	if (!top)
		return -1;
	n = ctk_groups_top(g, n, top);
	for (size_t i = 0; i < n; i++) {
		bool json = cli->fmt.kind == CTK_FMT_JSON;
		int len = ctk_group_format(g, top[i], json, labels, line, sizeof(line));
		char *big;

		if ((size_t)len < sizeof(line)) {
			ctk_out_puts(out, line);
			continue;
		}
		/* many labels with long names */
		big = malloc((size_t)len + 1);
		if (!big)
			break;
		ctk_group_format(g, top[i], json, labels, big, (size_t)len + 1);
		ctk_out_puts(out, big);
		free(big);
	}
	free(top);
	return 0;
}
