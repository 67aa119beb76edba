// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stats mode: every destroyed connection becomes a line in the flow log,
 * conntrackd's "ctime<TAB>entry" text, or with `LogFormat json` one JSON
 * object per flow for log pipelines.
 */
#include <string.h>
#include <time.h>

#include <ctkit/events.h>
#include <ctkit/format.h>

#include "ctd.h"
#include "log.h"

void ctd_stats_flow(struct ctd *d, const struct ctk_entry *e)
{
	struct ctk_fmt fmt = {.kind = d->cfg->stats_json ? CTK_FMT_JSON : CTK_FMT_DEFAULT};
	struct ctk_entry flow = *e;
	char line[4096];
	size_t n = 0, len;
	time_t t = time(NULL);

	fmt.now = t;
	if (!d->cfg->stats_json) {
		ctime_r(&t, line);
		n = strlen(line);
		if (n)
			line[n - 1] = '\t';
	}
	/* a finished flow has no timeout left (the reference's line shows none) */
	ctk_entry_unset(&flow, CTK_ATTR_TIMEOUT);
	len = ctk_format_entry(line + n, sizeof(line) - n - 1, &flow, CTK_EV_NONE, &fmt);
	n += len < sizeof(line) - n - 1 ? len : sizeof(line) - n - 2;
	line[n++] = '\n';
	line[n] = '\0';
	ctd_log_flow(line);
}

void ctd_stats_count(struct ctd *d, const struct ctk_entry *e)
{
	for (int dir = 0; dir < 2; dir++) {
		if (ctk_entry_has(e, dir ? CTK_ATTR_COUNTERS_REPLY : CTK_ATTR_COUNTERS_ORIG)) {
			d->st.bytes += e->counters[dir].bytes;
			d->st.packets += e->counters[dir].packets;
		}
	}
}
