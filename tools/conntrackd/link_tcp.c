// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TCP links: each node listens on its address and connects to the peer's;
 * messages go out on the connection we made and come in on the one we
 * accepted, cut back into whole messages by their length field.
 *
 * Nothing is written into a dead connection and forgotten (conntrackd
 * 1.4.7 left a restarted backup empty that way): what the connection does
 * not take, or what is sent while it is being (re)established, waits in a
 * bounded pending buffer and goes out once it can. A connection the peer
 * closes (it stopped or restarted) is reopened at once, and a peer that
 * connects to us is connected to without waiting for the retry timer.
 * Writes never block the loop: a full socket waits for EPOLLOUT.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <ctkit/sync.h>

#include "auth.h"
#include "ctd.h"
#include "link_priv.h"
#include "log.h"

#define RECONNECT_MS 1000
#define PENDING_MAX  (16u << 20) /* beyond it a burst is dropped (FTFW resends) */

static void reconnect(struct ctd_link *l);
static void flush_pending(struct ctd_link *l);

static size_t unit_len(const struct ctd_link *l, const uint8_t *msg)
{
	size_t len = (size_t)msg[2] << 8 | msg[3];

	return len + (ctd_auth_enabled(l->d) ? CTD_AUTH_TAG_MAX : 0);
}

/* A message written in part cannot go on another connection: drop its rest. */
static void drop_partial(struct ctd_link *l)
{
	memmove(l->pending, l->pending + l->head_left, l->pending_len - l->head_left);
	l->pending_len -= l->head_left;
	l->head_left = 0;
}

static void drop_conn(struct ctd_link *l)
{
	if (l->conn_fd >= 0) {
		ctd_loop_del(l->d->loop, l->conn_fd);
		close(l->conn_fd);
	}
	l->conn_fd = -1;
	l->conn_ready = false;
	drop_partial(l);
}

static void on_conn(int fd, uint32_t events, void *data)
{
	struct ctd_link *l = data;
	char sink[256];
	int err = 0;
	socklen_t len = sizeof(err);

	if (!l->conn_ready && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err || (events & EPOLLHUP)) {
			drop_conn(l);
			ctd_timer_arm(l->d->loop, &l->reconnect, RECONNECT_MS);
			return;
		}
		l->conn_ready = true;
		ctd_loop_mod(l->d->loop, fd, EPOLLRDHUP);
		flush_pending(l);
		return;
	}
	/* nothing comes back on our connection: readable means closed or reset */
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			return;
		reconnect(l);
		return;
	}
	if (events & EPOLLOUT)
		flush_pending(l);
}

static void start_connect(struct ctd_link *l)
{
	const struct ctd_link_conf *c = l->conf;
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;
	int fd = socket(c->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return;
	ctd_link_buffers(l, fd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ctd_link_sockaddr(c, &c->dest, c->port, &ss, &len);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		close(fd);
		ctd_timer_arm(l->d->loop, &l->reconnect, RECONNECT_MS);
		return;
	}
	l->conn_fd = fd;
	l->conn_ready = false;
	if (ctd_loop_add(l->d->loop, fd, EPOLLOUT | EPOLLRDHUP, on_conn, l) < 0)
		drop_conn(l);
}

static void reconnect(struct ctd_link *l)
{
	drop_conn(l);
	ctd_timer_disarm(l->d->loop, &l->reconnect);
	start_connect(l);
}

static void on_reconnect_timer(void *data)
{
	struct ctd_link *l = data;

	if (l->conn_fd < 0)
		start_connect(l);
}

/* @off bytes of pending went out: drop them, remembering a message they cut. */
static void consumed(struct ctd_link *l, size_t off)
{
	size_t unit = l->head_left;

	if (off < l->head_left) {
		l->head_left -= off;
	} else {
		while (unit < off)
			unit += unit_len(l, l->pending + unit);
		l->head_left = unit - off;
	}
	memmove(l->pending, l->pending + off, l->pending_len - off);
	l->pending_len -= off;
}

/* Write what the connection takes; the rest waits for EPOLLOUT. */
static void flush_pending(struct ctd_link *l)
{
	size_t off = 0;

	while (l->conn_ready && off < l->pending_len) {
		ssize_t n = send(l->conn_fd, l->pending + off, l->pending_len - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			l->st.send_errors++;
			reconnect(l);
			return;
		}
		off += (size_t)n;
	}
	consumed(l, off);
	if (l->conn_ready)
		ctd_loop_mod(l->d->loop, l->conn_fd, EPOLLRDHUP | (l->pending_len ? EPOLLOUT : 0));
}

int ctd_link_tcp_send(struct ctd_link *l, const void *buf, size_t len)
{
	if (l->pending_len + len > PENDING_MAX)
		return -ENOBUFS;
	memcpy(l->pending + l->pending_len, buf, len);
	l->pending_len += len;
	flush_pending(l);
	return 0;
}

static void deliver(struct ctd_link *l)
{
	size_t off = 0;

	while (l->rx_len - off >= CTK_SYNC_HDR_LEN) {
		size_t mlen = (size_t)l->rx[off + 2] << 8 | l->rx[off + 3];
		size_t tag = ctd_auth_enabled(l->d) ? CTD_AUTH_TAG_MAX : 0;

		if (mlen < CTK_SYNC_HDR_LEN || mlen > CTK_SYNC_MSG_MAX) {
			/* garbage: this stream cannot be framed any more */
			ctd_sync_recv(l->d, l->index, l->rx + off, l->rx_len - off);
			off = l->rx_len;
			break;
		}
		if (l->rx_len - off < mlen + tag)
			break;
		ctd_sync_recv(l->d, l->index, l->rx + off, mlen + tag);
		off += mlen + tag;
	}
	memmove(l->rx, l->rx + off, l->rx_len - off);
	l->rx_len -= off;
}

static void close_peer(struct ctd_link *l)
{
	if (l->peer_fd < 0)
		return;
	ctd_loop_del(l->d->loop, l->peer_fd);
	close(l->peer_fd);
	l->peer_fd = -1;
	l->rx_len = 0;
}

static void on_peer(int fd, uint32_t events, void *data)
{
	struct ctd_link *l = data;
	ssize_t n;

	(void)events;
	n = recv(fd, l->rx + l->rx_len, TCP_RX_BUF - l->rx_len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		if (n < 0)
			l->st.recv_errors++;
		close_peer(l);
		return;
	}
	if (n < 0)
		return;
	l->st.bytes_recv += (uint64_t)n;
	l->st.packets_recv++;
	l->rx_len += (size_t)n;
	deliver(l);
}

static void on_accept(int fd, uint32_t events, void *data)
{
	struct ctd_link *l = data;
	int one = 1;
	int peer = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	(void)events;
	if (peer < 0)
		return;
	close_peer(l);
	setsockopt(peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	l->peer_fd = peer;
	if (ctd_loop_add(l->d->loop, peer, 0, on_peer, l) < 0) {
		close(peer);
		l->peer_fd = -1;
		return;
	}
	/*
	 * The peer is (back) up: connect now rather than at the next retry.
	 * A peer that restarted closed our old connection, which on_conn()
	 * saw, so an established connection is a live one; reopening it here
	 * would make two peers reopen each other's connections for ever.
	 */
	if (l->conn_fd < 0) {
		ctd_timer_disarm(l->d->loop, &l->reconnect);
		start_connect(l);
	}
}

int ctd_link_tcp_open(struct ctd_link *l)
{
	const struct ctd_link_conf *c = l->conf;
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	l->rx = malloc(TCP_RX_BUF);
	l->pending = malloc(PENDING_MAX);
	if (!l->rx || !l->pending)
		return -ENOMEM;
	ctd_timer_init(&l->reconnect, on_reconnect_timer, l);
	l->listen_fd = socket(c->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->listen_fd < 0)
		return -errno;
	setsockopt(l->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ctd_link_buffers(l, l->listen_fd);
	ctd_link_sockaddr(c, &c->addr, c->port, &ss, &len);
	if (bind(l->listen_fd, (struct sockaddr *)&ss, len) < 0 || listen(l->listen_fd, 1) < 0)
		return -errno;
	if (ctd_loop_add(l->d->loop, l->listen_fd, 0, on_accept, l) < 0)
		return -EMFILE;
	start_connect(l);
	return 0;
}

void ctd_link_tcp_close(struct ctd_link *l)
{
	drop_conn(l);
	close_peer(l);
	ctd_timer_disarm(l->d->loop, &l->reconnect);
	if (l->listen_fd >= 0) {
		ctd_loop_del(l->d->loop, l->listen_fd);
		close(l->listen_fd);
	}
	l->listen_fd = -1;
	free(l->pending);
	l->pending = NULL;
}
