// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The netlink session: a NETLINK_NETFILTER socket (libmnl) and the loop
 * that sends one request and runs its replies through a callback.
 *
 * Sessions share nothing, so a caller may run requests on a second
 * session from inside a dump callback of the first (conntrack -D/-U).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/netlink.h>
#include "netlink/session.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static void set_flag(struct ctk_nl *nl, int opt)
{
	int one = 1;

	/* Optional: older kernels lack these, and that is fine. */
	(void)mnl_socket_setsockopt(nl->sock, opt, &one, sizeof(one));
}

static int configure(struct ctk_nl *nl)
{
	int ret;

	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	nl->portid = mnl_socket_get_portid(nl->sock);
	/* Error messages without the request echoed back, plus the kernel's reason. */
	set_flag(nl, NETLINK_CAP_ACK);
	set_flag(nl, NETLINK_EXT_ACK);
	ret = ctk_nl_set_rcvbuf(nl, nl->rcvbuf);
	return ret < 0 ? ret : 0;
}

struct ctk_nl *ctk_nl_open_netns(int netns)
{
	struct ctk_nl *nl = calloc(1, sizeof(*nl));
	int fd, ret;

	if (!nl)
		return NULL;
	nl->netns = -1;
	nl->rcvbuf = CTKNL_SOCK_RCVBUF;
	/* Not 0: libmnl skips the check for sequence 0. */
	nl->seq = (uint32_t)time(NULL) | 1;
	nl->buf = malloc(CTKNL_RECV_SIZE);
	if (!nl->buf) {
		ret = -ENOMEM;
		goto fail;
	}
	if (netns >= 0) {
		/* Our own copy: renew() needs it after the caller closed theirs. */
		ret = fcntl(netns, F_DUPFD_CLOEXEC, 0);
		if (ret < 0) {
			ret = -errno;
			goto fail;
		}
		nl->netns = ret;
	}
	fd = ret = ctknl_socket(nl->netns);
	if (ret < 0)
		goto fail;
	nl->sock = mnl_socket_fdopen(fd);
	if (!nl->sock) {
		ret = -errno;
		close(fd);
		goto fail;
	}
	ret = configure(nl);
	if (ret < 0)
		goto fail;
	return nl;
fail:
	ctk_nl_close(nl);
	errno = -ret;
	return NULL;
}

struct ctk_nl *ctk_nl_open(void)
{
	return ctk_nl_open_netns(-1);
}

void ctk_nl_close(struct ctk_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	if (nl->netns >= 0)
		close(nl->netns);
	free(nl->buf);
	free(nl);
}

int ctk_nl_fd(const struct ctk_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

uint32_t ctk_nl_portid(const struct ctk_nl *nl)
{
	return nl->portid;
}

int ctk_nl_set_rcvbuf(struct ctk_nl *nl, size_t bytes)
{
	int fd = mnl_socket_get_fd(nl->sock);
	int size = bytes > INT32_MAX / 2 ? INT32_MAX / 2 : (int)bytes;
	socklen_t len = sizeof(size);

	/* FORCE passes rmem_max, but only with CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		return -errno;
	nl->rcvbuf = bytes;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) < 0)
		return -errno;
	return size;
}

/*
 * renew - replace the socket under the same descriptor. The kernel keeps
 * running an abandoned dump for its socket (and refuses a new one with
 * EBUSY); a fresh socket is cheaper than reading the rest of the table.
 */
static int renew(struct ctk_nl *nl)
{
	int fd = ctknl_socket(nl->netns);
	int ret = 0;

	if (fd < 0)
		return fd;
	/* dup3, not dup2: the descriptor must stay close-on-exec. */
	if (dup3(fd, mnl_socket_get_fd(nl->sock), O_CLOEXEC) < 0)
		ret = -errno;
	close(fd);
	if (ret == 0)
		ret = configure(nl);
	if (ret == 0)
		nl->stale = false;
	return ret;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct ctknl_run *run = data;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		run->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP; /* the ack */
	run->err = e->error < 0 ? e->error : -e->error;
	run->kernel_err = true;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* libmnl takes the table as non-const; we never change it. */
static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

int ctknl_run_replies(struct ctk_nl *nl, uint32_t seq, mnl_cb_t msg_cb, struct ctknl_run *run)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, CTKNL_RECV_SIZE);
		int ret;

		if (n < 0)
			return -errno; /* ENOBUFS included: the caller must know */
		ret = mnl_cb_run2(nl->buf, n, seq, nl->portid, msg_cb, run, ctl_cb, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0)
			return ctknl_run_error(run);
	}
}

int ctknl_ready(struct ctk_nl *nl)
{
	return nl->stale ? renew(nl) : 0;
}

uint32_t ctknl_next_seq(struct ctk_nl *nl)
{
	/* Never 0: libmnl would not check it. */
	return ++nl->seq ? nl->seq : ++nl->seq;
}

int ctknl_request(struct ctk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t msg_cb, struct ctknl_run *run)
{
	int ret = nl->async_busy ? -EBUSY : ctknl_ready(nl);

	if (ret < 0)
		return ret;
	run->nl = nl;
	run->err = 0;
	run->kernel_err = false;
	run->stopped = false;
	nlh->nlmsg_seq = ctknl_next_seq(nl);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	if (run->read_ahead)
		ret = ctknl_run_replies_ahead(nl, nlh->nlmsg_seq, msg_cb, run, ctl_cb);
	else
		ret = ctknl_run_replies(nl, nlh->nlmsg_seq, msg_cb, run);
	/* Anything but a complete exchange may leave replies in flight. */
	if ((ret < 0 && !run->kernel_err) || run->stopped)
		nl->stale = true;
	return ret;
}

int ctknl_start(struct ctk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t msg_cb,
		const struct ctknl_run *run)
{
	int ret = nl->async_busy ? -EBUSY : ctknl_ready(nl);

	if (ret < 0)
		return ret;
	nl->async_run = *run;
	nl->async_run.nl = nl;
	nl->async_cb = msg_cb;
	nl->async_seq = nlh->nlmsg_seq = ctknl_next_seq(nl);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	nl->async_busy = true;
	return 0;
}

/* One receive without blocking; the length, or a negative errno (-EAGAIN: nothing yet). */
static ssize_t recv_nowait(struct ctk_nl *nl)
{
	struct iovec iov = {.iov_base = nl->buf, .iov_len = CTKNL_RECV_SIZE};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	do
		n = recvmsg(mnl_socket_get_fd(nl->sock), &msg, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -ENOSPC; /* as libmnl: a message larger than our buffer */
	return n;
}

/* The async exchange is over: the session takes requests again. */
static int async_end(struct ctk_nl *nl, int ret)
{
	struct ctknl_run *run = &nl->async_run;

	if ((ret < 0 && !run->kernel_err) || run->stopped)
		nl->stale = true;
	nl->async_busy = false;
	return ret;
}

int ctk_nl_dump_continue(struct ctk_nl *nl)
{
	struct ctknl_run *run = &nl->async_run;

	if (!nl->async_busy)
		return -EINVAL;
	for (unsigned int i = 0; i < CTK_NL_DUMP_BUDGET; i++) {
		ssize_t n = recv_nowait(nl);
		int ret;

		if (n == -EAGAIN)
			return -EAGAIN;
		if (n < 0)
			return async_end(nl, (int)n);
		ret = mnl_cb_run2(nl->buf, (size_t)n, nl->async_seq, nl->portid, nl->async_cb, run,
				  ctl_cb, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_STOP)
			return async_end(nl, 0);
		if (ret < 0)
			return async_end(nl, ctknl_run_error(run));
	}
	return -EINPROGRESS;
}

void ctk_nl_dump_abort(struct ctk_nl *nl)
{
	if (!nl->async_busy)
		return;
	nl->async_run.stopped = true;
	async_end(nl, 0);
}
