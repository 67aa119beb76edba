/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to lib/netlink: the session object and its request/reply loop.
 */
#ifndef CTK_NETLINK_SESSION_H
#define CTK_NETLINK_SESSION_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <ctkit/netlink.h>

/*
 * One recvmsg() returns one kernel skb; a dump skb holds at most about
 * 32 KiB of messages however large the buffer (the kernel caps its
 * allocation), so twice that leaves room and never truncates.
 */
#define CTKNL_RECV_SIZE (64 * 1024)
/* Receive queue: room for acks of batched requests and event bursts. */
#define CTKNL_SOCK_RCVBUF (4 * 1024 * 1024)
/* A request is a header and one entry's attributes: well under a page. */
#define CTKNL_SEND_SIZE 4096

/*
 * struct ctknl_run - one request's reply loop. Message callbacks get the
 * run as their data, set @err before returning MNL_CB_ERROR and @stopped
 * when their caller asked to stop early.
 */
struct ctknl_run {
	struct ctk_nl *nl;
	ctk_entry_cb entry_cb; /* the caller's callback (one of) */
	ctk_stats_cb stats_cb;
	void *data; /* and its data */
	int err;
	bool kernel_err; /* @err came in an NLMSG_ERROR: the exchange is over */
	bool stopped;
	bool read_ahead; /* receive on a second thread (read_ahead.c) */
};

struct ctk_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	size_t rcvbuf;		/* asked for; asked again when the socket is renewed */
	bool stale;		/* a dump was abandoned: renew before the next request */
	int netns;		/* our copy of the namespace fd, -1: the opener's namespace */
	/* A dump driven by ctk_nl_dump_continue() (none while !async_busy). */
	bool async_busy;
	uint32_t async_seq;
	mnl_cb_t async_cb;
	struct ctknl_run async_run;
	char *buf;		/* CTKNL_RECV_SIZE bytes */
	struct ctk_entry entry; /* decoded into for every reply: no per-entry allocation */
};

/*
 * ctknl_run_error - the error of a reply loop whose callbacks failed:
 * theirs, else libmnl's errno (EINTR: the dump carried NLM_F_DUMP_INTR).
 */
static inline int ctknl_run_error(const struct ctknl_run *run)
{
	return run->err ? run->err : -errno;
}

/*
 * ctknl_socket - a NETLINK_NETFILTER socket (close-on-exec) created in the
 * namespace @netns (an open namespace fd; -1: the caller's). Returns the
 * descriptor or a negative errno (netns.c).
 */
int ctknl_socket(int netns);

/*
 * ctknl_start - stamp @nlh, send it and return at once: its replies are
 * read by ctk_nl_dump_continue() through @msg_cb with @run (copied into
 * nl->async_run). -EBUSY while another one runs.
 */
int ctknl_start(struct ctk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t msg_cb,
		const struct ctknl_run *run);

/*
 * ctknl_thread_start - pthread_create() with every signal blocked in the
 * new thread (thread.c). Returns 0 or a negative errno.
 */
int ctknl_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

/* ctknl_ready - renew the socket if an abandoned dump left it busy. */
int ctknl_ready(struct ctk_nl *nl);
uint32_t ctknl_next_seq(struct ctk_nl *nl);

/* ctknl_request - stamp @nlh with the next sequence number, send it, run the replies. */
int ctknl_request(struct ctk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t msg_cb, struct ctknl_run *run);

/* ctknl_run_replies - the reply loop of one exchange, receiving on this thread. */
int ctknl_run_replies(struct ctk_nl *nl, uint32_t seq, mnl_cb_t msg_cb, struct ctknl_run *run);

/*
 * ctknl_run_replies_ahead - the reply loop of a dump with recvmsg() on a
 * second thread, so the kernel builds the next chunks while @msg_cb runs.
 */
int ctknl_run_replies_ahead(struct ctk_nl *nl, uint32_t seq, mnl_cb_t msg_cb,
			    struct ctknl_run *run, mnl_cb_t *ctl_cb);

/* ctknl_put_key - the tuple (and zones) that identify @e in a get request (request.c). */
int ctknl_put_key(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e);
/* ctknl_put_delete - the attributes of a delete request for @e (request.c). */
int ctknl_put_delete(struct nlmsghdr *nlh, size_t buflen, const struct ctk_entry *e);

/* ctknl_put_dump_filter - the kernel-side filter of a dump request (dump_filter.c). */
int ctknl_put_dump_filter(struct nlmsghdr *nlh, size_t buflen, const struct ctk_dump_opts *o);

/*
 * ctknl_verdict - turn a caller's CTK_CB_* verdict into libmnl's, noting
 * an early stop (the socket is then renewed) or a cancel (-ECANCELED).
 */
int ctknl_verdict(struct ctknl_run *run, int ret);

/* ctknl_entry_cb - decode a reply entry and hand it over with no event (dump, get). */
int ctknl_entry_cb(const struct nlmsghdr *nlh, void *data);

#endif
