// SPDX-License-Identifier: LGPL-2.1-or-later
/* The progress line of long file reads: see progress.h. */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define PROGRESS_NS 250000000ull

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ct_progress_init(struct ct_progress *p, const char *name, int fd)
{
	struct stat st;

	p->name = name;
	p->size = 0;
	p->drawn = false;
	p->last_draw_ns = 0; /* the first tick draws: a long read shows at once */
	if (fd < 0 || !isatty(STDERR_FILENO) || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	if (st.st_size >= (off_t)CT_PROGRESS_MIN_BYTES)
		p->size = st.st_size;
}

void ct_progress_draw(struct ct_progress *p, off_t pos, uint64_t count, const char *what)
{
	uint64_t now;

	if (!p->size || pos < 0)
		return;
	now = monotonic_ns();
	if (now - p->last_draw_ns < PROGRESS_NS)
		return;
	p->last_draw_ns = now;
	p->drawn = true;
	fprintf(stderr, "\r%s: %3d%% (%llu %s)", p->name, (int)(pos * 100 / p->size),
		(unsigned long long)count, what);
	fflush(stderr);
}

void ct_progress_clear(struct ct_progress *p)
{
	if (p->drawn)
		fprintf(stderr, "\r\033[K");
	p->drawn = false;
}
