/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One refresh of the table as ctkit-top shows it: the entries a source
 * passes (a kernel dump, the engine's table) go through conntrack's filter
 * into the per-entry picks (rows.h) and, with --group-by, into counts by
 * key (ctk_groups). Nothing of an entry is kept but its row and its
 * group's count; every buffer is reused by the next refresh.
 */
#ifndef TOP_TABLE_H
#define TOP_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <ctkit/entry.h>
#include <ctkit/group.h>

#include "../options.h"
#include "rows.h"

struct top_table {
	const struct ct_cli *cli; /* the filter, the group spec */
	struct top_rows rows;
	struct ctk_groups *groups; /* NULL without --group-by */
	uint64_t matched;	   /* entries that passed the filter */
	uint64_t now_ns;	   /* the clock ages are measured against (ns since the epoch) */
	bool complete;		   /* the last refresh saw the whole table */
	/*
	 * Asked every few thousand entries while a refresh runs, so that a
	 * long dump still answers keys and signals: true stops the refresh.
	 */
	bool (*interrupt)(void *data);
	void *interrupt_data;
	unsigned int until_check;
	bool stopped;			 /* the hook stopped this refresh */
	int error;			 /* -ENOMEM when a row or group could not be kept */
	const struct ctk_group **ranked; /* groups in the order shown, reused */
	size_t ranked_cap;
};

/* What the view shows of a table: rows of entries, or groups. */
struct top_shown {
	bool grouped;
	size_t n;
	const struct top_row *rows;	       /* entries: n of them */
	const struct ctk_group *const *groups; /* groups: n of them */
	const struct ctk_groups *all;	       /* the count they belong to */
};

/*
 * top_table_init - for @o's filter and group spec; @every_order keeps a
 * pick for each order (the interactive view). 0 or -ENOMEM.
 */
int top_table_init(struct top_table *t, const struct top_opts *o, bool every_order);

/* top_table_begin - start a refresh keeping @limit rows per order (0: all) at @now_ns. */
int top_table_begin(struct top_table *t, size_t limit, uint64_t now_ns);

/*
 * top_table_entry_cb - a ctk_entry_cb taking one entry of the source (data:
 * the table). CTK_CB_STOP when interrupted or out of memory (t->error).
 */
int top_table_entry_cb(const struct ctk_entry *e, enum ctk_event ev, void *data);

/* top_table_finish - end the refresh: the picks sorted; @complete: nothing was cut short. */
void top_table_finish(struct top_table *t, bool complete);

/*
 * top_table_shown - at most @max (0: all) rows of @sort's order, reversed
 * or not, as entries or (@grouped, with --group-by) as groups: groups
 * rank by count, packets or bytes (age ranks them by count: a group has
 * no age). Valid until the next refresh. Never fails: a ranking that
 * needs memory it cannot have shows no groups.
 */
void top_table_shown(struct top_table *t, enum top_sort sort, bool reverse, bool grouped,
		     size_t max, struct top_shown *s);

void top_table_free(struct top_table *t);

#endif
