// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Link failover: rtnetlink tells us when an interface goes down or up;
 * when the active dedicated link's interface stops running, the next link
 * that is up takes over (link.c).
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <unistd.h>

#include "ctd.h"
#include "log.h"

void ctd_links_carrier(struct ctd *d, int ifindex, bool up);

static struct mnl_socket *rtnl;

static int on_link_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	bool up;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	up = nlh->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_UP) &&
	     (ifi->ifi_flags & IFF_RUNNING);
	ctd_links_carrier(data, ifi->ifi_index, up);
	return MNL_CB_OK;
}

static void on_readable(int fd, uint32_t events, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	(void)fd;
	(void)events;
	while ((n = mnl_socket_recvfrom(rtnl, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, (size_t)n, 0, 0, on_link_msg, data);
}

int ctd_linkwatch_open(struct ctd *d)
{
	rtnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!rtnl)
		return -errno;
	if (mnl_socket_bind(rtnl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(rtnl);
		rtnl = NULL;
		return -errno;
	}
	return ctd_loop_add(d->loop, mnl_socket_get_fd(rtnl), 0, on_readable, d);
}

void ctd_linkwatch_close(struct ctd *d)
{
	if (!rtnl)
		return;
	ctd_loop_del(d->loop, mnl_socket_get_fd(rtnl));
	mnl_socket_close(rtnl);
	rtnl = NULL;
}
