/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For unit tests that talk to the kernel: a second network namespace next
 * to the test's own private one (the test process has already left the
 * host's with unshare(CLONE_NEWNET)).
 */
#ifndef CTK_TEST_NETNS_HELPER_H
#define CTK_TEST_NETNS_HELPER_H

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

/*
 * other_netns - a descriptor of a new, empty network namespace; this
 * thread stays where it was. -1 when it cannot be had.
 */
static inline int other_netns(void)
{
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int there = -1;

	if (home < 0)
		return -1;
	if (unshare(CLONE_NEWNET) == 0) {
		there = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (setns(home, CLONE_NEWNET) != 0) {
			/* Stuck in the new one: every later check would be wrong. */
			_exit(99);
		}
	}
	close(home);
	return there;
}

#endif
