/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the screen shows and how, as the keys change it: the order, its
 * direction, entries or groups, paused, the help page, the refresh
 * interval. Pure state: drawing is screen.c's, refreshing the loop's.
 */
#ifndef TOP_VIEW_H
#define TOP_VIEW_H

#include <stdbool.h>

#include "options.h"

struct top_view {
	enum top_sort sort;
	bool reverse;
	bool grouped;	  /* groups (--group-by) rather than entries */
	bool can_group;	  /* --group-by was given */
	bool paused;	  /* no refresh until p again */
	bool refresh_now; /* space: refresh without waiting for the interval */
	bool help;	  /* the key list instead of the rows */
	bool quit;
	double interval; /* seconds between refreshes */
};

void top_view_init(struct top_view *v, const struct top_opts *o);

/*
 * top_view_key - apply one key (a curses key code). Returns true when
 * what is shown changed and must be drawn again. With the help page
 * open, any key closes it.
 */
bool top_view_key(struct top_view *v, int key);

/* top_view_slower / top_view_faster - the next interval up or down a ladder of round values. */
double top_view_slower(double interval);
double top_view_faster(double interval);

#endif
