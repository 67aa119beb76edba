/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd's daemon: the parts and how they hold together.
 *
 *   kernel.c    ctnetlink: the event mirror (libctkit), dumps, flushes,
 *               the userspace filter (filter.c)
 *   internal.c  the internal cache: what this node's kernel has, each
 *               object with its sync state (queue node, status)
 *   external.c  the external cache: what the peers sent; commit.c puts it
 *               into the kernel
 *   sync.c      Sync mode: the tx queue, messages out through the links
 *               (link*.c), messages in, dispatched to the protocol
 *               (ftfw.c, notrack.c, alarm.c) and applied to the external cache
 *   stats_mode.c  Stats mode: the flow log of destroyed connections
 *   ctl.c       the control socket; report.c the texts of -s and the dumps
 *
 * Everything runs on the loop's thread (loop.c); libctkit's mirror and
 * commit pipeline have their own threads behind their APIs.
 */
#ifndef CTD_H
#define CTD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <ctkit/cache.h>
#include <ctkit/entry.h>
#include <ctkit/expect.h>

#include "config.h"
#include "loop.h"
#include "queue.h"

struct ctd_kernel;
struct ctd_sync;
struct ctd_commit;
struct ctd_ctl;
struct ctk_nl;
struct ctk_out;

/* An internal-cache object's sync state, kept in its cache slot. */
enum ctd_obj_status {
	CTD_OBJ_NEW,   /* not sent yet as anything but a NEW */
	CTD_OBJ_ALIVE, /* updated since */
	CTD_OBJ_DEAD,  /* destroyed; kept until the peer acknowledged the DEL */
};

struct ctd_obj {
	struct ctd_qnode node;
	uint32_t since; /* realtime seconds when it entered the cache */
	uint16_t phase; /* ALARM: the second of the refresh period it is re-sent in */
	uint8_t status; /* enum ctd_obj_status */
};

/* An external-cache object's bookkeeping. */
struct ctd_ext {
	uint32_t since;	     /* realtime seconds when it entered the cache */
	uint32_t lastupdate; /* monotonic seconds of the last message about it */
};

struct ctd_cache_stats {
	uint64_t add_ok, add_fail, upd_ok, upd_fail, del_ok, del_fail;
	uint64_t commit_ok, commit_fail, flush;
};

/* One of the two caches of a kind (conntrack or expectations). */
struct ctd_cache {
	struct ctk_cache *c;
	struct ctd_cache_stats st;
	const char *name; /* "internal" / "external" */
};

struct ctd {
	struct ctd_config *cfg;
	struct ctd_loop *loop;
	bool console;
	time_t started; /* realtime */

	struct ctd_kernel *kernel;
	struct ctd_cache internal_ct,
		internal_exp; /* *_exp: only the counters (expect.c keeps the table) */
	struct ctd_cache external_ct, external_exp;
	struct ctd_sync *sync;	   /* Sync mode */
	struct ctd_commit *commit; /* Sync mode, external caches */
	struct ctd_ctl *ctl;

	/* counters of the runtime section of -s */
	struct {
		uint64_t events_received, events_filtered, overruns, resyncs, flushes;
		uint64_t ctl_requests, ctl_unknown;
		uint64_t bytes, packets; /* counters of destroyed connections */
		uint64_t commits;
		double last_commit_seconds;
		unsigned int event_buffer;
	} st;
	struct ctd_timer purge_timer; /* -t: flush the kernel table later */
};

/* ctd_cache_count - entries a cache holds now (0 when it is not open). */
static inline size_t ctd_cache_count(const struct ctd_cache *c)
{
	return c->c ? ctk_cache_count(c->c) : 0;
}

static inline struct ctd_obj *ctd_obj_of(struct ctd_cache *c, uint32_t ref)
{
	return ctk_cache_extra(c->c, ref);
}

/* kernel.c */
int ctd_kernel_open(struct ctd *d);
void ctd_kernel_close(struct ctd *d);
int ctd_kernel_resync(struct ctd *d, bool expect);	   /* -R: dump into the internal cache */
int ctd_kernel_flush(struct ctd *d, bool ct, bool expect); /* -F: selective flush */
int ctd_kernel_dump(struct ctd *d, int (*cb)(const struct ctk_entry *e, void *data), void *data);
bool ctd_kernel_filter_pass(const struct ctd *d, const struct ctk_entry *e);
/* ctd_kernel_own_portid - events from this netlink socket are our own doing (commit, inject). */
void ctd_kernel_own_portid(struct ctd *d, uint32_t portid);
struct ctk_nl *ctd_kernel_nl(struct ctd *d);

/* internal.c: what the kernel told us; sends through d->sync when there is one */
int ctd_internal_open(struct ctd *d);
void ctd_internal_close(struct ctd *d);
void ctd_internal_ct_event(struct ctd *d, const struct ctk_entry *e, int type, bool announce);
void ctd_internal_exp_event(struct ctd *d, const struct ctk_expect *x, int type);
void ctd_internal_flush(struct ctd *d);
/* ctd_internal_release - the sync layer is done with @ref (acked or sent): free a dead object. */
void ctd_internal_release(struct ctd *d, enum ctd_qkind kind, uint32_t ref);
void ctd_internal_dump(struct ctd *d, struct ctk_out *o, bool expect, bool xml);

/* stats_mode.c */
void ctd_stats_flow(struct ctd *d, const struct ctk_entry *e);
void ctd_stats_count(struct ctd *d, const struct ctk_entry *e);

/* external.c: what the peers told us */
int ctd_external_open(struct ctd *d);
void ctd_external_close(struct ctd *d);
void ctd_external_ct(struct ctd *d, int type, const struct ctk_entry *e);
void ctd_external_flush(struct ctd *d);
void ctd_external_dump(struct ctd *d, struct ctk_out *o, bool expect, bool xml);

#endif
