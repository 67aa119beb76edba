// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctkit's engine as the table: conntrack's own replay machinery
 * (ct_replay_*, tools/conntrack/run_pcap.c) feeds it, so --pcap,
 * --capture and their options (--sysctl, --timeout-policy, --ruleset...)
 * behave as for "conntrack --pcap FILE -L". A capture file is replayed
 * once, at the start, and its final table shown (its clock stops at the
 * last packet); a live capture is read between refreshes and keys, its
 * clock the wall clock. Events are the engine's own, counted as they fire.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctkit/engine.h>

#include "../conntrack/run_pcap.h"
#include "clock.h"
#include "report.h"
#include "signals.h"
#include "source.h"

/* Frames between two looks at keys: a live capture's step is short. */
#define LIVE_STEP 256
/* Frames between two looks at a stop signal while a file is replayed. */
#define FILE_STEP 65536

struct engine_source {
	struct top_source base; /* first: the loops' handle */
	struct ct_replay *replay;
	bool live; /* --capture */
};

static struct engine_source *engine_of(struct top_source *s)
{
	return (struct engine_source *)s;
}

static int count_event(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct engine_source *g = data;

	(void)e;
	top_rates_count(&g->base.rates, ev);
	return CTK_CB_OK;
}

static int engine_refresh(struct top_source *s, struct top_table *t, size_t limit)
{
	struct engine_source *g = engine_of(s);
	struct ctk_engine *eng = ct_replay_engine(g->replay);
	int ret;

	/* a live table ages while no packet comes: expire up to now */
	if (g->live && ct_replay_settle(g->replay, top_wall_ns()) < 0)
		return -EIO;
	ret = top_table_begin(t, limit, ct_replay_now(g->replay));
	if (ret < 0)
		return ret;
	ret = ctk_engine_foreach(eng, t->now_ns, top_table_entry_cb, t);
	top_table_finish(t, ret >= 0);
	return ret < 0 ? ret : t->error;
}

static bool input_ready(int input_fd)
{
	struct pollfd p = {.fd = input_fd, .events = POLLIN};

	return poll(&p, 1, 0) > 0 || top_stopping();
}

static enum top_wait engine_wait(struct top_source *s, int input_fd, int timeout_ms)
{
	struct engine_source *g = engine_of(s);
	uint64_t deadline = top_mono_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000;
	struct pollfd p = {.fd = input_fd, .events = POLLIN};

	if (!g->live) {
		int n = poll(&p, 1, timeout_ms);

		return n > 0 || (n < 0 && errno == EINTR) ? TOP_WAIT_INPUT
		       : n == 0				  ? TOP_WAIT_TIMEOUT
							  : TOP_WAIT_ERROR;
	}
	/* a step waits a quarter of a second at most when no packet comes */
	for (;;) {
		int ret;

		if (input_ready(input_fd))
			return TOP_WAIT_INPUT;
		if (timeout_ms >= 0 && top_ms_until(deadline) == 0)
			return TOP_WAIT_TIMEOUT;
		ret = ct_replay_step(g->replay, LIVE_STEP);
		if (ret == 0)
			return TOP_WAIT_END;
		if (ret < 0)
			return TOP_WAIT_ERROR;
	}
}

static void engine_counts(struct top_source *s, long long *entries, long long *limit)
{
	struct ctk_engine *eng = ct_replay_engine(engine_of(s)->replay);

	*entries = ctk_engine_count(eng);
	*limit = ctk_engine_config(eng)->max;
}

static void engine_close(struct top_source *s)
{
	struct engine_source *g = engine_of(s);

	ct_replay_close(g->replay);
	free(g);
}

static const struct top_source_ops engine_ops = {
	.refresh = engine_refresh,
	.wait = engine_wait,
	.counts = engine_counts,
	.close = engine_close,
};

/* The whole file now: its table is what the view shows. */
static int replay_file(struct engine_source *g)
{
	int ret;

	while ((ret = ct_replay_step(g->replay, FILE_STEP)) > 0)
		if (top_stopping())
			break;
	if (ret < 0)
		return -1;
	return ct_replay_settle(g->replay, 0);
}

struct top_source *top_source_engine_open(const struct top_opts *o, struct ctk_out *out, int *rc)
{
	struct engine_source *g = calloc(1, sizeof(*g));
	const struct ct_cli *cli = &o->cli;

	if (!g) {
		top_say("%s", strerror(ENOMEM));
		*rc = TOP_EXIT_OTHER;
		return NULL;
	}
	g->base.ops = &engine_ops;
	g->base.has_events = true;
	g->live = cli->capture_iface != NULL;
	if (g->live)
		snprintf(g->base.what, sizeof(g->base.what), "live capture on %s",
			 cli->capture_iface);
	else
		snprintf(g->base.what, sizeof(g->base.what), "capture %s", cli->pcap_file);
	g->replay = ct_replay_open(cli, out, rc);
	if (!g->replay) {
		free(g);
		return NULL;
	}
	ctk_engine_set_event_cb(ct_replay_engine(g->replay), count_event, g);
	if (!g->live) {
		g->base.still = true;
		if (replay_file(g) < 0) {
			engine_close(&g->base);
			*rc = TOP_EXIT_OTHER;
			return NULL;
		}
	}
	return &g->base;
}
