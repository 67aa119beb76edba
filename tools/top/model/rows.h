/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-entry view: of every entry a refresh sees, only the rows that
 * could be shown are kept, for each order the view can switch to. A pick
 * is a heap of at most @limit rows while a refresh runs (the row that
 * would be shown last at its root, so a new row costs one comparison
 * unless it belongs in), sorted when the refresh ends. Memory follows
 * the rows shown, not the table: at a million entries a refresh keeps a
 * few hundred rows, and the buffers are reused from refresh to refresh.
 */
#ifndef TOP_ROWS_H
#define TOP_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#include "../options.h"

/* What a row shows of an entry. */
struct top_row {
	struct ctk_tuple orig;
	uint64_t packets, bytes; /* both directions */
	uint64_t start_ns;	 /* when it began (ns since the epoch), 0: unknown */
	const char *state;	 /* the protocol's state name, NULL: none */
	uint32_t timeout;	 /* seconds left */
	uint32_t status;	 /* IPS_* */
	uint32_t mark;
	uint16_t zone;
	uint8_t has; /* TOP_ROW_* */
};

enum {
	TOP_ROW_COUNTERS = 1 << 0,
	TOP_ROW_TIMEOUT = 1 << 1,
	TOP_ROW_STATUS = 1 << 2,
	TOP_ROW_MARK = 1 << 3,
	TOP_ROW_ZONE = 1 << 4,
};

/* The first rows of one order. */
struct top_pick {
	enum top_sort sort;
	bool reverse;
	size_t n;	      /* rows held */
	size_t cap;	      /* rows allocated */
	struct top_row *rows; /* sorted once the refresh ends */
};

struct top_rows {
	struct top_pick picks[2 * TOP_SORT_MAX];
	unsigned int npicks;
	size_t limit; /* rows kept per pick; 0: every row */
};

/*
 * top_rows_init - a pick for @sort and @reverse only (a batch run, whose
 * view never changes), or with @every_order one for each order and
 * direction, so that a key switches the order at once. Never fails.
 */
void top_rows_init(struct top_rows *m, bool every_order, enum top_sort sort, bool reverse);

/*
 * top_rows_begin - empty the picks for a refresh that keeps @limit rows
 * each (0: all). 0, or -ENOMEM (the picks keep their old rows).
 */
int top_rows_begin(struct top_rows *m, size_t limit);

/* top_rows_add - @e as a row in each pick it belongs in. 0 or -ENOMEM. */
int top_rows_add(struct top_rows *m, const struct ctk_entry *e);

/* top_rows_finish - sort every pick. */
void top_rows_finish(struct top_rows *m);

/* top_rows_pick - the rows of @sort and @reverse, NULL without such a pick. */
const struct top_pick *top_rows_pick(const struct top_rows *m, enum top_sort sort, bool reverse);

/* top_rows_free - the picks' memory. */
void top_rows_free(struct top_rows *m);

/*
 * top_row_cmp - <0 when @a is shown before @b in @sort's order (not
 * reversed), >0 after, 0 only for rows of the same tuple and zone.
 */
int top_row_cmp(const struct top_row *a, const struct top_row *b, enum top_sort sort);

#endif
