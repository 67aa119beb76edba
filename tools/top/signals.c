// SPDX-License-Identifier: LGPL-2.1-or-later
/* Stop signals as a flag (see signals.h). */
#include <signal.h>
#include <stddef.h>

#include "signals.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void top_signals_init(void)
{
	struct sigaction sa = {.sa_handler = on_stop};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool top_stopping(void)
{
	return stop_requested;
}
