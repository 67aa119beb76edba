/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to lib/netlink: the commit pipeline's ring of slots and the
 * thread that handles them (commit_ring.c).
 *
 * The producer fills one slot while the worker handles the ones handed
 * over before it. Handing a slot over waits until the next one is back,
 * so memory stays at the ring's slots, and slots are handled in the order
 * they were handed over. A slot belongs to the worker from
 * ctknl_ring_submit() until the worker is done with it: the producer
 * touches only the slot ctknl_ring_slot() names.
 *
 * Every slot handed over is handled, also after a failure: the handler is
 * told the first failure so far and must then only report its slot as
 * cancelled (no request goes out past a failure).
 */
#ifndef CTK_NETLINK_COMMIT_RING_H
#define CTK_NETLINK_COMMIT_RING_H

#include <stdbool.h>

/*
 * Handle @slot; @error is the first failure so far (0: none), under which
 * the slot must not be sent. Returns 0 or a negative errno (the slot's
 * own failure).
 */
typedef int (*ctknl_ring_fn)(void *slot, int error, void *data);

struct ctknl_ring;

/*
 * ctknl_ring_start - a ring of @n (>= 2) slots, filled in the order of
 * @slots (the array is copied); @fn runs on the worker's thread. With
 * @threaded false, on one CPU, or when the system refuses a thread, @fn
 * runs inside ctknl_ring_submit() instead: the same results, one after
 * the other. Returns NULL with errno set.
 */
struct ctknl_ring *ctknl_ring_start(void *const *slots, unsigned int n, ctknl_ring_fn fn,
				    void *data, bool threaded);
/* ctknl_ring_slot - the slot the producer fills now. */
void *ctknl_ring_slot(const struct ctknl_ring *r);
/* ctknl_ring_submit - hand the slot over, wait until the next is free; the first failure or 0. */
int ctknl_ring_submit(struct ctknl_ring *r);
/* ctknl_ring_drain - wait until every slot handed over is handled; the first failure or 0. */
int ctknl_ring_drain(struct ctknl_ring *r);
/* ctknl_ring_stop - drain, end the thread, free @r; the first failure or 0. */
int ctknl_ring_stop(struct ctknl_ring *r);

#endif
