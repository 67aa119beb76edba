// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-CPU statistics (-S): "cpu=%-4u\t" then "name=%u " per counter the
 * kernel sent, in attribute order, trailing space kept (conntrack 1.4.7);
 * or one JSON object {"cpu":N,"name":value,...} for the JSON kind.
 */
#include "fmt.h"

static const char *const stat_names[CTK_STAT_MAX] = {
	[CTK_STAT_SEARCHED] = "searched",
	[CTK_STAT_FOUND] = "found",
	[CTK_STAT_NEW] = "new",
	[CTK_STAT_INVALID] = "invalid",
	[CTK_STAT_IGNORE] = "ignore",
	[CTK_STAT_DELETE] = "delete",
	[CTK_STAT_DELETE_LIST] = "delete_list",
	[CTK_STAT_INSERT] = "insert",
	[CTK_STAT_INSERT_FAILED] = "insert_failed",
	[CTK_STAT_DROP] = "drop",
	[CTK_STAT_EARLY_DROP] = "early_drop",
	[CTK_STAT_ERROR] = "error",
	[CTK_STAT_SEARCH_RESTART] = "search_restart",
	[CTK_STAT_CLASH_RESOLVE] = "clash_resolve",
	[CTK_STAT_CHAIN_TOOLONG] = "chaintoolong",
	[CTK_STAT_EXP_NEW] = "expect_new",
	[CTK_STAT_EXP_CREATE] = "expect_create",
	[CTK_STAT_EXP_DELETE] = "expect_delete",
};

static void put_text(struct fbuf *b, const struct ctk_cpu_stats *s)
{
	char cpu[24];
	struct fbuf num;

	/* "%-4u": the number left-justified in four columns. */
	fb_init(&num, cpu, sizeof(cpu));
	fb_u64(&num, s->cpu);
	fb_finish(&num);
	fb_puts(b, "cpu=");
	fb_pad(b, cpu, 4);
	fb_putc(b, '\t');
	for (int i = 0; i < CTK_STAT_MAX; i++) {
		if (!(s->present & (1U << i)))
			continue;
		fb_puts(b, stat_names[i]);
		fb_putc(b, '=');
		fb_u64(b, s->value[i]);
		fb_putc(b, ' ');
	}
}

static void put_json(struct fbuf *b, const struct ctk_cpu_stats *s, const struct ctk_fmt *fmt)
{
	struct jobj o;

	fmt_jobj_open(&o, b);
	fmt_jnetns(&o, fmt);
	fmt_jnum(&o, "cpu", s->cpu);
	for (int i = 0; i < CTK_STAT_MAX; i++)
		if (s->present & (1U << i))
			fmt_jnum(&o, stat_names[i], s->value[i]);
	fmt_jobj_close(&o);
}

size_t ctk_format_cpu_stats(char *buf, size_t size, const struct ctk_cpu_stats *s,
			    const struct ctk_fmt *fmt)
{
	struct fbuf b;

	fb_init(&b, buf, size);
	if (fmt && fmt->kind == CTK_FMT_JSON)
		put_json(&b, s, fmt);
	else {
		fmt_netns_prefix(&b, fmt);
		put_text(&b, s);
	}
	return fb_finish(&b);
}
