// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Datagram links: UDP (a socket bound to the local address and port that
 * receives, another that sends to the peer's address and port) and
 * multicast (the same over a group, joined on the configured interface;
 * bound to the group, so datagrams to the port from elsewhere are not
 * taken, which 1.4.7 did).
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "ctd.h"
#include "link_priv.h"
#include "log.h"

#define RECV_ROUNDS 64 /* datagrams read per wake-up */

static void on_readable(int fd, uint32_t events, void *data)
{
	struct ctd_link *l = data;
	static uint8_t buf[LINK_BUF];

	(void)events;
	for (int i = 0; i < RECV_ROUNDS; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				l->st.recv_errors++;
			return;
		}
		l->st.bytes_recv += (uint64_t)n;
		l->st.packets_recv++;
		ctd_sync_recv(l->d, l->index, buf, (size_t)n);
	}
	ctd_loop_busy(l->d->loop);
}

static int join_group(const struct ctd_link *l, int fd)
{
	const struct ctd_link_conf *c = l->conf;

	if (c->family == AF_INET6) {
		struct ipv6_mreq m = {.ipv6mr_multiaddr = c->addr,
				      .ipv6mr_interface = (unsigned int)l->ifindex};

		return setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m));
	} else {
		struct ip_mreqn m = {.imr_ifindex = l->ifindex};

		memcpy(&m.imr_multiaddr, &c->addr, 4);
		memcpy(&m.imr_address, &c->mcast_if, 4);
		return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m));
	}
}

static int mcast_sender(const struct ctd_link *l, int fd)
{
	const struct ctd_link_conf *c = l->conf;
	int off = 0, ttl = 1;

	if (c->family == AF_INET6) {
		unsigned int idx = (unsigned int)l->ifindex;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0)
			return -1;
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off));
		return 0;
	} else {
		struct ip_mreqn m = {.imr_ifindex = l->ifindex};

		memcpy(&m.imr_address, &c->mcast_if, 4);
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m)) < 0)
			return -1;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		return 0;
	}
}

static int open_receiver(struct ctd_link *l)
{
	const struct ctd_link_conf *c = l->conf;
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;
	int fd = socket(c->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ctd_link_buffers(l, fd);
	ctd_link_sockaddr(c, &c->addr, c->port, &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (c->kind == CTD_LINK_MCAST && join_group(l, fd) < 0)) {
		int err = -errno;

		close(fd);
		return err;
	}
	l->recv_fd = fd;
	return 0;
}

static int open_sender(struct ctd_link *l)
{
	const struct ctd_link_conf *c = l->conf;
	int fd = socket(c->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int no_check = !c->checksum;

	if (fd < 0)
		return -errno;
	ctd_link_buffers(l, fd);
	if (no_check)
		setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &no_check, sizeof(no_check));
	if (c->kind == CTD_LINK_MCAST) {
		if (mcast_sender(l, fd) < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		ctd_link_sockaddr(c, &c->addr, c->port, &l->dest, &l->dest_len);
	} else {
		ctd_link_sockaddr(c, &c->dest, c->port, &l->dest, &l->dest_len);
	}
	l->send_fd = fd;
	return 0;
}

int ctd_link_dgram_open(struct ctd_link *l)
{
	int ret = open_receiver(l);

	if (ret == 0)
		ret = open_sender(l);
	if (ret == 0)
		ret = ctd_loop_add(l->d->loop, l->recv_fd, 0, on_readable, l);
	return ret;
}

void ctd_link_dgram_close(struct ctd_link *l)
{
	if (l->recv_fd >= 0) {
		ctd_loop_del(l->d->loop, l->recv_fd);
		close(l->recv_fd);
	}
	if (l->send_fd >= 0)
		close(l->send_fd);
	l->recv_fd = l->send_fd = -1;
}

int ctd_link_dgram_send(struct ctd_link *l, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = sendto(l->send_fd, buf, len, 0, (struct sockaddr *)&l->dest, l->dest_len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN) {
		/* the socket buffer is full: wait for it rather than drop (a burst) */
		struct timespec ts = {0, 200000};

		for (int tries = 0; tries < 1000 && n < 0 && errno == EAGAIN; tries++) {
			nanosleep(&ts, NULL);
			n = sendto(l->send_fd, buf, len, 0, (struct sockaddr *)&l->dest,
				   l->dest_len);
		}
	}
	return n < 0 ? -errno : 0;
}
