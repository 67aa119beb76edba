// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What each control request does. The log lines are the reference's, as
 * failover scripts and people grep for them; a ctkit client also learns
 * from the status whether the request was refused (-EBUSY while a commit
 * runs) or failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ctkit/output.h>

#include "commit.h"
#include "ctd.h"
#include "ctl.h"
#include "expect.h"
#include "link.h"
#include "log.h"
#include "report.h"
#include "request.h"
#include "sync.h"

static void on_purge(void *data)
{
	struct ctd *d = data;

	d->st.flushes++;
	ctd_log(LOG_NOTICE, "flushing kernel conntrack table (scheduled)");
	ctd_kernel_flush(d, true, false);
	ctd_internal_flush(d);
}

static int flush_caches(struct ctd *d, bool internal, bool external)
{
	if (external && ctd_commit_running(d)) {
		ctd_log(LOG_ERR, "ignoring flush command, commit still in progress");
		return -EBUSY;
	}
	ctd_timer_disarm(d->loop, &d->purge_timer);
	if (internal && external)
		ctd_log(LOG_NOTICE, "flushing caches");
	else if (internal)
		ctd_log(LOG_NOTICE, "flushing internal cache");
	else
		ctd_log(LOG_NOTICE, "flushing external cache");
	if (internal)
		ctd_internal_flush(d);
	if (external)
		ctd_external_flush(d);
	return 0;
}

static int commit(struct ctd *d, int fd, const char *what, bool ct, bool exp)
{
	int ret;

	if (!d->sync)
		return -ENOTSUP;
	ctd_timer_disarm(d->loop, &d->purge_timer);
	if (ctd_commit_running(d))
		ctd_log(LOG_NOTICE, "commit already in progress, skipping");
	else
		ctd_log(LOG_NOTICE, "committing %s", what);
	ret = ctd_commit_start(d, fd, ct, exp);
	return ret < 0 ? ret : 1; /* answered when it finishes */
}

static void stats(struct ctd *d, struct ctk_out *o, bool expect)
{
	/* Stats mode has one cache, which the reference calls "stats" */
	ctd_report_cache(d, o, d->sync ? "internal" : "stats",
			 expect ? &d->internal_exp : &d->internal_ct,
			 expect ? ctd_expect_count(d, false) : ctd_cache_count(&d->internal_ct));
	if (d->sync)
		ctd_report_cache(d, o, "external", expect ? &d->external_exp : &d->external_ct,
				 expect ? ctd_expect_count(d, true)
					: ctd_cache_count(&d->external_ct));
	ctd_report_traffic(d, o);
	if (d->sync) {
		ctd_links_stats_text(d, o, 0);
		ctd_sync_stats(d, o, 0);
		ctd_report_health(d, o);
	}
}

/* Requests that write a reply: 0, or a negative errno. */
static int reply(struct ctd *d, int request, struct ctk_out *o)
{
	switch (request) {
	case CTD_REQ_CT_DUMP_INTERNAL:
	case CTD_REQ_CT_DUMP_INT_XML:
		ctd_internal_dump(d, o, false, request == CTD_REQ_CT_DUMP_INT_XML);
		return 0;
	case CTD_REQ_EXP_DUMP_INTERNAL:
	case CTD_REQ_EXP_DUMP_INT_XML:
		ctd_internal_dump(d, o, true, request == CTD_REQ_EXP_DUMP_INT_XML);
		return 0;
	case CTD_REQ_CT_DUMP_EXTERNAL:
	case CTD_REQ_CT_DUMP_EXT_XML:
		if (!d->sync)
			return -ENOTSUP;
		ctd_external_dump(d, o, false, request == CTD_REQ_CT_DUMP_EXT_XML);
		return 0;
	case CTD_REQ_EXP_DUMP_EXTERNAL:
	case CTD_REQ_EXP_DUMP_EXT_XML:
		if (!d->sync)
			return -ENOTSUP;
		ctd_external_dump(d, o, true, request == CTD_REQ_EXP_DUMP_EXT_XML);
		return 0;
	case CTD_REQ_STATS:
		stats(d, o, false);
		return 0;
	case CTD_REQ_EXP_STATS:
		if (d->cfg->expectation_sync)
			stats(d, o, true);
		return 0;
	case CTD_REQ_STATS_NETWORK:
		if (!d->sync)
			return -ENOTSUP;
		ctd_sync_stats(d, o, 1);
		ctd_links_stats_text(d, o, 0);
		return 0;
	case CTD_REQ_STATS_CACHE:
		ctd_report_cache_ext(d, o, "internal", &d->internal_ct);
		if (d->sync)
			ctd_report_cache_ext(d, o, "external", &d->external_ct);
		return 0;
	case CTD_REQ_STATS_RUNTIME:
		ctd_report_runtime(d, o);
		return 0;
	case CTD_REQ_STATS_LINK:
		if (d->sync)
			ctd_links_stats_text(d, o, 1);
		return 0;
	case CTD_REQ_STATS_QUEUE:
		ctd_report_queues(d, o);
		return 0;
	case CTD_REQ_STATS_PROCESS:
		return 0;
	case CTD_REQ_STATS_METRICS:
		ctd_report_metrics(d, o);
		return 0;
	default:
		return ctd_sync_request(d, request, o);
	}
}

/* Requests that act: 0, > 0 (answered later), or a negative errno. */
static int act(struct ctd *d, int fd, int request)
{
	switch (request) {
	case CTD_REQ_KILL:
		ctd_log(LOG_NOTICE, "---- shutdown received ----");
		ctd_loop_stop(d->loop);
		return 0;
	case CTD_REQ_CT_RESYNC_MASTER:
	case CTD_REQ_ALL_RESYNC_MASTER:
		ctd_log(LOG_NOTICE, "resync with master conntrack table");
		return ctd_kernel_resync(d, false);
	case CTD_REQ_EXP_RESYNC_MASTER:
		ctd_log(LOG_NOTICE, "resync with master expectation table");
		return ctd_kernel_resync(d, true);
	case CTD_REQ_CT_FLUSH_MASTER:
	case CTD_REQ_EXP_FLUSH_MASTER:
	case CTD_REQ_ALL_FLUSH_MASTER:
		d->st.flushes++;
		ctd_log(LOG_NOTICE, "flushing kernel conntrack table");
		return ctd_kernel_flush(d, request != CTD_REQ_EXP_FLUSH_MASTER,
					request != CTD_REQ_CT_FLUSH_MASTER);
	case CTD_REQ_CT_FLUSH_CACHE:
	case CTD_REQ_ALL_FLUSH_CACHE:
		return flush_caches(d, true, d->sync != NULL);
	case CTD_REQ_CT_FLUSH_INT_CACHE:
		return flush_caches(d, true, false);
	case CTD_REQ_CT_FLUSH_EXT_CACHE:
		if (!d->sync)
			return -ENOTSUP;
		return flush_caches(d, false, true);
	case CTD_REQ_CT_COMMIT:
		return commit(d, fd, "conntrack cache", true, false);
	case CTD_REQ_EXP_COMMIT:
		if (!d->cfg->expectation_sync)
			return 0;
		return commit(d, fd, "expectation cache", false, true);
	case CTD_REQ_ALL_COMMIT:
		return commit(d, fd, "all external caches", true, d->cfg->expectation_sync);
	case CTD_REQ_RESET_TIMERS:
		if (!d->sync)
			return -ENOTSUP;
		if (!ctd_timer_armed(&d->purge_timer)) {
			ctd_log(LOG_NOTICE, "flushing conntrack table in %u secs",
				d->cfg->purge_timeout);
			ctd_timer_init(&d->purge_timer, on_purge, d);
			ctd_timer_arm(d->loop, &d->purge_timer,
				      (uint64_t)d->cfg->purge_timeout * 1000);
		}
		return 0;
	default:
		return -EAGAIN; /* not an action: a reply */
	}
}

int ctd_handle_request(struct ctd *d, int fd, int request)
{
	struct ctk_out *o;
	int ret = act(d, fd, request);

	if (ret != -EAGAIN)
		return ret;
	o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	ctk_out_init(o, fd);
	ret = reply(d, request, o);
	if (ret == -ENOTSUP && request != CTD_REQ_REQUEST_DUMP && request != CTD_REQ_SEND_BULK &&
	    request != CTD_REQ_STATS_RSQUEUE)
		d->st.ctl_unknown++;
	if (ctk_out_flush(o) < 0)
		ctd_log(LOG_WARNING, "control client went away");
	free(o);
	return ret;
}
