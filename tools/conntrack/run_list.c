// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -L and -G: stream entries from the kernel through the filter into the
 * output. The kernel applies what it can (family, mark, status); the
 * filter re-checks everything, so a kernel that ignores a part is harmless.
 */
#include <errno.h>
#include <ctkit/filter.h>
#include <ctkit/labels.h>

#include "group_print.h"
#include "run.h"

static int list_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ct_run *run = data;

	(void)ev;
	if (!ct_selected(run->cli, e))
		return CTK_CB_OK;
	if (run->groups) {
		if (ctk_groups_add(run->groups, e, run->fmt.netns) < 0)
			return -ENOMEM;
	} else {
		ct_print_entry(run, e, true);
	}
	run->counter++;
	return CTK_CB_OK;
}

static enum ctk_table dump_table(enum ct_table t)
{
	switch (t) {
	case CT_TABLE_DYING:
		return CTK_TABLE_DYING;
	case CT_TABLE_UNCONFIRMED:
		return CTK_TABLE_UNCONFIRMED;
	default:
		return CTK_TABLE_CONNTRACK;
	}
}

void ct_list_dump_opts(const struct ct_cli *cli, struct ctk_dump_opts *o)
{
	const struct ctk_filter *f = &cli->filter;

	*o = (struct ctk_dump_opts){
		.family = cli->family,
		.table = dump_table(cli->table),
		.zero = cli->opts & (1u << CT_OPT_ZERO),
	};
	if (o->table != CTK_TABLE_CONNTRACK) {
		/* The reference sends no kernel filter with these lists. */
		return;
	}
	if (ctk_filter_has(f, CTK_F_MARK)) {
		o->has_mark = true;
		o->mark = f->mark;
		o->mark_mask = f->mark_mask;
	}
	/* Like the reference, any -u goes to the kernel, even one that is all zero. */
	if (cli->opts & (1u << CT_OPT_STATUS)) {
		o->has_status = true;
		o->status = f->status;
		o->status_mask = f->status_mask;
	}
}

int ct_print_groups(struct ct_run *run)
{
	struct ctk_labelmap *labels = NULL;
	int ret = 0;

	/* label names when there are any: connlabel.conf, as -o labels reads it */
	if (!run->fmt.labels)
		labels = ctk_labelmap_load(CTK_LABELMAP_DEFAULT_PATH);
	if (ct_group_print(run->out, run->groups, run->cli,
			   run->fmt.labels ? run->fmt.labels : labels) < 0)
		ret = -ENOMEM;
	ctk_labelmap_free(labels);
	return ret;
}

/*
 * --group-by: the dump counted, then the groups printed; into the
 * caller's groups instead when it has some (--netns all counts every
 * namespace's dump, then prints).
 */
static int list_groups(struct ct_run *run, const struct ctk_dump_opts *o)
{
	bool own = !run->groups;
	int ret;

	if (own && !(run->groups = ctk_groups_new(&run->cli->group_spec)))
		return -ENOMEM;
	ret = ct_dump_filtered(run, o, &run->cli->filter, list_cb, run);
	if (own) {
		if (ret >= 0)
			ret = ct_print_groups(run);
		ctk_groups_free(run->groups);
		run->groups = NULL;
	}
	return ret;
}

int ct_run_list(struct ct_run *run)
{
	struct ctk_dump_opts o;
	int ret;

	run->fmt.flags &= ~CTK_FMT_F_TIMESTAMP;
	ct_list_dump_opts(run->cli, &o);
	if (run->cli->group_by)
		return list_groups(run, &o);
	ret = ct_dump_filtered(run, &o, &run->cli->filter, list_cb, run);
	if (run->xml_open)
		ctk_out_puts(run->out, CTK_XML_FOOTER);
	return ret;
}

int ct_run_get(struct ct_run *run)
{
	run->fmt.flags &= ~CTK_FMT_F_TIMESTAMP;
	/* Like the reference, -G opens the XML document but never closes it. */
	return ctk_nl_get(run->nl, run->cli->family, &run->cli->tmpl, list_cb, run);
}
