/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An event mirror: the conntrack table's events, received without loss
 * where the kernel allows it and repaired where it does not.
 *
 *  - A reader thread drains the event socket into a bounded in-memory
 *    queue (raw messages, about 250 bytes an event against the kernel's
 *    1 KiB), so a burst the consumer cannot keep up with waits here
 *    instead of overflowing the kernel's socket queue. When the queue is
 *    full the reader stops reading: the kernel's queue absorbs what comes
 *    meanwhile, and if that overflows it is an overrun. Nothing is ever
 *    dropped silently.
 *  - The consumer side is a descriptor (ctk_mirror_fd) that is readable
 *    while events wait, for a poll/epoll loop, and ctk_mirror_dispatch()
 *    which handles a bounded number of them per call; ctk_mirror_run() is
 *    the blocking loop made of both.
 *  - With resync, the mirror keeps an entry cache (ctkit/cache.h) of the
 *    live entries, built from a dump at ctk_mirror_start() and the NEW
 *    and DESTROY events. An overrun (ENOBUFS) takes its place in the
 *    queue; when the consumer reaches it (every event received before
 *    the loss applied) the mirror dumps the table and compares: an entry
 *    in the table and not in the cache is reported as a NEW, an entry in
 *    the cache and no longer in the table as a DESTROY, both through the
 *    event callback with info->repaired set. UPDATEs are never
 *    synthesised; an entry born and gone between the loss and the dump
 *    cannot be recovered; an entry's real event queued after the loss
 *    can follow its repaired one (reported twice, never lost).
 *
 * Threading: the reader thread only receives and queues; every callback,
 * the cache and the dumps run on the thread that calls
 * ctk_mirror_start(), ctk_mirror_dispatch(), ctk_mirror_run() or
 * ctk_mirror_resync() (the consumer; one at a time). The reader thread
 * blocks every signal, so signals reach the caller's threads. Only
 * ctk_mirror_stop() may be called from another thread or a signal handler.
 *
 * Callbacks (ctk_event_cb, on the consumer thread): @e and @info are
 * owned by the mirror and valid during the call only. A callback may
 * read ctk_mirror_stats() and ctk_mirror_cache() (without changing the
 * cache) and call ctk_mirror_stop(); it must not call the other
 * ctk_mirror_* functions. Its verdict: CTK_CB_OK goes on, CTK_CB_STOP
 * makes the current dispatch return and ctk_mirror_run() return 0,
 * CTK_CB_ERROR makes them return -ECANCELED.
 *
 * Ownership: the mirror owns its event socket, thread, queue and cache;
 * the session given in the options (for dumps) stays the caller's and
 * must outlive the mirror.
 *
 * Errors: functions return 0 (or a count) or a negative errno;
 * ctk_mirror_new() returns NULL with errno set.
 */
#ifndef CTKIT_MIRROR_H
#define CTKIT_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctkit/cache.h>
#include <ctkit/events.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ctk_nl;

/* What ctk_mirror_opts.notify is told, on the consumer thread. */
enum ctk_mirror_note {
	/* The kernel dropped events (ENOBUFS); a resync follows if enabled. */
	CTK_MIRROR_OVERRUN = 1,
	/* A resync dump failed (err: -errno); the next overrun tries again. */
	CTK_MIRROR_RESYNC_FAILED,
};

struct ctk_mirror_opts {
	/* CTK_EVENTS_* whose events reach @cb (real and repaired). */
	unsigned int groups;
	/*
	 * Keep a cache and repair overruns. NEW and DESTROY are then
	 * subscribed whatever @groups says (the cache needs them).
	 */
	bool resync;
	/*
	 * The session dumps run on (needed with @resync). Borrowed. When
	 * given, the event socket is opened in its network namespace
	 * (ctk_nl_open_netns), so one namespace fd serves both.
	 */
	struct ctk_nl *nl;
	/* Bound of the in-memory queue in bytes; 0: 64 MiB. At least 1 MiB. */
	size_t queue_bytes;
	/* The cache's options (with @resync). */
	struct ctk_cache_opts cache;
	/*
	 * Which dumped entries the cache takes (NULL: all): an entry whose
	 * events a socket filter drops must stay out, or it would look
	 * destroyed at every resync.
	 */
	bool (*track)(const struct ctk_entry *e, void *data);
	ctk_event_cb cb;
	void (*notify)(enum ctk_mirror_note note, int err, void *data);
	void *data; /* for @cb, @track and @notify */
};

struct ctk_mirror_stats {
	uint64_t events;	   /* real events delivered to the callback */
	uint64_t overruns;	   /* ENOBUFS from the event socket */
	uint64_t resyncs;	   /* resync dumps that completed */
	uint64_t resync_failures;  /* resync dumps that failed */
	uint64_t repaired_new;	   /* synthetic NEWs (also those outside @groups) */
	uint64_t repaired_destroy; /* synthetic DESTROYs */
	uint64_t queue_full;	   /* times the reader waited for queue space */
	size_t queue_peak;	   /* most bytes queued at once */
};

struct ctk_mirror;

/*
 * ctk_mirror_new - open the event socket (not read yet: set its queue size
 * or attach a socket filter through ctk_mirror_events() first). Returns
 * NULL with errno set (EINVAL: no callback, or resync without a session;
 * ENOMEM; the socket's errors, EPERM without privilege).
 */
struct ctk_mirror *ctk_mirror_new(const struct ctk_mirror_opts *o);

/* ctk_mirror_events - the event socket, for setsockopt before ctk_mirror_start(). */
struct ctk_events *ctk_mirror_events(struct ctk_mirror *m);

/*
 * ctk_mirror_start - start the reader thread, then (with resync) dump the
 * table into the cache as the baseline; events queued meanwhile are
 * applied after it. Returns 0, -EALREADY if started, or -errno (the
 * thread's, the dump's, or the cache's -ENOMEM/-ENOSPC).
 */
int ctk_mirror_start(struct ctk_mirror *m);

/*
 * ctk_mirror_fd - readable while events (or an overrun, or a reader error)
 * wait, and after ctk_mirror_stop(). For poll/epoll, level-triggered.
 */
int ctk_mirror_fd(const struct ctk_mirror *m);

/*
 * ctk_mirror_dispatch - handle up to @budget queued items (a received
 * message, or an overrun with its resync, each count one) without
 * blocking. Returns the number
 * handled (0: nothing waited), -ECANCELED when a callback returned
 * CTK_CB_ERROR, -ENOMEM or -ENOSPC when the cache could not take an
 * entry (the event was still delivered; a later repair may miss that
 * entry), or the reader's -errno when receiving failed (the reader has
 * stopped). The mirror stays usable after -ECANCELED, -ENOMEM, -ENOSPC.
 */
int ctk_mirror_dispatch(struct ctk_mirror *m, unsigned int budget);

/*
 * ctk_mirror_run - dispatch until a callback returns CTK_CB_STOP or
 * ctk_mirror_stop() is called (0), or an error as ctk_mirror_dispatch()
 * (-EINTR is not one: a signal only wakes it).
 */
int ctk_mirror_run(struct ctk_mirror *m);

/*
 * ctk_mirror_stop - make ctk_mirror_run() return 0, or the next run when
 * none is running (a stop is never lost); async-signal-safe.
 */
void ctk_mirror_stop(struct ctk_mirror *m);

/*
 * ctk_mirror_resync - dump and repair now, as after an overrun. Returns 0,
 * -EOPNOTSUPP without resync, -ECANCELED (a callback's CTK_CB_ERROR),
 * -ENOMEM/-ENOSPC (the cache), or the dump's -errno.
 */
int ctk_mirror_resync(struct ctk_mirror *m);

/* ctk_mirror_stats - a copy of the counters (consumer thread). */
void ctk_mirror_stats(const struct ctk_mirror *m, struct ctk_mirror_stats *s);

/* ctk_mirror_cache - the cache (NULL without resync); read it, do not change it. */
struct ctk_cache *ctk_mirror_cache(struct ctk_mirror *m);

/* ctk_mirror_free - stop the reader, close the socket, free everything; NULL is allowed. */
void ctk_mirror_free(struct ctk_mirror *m);

#ifdef __cplusplus
}
#endif
#endif
