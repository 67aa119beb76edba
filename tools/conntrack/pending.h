/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output held back while a batch of requests is in flight: the line of an
 * entry is printed only once the kernel has acked its change, in the
 * order the entries came. Memory is bounded by the batch size.
 */
#ifndef CT_PENDING_H
#define CT_PENDING_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/output.h>

struct ct_pending {
	char *buf;		/* the formatted lines, back to back */
	size_t len, cap;
	size_t *off;		/* start of each line in @buf */
	int *err;		/* negative errno per line, 0 when acked */
	size_t n, max;
	unsigned long base;	/* batch request number of line 0 */
};

int ct_pending_init(struct ct_pending *p, size_t max);
void ct_pending_free(struct ct_pending *p);
static inline int ct_pending_full(const struct ct_pending *p)
{
	return p->n == p->max;
}
/* ct_pending_add - hold the line of @e, the request numbered @index. */
int ct_pending_add(struct ct_pending *p, unsigned long index, const struct ctk_entry *e,
		   const struct ctk_fmt *fmt);
/* ct_pending_fail - the request numbered @index failed with @err. */
void ct_pending_fail(struct ct_pending *p, unsigned long index, int err);
/*
 * ct_pending_emit - print the lines of acked requests, count them in
 * *@shown, forget every line. Returns the first failure other than
 * ENOENT (an entry already gone), or 0.
 */
int ct_pending_emit(struct ct_pending *p, struct ctk_out *out, unsigned int *shown);

#endif
