// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One refresh of the table (see table.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "../../conntrack/run.h"
#include "table.h"

/* Entries between two looks at keys and signals: a few milliseconds of a dump. */
#define CHECK_EVERY 4096

int top_table_init(struct top_table *t, const struct top_opts *o, bool every_order)
{
	*t = (struct top_table){.cli = &o->cli};
	top_rows_init(&t->rows, every_order, o->sort, o->reverse);
	if (o->cli.group_by) {
		t->groups = ctk_groups_new(&o->cli.group_spec);
		if (!t->groups)
			return -ENOMEM;
	}
	return 0;
}

int top_table_begin(struct top_table *t, size_t limit, uint64_t now_ns)
{
	if (top_rows_begin(&t->rows, limit) < 0)
		return -ENOMEM;
	if (t->groups)
		ctk_groups_clear(t->groups);
	t->matched = 0;
	t->now_ns = now_ns;
	t->error = 0;
	t->stopped = false;
	t->until_check = CHECK_EVERY;
	return 0;
}

/* As conntrack --pcap -L selects: the kernel applies -f itself, the engine does not. */
static bool selected(const struct ct_cli *cli, const struct ctk_entry *e)
{
	if (cli->family != AF_UNSPEC && e->orig.l3num != cli->family)
		return false;
	return ct_selected(cli, e);
}

int top_table_entry_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct top_table *t = data;

	(void)ev;
	if (!--t->until_check) {
		t->until_check = CHECK_EVERY;
		if (t->interrupt && t->interrupt(t->interrupt_data)) {
			t->stopped = true;
			return CTK_CB_STOP;
		}
	}
	if (!selected(t->cli, e))
		return CTK_CB_OK;
	if (top_rows_add(&t->rows, e) < 0 ||
	    (t->groups && ctk_groups_add(t->groups, e, NULL) < 0)) {
		t->error = -ENOMEM;
		return CTK_CB_STOP;
	}
	t->matched++;
	return CTK_CB_OK;
}

void top_table_finish(struct top_table *t, bool complete)
{
	top_rows_finish(&t->rows);
	t->complete = complete && !t->stopped && !t->error;
}

static enum ctk_group_order group_order(enum top_sort sort)
{
	return sort == TOP_SORT_PACKETS ? CTK_GROUP_ORDER_PACKETS
	       : sort == TOP_SORT_BYTES ? CTK_GROUP_ORDER_BYTES
					: CTK_GROUP_ORDER_COUNT;
}

/* The groups, largest first; reversed: all ranked, then turned around. */
static size_t rank_groups(struct top_table *t, enum top_sort sort, bool reverse, size_t max)
{
	size_t have = ctk_groups_count(t->groups), n;

	if (have > t->ranked_cap) {
		const struct ctk_group **ranked = realloc(t->ranked, have * sizeof(*ranked));

		if (!ranked)
			return 0;
		t->ranked = ranked;
		t->ranked_cap = have;
	}
	n = ctk_groups_top_by(t->groups, group_order(sort), reverse ? 0 : max, t->ranked);
	if (!reverse)
		return n;
	for (size_t i = 0; i < n / 2; i++) {
		const struct ctk_group *g = t->ranked[i];

		t->ranked[i] = t->ranked[n - 1 - i];
		t->ranked[n - 1 - i] = g;
	}
	return max && max < n ? max : n;
}

void top_table_shown(struct top_table *t, enum top_sort sort, bool reverse, bool grouped,
		     size_t max, struct top_shown *s)
{
	const struct top_pick *p;

	*s = (struct top_shown){.grouped = grouped && t->groups, .all = t->groups};
	if (s->grouped) {
		s->n = rank_groups(t, sort, reverse, max);
		s->groups = t->ranked;
		return;
	}
	p = top_rows_pick(&t->rows, sort, reverse);
	if (!p)
		return;
	s->rows = p->rows;
	s->n = max && max < p->n ? max : p->n;
}

void top_table_free(struct top_table *t)
{
	free(t->ranked);
	t->ranked = NULL;
	top_rows_free(&t->rows);
	ctk_groups_free(t->groups);
	t->groups = NULL;
}
