// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kernel events counted through an event mirror (see kernel_events.h). */
#include <errno.h>
#include <stdlib.h>
#include <ctkit/mirror.h>

#include "kernel_events.h"

/* Enough for bursts during a dump; counting needs no more. */
#define QUEUE_BYTES (8u << 20)
/* Events per drain: the loop gets back to keys and the screen in between. */
#define DRAIN_BUDGET 8192

struct top_kevents {
	struct ctk_mirror *mirror;
	struct top_rates *rates;
};

static int count_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct top_kevents *k = data;

	(void)e;
	top_rates_count(k->rates, info->type);
	return CTK_CB_OK;
}

static void note(enum ctk_mirror_note what, int err, void *data)
{
	struct top_kevents *k = data;

	(void)err;
	if (what == CTK_MIRROR_OVERRUN)
		k->rates->lost++;
}

struct top_kevents *top_kevents_open(struct top_rates *rates)
{
	struct top_kevents *k = calloc(1, sizeof(*k));
	struct ctk_mirror_opts o = {
		.groups = CTK_EVENTS_ALL,
		.queue_bytes = QUEUE_BYTES,
		.cb = count_event,
		.notify = note,
	};
	int ret;

	if (!k)
		return NULL;
	k->rates = rates;
	o.data = k;
	k->mirror = ctk_mirror_new(&o);
	if (!k->mirror) {
		free(k);
		return NULL;
	}
	ret = ctk_mirror_start(k->mirror);
	if (ret < 0) {
		top_kevents_close(k);
		errno = -ret;
		return NULL;
	}
	return k;
}

int top_kevents_fd(const struct top_kevents *k)
{
	return ctk_mirror_fd(k->mirror);
}

int top_kevents_drain(struct top_kevents *k)
{
	int ret = ctk_mirror_dispatch(k->mirror, DRAIN_BUDGET);

	return ret < 0 ? ret : 0;
}

void top_kevents_close(struct top_kevents *k)
{
	if (!k)
		return;
	ctk_mirror_free(k->mirror);
	free(k);
}
