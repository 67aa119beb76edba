// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-CPU statistics (-S): "cpu=%-4u\t" then "name=%u " per counter the
 * kernel sent, in attribute order, trailing space kept (conntrack 1.4.7);
 * or one JSON object {"cpu":N,"name":value,...} for the JSON kind.
 */
#include <ctkit/names.h>

#include "fmt.h"


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
		fb_puts(b, ctk_stat_name(i));
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
			fmt_jnum(&o, ctk_stat_name(i), s->value[i]);
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
