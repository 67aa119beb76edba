// SPDX-License-Identifier: LGPL-2.1-or-later
/* The clocks (see clock.h). */
#include <time.h>

#include "clock.h"

static uint64_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t top_mono_ns(void)
{
	return read_clock(CLOCK_MONOTONIC);
}

uint64_t top_wall_ns(void)
{
	return read_clock(CLOCK_REALTIME);
}

int top_ms_until(uint64_t deadline_mono_ns)
{
	uint64_t now = top_mono_ns();

	return now >= deadline_mono_ns ? 0 : (int)((deadline_mono_ns - now + 999999) / 1000000);
}
