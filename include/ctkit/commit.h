/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The commit pipeline: many create, update, delete and get requests for the
 * kernel's conntrack table, sent in batches (hundreds per sendmsg()), each
 * answered by exactly one result, delivered in the order the requests were
 * queued.
 *
 * Why batches and a worker: the kernel does a batch's work inside the
 * sendmsg() that carries it, so a caller that produces requests (a dump
 * callback, a file reader, a daemon's sync loop) would otherwise wait for
 * the kernel after every batch. A worker thread sends the batches and
 * collects their answers while the caller fills the next one.
 *
 * Memory: a ring of @slots batches of at most @batch requests each, all
 * allocated by ctk_commit_new(). Queueing into a full ring waits until the
 * worker hands a batch back, so memory stays the same whatever the number
 * of requests.
 *
 * Sessions: the pipeline opens its own netlink sessions, one per slot, in
 * the network namespace of the thread that calls ctk_commit_new(), and
 * closes them in ctk_commit_close(). It never uses a caller's session, so
 * the caller may dump on its own session while queueing requests.
 *
 * Threading: one thread (the "producer") queues requests and calls
 * ctk_commit_flush() and ctk_commit_close(); a pipeline is not for several
 * producers at once. The result callback runs on the worker thread, or on
 * the producer's thread inside ctk_commit_*() calls when the pipeline runs
 * inline (one CPU, CTK_COMMIT_INLINE, or no thread could be started): the
 * same results in the same order either way. The callback must not call
 * ctk_commit_*() on its own pipeline. Results of one pipeline never run
 * concurrently with each other.
 *
 * Failures: a result carries its request's negative errno. A callback that
 * returns a negative errno stops the pipeline: the requests of batches not
 * yet sent are not sent, and each of them still gets its result, with
 * -ECANCELED. The requests of the batch being answered were already run
 * by the kernel (it handles a whole batch in one call), so their results
 * are the kernel's. A transport failure (send or receive) stops the
 * pipeline the same way. No global state: independent pipelines may run
 * in one process.
 */
#ifndef CTKIT_COMMIT_H
#define CTKIT_COMMIT_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ctk_commit_op {
	CTK_COMMIT_CREATE,
	CTK_COMMIT_UPDATE,
	CTK_COMMIT_DELETE,
	CTK_COMMIT_GET,
};

/* The result of one request; valid only during the callback. */
struct ctk_commit_result {
	unsigned long seq;		/* the request's number: 0, 1, ... in queue order */
	void *cookie;			/* as given when queued */
	enum ctk_commit_op op;
	int err;			/* 0, or the request's negative errno */
	/*
	 * Gets, and updates queued with CTK_COMMIT_REREAD: the entry the
	 * kernel answered, or NULL (then @reread_err says why: -ENOENT when it
	 * is gone). An update's re-read runs even when the update failed.
	 */
	const struct ctk_entry *entry;
	int reread_err;
	const struct ctk_entry *request;	/* the entry as queued */
};

/*
 * The result callback: returns 0 to go on, or a negative errno to stop the
 * pipeline (see "Failures" above); the first such errno is what the
 * producer's calls return from then on.
 */
typedef int (*ctk_commit_cb)(const struct ctk_commit_result *r, void *data);

/* Options for ctk_commit_new(); zero-initialised means the defaults. */
struct ctk_commit_opts {
	unsigned int batch;	/* requests per batch: 0 = 256, at most 1024 */
	unsigned int slots;	/* batches in the ring: 0 = 4, at least 2, at most 64 */
	unsigned int flags;	/* CTK_COMMIT_INLINE */
	/*
	 * Open the pipeline's sessions in the network namespace of this
	 * session (ctk_nl_open_netns); NULL: the caller's. Borrowed: read
	 * only in ctk_commit_new().
	 */
	const struct ctk_nl *netns_of;
	uint8_t reserved[16];	/* later options: zero the struct first */
};

#define CTK_COMMIT_INLINE 0x1u	/* no worker thread: send on the producer's thread */
#define CTK_COMMIT_REREAD 0x1u	/* ctk_commit_update(): get the entry after updating it */

struct ctk_nl;
struct ctk_commit;

/*
 * ctk_commit_new - a pipeline delivering results to @cb with @data; @o may
 * be NULL (defaults). Returns NULL with errno set: EINVAL for bad options,
 * ENOMEM, or the error of opening a netlink session.
 */
struct ctk_commit *ctk_commit_new(const struct ctk_commit_opts *o, ctk_commit_cb cb, void *data);

/*
 * Queue a request for @e (copied; the caller keeps ownership) with the
 * address @family and an opaque @cookie handed back in its result. A
 * request is sent once its batch is full or at ctk_commit_flush(). May
 * wait for the worker when the ring is full.
 * Return the request's number (>= 0), or a negative errno: the error that
 * stopped the pipeline, -EMSGSIZE for an entry too large for a batch,
 * -EINVAL for an unknown flag. On error nothing was queued and no result
 * will come for it.
 *
 * ctk_commit_create - IPCTNL_MSG_CT_NEW with @nlm_flags (NLM_F_CREATE |
 *   NLM_F_EXCL to create, as ctk_nl_create()).
 * ctk_commit_update - IPCTNL_MSG_CT_NEW without NLM_F_CREATE: change the
 *   entry with @e's tuple; @flags: 0 or CTK_COMMIT_REREAD.
 * ctk_commit_delete - IPCTNL_MSG_CT_DELETE by tuple, zone and id (as
 *   ctk_nl_delete()).
 * ctk_commit_get - IPCTNL_MSG_CT_GET by tuple and zone; the result carries
 *   the entry.
 */
long ctk_commit_create(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e,
		       uint16_t nlm_flags, void *cookie);
long ctk_commit_update(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e,
		       unsigned int flags, void *cookie);
long ctk_commit_delete(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e,
		       void *cookie);
long ctk_commit_get(struct ctk_commit *c, uint8_t family, const struct ctk_entry *e,
		    void *cookie);

/*
 * ctk_commit_flush - send what is queued and wait until every request
 * queued so far has had its result. Returns 0, or the negative errno that
 * stopped the pipeline (it stays stopped).
 */
int ctk_commit_flush(struct ctk_commit *c);

/*
 * ctk_commit_portids - the netlink port ids of the pipeline's sessions, so
 * a program that also listens to events can tell the changes it made
 * itself (struct ctk_event_info.portid). Writes at most @max ids into @ids
 * and returns how many sessions the pipeline has. Never fails.
 */
size_t ctk_commit_portids(const struct ctk_commit *c, uint32_t *ids, size_t max);

/*
 * ctk_commit_close - flush, end the worker, close the sessions and free
 * @c (NULL is a no-op). Returns what ctk_commit_flush() would.
 */
int ctk_commit_close(struct ctk_commit *c);

#ifdef __cplusplus
}
#endif
#endif
