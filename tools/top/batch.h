/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --batch: each refresh printed as plain text on stdout, as "top -b"
 * does: the header lines, a blank line, the column titles and the rows,
 * a blank line. For scripts and tests; no terminal needed.
 */
#ifndef TOP_BATCH_H
#define TOP_BATCH_H

#include "app.h"

/* top_batch - refresh and print until --iterations, a stop signal or the source's end; the exit
 * code. */
int top_batch(struct top_app *app);

#endif
