// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -s: the reference's paragraphs byte for byte (scripts parse them), then
 * ctkit's health section, and -s metrics in the OpenMetrics text format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <ctkit/output.h>

#include "auth.h"
#include "ctd.h"
#include "link.h"
#include "report.h"
#include "sync.h"

size_t ctd_ftfw_rsq_len(void);
uint64_t ctd_ftfw_rs_dropped(void);
void ctd_sync_counters(struct ctd *d, uint64_t *sent, uint64_t *recv, uint64_t *lost,
		       uint64_t *malformed, time_t *last_recv);

void ctd_report_cache(struct ctd *d, struct ctk_out *o, const char *label,
		      const struct ctd_cache *c, size_t count)
{
	(void)d;
	ctk_out_printf(o,
		       "cache %s:\n"
		       "current active connections:\t%12u\n"
		       "connections created:\t\t%12u\tfailed:\t%12u\n"
		       "connections updated:\t\t%12u\tfailed:\t%12u\n"
		       "connections destroyed:\t\t%12u\tfailed:\t%12u\n\n",
		       label, (unsigned int)count, (unsigned int)c->st.add_ok,
		       (unsigned int)c->st.add_fail, (unsigned int)c->st.upd_ok,
		       (unsigned int)c->st.upd_fail, (unsigned int)c->st.del_ok,
		       (unsigned int)c->st.del_fail);
}

void ctd_report_cache_ext(struct ctd *d, struct ctk_out *o, const char *label,
			  const struct ctd_cache *c)
{
	(void)d;
	ctk_out_printf(o,
		       "cache:%s\tactive objects:\t\t%12u\n"
		       "\tactive/total entries:\t\t%12u/%12u\n"
		       "\tcreation OK/failed:\t\t%12u/%12u\n"
		       "\t\tno memory available:\t%12u\n"
		       "\t\tno space left in cache:\t%12u\n"
		       "\tupdate OK/failed:\t\t%12u/%12u\n"
		       "\t\tentry not found:\t%12u\n"
		       "\tdeletion created/failed:\t%12u/%12u\n"
		       "\t\tentry not found:\t%12u\n\n",
		       label, (unsigned int)ctd_cache_count(c), (unsigned int)ctd_cache_count(c),
		       (unsigned int)ctd_cache_count(c), (unsigned int)c->st.add_ok,
		       (unsigned int)c->st.add_fail, 0u, (unsigned int)c->st.add_fail,
		       (unsigned int)c->st.upd_ok, (unsigned int)c->st.upd_fail,
		       (unsigned int)c->st.upd_fail, (unsigned int)c->st.del_ok,
		       (unsigned int)c->st.del_fail, (unsigned int)c->st.del_fail);
}

void ctd_report_traffic(struct ctd *d, struct ctk_out *o)
{
	ctk_out_printf(o, "traffic processed:\n%20llu Bytes      %20llu Pckts\n\n",
		       (unsigned long long)d->st.bytes, (unsigned long long)d->st.packets);
}

static void uptime(char *buf, size_t size, long secs)
{
	long days = secs / 86400, hours = secs / 3600 % 24, mins = secs / 60 % 60;
	int n = 0;

	if (days)
		n = snprintf(buf, size, "%ld day%s ", days, days > 1 ? "s" : "");
	if (hours)
		snprintf(buf + n, size - (size_t)n, "%ld h %ld min", hours, mins);
	else
		snprintf(buf + n, size - (size_t)n, "%ld min", mins);
}

void ctd_report_runtime(struct ctd *d, struct ctk_out *o)
{
	char up[64];

	uptime(up, sizeof(up), (long)(time(NULL) - d->started));
	ctk_out_printf(o,
		       "daemon uptime: %s\n\n"
		       "netlink stats:\n"
		       "\tevents received:\t%20llu\n"
		       "\tevents filtered:\t%20llu\n"
		       "\tevents unknown type:\t\t%12u\n"
		       "\tcatch event failed:\t\t%12u\n"
		       "\tdump unknown type:\t\t%12u\n"
		       "\tnetlink overrun:\t\t%12u\n"
		       "\tflush kernel table:\t\t%12u\n"
		       "\tresync with kernel table:\t%12u\n"
		       "\tcurrent buffer size (in bytes):\t%12u\n\n"
		       "runtime stats:\n"
		       "\tchild process failed:\t\t%12u\n"
		       "\t\tchild process segfault:\t%12u\n"
		       "\t\tchild process termsig:\t%12u\n"
		       "\tselect failed:\t\t\t%12u\n"
		       "\twait failed:\t\t\t%12u\n"
		       "\tlocal read failed:\t\t%12u\n"
		       "\tlocal unknown request:\t\t%12u\n\n",
		       up, (unsigned long long)d->st.events_received,
		       (unsigned long long)d->st.events_filtered, 0u, 0u, 0u,
		       (unsigned int)d->st.overruns, (unsigned int)d->st.flushes,
		       (unsigned int)d->st.resyncs, (unsigned int)d->st.event_buffer, 0u, 0u, 0u,
		       0u, 0u, 0u, (unsigned int)d->st.ctl_unknown);
}

static void queue_text(struct ctk_out *o, const char *name, size_t len, unsigned long max)
{
	ctk_out_printf(o,
		       "queue %s:\n"
		       "current elements:\t\t%12zu\n"
		       "maximum elements:\t\t%12lu\n"
		       "not enough space errors:\t%12u\n\n",
		       name, len, max, 0u);
}

void ctd_report_queues(struct ctd *d, struct ctk_out *o)
{
	if (!d->sync)
		return;
	ctk_out_printf(o, "allocated queue nodes:\t\t%12u\n\n", 0u);
	queue_text(o, "txqueue", ctd_sync_txq(d)->len, 2147483647ul);
	queue_text(o, "errorq", 0, d->cfg->error_queue_length);
	if (d->cfg->sync_proto == CTD_SYNC_FTFW)
		queue_text(o, "rsqueue", ctd_ftfw_rsq_len(), d->cfg->resend_queue_size);
}

/* ctkit: is the peer there, and is anything being lost. */
void ctd_report_health(struct ctd *d, struct ctk_out *o)
{
	uint64_t sent, recv, lost, malformed;
	time_t last;
	struct ctd_auth_stats a;

	if (!d->sync)
		return;
	ctd_sync_counters(d, &sent, &recv, &lost, &malformed, &last);
	ctd_auth_stats(d, &a);
	ctk_out_printf(o,
		       "health (ctkit):\n"
		       "\tpeer alive:\t\t\t%12s\n"
		       "\tlast message received:\t\t%12lld s ago\n"
		       "\tmessages sent/received:\t\t%12llu/%llu\n"
		       "\tsequence gaps (lost):\t\t%12llu\n"
		       "\tresend queue dropped:\t\t%12llu\n"
		       "\tforged/replayed (auth):\t\t%12llu/%llu\n\n",
		       last && time(NULL) - last <= 3 ? "yes" : "no",
		       last ? (long long)(time(NULL) - last) : -1LL, (unsigned long long)sent,
		       (unsigned long long)recv, (unsigned long long)lost,
		       (unsigned long long)ctd_ftfw_rs_dropped(), (unsigned long long)a.forged,
		       (unsigned long long)a.replayed);
}

static void metric(struct ctk_out *o, const char *name, const char *type, const char *help,
		   unsigned long long value)
{
	ctk_out_printf(o,
		       "# TYPE conntrackd_%s %s\n# HELP conntrackd_%s %s\nconntrackd_%s%s %llu\n",
		       name, type, name, help, name, type[0] == 'c' ? "_total" : "", value);
}

void ctd_report_metrics(struct ctd *d, struct ctk_out *o)
{
	uint64_t sent = 0, recv = 0, lost = 0, malformed = 0;
	time_t last = 0;
	struct ctd_auth_stats a = {0};
	struct ctd_link_stats ls = {0};

	if (d->sync) {
		ctd_sync_counters(d, &sent, &recv, &lost, &malformed, &last);
		ctd_links_totals(d, &ls);
	}
	ctd_auth_stats(d, &a);
	metric(o, "internal_cache_entries", "gauge", "Connections in the internal cache.",
	       ctd_cache_count(&d->internal_ct));
	metric(o, "external_cache_entries", "gauge", "Connections in the external cache.",
	       ctd_cache_count(&d->external_ct));
	metric(o, "peer_alive", "gauge", "1 if a peer message arrived in the last 3 seconds.",
	       last && time(NULL) - last <= 3);
	metric(o, "last_message_age_seconds", "gauge", "Seconds since the last peer message.",
	       last ? (unsigned long long)(time(NULL) - last) : 0);
	metric(o, "messages_sent", "counter", "Sync messages sent.", sent);
	metric(o, "messages_received", "counter", "Sync messages received.", recv);
	metric(o, "messages_lost", "counter", "Messages missing from the peer's sequence.", lost);
	metric(o, "messages_malformed", "counter", "Messages refused as malformed.", malformed);
	metric(o, "messages_forged", "counter", "Messages with a bad authentication tag.",
	       a.forged);
	metric(o, "messages_replayed", "counter", "Authenticated messages replayed.", a.replayed);
	metric(o, "resend_queue_dropped", "counter",
	       "Messages pushed out of a full resend queue unacknowledged.", ctd_ftfw_rs_dropped());
	metric(o, "link_bytes_sent", "counter", "Bytes sent on the dedicated links.",
	       ls.bytes_sent);
	metric(o, "link_bytes_received", "counter", "Bytes received on the dedicated links.",
	       ls.bytes_recv);
	metric(o, "event_overruns", "counter", "Kernel event socket overruns (repaired).",
	       d->st.overruns);
	metric(o, "commits", "counter", "Commits finished.", d->st.commits);
	metric(o, "commit_entries", "counter", "Entries committed into the kernel.",
	       d->external_ct.st.commit_ok);
	metric(o, "commit_failures", "counter", "Entries the kernel refused at commit.",
	       d->external_ct.st.commit_fail);
	ctk_out_printf(o,
		       "# TYPE conntrackd_last_commit_seconds gauge\n"
		       "# HELP conntrackd_last_commit_seconds Duration of the last commit.\n"
		       "conntrackd_last_commit_seconds %.6f\n",
		       d->st.last_commit_seconds);
	ctk_out_printf(o, "# EOF\n");
}
