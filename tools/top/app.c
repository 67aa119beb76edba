// SPDX-License-Identifier: LGPL-2.1-or-later
/* One refresh and what it shows (see app.h). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "clock.h"

int top_app_refresh(struct top_app *app, size_t limit)
{
	uint64_t start = top_mono_ns();
	int ret;

	/* events counted up to now, over the time since the last refresh */
	top_rates_sample(&app->source->rates, start);
	ret = app->source->ops->refresh(app->source, &app->table, limit);
	app->took_ms = (double)(top_mono_ns() - start) / 1e6;
	app->refreshed_ns = start;
	app->refreshed_limit = limit;
	if (ret < 0)
		snprintf(app->error, sizeof(app->error), "%s", strerror(-ret));
	else
		app->error[0] = '\0';
	return ret;
}

void top_app_frame(struct top_app *app, size_t max, struct top_frame *f)
{
	const struct top_view *v = &app->view;

	top_table_shown(&app->table, v->sort, v->reverse, v->grouped, max, &app->shown);
	*f = (struct top_frame){
		.view = v,
		.opts = &app->opts,
		.source = app->source,
		.table = &app->table,
		.shown = &app->shown,
		.labels = app->labels,
		.took_ms = app->took_ms,
		.error = app->error,
		.wall_ns = top_wall_ns(),
	};
	app->source->ops->counts(app->source, &f->entries, &f->limit);
}
