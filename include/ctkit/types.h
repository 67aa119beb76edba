/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Types every layer of libctkit shares: event kinds, callback verdicts and
 * the callback shapes that sources (kernel dumps and events, the engine)
 * deliver through, and the per-CPU statistics record. This header
 * includes nothing of ctkit, so a model, a source and a formatter can all
 * use it without knowing of each other.
 */
#ifndef CTKIT_TYPES_H
#define CTKIT_TYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ctk_entry;
struct ctk_expect;

/* What happened to an entry, for events; CTK_EV_NONE for dumps and gets. */
enum ctk_event {
	CTK_EV_NONE = 0,
	CTK_EV_NEW,
	CTK_EV_UPDATE,
	CTK_EV_DESTROY,
};

/* Callback verdicts, as libmnl's MNL_CB_*. */
enum {
	CTK_CB_ERROR = -1,	/* stop; the call returns -ECANCELED */
	CTK_CB_STOP = 0,	/* stop; the call returns success */
	CTK_CB_OK = 1,		/* go on */
};

/*
 * One entry (or expectation) from a source: a dump, a get, an event, the
 * engine. @e is owned by the source and valid only during the call; copy
 * what must outlive it. Returns a CTK_CB_* verdict.
 */
typedef int (*ctk_entry_cb)(const struct ctk_entry *e, enum ctk_event ev, void *data);
typedef int (*ctk_expect_cb)(const struct ctk_expect *x, enum ctk_event ev, void *data);

/* Per-CPU statistics counters (conntrack -S), as CTA_STATS_*. */
enum ctk_stat {
	CTK_STAT_SEARCHED,
	CTK_STAT_FOUND,
	CTK_STAT_NEW,
	CTK_STAT_INVALID,
	CTK_STAT_IGNORE,
	CTK_STAT_DELETE,
	CTK_STAT_DELETE_LIST,
	CTK_STAT_INSERT,
	CTK_STAT_INSERT_FAILED,
	CTK_STAT_DROP,
	CTK_STAT_EARLY_DROP,
	CTK_STAT_ERROR,
	CTK_STAT_SEARCH_RESTART,
	CTK_STAT_CLASH_RESOLVE,
	CTK_STAT_CHAIN_TOOLONG,
	/* The expectation table's counters (-S expect, IPCTNL_MSG_EXP_GET_STATS_CPU). */
	CTK_STAT_EXP_NEW,
	CTK_STAT_EXP_CREATE,
	CTK_STAT_EXP_DELETE,
	CTK_STAT_MAX
};

/* Room for the counters later kernels add, without changing the struct's size. */
#define CTK_STAT_SLOTS 32

struct ctk_cpu_stats {
	uint32_t cpu;
	uint32_t present;		/* bit per enum ctk_stat */
	uint32_t value[CTK_STAT_SLOTS];	/* [enum ctk_stat]; the rest reserved */
};

/* One per-CPU record from a source; a CTK_CB_* verdict. */
typedef int (*ctk_stats_cb)(const struct ctk_cpu_stats *s, void *data);

#ifdef __cplusplus
}
#endif
#endif
