/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's conntrack events, only counted (new, update, destroy), for
 * the header's events per second: an event mirror without resync (its
 * reader thread queues events while a long dump keeps the loop busy, and
 * says when the kernel dropped some).
 */
#ifndef TOP_KERNEL_EVENTS_H
#define TOP_KERNEL_EVENTS_H

#include "model/rates.h"

struct top_kevents;

/* top_kevents_open - count into @rates from now on; NULL with errno set. */
struct top_kevents *top_kevents_open(struct top_rates *rates);

/* top_kevents_fd - readable while events wait. */
int top_kevents_fd(const struct top_kevents *k);

/* top_kevents_drain - count what waits. 0, or a negative errno (the socket failed). */
int top_kevents_drain(struct top_kevents *k);

/* top_kevents_close - stop and free; NULL is a no-op. */
void top_kevents_close(struct top_kevents *k);

#endif
