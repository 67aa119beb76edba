/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the table comes from: the kernel (a dump per refresh, events
 * counted from an event socket) or ctkit's engine fed by a capture
 * (--pcap FILE replayed at the start, --capture IFACE as packets come).
 * The loops see only this interface.
 */
#ifndef TOP_SOURCE_H
#define TOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <ctkit/output.h>

#include "model/rates.h"
#include "model/table.h"
#include "options.h"

enum top_wait {
	TOP_WAIT_INPUT,	  /* the input is readable, or a signal came */
	TOP_WAIT_TIMEOUT, /* the time ran out */
	TOP_WAIT_END,	  /* the source ended (a live capture stopped) */
	TOP_WAIT_ERROR,	  /* it cannot go on (said on stderr) */
};

struct top_source;

struct top_source_ops {
	/*
	 * Fill @t with the table as it is now (top_table_begin() with @limit
	 * rows per order ... top_table_finish()). 0, or a negative errno; a
	 * refresh the table's interrupt hook stopped is not complete.
	 */
	int (*refresh)(struct top_source *s, struct top_table *t, size_t limit);
	/*
	 * Do the source's own work (events, packets) until @input_fd (-1:
	 * none) is readable or @timeout_ms (-1: no limit) has passed.
	 */
	enum top_wait (*wait)(struct top_source *s, int input_fd, int timeout_ms);
	/* Entries in the table and its limit; -1: unknown, limit 0: none. */
	void (*counts)(struct top_source *s, long long *entries, long long *limit);
	void (*close)(struct top_source *s);
};

struct top_source {
	const struct top_source_ops *ops;
	char what[160];		/* for the header: "kernel table", "capture FILE" */
	struct top_rates rates; /* events as they come */
	bool has_events;	/* the rates mean something */
	bool still;		/* the table no longer changes (a replayed capture) */
};

/*
 * top_source_kernel_open - the kernel's table of the namespace the
 * process runs in (main has entered --netns). NULL after saying why on
 * stderr, *@rc the exit code.
 */
struct top_source *top_source_kernel_open(const struct top_opts *o, int *rc);

/*
 * top_source_engine_open - the engine fed by o->cli's --pcap (replayed
 * now, to its end, unless a stop signal comes) or --capture. @out takes
 * what conntrack's replay would print. NULL after saying why, *@rc the
 * exit code.
 */
struct top_source *top_source_engine_open(const struct top_opts *o, struct ctk_out *out, int *rc);

#endif
