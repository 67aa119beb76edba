// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the event read path: the input is what one
 * receive on the event socket returned (any number of netlink messages,
 * framing included), decoded by ctk_events_decode() exactly as
 * ctk_events_read() does. Every decoded event is then formatted in each
 * output kind with its event tag, as conntrack -E prints it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/events.h>
#include <ctkit/format.h>
#include <ctkit/netlink.h>

static struct ctk_entry entry;
static char line[16384];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int format_all(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	static const struct ctk_fmt fmts[] = {
		{.kind = CTK_FMT_DEFAULT},
		{.kind = CTK_FMT_DEFAULT,
		 .flags = CTK_FMT_F_EXTENDED | CTK_FMT_F_ID | CTK_FMT_F_KTIMESTAMP},
		{.kind = CTK_FMT_XML, .flags = CTK_FMT_F_TIMESTAMP | CTK_FMT_F_KTIMESTAMP},
		{.kind = CTK_FMT_SAVE},
		{.kind = CTK_FMT_JSON},
	};

	(void)data;
	if (info->type > CTK_EV_DESTROY)
		abort();
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		size_t n = ctk_format_entry(line, sizeof(line), e, info->type, &fmts[i]);

		/* snprintf contract: a NUL-terminated prefix of the full text. */
		if (strlen(line) != (n < sizeof(line) ? n : sizeof(line) - 1))
			abort();
	}
	return CTK_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *buf;

	if (size > 65536)
		return 0;
	/* An exact-size aligned copy, so ASan sees every overread. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (ctk_events_decode(buf, size, &entry, format_all, NULL) < 0)
		abort();
	free(buf);
	return 0;
}
