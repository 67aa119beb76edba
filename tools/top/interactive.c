// SPDX-License-Identifier: LGPL-2.1-or-later
/* The live view's loop (see interactive.h). */
#include <curses.h>
#include <stdbool.h>
#include <unistd.h>

#include "clock.h"
#include "interactive.h"
#include "report.h"
#include "screen.h"
#include "signals.h"

/* Keys waiting: applied to the view. True when the screen must be drawn again. */
static bool read_keys(struct top_app *app)
{
	bool redraw = false;
	int key;

	while ((key = top_screen_key()) >= 0)
		redraw |= key == KEY_RESIZE || top_view_key(&app->view, key);
	return redraw;
}

/* The table's hook during a refresh: keys change the view, q and signals stop it. */
static bool stop_refresh(void *data)
{
	struct top_app *app = data;

	read_keys(app);
	return app->view.quit || top_stopping();
}

/* Rows per order a refresh keeps: what fits now, or fewer with --top. */
static size_t wanted_rows(const struct top_app *app)
{
	size_t fit = top_screen_rows();

	if (!fit)
		fit = 1;
	return app->opts.top && app->opts.top < fit ? app->opts.top : fit;
}

static uint64_t next_refresh(const struct top_app *app)
{
	return app->refreshed_ns + (uint64_t)(app->view.interval * 1e9);
}

static bool refresh_due(const struct top_app *app, size_t rows)
{
	const struct top_view *v = &app->view;

	if (!app->refreshed_ns)
		return true;
	/* a table that no longer changes is read again only to show more rows */
	if (app->source->still)
		return rows > app->refreshed_limit;
	if (v->paused)
		return false;
	return v->refresh_now || top_mono_ns() >= next_refresh(app);
}

/* How long to wait for keys and events before the next refresh; -1: until a key. */
static int wait_ms(const struct top_app *app)
{
	if (app->view.paused || app->source->still)
		return -1;
	return top_ms_until(next_refresh(app));
}

static void draw(struct top_app *app)
{
	struct top_frame f;

	top_app_frame(app, wanted_rows(app), &f);
	top_screen_draw(&f);
}

int top_interactive(struct top_app *app)
{
	int rc = TOP_EXIT_OK;

	if (top_screen_start() < 0) {
		top_say("can't use the terminal (is TERM set?)");
		return TOP_EXIT_OTHER;
	}
	app->table.interrupt = stop_refresh;
	app->table.interrupt_data = app;
	draw(app);
	while (!app->view.quit && !top_stopping()) {
		bool redraw = false;
		enum top_wait w;

		if (refresh_due(app, wanted_rows(app))) {
			top_app_refresh(app, wanted_rows(app));
			app->view.refresh_now = false;
			redraw = true;
		}
		if (app->view.quit || top_stopping())
			break;
		if (redraw)
			draw(app);
		w = app->source->ops->wait(app->source, STDIN_FILENO, wait_ms(app));
		if (w == TOP_WAIT_END)
			break;
		if (w == TOP_WAIT_ERROR) {
			rc = TOP_EXIT_OTHER;
			break;
		}
		if (read_keys(app) && !app->view.quit)
			draw(app);
	}
	top_screen_end();
	return rc;
}
