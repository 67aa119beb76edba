// SPDX-License-Identifier: LGPL-2.1-or-later
/* ctk_format_count: the line of "conntrack -C". */
#include "fmt.h"

size_t ctk_format_count(char *buf, size_t size, uint32_t count, const struct ctk_fmt *fmt)
{
	struct fbuf b;
	struct jobj o;

	fb_init(&b, buf, size);
	if (fmt && fmt->kind == CTK_FMT_JSON) {
		fmt_jobj_open(&o, &b);
		fmt_jnetns(&o, fmt);
		fmt_jnum(&o, "count", count);
		fmt_jobj_close(&o);
	} else {
		fmt_netns_prefix(&b, fmt);
		/* The reference prints the count as a signed int. */
		if (count > INT32_MAX) {
			fb_putc(&b, '-');
			fb_u64(&b, (uint64_t)UINT32_MAX + 1 - count);
		} else {
			fb_u64(&b, count);
		}
	}
	return fb_finish(&b);
}
