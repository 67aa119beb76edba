/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The two clocks ctkit-top reads, in ns. */
#ifndef TOP_CLOCK_H
#define TOP_CLOCK_H

#include <stdint.h>

/* top_mono_ns - CLOCK_MONOTONIC: refresh times, intervals, rates. */
uint64_t top_mono_ns(void);

/* top_wall_ns - CLOCK_REALTIME: the kernel's start times (nf_conntrack_timestamp) are on it. */
uint64_t top_wall_ns(void);

/* top_ms_until - milliseconds from now to @deadline_mono_ns, rounded up; 0 when past. */
int top_ms_until(uint64_t deadline_mono_ns);

#endif
