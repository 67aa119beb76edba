/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SIGINT and SIGTERM end ctkit-top the way q does, so the terminal is
 * always given back: the handler only sets a flag, and the loops (and a
 * dump between two chunks) look at it. Installed before curses starts,
 * so curses keeps its hands off these two signals.
 */
#ifndef TOP_SIGNALS_H
#define TOP_SIGNALS_H

#include <stdbool.h>

/* top_signals_init - catch SIGINT and SIGTERM (without SA_RESTART: waits end at once). */
void top_signals_init(void);

/* top_stopping - a stop signal came. */
bool top_stopping(void);

#endif
