// SPDX-License-Identifier: LGPL-2.1-or-later
/* --batch (see batch.h). */
#include <stdbool.h>

#include "batch.h"
#include "clock.h"
#include "report.h"
#include "signals.h"

static void print_frame(struct top_app *app)
{
	struct top_frame f;
	struct top_columns cols;
	struct top_cells cells;
	char line[4096];

	top_app_frame(app, app->opts.top, &f);
	for (unsigned int i = 0; i < TOP_HEADER_LINES; i++) {
		top_render_header(&f, i, line, sizeof(line));
		ctk_out_printf(&app->out, "%s\n", line);
	}
	/* every cell twice: once to size its column, once to print it */
	top_columns_init(&cols, f.shown->grouped);
	for (size_t i = 0; i < f.shown->n; i++) {
		top_render_cells(&f, i, &cells);
		top_columns_fit(&cols, &cells);
	}
	top_columns_line(&cols, NULL, line, sizeof(line));
	ctk_out_printf(&app->out, "\n%s\n", line);
	for (size_t i = 0; i < f.shown->n; i++) {
		top_render_cells(&f, i, &cells);
		top_columns_line(&cols, &cells, line, sizeof(line));
		ctk_out_printf(&app->out, "%s\n", line);
	}
	ctk_out_puts(&app->out, "\n");
}

/* Until the next refresh is due; false when it should not come (a signal, the source's end). */
static bool wait_interval(struct top_app *app, int *rc)
{
	uint64_t due = app->refreshed_ns + (uint64_t)(app->view.interval * 1e9);

	for (;;) {
		enum top_wait w = app->source->ops->wait(app->source, -1, top_ms_until(due));

		if (top_stopping() || w == TOP_WAIT_END)
			return false;
		if (w == TOP_WAIT_ERROR) {
			*rc = TOP_EXIT_OTHER;
			return false;
		}
		if (w == TOP_WAIT_TIMEOUT)
			return true;
	}
}

/* The table's hook during a refresh: a stop signal ends a long dump at once. */
static bool stop_refresh(void *data)
{
	(void)data;
	return top_stopping();
}

int top_batch(struct top_app *app)
{
	int rc = TOP_EXIT_OK;

	app->table.interrupt = stop_refresh;

	for (unsigned long n = 1;; n++) {
		int ret = top_app_refresh(app, app->opts.top);

		if (top_stopping())
			break;
		if (ret < 0) {
			top_say("refresh failed: %s", app->error);
			return TOP_EXIT_OTHER;
		}
		print_frame(app);
		if (ctk_out_flush(&app->out) < 0)
			return TOP_EXIT_OTHER;
		/* a replayed capture's table no longer changes: once is all there is */
		if ((app->opts.iterations && n >= app->opts.iterations) || app->source->still)
			break;
		if (!wait_interval(app, &rc))
			break;
	}
	return rc;
}
