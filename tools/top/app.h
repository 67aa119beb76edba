/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit-top as a whole: the options, the view, the table of the last
 * refresh and its source. The batch and interactive loops (batch.c,
 * interactive.c) both refresh and describe a refresh through here.
 */
#ifndef TOP_APP_H
#define TOP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/labels.h>
#include <ctkit/output.h>

#include "model/table.h"
#include "options.h"
#include "render.h"
#include "source.h"
#include "view.h"

struct top_app {
	struct top_opts opts;
	struct top_view view;
	struct top_table table;
	struct top_source *source;
	struct ctk_labelmap *labels; /* label names for --group-by label */
	struct top_shown shown;	     /* what the last frame showed */
	double took_ms;		     /* what the last refresh took */
	char error[128];	     /* why the last refresh failed, "" */
	uint64_t refreshed_ns;	     /* when it started (monotonic), 0: never */
	size_t refreshed_limit;	     /* the rows per order it kept (0: all) */
	struct ctk_out out;	     /* stdout, for --batch */
};

/*
 * top_app_refresh - a refresh of the table keeping @limit rows per order
 * (0: all): the events' rates sampled, the time it took and any failure
 * recorded for the header. 0 or the source's negative errno.
 */
int top_app_refresh(struct top_app *app, size_t limit);

/* top_app_frame - @f describes the last refresh as the view shows it, @max rows at most (0: all).
 */
void top_app_frame(struct top_app *app, size_t max, struct top_frame *f);

#endif
