/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to link*.c: one dedicated link and its transport. */
#ifndef CTD_LINK_PRIV_H
#define CTD_LINK_PRIV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "config.h"
#include "link.h"
#include "loop.h"

#define LINK_BUF   65536
#define TCP_RX_BUF (2 * LINK_BUF)

struct ctd_link {
	struct ctd *d;
	int index;
	const struct ctd_link_conf *conf;
	int ifindex;
	unsigned int mtu;
	size_t cap;		      /* payload bytes per datagram: MTU - headers */
	int send_fd, recv_fd;	      /* datagram links */
	struct sockaddr_storage dest; /* where datagrams go */
	socklen_t dest_len;
	/* TCP: a listening socket, the accepted peer connection, our connection to the peer */
	int listen_fd, peer_fd, conn_fd;
	bool conn_ready;
	struct ctd_timer reconnect;
	uint8_t *rx; /* stream reassembly */
	size_t rx_len;
	/* TCP: what the connection did not take yet (whole messages, but for head_left) */
	uint8_t *pending;
	size_t pending_len;
	size_t head_left; /* bytes of a message partly written, at pending's head */
	uint8_t *tx;	  /* messages waiting to be sent */
	size_t tx_len;
	struct ctd_link_stats st;
	bool up;
};

int ctd_link_dgram_open(struct ctd_link *l);
void ctd_link_dgram_close(struct ctd_link *l);
int ctd_link_dgram_send(struct ctd_link *l, const void *buf, size_t len);

int ctd_link_tcp_open(struct ctd_link *l);
void ctd_link_tcp_close(struct ctd_link *l);
int ctd_link_tcp_send(struct ctd_link *l, const void *buf, size_t len);

/* shared: socket buffers as configured, or ctkit's generous default */
void ctd_link_buffers(const struct ctd_link *l, int fd);
int ctd_link_sockaddr(const struct ctd_link_conf *c, const struct in6_addr *a, unsigned int port,
		      struct sockaddr_storage *ss, socklen_t *len);

#endif
