// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctkit-exporter: Prometheus metrics of the conntrack tables (exporter.h).
 * The namespaces are counted first, then the port opens, so the first
 * scrape already has every count.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "exporter.h"

static struct xp *the_exporter;

static void on_stop(int sig)
{
	(void)sig;
	the_exporter->stop = 1;
}

/*
 * SIGINT and SIGTERM end the loop: blocked while the HTTP thread starts
 * (it inherits the mask), so they always reach the main thread's poll().
 */
static int catch_signals(sigset_t *stop_set)
{
	struct sigaction sa = {.sa_handler = on_stop};

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(stop_set);
	sigaddset(stop_set, SIGINT);
	sigaddset(stop_set, SIGTERM);
	return 0;
}

int main(int argc, char **argv)
{
	static struct xp x = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct MHD_Daemon *http;
	sigset_t stop_set;
	int rc = 1;

	xp_parse_options(argc, argv, &x.o);
	the_exporter = &x;
	if (catch_signals(&stop_set) < 0) {
		perror("ctkit-exporter: sigaction");
		return 1;
	}
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	if (xp_watch_start(&x) < 0)
		goto out;
	http = xp_http_start(&x);
	pthread_sigmask(SIG_UNBLOCK, &stop_set, NULL);
	if (!http)
		goto out;
	fprintf(stderr, "ctkit-exporter: %zu network namespace%s, listening on %s\n", x.n,
		x.n == 1 ? "" : "s", x.o.listen_text);
	rc = xp_watch_loop(&x) < 0 ? 1 : 0;
	xp_http_stop(http);
out:
	xp_watch_stop(&x);
	return rc;
}
