// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --group-by: the largest groups of a namespace's entries as series of
 * conntrack_group_entries, counted by a dump every --group-interval on the
 * main thread (without the lock: the dump can take a second at a million
 * entries) and rendered once; a scrape copies the text. The label set is
 * bounded: --top groups per namespace, whatever the table holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporter.h"

static int group_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	(void)ev;
	return ctk_groups_add(data, e, NULL) < 0 ? CTK_CB_ERROR : CTK_CB_OK;
}

static void render(const struct xp_ns *ns, struct ctk_groups *g, size_t top, struct xp_buf *b)
{
	const struct ctk_group_spec *spec = ctk_groups_spec(g);
	const struct ctk_group **v = calloc(top, sizeof(*v));
	size_t n = v ? ctk_groups_top(g, top, v) : 0;

	if (!v) {
		b->failed = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		xp_buf_printf(b, "conntrack_group_entries{");
		xp_buf_label(b, "netns", ns->name, true);
		for (unsigned int k = 0; k < spec->nkeys; k++) {
			char value[256];

			ctk_group_value(g, v[i], k, NULL, value, sizeof(value));
			xp_buf_label(b, ctk_group_key_name(spec->keys[k].key), value, false);
		}
		xp_buf_printf(b, "} %llu\n", (unsigned long long)v[i]->count);
	}
	free(v);
}

void xp_groups_refresh(struct xp *x, struct xp_ns *ns, int64_t now_ms)
{
	struct ctk_dump_opts o = {.family = AF_UNSPEC};
	struct ctk_groups *g;
	struct xp_buf b = {0};
	char *old;

	if (now_ms < ns->groups_due_ms)
		return;
	ns->groups_due_ms = now_ms + (int64_t)x->o.group_interval * 1000;
	g = ctk_groups_new(&x->o.group_spec);
	if (!g)
		return;
	if (ctk_nl_dump(ns->nl, &o, group_cb, g) == 0)
		render(ns, g, x->o.top, &b);
	else
		b.failed = true;
	ctk_groups_free(g);
	if (b.failed) {
		free(b.p);
		return; /* the last good series stay */
	}
	if (!b.p)
		b.p = strdup(""); /* an empty table: no series, but counted */
	pthread_mutex_lock(&x->lock);
	old = ns->groups;
	ns->groups = b.p;
	pthread_mutex_unlock(&x->lock);
	free(old);
}
