// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The text of a refresh (see render.h): header, columns, cells.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <ctkit/group.h>
#include <ctkit/l4proto.h>
#include <ctkit/version.h>

#include "render.h"

/* ---- small writers ----------------------------------------------------------------- */

struct line {
	char *buf;
	size_t size, len;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= l->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len >= l->size)
		l->len = l->size - 1;
}

/* "45s", "3m07s", "2h05m", "4d03h": an age at a glance. */
static void put_duration(struct line *l, uint64_t s)
{
	if (s < 60)
		put(l, "%llus", (unsigned long long)s);
	else if (s < 3600)
		put(l, "%llum%02llus", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	else if (s < 86400)
		put(l, "%lluh%02llum", (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60));
	else
		put(l, "%llud%02lluh", (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400 / 3600));
}

/* --group-by as given: "src/24,dport". */
static void put_group_spec(struct line *l, const struct ctk_group_spec *spec)
{
	for (unsigned int i = 0; i < spec->nkeys; i++) {
		put(l, "%s%s", i ? "," : "", ctk_group_key_name(spec->keys[i].key));
		if (spec->keys[i].prefix6 < 128)
			put(l, "/%u", spec->keys[i].prefix6);
	}
}

/* ---- the header ------------------------------------------------------------------ */

static void header_source(const struct top_frame *f, struct line *l)
{
	time_t t = (time_t)(f->wall_ns / 1000000000ull);
	struct tm tm;
	char clock[16] = "";

	if (localtime_r(&t, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	put(l, "ctkit-top %s - %s - netns %s - %s", CTK_VERSION_STRING, f->source->what,
	    f->opts->cli.netns ? f->opts->cli.netns : "(own)", clock);
	if (f->view->paused)
		put(l, " - paused");
}

static void header_entries(const struct top_frame *f, struct line *l)
{
	const struct top_rates *r = &f->source->rates;

	if (f->entries < 0)
		put(l, "entries: ?");
	else
		put(l, "entries: %lld", f->entries);
	if (f->limit > 0)
		put(l, "/%lld (%.1f%%)", f->limit,
		    f->entries < 0 ? 0.0 : 100.0 * (double)f->entries / (double)f->limit);
	put(l, "  matching: %llu%s", (unsigned long long)f->table->matched,
	    f->table->complete ? "" : "+");
	if (!f->source->has_events)
		put(l, "  events: unavailable");
	else if (f->source->still)
		put(l, "  events in the capture: new %llu update %llu destroy %llu",
		    (unsigned long long)r->total[TOP_EV_NEW],
		    (unsigned long long)r->total[TOP_EV_UPDATE],
		    (unsigned long long)r->total[TOP_EV_DESTROY]);
	else if (r->known)
		put(l, "  events/s: new %.1f update %.1f destroy %.1f", r->per_sec[TOP_EV_NEW],
		    r->per_sec[TOP_EV_UPDATE], r->per_sec[TOP_EV_DESTROY]);
	else
		put(l, "  events/s: new - update - destroy -");
	if (r->lost)
		put(l, " (%llu overruns: some lost)", (unsigned long long)r->lost);
}

static void header_refresh(const struct top_frame *f, struct line *l)
{
	const struct top_view *v = f->view;

	if (f->source->still)
		put(l, "refresh: none (the capture is over), took %.0f ms", f->took_ms);
	else
		put(l, "refresh: every %gs, took %.0f ms", v->interval, f->took_ms);
	put(l, "  sort: %s%s  view: ", top_sort_name(v->sort), v->reverse ? " reversed" : "");
	if (f->shown->grouped) {
		put(l, "groups by ");
		put_group_spec(l, &f->opts->cli.group_spec);
	} else {
		put(l, "entries");
	}
	if (f->opts->top)
		put(l, "  rows: %lu", f->opts->top);
	if (f->opts->filter_words[0])
		put(l, "  filter: %s", f->opts->filter_words);
	if (f->error[0])
		put(l, "  last refresh: %s", f->error);
}

void top_render_header(const struct top_frame *f, unsigned int line, char *buf, size_t size)
{
	struct line l = {buf, size, 0};

	buf[0] = '\0';
	if (line == 0)
		header_source(f, &l);
	else if (line == 1)
		header_entries(f, &l);
	else if (line == 2)
		header_refresh(f, &l);
}

/* ---- columns and cells ------------------------------------------------------------- */

enum { C_PROTO, C_STATE, C_SRC, C_ARROW, C_DST, C_PACKETS, C_BYTES, C_AGE, C_TIMEOUT, C_INFO };
enum { G_COUNT, G_PACKETS, G_BYTES, G_GROUP };

static const char *const entry_titles[] = {
	"PROTO", "STATE", "SOURCE", "", "DESTINATION", "PACKETS", "BYTES", "AGE", "TIMEOUT", "INFO",
};
static const char *const group_titles[] = {"COUNT", "PACKETS", "BYTES", "GROUP"};

void top_columns_init(struct top_columns *c, bool grouped)
{
	const char *const *titles = grouped ? group_titles : entry_titles;

	memset(c, 0, sizeof(*c));
	c->n = grouped ? 4 : 10;
	for (unsigned int i = 0; i < c->n; i++) {
		c->title[i] = titles[i];
		c->width[i] = strlen(titles[i]);
	}
	if (grouped) {
		c->right[G_COUNT] = c->right[G_PACKETS] = c->right[G_BYTES] = true;
	} else {
		c->right[C_PACKETS] = c->right[C_BYTES] = true;
		c->right[C_AGE] = c->right[C_TIMEOUT] = true;
	}
}

/* "10.0.0.1:443", "[fd00::1]:443", or the address alone for protocols without ports. */
static void endpoint(const struct ctk_tuple *t, const union ctk_addr *a, uint16_t port, char *buf,
		     size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	bool v6 = t->l3num == AF_INET6;

	inet_ntop(v6 ? AF_INET6 : AF_INET, a, addr, sizeof(addr));
	if (!ctk_l4proto_has_ports(t->l4num) || t->no_ports)
		snprintf(buf, size, "%s", addr);
	else
		snprintf(buf, size, v6 ? "[%s]:%u" : "%s:%u", addr, port);
}

static void number_or_dash(bool known, uint64_t n, char *buf, size_t size)
{
	if (known)
		snprintf(buf, size, "%llu", (unsigned long long)n);
	else
		snprintf(buf, size, "-");
}

/* What else an entry says: conntrack's flags, mark, zone, an ICMP request's identity. */
static void entry_info(const struct top_row *r, char *buf, size_t size)
{
	struct line l = {buf, size, 0};
	uint8_t l4 = r->orig.l4num;

	buf[0] = '\0';
	if ((r->has & TOP_ROW_STATUS) && !(r->status & IPS_SEEN_REPLY))
		put(&l, "[UNREPLIED] ");
	if ((r->has & TOP_ROW_STATUS) && (r->status & IPS_ASSURED))
		put(&l, "[ASSURED] ");
	if (l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6)
		put(&l, "type=%u code=%u id=%u ", r->orig.icmp_type, r->orig.icmp_code,
		    r->orig.icmp_id);
	if (r->has & TOP_ROW_MARK)
		put(&l, "mark=%u ", r->mark);
	if (r->has & TOP_ROW_ZONE)
		put(&l, "zone=%u ", r->zone);
	if (l.len)
		buf[l.len - 1] = '\0';
}

static void entry_cells(const struct top_frame *f, const struct top_row *r, struct top_cells *c)
{
	uint64_t now_s = f->table->now_ns / 1000000000ull, start_s = r->start_ns / 1000000000ull;
	struct line age = {c->text[C_AGE], TOP_CELL, 0};
	bool counted = r->has & TOP_ROW_COUNTERS;

	snprintf(c->text[C_PROTO], TOP_CELL, "%s", ctk_l4proto_name(r->orig.l4num));
	snprintf(c->text[C_STATE], TOP_CELL, "%s", r->state ? r->state : "-");
	endpoint(&r->orig, &r->orig.src, r->orig.sport, c->text[C_SRC], TOP_CELL);
	snprintf(c->text[C_ARROW], TOP_CELL, "->");
	endpoint(&r->orig, &r->orig.dst, r->orig.dport, c->text[C_DST], TOP_CELL);
	number_or_dash(counted, r->packets, c->text[C_PACKETS], TOP_CELL);
	number_or_dash(counted, r->bytes, c->text[C_BYTES], TOP_CELL);
	if (r->start_ns)
		put_duration(&age, now_s > start_s ? now_s - start_s : 0);
	else
		put(&age, "-");
	number_or_dash(r->has & TOP_ROW_TIMEOUT, r->timeout, c->text[C_TIMEOUT], TOP_CELL);
	entry_info(r, c->text[C_INFO], TOP_CELL);
}

/* ctk_group_format()'s line without its count and counters: the group's keys. */
static void group_keys(const struct top_frame *f, const struct ctk_group *grp, char *buf,
		       size_t size)
{
	char line[1024];
	const char *keys, *counters;
	size_t len;

	ctk_group_format(f->shown->all, grp, 0, f->labels, line, sizeof(line));
	line[strcspn(line, "\n")] = '\0';
	keys = strchr(line, ' ');
	keys = keys ? keys + 1 : "";
	counters = grp->with_counters ? strstr(keys, " packets=") : NULL;
	len = counters ? (size_t)(counters - keys) : strlen(keys);
	snprintf(buf, size, "%.*s", (int)len, keys);
}

static void group_cells(const struct top_frame *f, const struct ctk_group *grp, struct top_cells *c)
{
	bool counted = grp->with_counters;

	snprintf(c->text[G_COUNT], TOP_CELL, "%llu", (unsigned long long)grp->count);
	number_or_dash(counted, grp->packets, c->text[G_PACKETS], TOP_CELL);
	number_or_dash(counted, grp->bytes, c->text[G_BYTES], TOP_CELL);
	group_keys(f, grp, c->text[G_GROUP], TOP_CELL);
}

void top_render_cells(const struct top_frame *f, size_t i, struct top_cells *cells)
{
	if (f->shown->grouped)
		group_cells(f, f->shown->groups[i], cells);
	else
		entry_cells(f, &f->shown->rows[i], cells);
}

void top_columns_fit(struct top_columns *c, const struct top_cells *cells)
{
	for (unsigned int i = 0; i < c->n; i++) {
		size_t len = strlen(cells->text[i]);

		if (len > c->width[i])
			c->width[i] = len;
	}
}

size_t top_columns_line(const struct top_columns *c, const struct top_cells *cells, char *buf,
			size_t size)
{
	struct line l = {buf, size, 0};
	unsigned int last = c->n - 1;

	buf[0] = '\0';
	for (unsigned int i = 0; i < c->n; i++) {
		const char *text = cells ? cells->text[i] : c->title[i];
		int width = (int)c->width[i];

		/* the last column is not padded: no trailing blanks */
		if (i == last)
			put(&l, "%s", text);
		else
			put(&l, c->right[i] ? "%*s " : "%-*s ", width, text);
	}
	while (l.len && buf[l.len - 1] == ' ')
		buf[--l.len] = '\0';
	return l.len;
}

static const char *const help_lines[] = {
	"Keys",
	"",
	"  q        quit (SIGINT and SIGTERM too)",
	"  s / S    next / previous order: count, packets, bytes, age",
	"  r        reverse the order",
	"  g        groups (--group-by) or entries",
	"  p        pause refreshing (again: go on)",
	"  space    refresh now",
	"  + / -    longer / shorter interval",
	"  h or ?   this help; any key closes it",
	"",
	"count: groups by their entries; entries by protocol, addresses and ports.",
	"age: oldest first (start times need net.netfilter.nf_conntrack_timestamp=1),",
	"     else the shortest timeout first. Groups have no age: by count.",
	"",
	"The header: entries / nf_conntrack_max, matching the filter; events per",
	"second by type from the event socket; the interval and what a refresh took.",
};

const char *top_help_line(unsigned int i, bool can_group)
{
	if (i >= sizeof(help_lines) / sizeof(help_lines[0]))
		return NULL;
	if (!can_group && i == 5)
		return "  g        (groups need --group-by KEYS)";
	return help_lines[i];
}
