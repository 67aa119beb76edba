// SPDX-License-Identifier: LGPL-2.1-or-later
/* ctk_format_entry: pick the writer for the requested kind. */
#include "fmt.h"

size_t ctk_format_entry(char *buf, size_t size, const struct ctk_entry *e,
			enum ctk_event ev, const struct ctk_fmt *fmt)
{
	static const struct ctk_fmt plain = { .kind = CTK_FMT_DEFAULT };
	struct fbuf b;

	if (!fmt)
		fmt = &plain;
	fb_init(&b, buf, size);
	switch (fmt->kind) {
	case CTK_FMT_DEFAULT:
		fmt_netns_prefix(&b, fmt);
		fmt_entry_default(&b, e, ev, fmt);
		break;
	case CTK_FMT_XML:
		fmt_entry_xml(&b, e, ev, fmt);
		break;
	case CTK_FMT_SAVE:
		fmt_entry_save(&b, e, ev, fmt);
		break;
	case CTK_FMT_JSON:
		fmt_entry_json(&b, e, ev, fmt);
		break;
	}
	return fb_finish(&b);
}

void fmt_netns_prefix(struct fbuf *b, const struct ctk_fmt *fmt)
{
	if (!fmt || !fmt->netns)
		return;
	fb_puts(b, "netns=");
	fb_puts(b, fmt->netns);
	fb_putc(b, ' ');
}

void fmt_jnetns(struct jobj *o, const struct ctk_fmt *fmt)
{
	if (fmt && fmt->netns)
		fmt_jstr(o, "netns", fmt->netns, SIZE_MAX);
}
