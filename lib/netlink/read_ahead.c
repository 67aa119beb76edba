// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dump replies received on a second thread.
 *
 * The kernel builds a dump's next chunk inside our recvmsg(): about three
 * quarters of a 1 M-entry `conntrack -L` is that system time, the rest
 * is decoding and formatting. Read on one thread and parse on another,
 * the two overlap on two cores and the dump costs little more than the
 * kernel's part (docs/ARCHITECTURE.md, "Speed and memory").
 *
 * The reader fills a ring of buffers, one recvmsg() each, and stops after
 * the buffer that holds the dump's end (NLMSG_DONE or NLMSG_ERROR), at a
 * receive error, or when the parser gives up early (the socket is then
 * renewed, as for any abandoned dump). Messages are parsed in the order
 * they arrived; memory is the ring, whatever the table size.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include "netlink/session.h"

#define AHEAD_SLOTS 8

struct ahead_slot {
	char *buf;
	ssize_t len; /* bytes, or -errno from recvmsg() */
};

struct ahead {
	struct ctk_nl *nl;
	struct ahead_slot slot[AHEAD_SLOTS];
	unsigned int filled; /* slots handed to the parser, ever */
	unsigned int parsed; /* slots given back by the parser, ever */
	bool reader_done;
	bool parser_done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* Does this chunk end the exchange? Then the next recvmsg() would block. */
static bool ends_exchange(const char *buf, ssize_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;

	if (len < 0)
		return true;
	while (mnl_nlmsg_ok(nlh, left)) {
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
			return true;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return left != 0; /* a torn chunk: the parser reports it */
}

static void *reader(void *arg)
{
	struct ahead *a = arg;
	bool last = false;

	while (!last) {
		struct ahead_slot *s;

		pthread_mutex_lock(&a->lock);
		while (!a->parser_done && a->filled - a->parsed == AHEAD_SLOTS)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->parser_done) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		s = &a->slot[a->filled % AHEAD_SLOTS];
		pthread_mutex_unlock(&a->lock);

		s->len = mnl_socket_recvfrom(a->nl->sock, s->buf, CTKNL_RECV_SIZE);
		if (s->len < 0)
			s->len = -errno;
		last = ends_exchange(s->buf, s->len);

		pthread_mutex_lock(&a->lock);
		a->filled++;
		a->reader_done = last;
		pthread_cond_broadcast(&a->cond);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

/* The next chunk, or NULL when the reader stopped with nothing left. */
static struct ahead_slot *next_chunk(struct ahead *a)
{
	struct ahead_slot *s = NULL;

	pthread_mutex_lock(&a->lock);
	while (a->filled == a->parsed && !a->reader_done)
		pthread_cond_wait(&a->cond, &a->lock);
	if (a->filled != a->parsed)
		s = &a->slot[a->parsed % AHEAD_SLOTS];
	pthread_mutex_unlock(&a->lock);
	return s;
}

static void chunk_done(struct ahead *a, bool stop)
{
	pthread_mutex_lock(&a->lock);
	a->parsed++;
	a->parser_done |= stop;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static int parse_chunks(struct ahead *a, uint32_t seq, mnl_cb_t msg_cb, struct ctknl_run *run,
			mnl_cb_t *ctl_cb)
{
	struct ahead_slot *s;

	while ((s = next_chunk(a))) {
		int ret;

		if (s->len < 0) {
			chunk_done(a, true);
			return (int)s->len; /* ENOBUFS included: the caller must know */
		}
		ret = mnl_cb_run2(s->buf, (size_t)s->len, seq, a->nl->portid, msg_cb, run, ctl_cb,
				  NLMSG_MIN_TYPE);
		if (ret < 0)
			ret = ctknl_run_error(run);
		chunk_done(a, ret <= 0);
		if (ret <= 0)
			return ret;
	}
	return -EPROTO; /* the reader stopped before the end: a torn chunk */
}

static void ahead_free(struct ahead *a, bool synced)
{
	for (unsigned int i = 0; i < AHEAD_SLOTS; i++)
		free(a->slot[i].buf);
	if (synced) {
		pthread_cond_destroy(&a->cond);
		pthread_mutex_destroy(&a->lock);
	}
}

/* The ring and the lock; false when the system refuses one of them. */
static bool ahead_init(struct ahead *a)
{
	for (unsigned int i = 0; i < AHEAD_SLOTS; i++) {
		a->slot[i].buf = malloc(CTKNL_RECV_SIZE);
		if (!a->slot[i].buf)
			goto fail;
	}
	if (pthread_mutex_init(&a->lock, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&a->cond, NULL) != 0) {
		pthread_mutex_destroy(&a->lock);
		goto fail;
	}
	return true;
fail:
	ahead_free(a, false);
	return false;
}

int ctknl_run_replies_ahead(struct ctk_nl *nl, uint32_t seq, mnl_cb_t msg_cb, struct ctknl_run *run,
			    mnl_cb_t *ctl_cb)
{
	struct ahead a = {.nl = nl};
	pthread_t tid;
	int ret;

	/* Reading ahead only saves time: without memory or a thread, read in line. */
	if (!ahead_init(&a))
		return ctknl_run_replies(nl, seq, msg_cb, run);
	if (ctknl_thread_start(&tid, reader, &a) != 0) {
		ahead_free(&a, true);
		return ctknl_run_replies(nl, seq, msg_cb, run);
	}
	ret = parse_chunks(&a, seq, msg_cb, run, ctl_cb);
	pthread_join(tid, NULL);
	ahead_free(&a, true);
	return ret;
}
