/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a refresh shows, as text, for the screen and for --batch alike:
 * three header lines, then a table whose columns fit the rows shown.
 * A column's cells are formatted twice (once to size it, once to write
 * it) rather than kept: the batch view can list every entry.
 */
#ifndef TOP_RENDER_H
#define TOP_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/labels.h>

#include "model/table.h"
#include "source.h"
#include "view.h"

#define TOP_HEADER_LINES 3
#define TOP_COLS_MAX	 10
#define TOP_CELL	 192

/* Everything one refresh's text is made of. */
struct top_frame {
	const struct top_view *view;
	const struct top_opts *opts;
	const struct top_source *source;
	const struct top_table *table;
	const struct top_shown *shown;
	const struct ctk_labelmap *labels; /* label names for groups, NULL: numbers */
	long long entries, limit;	   /* the source's count and limit, -1: unknown */
	double took_ms;			   /* the last refresh */
	const char *error;		   /* why the last refresh failed, "" if it did not */
	uint64_t wall_ns;		   /* the time shown */
};

struct top_cells {
	char text[TOP_COLS_MAX][TOP_CELL];
};

struct top_columns {
	unsigned int n;
	const char *title[TOP_COLS_MAX];
	bool right[TOP_COLS_MAX]; /* numbers: aligned right */
	size_t width[TOP_COLS_MAX];
};

/* top_render_header - header line @line (0 .. TOP_HEADER_LINES - 1) of @f into @buf. */
void top_render_header(const struct top_frame *f, unsigned int line, char *buf, size_t size);

/* top_columns_init - the columns of entries or of groups, as wide as their titles. */
void top_columns_init(struct top_columns *c, bool grouped);

/* top_render_cells - the cells of row @i of what @f shows. */
void top_render_cells(const struct top_frame *f, size_t i, struct top_cells *cells);

/* top_columns_fit - widen @c's columns to @cells. */
void top_columns_fit(struct top_columns *c, const struct top_cells *cells);

/*
 * top_columns_line - @cells (NULL: the titles) as one line padded to the
 * columns, without a newline, into @buf (cut at @size). Returns its length.
 */
size_t top_columns_line(const struct top_columns *c, const struct top_cells *cells, char *buf,
			size_t size);

/* top_help_line - line @i of the key help, NULL past the last. */
const char *top_help_line(unsigned int i, bool can_group);

#endif
