// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Conntrack event socket (see include/ctkit/events.h).
 *
 * The kernel sends every event as its own datagram, so one receive is one
 * message in practice; the decoder still walks a whole buffer, which is
 * what the fuzzer feeds it.
 */
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctkit/events.h>
#include <ctkit/netlink.h>
#include "netlink/session.h"

/*
 * An event carries one entry's attributes: far below 64 KiB, but a
 * truncated receive would lose the event, so leave generous room.
 */
#define EVENTS_RECV_SIZE (64 * 1024)

struct ctk_events {
	struct mnl_socket *sock;
	char *buf;		/* EVENTS_RECV_SIZE bytes */
	struct ctk_entry entry; /* decoded into for every event */
};

/* One walk over a buffer of messages. */
struct walk {
	struct ctk_entry *entry;
	ctk_event_cb cb;
	void *data;
	int passed;
	bool cancelled;
};

struct ctk_events *ctk_events_open_netns(unsigned int groups, int netns_fd)
{
	struct ctk_events *ev = calloc(1, sizeof(*ev));
	int err, fd;

	if (!ev)
		return NULL;
	ev->buf = malloc(EVENTS_RECV_SIZE);
	if (!ev->buf)
		goto fail;
	fd = ctknl_socket(netns_fd);
	if (fd < 0) {
		errno = -fd;
		goto fail;
	}
	ev->sock = mnl_socket_fdopen(fd);
	if (!ev->sock) {
		err = errno;
		close(fd);
		errno = err;
		goto fail;
	}
	if (mnl_socket_bind(ev->sock, groups, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	return ev;
fail:
	err = errno;
	ctk_events_close(ev);
	errno = err;
	return NULL;
}

struct ctk_events *ctk_events_open(unsigned int groups)
{
	return ctk_events_open_netns(groups, -1);
}

void ctk_events_close(struct ctk_events *ev)
{
	if (!ev)
		return;
	if (ev->sock)
		mnl_socket_close(ev->sock);
	free(ev->buf);
	free(ev);
}

int ctk_events_fd(const struct ctk_events *ev)
{
	return mnl_socket_get_fd(ev->sock);
}

int ctk_events_rcvbuf(const struct ctk_events *ev)
{
	int size = 0;
	socklen_t len = sizeof(size);

	if (getsockopt(ctk_events_fd(ev), SOL_SOCKET, SO_RCVBUF, &size, &len) < 0)
		return -errno;
	return size;
}

int ctk_events_set_rcvbuf(struct ctk_events *ev, size_t bytes, bool force)
{
	/* The kernel doubles the value and keeps it in an int. */
	int size = bytes > INT32_MAX / 2 ? INT32_MAX / 2 : (int)bytes;
	int fd = ctk_events_fd(ev);

	if (!(force && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		return -errno;
	return ctk_events_rcvbuf(ev);
}

static bool is_ct_event(const struct nlmsghdr *nlh)
{
	uint16_t type = nlh->nlmsg_type;

	if (type >> 8 != NFNL_SUBSYS_CTNETLINK)
		return false;
	type &= 0xff;
	return type == IPCTNL_MSG_CT_NEW || type == IPCTNL_MSG_CT_DELETE;
}

static int event_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	const struct nfgenmsg *nfh = mnl_nlmsg_get_payload(nlh);
	struct ctk_event_info info = {.portid = nlh->nlmsg_pid};
	int verdict;

	if (!is_ct_event(nlh) || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfh)))
		return MNL_CB_OK;
	/* Like the reference: an event it cannot parse is not shown. */
	if (ctk_entry_parse(nlh, w->entry, &info.type) < 0)
		return MNL_CB_OK;
	info.family = nfh->nfgen_family;
	w->passed++;
	verdict = w->cb(w->entry, &info, w->data);
	if (verdict == CTK_CB_ERROR)
		w->cancelled = true;
	return verdict;
}

/*
 * framed_prefix - the length of the run of well-framed messages at the
 * start of @buf. libmnl compares nlmsg_len as a signed int, so a length
 * of 2 GiB or more would walk it off the buffer: such a message (which no
 * kernel sends) ends the walk here instead.
 */
static size_t framed_prefix(const char *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(buf + off);
		size_t msg_len = nlh->nlmsg_len;

		if (msg_len < sizeof(*nlh) || msg_len > len - off)
			break;
		msg_len = MNL_ALIGN(msg_len);
		off += msg_len < len - off ? msg_len : len - off;
	}
	return off;
}

int ctk_events_decode(const void *buf, size_t len, struct ctk_entry *scratch, ctk_event_cb cb,
		      void *data)
{
	struct walk w = {.entry = scratch, .cb = cb, .data = data};

	len = framed_prefix(buf, len);
	/* Sequence 0 and port 0: accept every multicast message. */
	(void)mnl_cb_run(buf, len, 0, 0, event_msg_cb, &w);
	return w.cancelled ? -ECANCELED : w.passed;
}

int ctk_events_recv(struct ctk_events *ev, const void **buf)
{
	ssize_t n = mnl_socket_recvfrom(ev->sock, ev->buf, EVENTS_RECV_SIZE);

	if (n < 0)
		return -errno;
	*buf = ev->buf;
	return (int)n;
}

int ctk_events_read(struct ctk_events *ev, ctk_event_cb cb, void *data)
{
	const void *buf = NULL;
	int n = ctk_events_recv(ev, &buf);

	if (n < 0)
		return n;
	return ctk_events_decode(buf, (size_t)n, &ev->entry, cb, data);
}
