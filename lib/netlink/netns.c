// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Netlink sockets opened inside a given network namespace.
 *
 * A socket belongs to the namespace its creator was in when it called
 * socket(), for its whole life. So the calling thread enters the target
 * namespace just for that call and returns to its own: other threads of
 * the process are not affected (setns() changes only the caller), and a
 * session that renews its socket later does the same again with the
 * namespace it kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include "netlink/session.h"

static int plain_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	return fd < 0 ? -errno : fd;
}

int ctknl_socket(int netns)
{
	int home, fd, ret;

	if (netns < 0)
		return plain_socket();
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	if (setns(netns, CLONE_NEWNET) < 0) {
		ret = -errno;
		close(home);
		return ret;
	}
	fd = plain_socket();
	if (setns(home, CLONE_NEWNET) < 0) {
		/* Stuck in the other namespace: nothing this thread opens later would be right. */
		ret = -errno;
		if (fd >= 0)
			close(fd);
		close(home);
		return ret;
	}
	close(home);
	return fd;
}
