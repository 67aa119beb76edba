/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit-top's command line: its own options (--sort, --interval, --batch,
 * ...) are taken out first; every other word is one of conntrack's and
 * goes, after "-L", through conntrack's own parser (ct_parse_args), so
 * the filter options, --group-by, --netns, --pcap and --capture mean
 * exactly what they mean for "conntrack -L".
 */
#ifndef TOP_OPTIONS_H
#define TOP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../conntrack/cli.h"

enum top_sort {
	TOP_SORT_COUNT, /* groups: entries; single entries: by tuple */
	TOP_SORT_PACKETS,
	TOP_SORT_BYTES,
	TOP_SORT_AGE, /* oldest first (start time), else shortest timeout */
	TOP_SORT_MAX
};

/* "count", "packets", "bytes", "age". */
const char *top_sort_name(enum top_sort sort);

#define TOP_INTERVAL_DEFAULT 2.0
#define TOP_INTERVAL_MIN     0.1
#define TOP_INTERVAL_MAX     3600.0

struct top_opts {
	struct ct_cli cli; /* conntrack's part: filter, group spec, netns, capture */
	enum top_sort sort;
	bool reverse;		  /* --reverse: smallest (or newest) first */
	bool batch;		  /* --batch: plain text refreshes on stdout */
	unsigned long iterations; /* --iterations N; 0: until stopped */
	unsigned long top;	  /* --top N rows at most; 0: what fits (batch: all) */
	double interval;	  /* --interval SECONDS between refreshes */
	bool help;		  /* -h, --help */
	bool version;		  /* -V, --version */
	char filter_words[256];	  /* conntrack's words as given, for the header */
};

/*
 * top_parse_options - compile argv into @o. Returns 0, or -1 with @err set
 * (exit code 2 for usage errors, as conntrack's); never prints. On success
 * the caller frees @o with top_free_options(). With --pcap or --capture,
 * the engine counts packets and start times (nf_conntrack_acct and
 * nf_conntrack_timestamp on) unless a --sysctl says otherwise.
 */
int top_parse_options(int argc, char **argv, struct top_opts *o, struct ct_error *err);

/* top_free_options - what parsing allocated (label maps, --filter-file's filters). */
void top_free_options(struct top_opts *o);

/* top_print_help - the usage text on stdout. */
void top_print_help(void);

#endif
