/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A second thread for batches of kernel requests made during a dump.
 *
 * The kernel does a batch's work inside the sendmsg() that carries it and a
 * dump's work inside the recvmsg() that reads it, so a dump that sends its
 * own changes (-D, -U) keeps one CPU busy with both in turn. The worker
 * sends the batches and reads their answers on its own thread, so the
 * kernel deletes on one CPU while it walks the table on the other.
 *
 * A ring of slots: the caller fills one while the worker handles the ones
 * handed over before it (two slots: double buffering; more let the dump
 * run ahead while the worker waits for a CPU). Handing a slot over waits
 * until the next one is back, so memory stays at the ring's slots, and
 * slots are handled in the order they were handed over. A slot belongs to the worker from
 * ct_batch_worker_submit() until the worker is done with it: the caller
 * touches only the slot ct_batch_worker_slot() names.
 *
 * After a slot fails, the worker drops every later slot unhandled (no
 * request goes out past a failure, as when the batches were sent in line)
 * and the failure is returned from then on.
 */
#ifndef CT_BATCH_WORKER_H
#define CT_BATCH_WORKER_H

/* Handle one slot (send its batch, collect the answers); 0 or a negative errno. */
typedef int (*ct_batch_fn)(void *slot, void *data);

struct ct_batch_worker;

/*
 * ct_batch_worker_start - a worker for @n (>= 2) slots, filled in the order
 * of @slots (the array is copied); @fn runs on the worker's thread.
 * On one CPU, or without a thread (the system refuses one), @fn runs in
 * ct_batch_worker_submit() instead: the same results, one after the other.
 * Returns NULL with errno set when out of memory.
 */
struct ct_batch_worker *ct_batch_worker_start(void *const *slots, unsigned int n, ct_batch_fn fn,
					      void *data);

/* ct_batch_worker_slot - the slot the caller fills now. */
void *ct_batch_worker_slot(const struct ct_batch_worker *w);

/*
 * ct_batch_worker_submit - hand the slot being filled to the worker and
 * wait until the next one is free. Returns the first failure so far, or 0.
 */
int ct_batch_worker_submit(struct ct_batch_worker *w);

/*
 * ct_batch_worker_finish - wait until every slot handed over is handled,
 * end the thread and free @w. Returns the first failure, or 0.
 */
int ct_batch_worker_finish(struct ct_batch_worker *w);

#endif
