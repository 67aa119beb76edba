/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Events per second by type, measured between two refreshes: the source
 * counts every event it sees (the kernel's event socket, the engine's
 * callback), each refresh takes a sample.
 */
#ifndef TOP_RATES_H
#define TOP_RATES_H

#include <stdbool.h>
#include <stdint.h>
#include <ctkit/types.h>

enum { TOP_EV_NEW, TOP_EV_UPDATE, TOP_EV_DESTROY, TOP_EV_MAX };

struct top_rates {
	uint64_t total[TOP_EV_MAX]; /* events seen so far */
	uint64_t base[TOP_EV_MAX];  /* the totals at the last sample */
	uint64_t base_ns;	    /* when that was (monotonic), 0: no sample yet */
	double per_sec[TOP_EV_MAX]; /* between the last two samples */
	bool known;		    /* per_sec has been measured */
	uint64_t lost;		    /* times the kernel dropped events (overruns) */
};

/* top_rates_count - one event of type @ev (other types are ignored). */
void top_rates_count(struct top_rates *r, enum ctk_event ev);

/* top_rates_sample - the rates since the last sample, taken at @mono_ns. */
void top_rates_sample(struct top_rates *r, uint64_t mono_ns);

#endif
