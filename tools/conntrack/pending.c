// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lines held until their request is acked: see pending.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pending.h"

int ct_pending_init(struct ct_pending *p, size_t max)
{
	memset(p, 0, sizeof(*p));
	p->max = max;
	p->cap = max * 512;
	p->buf = malloc(p->cap);
	p->off = calloc(max + 1, sizeof(*p->off));
	p->err = calloc(max, sizeof(*p->err));
	if (!p->buf || !p->off || !p->err) {
		ct_pending_free(p);
		return -ENOMEM;
	}
	return 0;
}

void ct_pending_free(struct ct_pending *p)
{
	free(p->buf);
	free(p->off);
	free(p->err);
	p->buf = NULL;
	p->off = NULL;
	p->err = NULL;
}

static int reserve(struct ct_pending *p, size_t need)
{
	char *bigger;
	size_t cap = p->cap;

	if (p->len + need <= p->cap)
		return 0;
	while (p->len + need > cap)
		cap *= 2;
	bigger = realloc(p->buf, cap);
	if (!bigger)
		return -ENOMEM;
	p->buf = bigger;
	p->cap = cap;
	return 0;
}

int ct_pending_add(struct ct_pending *p, unsigned long index, const struct ctk_entry *e,
		   const struct ctk_fmt *fmt)
{
	size_t room = p->cap - p->len;
	size_t n = ctk_format_entry(p->buf + p->len, room, e, CTK_EV_NONE, fmt);

	if (n + 1 >= room) {
		if (reserve(p, n + 2) < 0)
			return -ENOMEM;
		ctk_format_entry(p->buf + p->len, n + 1, e, CTK_EV_NONE, fmt);
	}
	if (p->n == 0)
		p->base = index;
	p->off[p->n] = p->len;
	p->err[p->n] = 0;
	p->len += n;
	p->buf[p->len++] = '\n';
	p->n++;
	p->off[p->n] = p->len;
	return 0;
}

void ct_pending_fail(struct ct_pending *p, unsigned long index, int err)
{
	if (index >= p->base && index - p->base < p->n)
		p->err[index - p->base] = err;
}

int ct_pending_emit(struct ct_pending *p, struct ctk_out *out, unsigned int *shown)
{
	int fatal = 0;

	for (size_t i = 0; i < p->n; i++) {
		if (p->err[i] == 0) {
			ctk_out_write(out, p->buf + p->off[i], p->off[i + 1] - p->off[i]);
			(*shown)++;
		} else if (p->err[i] != -ENOENT && !fatal) {
			fatal = p->err[i];
		}
	}
	p->n = 0;
	p->len = 0;
	return fatal;
}
