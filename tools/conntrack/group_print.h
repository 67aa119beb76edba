/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CT_GROUP_PRINT_H
#define CT_GROUP_PRINT_H

#include <ctkit/group.h>
#include <ctkit/output.h>

#include "cli.h"

/* ct_group_print - @g's groups to @out, largest first (cli->top of them); 0 or -1 (memory). */
int ct_group_print(struct ctk_out *out, struct ctk_groups *g, const struct ct_cli *cli,
		   const struct ctk_labelmap *labels);

#endif
