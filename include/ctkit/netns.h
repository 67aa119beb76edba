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
 * Errors: functions return a descriptor or 0 on success and a negative
 * errno on failure; nothing is allocated.
 */
#ifndef CTKIT_NETNS_H
#define CTKIT_NETNS_H

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

#ifdef __cplusplus
}
#endif

#endif
