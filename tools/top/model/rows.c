// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-entry view's picks (see rows.h): one bounded heap per order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <ctkit/names.h>

#include "rows.h"

/* Rows of a pick that keeps every row, at first. */
#define ALL_ROWS_START 1024

void top_rows_init(struct top_rows *m, bool every_order, enum top_sort sort, bool reverse)
{
	memset(m, 0, sizeof(*m));
	if (!every_order) {
		m->picks[0].sort = sort;
		m->picks[0].reverse = reverse;
		m->npicks = 1;
		return;
	}
	for (unsigned int s = 0; s < TOP_SORT_MAX; s++)
		for (unsigned int r = 0; r < 2; r++) {
			m->picks[m->npicks].sort = (enum top_sort)s;
			m->picks[m->npicks++].reverse = r;
		}
}

void top_rows_free(struct top_rows *m)
{
	for (unsigned int i = 0; i < m->npicks; i++) {
		free(m->picks[i].rows);
		m->picks[i].rows = NULL;
		m->picks[i].n = m->picks[i].cap = 0;
	}
}

static int reserve(struct top_pick *p, size_t cap)
{
	struct top_row *rows;

	if (p->cap >= cap)
		return 0;
	rows = realloc(p->rows, cap * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	p->rows = rows;
	p->cap = cap;
	return 0;
}

int top_rows_begin(struct top_rows *m, size_t limit)
{
	for (unsigned int i = 0; i < m->npicks; i++)
		if (reserve(&m->picks[i], limit ? limit : ALL_ROWS_START) < 0)
			return -ENOMEM;
	for (unsigned int i = 0; i < m->npicks; i++)
		m->picks[i].n = 0;
	m->limit = limit;
	return 0;
}

/* ---- orders ------------------------------------------------------------------------ */

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* The table's natural order: family, protocol, addresses, ports (or ICMP type, code, id), zone. */
static int tuple_cmp(const struct top_row *a, const struct top_row *b)
{
	const struct ctk_tuple *x = &a->orig, *y = &b->orig;
	size_t alen = x->l3num == AF_INET6 ? 16 : 4;
	int c;

	if ((c = cmp_u64(x->l3num, y->l3num)) || (c = cmp_u64(x->l4num, y->l4num)))
		return c;
	if ((c = memcmp(x->src.byte, y->src.byte, alen)) ||
	    (c = memcmp(x->dst.byte, y->dst.byte, alen)))
		return c;
	if ((c = cmp_u64(x->sport, y->sport)) || (c = cmp_u64(x->dport, y->dport)) ||
	    (c = cmp_u64(x->icmp_type, y->icmp_type)) ||
	    (c = cmp_u64(x->icmp_code, y->icmp_code)) || (c = cmp_u64(x->icmp_id, y->icmp_id)))
		return c;
	return cmp_u64(a->zone, b->zone);
}

/* Oldest first by start time; rows without one after, those closest to expiry first. */
static int age_cmp(const struct top_row *a, const struct top_row *b)
{
	if (a->start_ns && b->start_ns)
		return cmp_u64(a->start_ns, b->start_ns);
	if (a->start_ns || b->start_ns)
		return a->start_ns ? -1 : 1;
	return cmp_u64(a->timeout, b->timeout);
}

int top_row_cmp(const struct top_row *a, const struct top_row *b, enum top_sort sort)
{
	int c = 0;

	switch (sort) {
	case TOP_SORT_PACKETS:
		if (!(c = cmp_u64(b->packets, a->packets)))
			c = cmp_u64(b->bytes, a->bytes);
		break;
	case TOP_SORT_BYTES:
		if (!(c = cmp_u64(b->bytes, a->bytes)))
			c = cmp_u64(b->packets, a->packets);
		break;
	case TOP_SORT_AGE:
		c = age_cmp(a, b);
		break;
	default:
		break;
	}
	return c ? c : tuple_cmp(a, b);
}

static int pick_order(const struct top_pick *p, const struct top_row *a, const struct top_row *b)
{
	int c = top_row_cmp(a, b, p->sort);

	return p->reverse ? -c : c;
}

/* ---- the heap: the row shown last at the root -------------------------------------- */

static void swap_rows(struct top_row *a, struct top_row *b)
{
	struct top_row t = *a;

	*a = *b;
	*b = t;
}

static void sift_up(struct top_pick *p, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (pick_order(p, &p->rows[i], &p->rows[parent]) <= 0)
			return;
		swap_rows(&p->rows[i], &p->rows[parent]);
		i = parent;
	}
}

static void sift_down(struct top_pick *p, size_t i)
{
	for (;;) {
		size_t last = i, left = 2 * i + 1, right = left + 1;

		if (left < p->n && pick_order(p, &p->rows[left], &p->rows[last]) > 0)
			last = left;
		if (right < p->n && pick_order(p, &p->rows[right], &p->rows[last]) > 0)
			last = right;
		if (last == i)
			return;
		swap_rows(&p->rows[i], &p->rows[last]);
		i = last;
	}
}

static int pick_add(struct top_pick *p, size_t limit, const struct top_row *row)
{
	if (!limit) {
		/* every row, sorted at the end */
		if (p->n == p->cap && reserve(p, p->cap * 2) < 0)
			return -ENOMEM;
		p->rows[p->n++] = *row;
		return 0;
	}
	if (p->n < limit) {
		p->rows[p->n++] = *row;
		sift_up(p, p->n - 1);
	} else if (pick_order(p, row, &p->rows[0]) < 0) {
		p->rows[0] = *row;
		sift_down(p, 0);
	}
	return 0;
}

/* ---- rows from entries ------------------------------------------------------------- */

static const char *state_name(const struct ctk_entry *e)
{
	if (ctk_entry_has(e, CTK_ATTR_TCP_STATE))
		return ctk_tcp_state_name(e->tcp.state);
	if (ctk_entry_has(e, CTK_ATTR_SCTP_STATE))
		return ctk_sctp_state_name(e->sctp.state);
	if (ctk_entry_has(e, CTK_ATTR_DCCP_STATE))
		return ctk_dccp_state_name(e->dccp.state);
	return NULL;
}

static void row_of(const struct ctk_entry *e, struct top_row *r)
{
	memset(r, 0, sizeof(*r));
	r->orig = e->orig;
	r->state = state_name(e);
	for (unsigned int dir = 0; dir < 2; dir++)
		if (ctk_entry_has(e, dir ? CTK_ATTR_COUNTERS_REPLY : CTK_ATTR_COUNTERS_ORIG)) {
			r->packets += e->counters[dir].packets;
			r->bytes += e->counters[dir].bytes;
			r->has |= TOP_ROW_COUNTERS;
		}
	if (ctk_entry_has(e, CTK_ATTR_TS_START))
		r->start_ns = e->ts_start;
	if (ctk_entry_has(e, CTK_ATTR_TIMEOUT)) {
		r->timeout = e->timeout;
		r->has |= TOP_ROW_TIMEOUT;
	}
	if (ctk_entry_has(e, CTK_ATTR_STATUS)) {
		r->status = e->status;
		r->has |= TOP_ROW_STATUS;
	}
	if (ctk_entry_has(e, CTK_ATTR_MARK) && e->mark) {
		r->mark = e->mark;
		r->has |= TOP_ROW_MARK;
	}
	if (ctk_entry_has(e, CTK_ATTR_ZONE) && e->zone) {
		r->zone = e->zone;
		r->has |= TOP_ROW_ZONE;
	}
}

int top_rows_add(struct top_rows *m, const struct ctk_entry *e)
{
	struct top_row row;

	row_of(e, &row);
	for (unsigned int i = 0; i < m->npicks; i++)
		if (pick_add(&m->picks[i], m->limit, &row) < 0)
			return -ENOMEM;
	return 0;
}

static int by_pick_order(const void *a, const void *b, void *pick)
{
	return pick_order(pick, a, b);
}

void top_rows_finish(struct top_rows *m)
{
	for (unsigned int i = 0; i < m->npicks; i++)
		qsort_r(m->picks[i].rows, m->picks[i].n, sizeof(struct top_row), by_pick_order,
			&m->picks[i]);
}

const struct top_pick *top_rows_pick(const struct top_rows *m, enum top_sort sort, bool reverse)
{
	for (unsigned int i = 0; i < m->npicks; i++)
		if (m->picks[i].sort == sort && m->picks[i].reverse == reverse)
			return &m->picks[i];
	return NULL;
}
