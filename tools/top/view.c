// SPDX-License-Identifier: LGPL-2.1-or-later
/* The view's state and the keys that change it (see view.h). */
#include "view.h"

/* Round intervals, so + and - never leave an odd value like 1.7 s. */
static const double ladder[] = {0.1, 0.2, 0.5, 1,   2,	 3,   5,    10,
				15,  30,  60,  120, 300, 600, 1800, 3600};

#define N_RUNGS (sizeof(ladder) / sizeof(ladder[0]))

void top_view_init(struct top_view *v, const struct top_opts *o)
{
	*v = (struct top_view){
		.sort = o->sort,
		.reverse = o->reverse,
		.grouped = o->cli.group_by,
		.can_group = o->cli.group_by,
		.interval = o->interval,
	};
}

double top_view_slower(double interval)
{
	for (unsigned int i = 0; i < N_RUNGS; i++)
		if (ladder[i] > interval + 1e-9)
			return ladder[i];
	return interval;
}

double top_view_faster(double interval)
{
	for (unsigned int i = N_RUNGS; i-- > 0;)
		if (ladder[i] < interval - 1e-9)
			return ladder[i];
	return interval;
}

bool top_view_key(struct top_view *v, int key)
{
	if (v->help) {
		v->help = false;
		if (key == 'q' || key == 'Q')
			v->quit = true;
		return true;
	}
	switch (key) {
	case 'q':
	case 'Q':
		v->quit = true;
		return false;
	case 's':
		v->sort = (enum top_sort)((v->sort + 1) % TOP_SORT_MAX);
		return true;
	case 'S':
		v->sort = (enum top_sort)((v->sort + TOP_SORT_MAX - 1) % TOP_SORT_MAX);
		return true;
	case 'r':
		v->reverse = !v->reverse;
		return true;
	case 'g':
		v->grouped = v->can_group && !v->grouped;
		return v->can_group;
	case 'p':
		v->paused = !v->paused;
		return true;
	case ' ':
		v->refresh_now = true;
		return false;
	case '+':
		v->interval = top_view_slower(v->interval);
		return true;
	case '-':
		v->interval = top_view_faster(v->interval);
		return true;
	case 'h':
	case '?':
		v->help = true;
		return true;
	default:
		return false;
	}
}
