// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conntrack's side of planned dumps (ctk_nl_dump_planned in the library):
 * CTKIT_KERNEL_FILTER=0 in the environment sends only what the reference
 * sends (tests compare both ways), and --debug says what went where.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctkit/filter.h>

#include "run.h"

static bool extra_filters_enabled(void)
{
	const char *v = getenv("CTKIT_KERNEL_FILTER");

	return !v || strcmp(v, "0") != 0;
}

void ct_debug_fields(const char *what, uint64_t fields)
{
	fprintf(stderr, "ctkit: %s:", what);
	if (!fields)
		fputs(" nothing", stderr);
	for (int i = 0; i < CTK_F_MAX; i++)
		if (fields & (UINT64_C(1) << i))
			fprintf(stderr, " %s", ctk_filter_field_name((enum ctk_filter_field)i));
	fputc('\n', stderr);
}

static void debug_trace(enum ctk_plan_event what, uint64_t fields, int err, void *data)
{
	(void)data;
	switch (what) {
	case CTK_PLAN_USERSPACE:
		ct_debug_fields("userspace filter", fields);
		break;
	case CTK_PLAN_KERNEL:
		ct_debug_fields("kernel filter", fields);
		break;
	case CTK_PLAN_FALLBACK:
		fprintf(stderr, "ctkit: kernel refused the extra filter (%s), retrying\n",
			strerror(-err));
		break;
	}
}

int ct_dump_filtered(struct ct_run *run, const struct ctk_dump_opts *opts,
		     const struct ctk_filter *f, ctk_entry_cb cb, void *data)
{
	struct ctk_dump_plan plan = {
		.flags = CTK_PLAN_READ_AHEAD | (extra_filters_enabled() ? 0 : CTK_PLAN_BASIC),
		.trace = run->cli->debug ? debug_trace : NULL,
	};

	return ctk_nl_dump_planned(run->nl, opts, f, &plan, cb, data);
}
