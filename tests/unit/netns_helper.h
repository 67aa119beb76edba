/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For unit tests that talk to the kernel: a test entry, and a second
 * network namespace next to the test's own private one (the test process
 * has already left the host's with unshare(CLONE_NEWNET)).
 */
#ifndef CTK_TEST_NETNS_HELPER_H
#define CTK_TEST_NETNS_HELPER_H

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <ctkit/entry.h>

/* udp_entry - UDP 10.0.0.@n:1000 -> 192.168.0.1:53 and its reply, timeout 500 s. */
static inline void udp_entry(struct ctk_entry *e, uint32_t n)
{
	struct ctk_tuple *o = &e->orig, *r = &e->reply;

	memset(e, 0, sizeof(*e));
	o->l3num = r->l3num = AF_INET;
	o->l4num = r->l4num = IPPROTO_UDP;
	o->src.v4.s_addr = r->dst.v4.s_addr = htonl(0x0a000000 + n);
	o->dst.v4.s_addr = r->src.v4.s_addr = htonl(0xc0a80001);
	o->sport = r->dport = 1000;
	o->dport = r->sport = 53;
	ctk_entry_set(e, CTK_ATTR_ORIG);
	ctk_entry_set(e, CTK_ATTR_REPLY);
	e->timeout = 500;
	ctk_entry_set(e, CTK_ATTR_TIMEOUT);
}

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
