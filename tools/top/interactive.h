/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live view on a terminal: refresh at each interval, draw, and answer
 * keys between refreshes and, every few thousand entries, during one (a
 * dump of a large table takes seconds; q and signals stop it).
 */
#ifndef TOP_INTERACTIVE_H
#define TOP_INTERACTIVE_H

#include "app.h"

/* top_interactive - run until q, a stop signal or the source's end; the exit code. */
int top_interactive(struct top_app *app);

#endif
