// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dedicated links: one active at a time; messages are packed into a
 * buffer of the link's datagram size and sent when it is full or at the
 * end of a transmit round. Receiving on any link makes it the active one
 * (the peer moved to it), as the reference does; an interface going down
 * hands over to the next link that is up (linkwatch.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <ctkit/output.h>

#include "ctd.h"
#include "link_priv.h"
#include "log.h"

#define DEFAULT_MTU    1500
#define DGRAM_HEADERS  28 /* IPv4 + UDP, as the reference reserves */
#define STREAM_HEADERS 40 /* IPv4 + TCP */

int ctd_linkwatch_open(struct ctd *d);
void ctd_linkwatch_close(struct ctd *d);

static struct ctd_link links[CTD_LINKS_MAX];
static int n_links;
static int active;

static unsigned int if_mtu(const char *ifname)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned int mtu = DEFAULT_MTU;

	if (fd < 0 || !ifname[0])
		goto out;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (unsigned int)ifr.ifr_mtu;
out:
	if (fd >= 0)
		close(fd);
	return mtu;
}

void ctd_link_buffers(const struct ctd_link *l, int fd)
{
	/* big by default: a burst must not overflow the peer's socket */
	int rcv = l->conf->rcvbuf ? (int)l->conf->rcvbuf : 8 << 20;
	int snd = l->conf->sndbuf ? (int)l->conf->sndbuf : 8 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
}

int ctd_link_sockaddr(const struct ctd_link_conf *c, const struct in6_addr *a, unsigned int port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (c->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		s6->sin6_addr = *a;
		s6->sin6_scope_id = c->ifname[0] ? if_nametoindex(c->ifname) : 0;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, a, 4);
		*len = sizeof(*s4);
	}
	return 0;
}

static int open_link(struct ctd *d, int i)
{
	struct ctd_link *l = &links[i];
	int ret;

	memset(l, 0, sizeof(*l));
	l->d = d;
	l->index = i;
	l->conf = &d->cfg->links[i];
	l->send_fd = l->recv_fd = l->listen_fd = l->peer_fd = l->conn_fd = -1;
	l->ifindex = l->conf->ifname[0] ? (int)if_nametoindex(l->conf->ifname) : 0;
	l->mtu = if_mtu(l->conf->ifname);
	l->up = true;
	l->tx = malloc(LINK_BUF);
	if (!l->tx)
		return -ENOMEM;
	if (l->conf->kind == CTD_LINK_TCP) {
		l->cap = l->mtu > STREAM_HEADERS ? l->mtu - STREAM_HEADERS : 512;
		ret = ctd_link_tcp_open(l);
	} else {
		l->cap = l->mtu > DGRAM_HEADERS ? l->mtu - DGRAM_HEADERS : 512;
		ret = ctd_link_dgram_open(l);
	}
	if (l->cap > LINK_BUF)
		l->cap = LINK_BUF;
	return ret;
}

int ctd_links_open(struct ctd *d)
{
	n_links = 0;
	for (unsigned int i = 0; i < d->cfg->n_links; i++) {
		int ret = open_link(d, (int)i);

		n_links++;
		if (ret < 0) {
			ctd_log(LOG_ERR, "can't open channel socket: %s", strerror(-ret));
			return ret;
		}
	}
	active = (int)d->cfg->default_link;
	if (active >= n_links)
		active = 0;
	if (n_links > 1 && ctd_linkwatch_open(d) < 0)
		ctd_log(LOG_WARNING, "can't watch the links' interfaces: no failover");
	return n_links ? 0 : -EINVAL;
}

void ctd_links_close(struct ctd *d)
{
	ctd_linkwatch_close(d);
	for (int i = 0; i < n_links; i++) {
		if (links[i].conf->kind == CTD_LINK_TCP)
			ctd_link_tcp_close(&links[i]);
		else
			ctd_link_dgram_close(&links[i]);
		free(links[i].tx);
		free(links[i].rx);
	}
	n_links = 0;
}

static void flush_link(struct ctd_link *l)
{
	int ret;

	if (!l->tx_len)
		return;
	ret = l->conf->kind == CTD_LINK_TCP ? ctd_link_tcp_send(l, l->tx, l->tx_len)
					    : ctd_link_dgram_send(l, l->tx, l->tx_len);
	if (ret < 0) {
		l->st.send_errors++;
	} else {
		l->st.bytes_sent += l->tx_len;
		l->st.packets_sent++;
	}
	l->tx_len = 0;
}

int ctd_links_send(struct ctd *d, const void *msg, size_t len)
{
	struct ctd_link *l;

	(void)d;
	if (!n_links)
		return -ENOTCONN;
	l = &links[active];
	if (len > l->cap)
		return -EMSGSIZE;
	if (l->tx_len + len > l->cap)
		flush_link(l);
	memcpy(l->tx + l->tx_len, msg, len);
	l->tx_len += len;
	return 0;
}

void ctd_links_flush(struct ctd *d)
{
	(void)d;
	for (int i = 0; i < n_links; i++)
		flush_link(&links[i]);
}

void ctd_links_received(struct ctd *d, int index)
{
	(void)d;
	if (index < 0 || index >= n_links || index == active)
		return;
	flush_link(&links[active]);
	active = index;
}

/* linkwatch.c: the interface of link @index went up or down */
void ctd_links_carrier(struct ctd *d, int ifindex, bool up)
{
	char name[IF_NAMESIZE];

	(void)d;
	for (int i = 0; i < n_links; i++)
		if (links[i].ifindex == ifindex)
			links[i].up = up;
	if (links[active].up || n_links < 2)
		return;
	for (int i = 0; i < n_links; i++) {
		if (i != active && links[i].up) {
			flush_link(&links[active]);
			active = i;
			ctd_log(LOG_NOTICE, "device `%s' becomes dedicated link",
				if_indextoname((unsigned int)links[i].ifindex, name)
					?: links[i].conf->ifname);
			return;
		}
	}
	ctd_log(LOG_ERR, "no dedicated links available!");
}

int ctd_links_ifindex(int i)
{
	return i < n_links ? links[i].ifindex : 0;
}

void ctd_links_totals(struct ctd *d, struct ctd_link_stats *st)
{
	(void)d;
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < n_links; i++) {
		st->bytes_sent += links[i].st.bytes_sent;
		st->packets_sent += links[i].st.packets_sent;
		st->send_errors += links[i].st.send_errors;
		st->bytes_recv += links[i].st.bytes_recv;
		st->packets_recv += links[i].st.packets_recv;
		st->recv_errors += links[i].st.recv_errors;
	}
}

static const char *kind_name(enum ctd_link_kind k)
{
	switch (k) {
	case CTD_LINK_MCAST:
		return "multicast";
	case CTD_LINK_TCP:
		return "TCP";
	default:
		return "UDP";
	}
}

void ctd_links_stats_text(struct ctd *d, struct ctk_out *o, int extended)
{
	char buf[1024];
	int n;

	(void)d;
	for (int i = 0; i < n_links; i++) {
		struct ctd_link *l = &links[i];

		if (!extended && i != active)
			continue;
		n = snprintf(
			buf, sizeof(buf),
			"%s traffic (active device=%s):\n"
			"%20llu Bytes sent %20llu Bytes recv\n"
			"%20llu Pckts sent %20llu Pckts recv\n"
			"%20llu Error send %20llu Error recv\n\n",
			kind_name(l->conf->kind), l->conf->ifname[0] ? l->conf->ifname : "none",
			(unsigned long long)l->st.bytes_sent, (unsigned long long)l->st.bytes_recv,
			(unsigned long long)l->st.packets_sent,
			(unsigned long long)l->st.packets_recv,
			(unsigned long long)l->st.send_errors,
			(unsigned long long)l->st.recv_errors);
		ctk_out_write(o, buf, (size_t)n);
	}
}
