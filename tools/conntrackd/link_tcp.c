// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TCP links: each node listens on its address and connects to the peer's;
 * messages go out on the connection we made and come in on the one we
 * accepted, cut back into whole messages by their length field.
 *
 * A restarted peer connects to us again. Our connection to its old
 * incarnation is then dead but looks alive until a write fails, so the
 * bulk its restart asks for would go into the void (conntrackd 1.4.7
 * leaves a restarted backup empty this way). So a new incoming connection
 * makes us reconnect our side too before anything it says is handled, and
 * a connection the peer closes is reopened at once.
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

static void reconnect(struct ctd_link *l);

static void drop_conn(struct ctd_link *l)
{
	if (l->conn_fd >= 0) {
		ctd_loop_del(l->d->loop, l->conn_fd);
		close(l->conn_fd);
	}
	l->conn_fd = -1;
	l->conn_ready = false;
}

static void on_conn(int fd, uint32_t events, void *data)
{
	struct ctd_link *l = data;
	char sink[256];
	int err = 0;
	socklen_t len = sizeof(err);

	if (!l->conn_ready && (events & EPOLLOUT)) {
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			drop_conn(l);
			ctd_timer_arm(l->d->loop, &l->reconnect, RECONNECT_MS);
			return;
		}
		l->conn_ready = true;
		ctd_loop_mod(l->d->loop, fd, EPOLLRDHUP);
		return;
	}
	/* nothing comes back on our connection: readable means closed or reset */
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			return;
		reconnect(l);
	}
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
	/* a (re)started peer: our old connection to it is stale */
	reconnect(l);
}

int ctd_link_tcp_open(struct ctd_link *l)
{
	const struct ctd_link_conf *c = l->conf;
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	l->rx = malloc(TCP_RX_BUF);
	if (!l->rx)
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
}

int ctd_link_tcp_send(struct ctd_link *l, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct timespec ts = {0, 200000};
	int waits = 0;

	if (l->conn_fd < 0 || !l->conn_ready)
		return -ENOTCONN;
	while (len) {
		ssize_t n = send(l->conn_fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR) && waits++ < 5000) {
			nanosleep(&ts, NULL);
			continue;
		}
		if (n < 0) {
			int err = -errno;

			reconnect(l);
			return err;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
