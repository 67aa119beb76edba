// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's threads (a dump's reader, a commit pipeline's worker, a
 * mirror's reader) block every signal: signals are for the program's own
 * threads, which may count on them to interrupt their waits.
 */
#include <pthread.h>
#include <signal.h>
#include "netlink/session.h"

int ctknl_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	ret = pthread_sigmask(SIG_SETMASK, &all, &old);
	if (ret)
		return -ret;
	/* The new thread inherits the full mask. */
	ret = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -ret;
}
