/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network namespaces named as operators name them: a name of "ip netns"
 * (a file in /run/netns), a path to a namespace file, or a process id
 * (/proc/PID/ns/net, the namespace a container's process runs in).
 * The descriptor it gives serves ctk_nl_open_netns() and
 * ctk_events_open_netns() for sessions in that namespace, or
 * ctk_netns_enter() for a program that runs wholly inside it, as under
 * "ip netns exec" but without the mount namespace that command makes.
 *
 * Errors: functions return a descriptor, a count or 0 on success and a
 * negative errno on failure; only ctk_netns_list() allocates (one array).
 */
#ifndef CTKIT_NETNS_H
#define CTKIT_NETNS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where "ip netns add NAME" keeps its namespaces. */
#define CTK_NETNS_RUN_DIR "/run/netns"

/*
 * ctk_netns_open - an O_RDONLY | O_CLOEXEC descriptor of the network
 * namespace @spec names: all digits is a process id, a spec with a '/' is
 * a path, anything else a name in CTK_NETNS_RUN_DIR. The caller closes
 * it. -ENOENT: no such name, path or process; -EINVAL: an empty spec, or
 * a file that is not a network namespace; other -errno from open().
 */
int ctk_netns_open(const char *spec);

/*
 * ctk_netns_enter - move the calling thread into the network namespace
 * @netns_fd refers to (setns(2)): sockets it opens and /proc/sys/net it
 * reads are that namespace's from then on. 0, or -errno (-EPERM without
 * CAP_SYS_ADMIN, -EINVAL for a descriptor of another kind).
 */
int ctk_netns_enter(int netns_fd);

/*
 * A namespace found by ctk_netns_list(). @name is what an operator names
 * it by and what ctk_netns_open() accepts: its name in CTK_NETNS_RUN_DIR,
 * or else the lowest process id running in it (decimal). @dev and @ino
 * are the namespace's identity (the nsfs inode; "ip netns identify" and
 * /proc/PID/ns/net links show the inode too).
 */
struct ctk_netns_ref {
	char name[256];
	int pid;		/* 0 for a named namespace */
	uint64_t dev;
	uint64_t ino;
};

/*
 * ctk_netns_list - every network namespace of the machine, each once:
 * the named ones (CTK_NETNS_RUN_DIR) sorted by name, then the other
 * namespaces of running processes by lowest process id (the caller's own
 * among them unless it is named). Processes whose namespace the caller
 * may not see are passed over. Returns the number found and sets @refs to
 * an array the caller frees with free() (NULL when none), or a negative
 * errno (-ENOMEM, or /proc unreadable) with @refs NULL.
 */
int ctk_netns_list(struct ctk_netns_ref **refs);

/*
 * ctk_netns_ref_open - ctk_netns_open() for a namespace ctk_netns_list()
 * found, checked to be the same namespace still: -ENOENT when it is gone
 * (its last process exited, its name was deleted, or its process id now
 * belongs to a process elsewhere).
 */
int ctk_netns_ref_open(const struct ctk_netns_ref *ref);

#ifdef __cplusplus
}
#endif

#endif
