// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exposition (Prometheus text format 0.0.4): every family once, with
 * HELP and TYPE, its samples from every namespace together. Entry counts
 * come from the censuses (no dump); statistics and the expectation count
 * are asked on each namespace's own query session (one short request).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctkit/expect_nl.h>
#include <ctkit/l4proto.h>
#include <ctkit/names.h>
#include <ctkit/version.h>

#include "exporter.h"

#define LIMIT_PROC "/proc/sys/net/netfilter/nf_conntrack_max"
#define MAX_CPUS   4096

/* ---- the buffer -------------------------------------------------------------- */

void xp_buf_printf(struct xp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0 || b->failed) {
			b->failed = true;
			return;
		}
		if (b->p && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

void xp_buf_label(struct xp_buf *b, const char *name, const char *value, bool first)
{
	xp_buf_printf(b, "%s%s=\"", first ? "" : ",", name);
	for (const char *s = value; *s; s++) {
		if (*s == '\\' || *s == '"')
			xp_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			xp_buf_printf(b, "\\n");
		else
			xp_buf_printf(b, "%c", *s);
	}
	xp_buf_printf(b, "\"");
}

static void family(struct xp_buf *b, const char *name, const char *type, const char *help)
{
	xp_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{netns="NS"} VALUE */
static void ns_sample(struct xp_buf *b, const char *name, const struct xp_ns *ns, uint64_t v)
{
	xp_buf_printf(b, "%s{", name);
	xp_buf_label(b, "netns", ns->name, true);
	xp_buf_printf(b, "} %" PRIu64 "\n", v);
}

/* ---- entries ----------------------------------------------------------------- */

static void entries(struct xp_buf *b, struct xp *x)
{
	struct ctk_census_class v[256];

	family(b, "conntrack_entries", "gauge",
	       "Connection-tracking entries by family, protocol and protocol state "
	       "(kept current by events).");
	for (size_t i = 0; i < x->n; i++) {
		const struct xp_ns *ns = x->ns[i];
		size_t n;

		if (!ns->counted)
			continue;
		n = ctk_census_classes(ns->census, v, sizeof(v) / sizeof(v[0]));
		for (size_t k = 0; k < n && k < sizeof(v) / sizeof(v[0]); k++) {
			xp_buf_printf(b, "conntrack_entries{");
			xp_buf_label(b, "netns", ns->name, true);
			xp_buf_label(b, "family", ctk_l3_name(v[k].family), false);
			xp_buf_label(b, "protocol", ctk_l4proto_name(v[k].l4proto), false);
			xp_buf_label(b, "state", v[k].state, false);
			xp_buf_printf(b, "} %" PRIu64 "\n", v[k].entries);
		}
	}
}

static void limit(struct xp_buf *b)
{
	FILE *f = fopen(LIMIT_PROC, "r");
	unsigned long max;

	if (!f)
		return; /* nf_conntrack not loaded */
	if (fscanf(f, "%lu", &max) == 1) {
		family(b, "conntrack_entries_limit", "gauge",
		       "The most entries a table may hold (net.netfilter.nf_conntrack_max).");
		xp_buf_printf(b, "conntrack_entries_limit %lu\n", max);
	}
	fclose(f);
}

/* ---- statistics ----------------------------------------------------------------- */

struct cpu_set {
	struct ctk_cpu_stats *v;
	size_t n, cap;
};

static int stats_cb(const struct ctk_cpu_stats *s, void *data)
{
	struct cpu_set *set = data;

	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 8;
		struct ctk_cpu_stats *v =
			cap <= MAX_CPUS ? realloc(set->v, cap * sizeof(*v)) : NULL;

		if (!v)
			return CTK_CB_ERROR;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = *s;
	return CTK_CB_OK;
}

static void stat_family(struct xp_buf *b, struct xp *x, const struct cpu_set *sets,
			unsigned int stat)
{
	char name[96];
	bool any = false;

	snprintf(name, sizeof(name), "conntrack_stat_%s_total", ctk_stat_name(stat));
	for (size_t i = 0; i < x->n; i++) {
		const struct cpu_set *set = &sets[i];
		uint64_t sum = 0;
		bool present = false;

		for (size_t c = 0; c < set->n; c++) {
			if (!(set->v[c].present & (1U << stat)))
				continue;
			if (!any) {
				char help[160];

				snprintf(help, sizeof(help),
					 "The kernel's per-CPU conntrack counter %s%s (conntrack "
					 "-S).",
					 ctk_stat_name(stat),
					 x->o.per_cpu ? "" : ", summed over CPUs");
				family(b, name, "counter", help);
				any = true;
			}
			present = true;
			if (x->o.per_cpu) {
				char cpu[16];

				snprintf(cpu, sizeof(cpu), "%u", set->v[c].cpu);
				xp_buf_printf(b, "%s{", name);
				xp_buf_label(b, "netns", x->ns[i]->name, true);
				xp_buf_label(b, "cpu", cpu, false);
				xp_buf_printf(b, "} %u\n", set->v[c].value[stat]);
			}
			sum += set->v[c].value[stat];
		}
		if (present && !x->o.per_cpu)
			ns_sample(b, name, x->ns[i], sum);
	}
}

static void statistics(struct xp_buf *b, struct xp *x)
{
	struct cpu_set *sets = calloc(x->n ? x->n : 1, sizeof(*sets));

	if (!sets) {
		b->failed = true;
		return;
	}
	for (size_t i = 0; i < x->n; i++)
		if (ctk_nl_stats_cpu(x->ns[i]->query, stats_cb, &sets[i]) < 0)
			sets[i].n = 0; /* a namespace without conntrack loaded */
	for (unsigned int stat = 0; stat < CTK_STAT_EXP_NEW; stat++)
		stat_family(b, x, sets, stat);
	for (size_t i = 0; i < x->n; i++)
		free(sets[i].v);
	free(sets);
}

static void expectations(struct xp_buf *b, struct xp *x)
{
	family(b, "conntrack_expectations", "gauge",
	       "Expectations: related connections a helper (FTP, SIP, ...) waits for.");
	for (size_t i = 0; i < x->n; i++) {
		uint32_t count;

		if (ctk_nl_expect_count(x->ns[i]->query, AF_UNSPEC, &count) == 0)
			ns_sample(b, "conntrack_expectations", x->ns[i], count);
	}
}

/* ---- events and the exporter itself ---------------------------------------------- */

static void events(struct xp_buf *b, struct xp *x)
{
	static const char *const types[] = {"new", "update", "destroy"};

	family(b, "conntrack_events_total", "counter",
	       "Conntrack events received, by type, since the namespace was joined.");
	for (size_t i = 0; i < x->n; i++) {
		for (int t = 0; t < 3; t++) {
			xp_buf_printf(b, "conntrack_events_total{");
			xp_buf_label(b, "netns", x->ns[i]->name, true);
			xp_buf_label(b, "type", types[t], false);
			xp_buf_printf(b, "} %" PRIu64 "\n", x->ns[i]->events[t]);
		}
	}
	family(b, "conntrack_event_overruns_total", "counter",
	       "Times the kernel could not deliver events (ENOBUFS); each is followed by a "
	       "recount.");
	for (size_t i = 0; i < x->n; i++)
		ns_sample(b, "conntrack_event_overruns_total", x->ns[i], x->ns[i]->overruns);
	family(b, "conntrack_recounts_total", "counter",
	       "Dumps that counted the table again: after lost events, and every "
	       "--recount-interval while silent entries remain.");
	for (size_t i = 0; i < x->n; i++)
		ns_sample(b, "conntrack_recounts_total", x->ns[i], x->ns[i]->recounts);
	family(b, "conntrack_silent_entries", "gauge",
	       "Entries the kernel sends no events for (made before anything listened, with "
	       "net.netfilter.nf_conntrack_events=2): their end is seen by a recount.");
	for (size_t i = 0; i < x->n; i++)
		ns_sample(b, "conntrack_silent_entries", x->ns[i],
			  ctk_census_silent(x->ns[i]->census));
}

static void groups(struct xp_buf *b, struct xp *x)
{
	if (!x->o.group_by)
		return;
	family(b, "conntrack_group_entries", "gauge",
	       "Entries of the largest groups (--group-by, --top), counted every "
	       "--group-interval.");
	for (size_t i = 0; i < x->n; i++)
		if (x->ns[i]->groups)
			xp_buf_printf(b, "%s", x->ns[i]->groups);
}

static void self(struct xp_buf *b, struct xp *x)
{
	family(b, "ctkit_exporter_namespaces", "gauge", "Network namespaces followed.");
	xp_buf_printf(b, "ctkit_exporter_namespaces %zu\n", x->n);
	family(b, "ctkit_exporter_scrapes_total", "counter", "Scrapes answered.");
	xp_buf_printf(b, "ctkit_exporter_scrapes_total %" PRIu64 "\n", x->scrapes);
	family(b, "ctkit_exporter_build_info", "gauge", "The exporter's version, as a label.");
	xp_buf_printf(b, "ctkit_exporter_build_info{version=\"%s\"} 1\n", CTK_VERSION_STRING);
}

char *xp_metrics_render(struct xp *x, size_t *len)
{
	struct xp_buf b = {0};

	pthread_mutex_lock(&x->lock);
	x->scrapes++;
	entries(&b, x);
	limit(&b);
	statistics(&b, x);
	expectations(&b, x);
	events(&b, x);
	groups(&b, x);
	self(&b, x);
	pthread_mutex_unlock(&x->lock);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}
