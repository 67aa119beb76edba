// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Event mirror (see include/ctkit/mirror.h): a reader thread fills the
 * queue (evqueue.c), the consumer decodes, keeps the cache and repairs
 * overruns by dump-diff.
 *
 * An overrun is queued in order, after every event older than the loss
 * (see reader_step): when the consumer reaches it, those have been
 * applied to the cache, so the dump-diff finds exactly what was lost
 * (plus what changed since, which the events queued after it also
 * report: shown twice, never lost). Repairing before the older queued
 * events were applied would sweep nothing for an entry whose NEW was
 * still queued and whose DESTROY was lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctkit/mirror.h>
#include <ctkit/netlink.h>

#include "cache/evqueue.h"
#include "netlink/session.h"

#define DEFAULT_QUEUE	   (64u << 20)
#define MIN_QUEUE	   (1u << 20)
#define RUN_BUDGET	   256u
#define DUMP_TRIES	   3
#define EVENT_MIN_TRUESIZE 256u

struct ctk_mirror {
	struct ctk_mirror_opts o;
	struct ctk_events *ev;
	struct ctk_cache *cache;
	struct evqueue q;
	pthread_t reader;
	bool started;
	/* reader thread only: an ENOBUFS not yet queued, messages until it is */
	bool overrun_open;
	size_t overrun_left;
	int reader_stop; /* eventfd waking the reader's poll */
	volatile sig_atomic_t stop;
	bool cb_stopped;
	int cb_error; /* -errno from the current dispatch */
	struct ctk_entry scratch;
	struct ctk_mirror_stats st;
};

static unsigned int group_of(enum ctk_event type)
{
	switch (type) {
	case CTK_EV_NEW:
		return CTK_EVENTS_NEW;
	case CTK_EV_UPDATE:
		return CTK_EVENTS_UPDATE;
	case CTK_EV_DESTROY:
		return CTK_EVENTS_DESTROY;
	default:
		return 0;
	}
}

/* ---- the reader thread ----------------------------------------------------- */

static int reader_wait(struct ctk_mirror *m)
{
	struct pollfd p[2] = {{.fd = ctk_events_fd(m->ev), .events = POLLIN},
			      {.fd = m->reader_stop, .events = POLLIN}};

	if (poll(p, 2, -1) < 0)
		return errno == EINTR ? 0 : -errno;
	return p[1].revents ? -ECANCELED : 0;
}

/*
 * The kernel reports ENOBUFS on the next receive while older events are
 * still in the socket's queue. The overrun goes into our queue after them
 * (when a receive finds the socket empty, or after as many messages as
 * the socket could hold), so that when the consumer repairs, every event
 * older than the loss has been applied.
 */
static size_t socket_capacity(struct ctk_mirror *m)
{
	int bytes = ctk_events_rcvbuf(m->ev);

	/* An event takes far more than this of the socket's memory. */
	return bytes > 0 ? (size_t)bytes / EVENT_MIN_TRUESIZE + 1 : SIZE_MAX;
}

static int place_overrun(struct ctk_mirror *m)
{
	m->overrun_open = false;
	return evq_push(&m->q, EVQ_OVERRUN, 0, NULL, 0);
}

/* One step of the reader: 0 to go on, -ECANCELED when closed, or the error that stops it. */
static int reader_step(struct ctk_mirror *m)
{
	const void *buf;
	int n = ctk_events_recv(m->ev, &buf);

	if (n >= 0) {
		n = evq_push(&m->q, EVQ_EVENT, 0, buf, (size_t)n);
		if (n == 0 && m->overrun_open && --m->overrun_left == 0)
			n = place_overrun(m);
		return n;
	}
	if (n == -ENOBUFS) {
		if (!m->overrun_open)
			m->overrun_left = socket_capacity(m);
		m->overrun_open = true;
		return 0;
	}
	if (n == -EAGAIN && m->overrun_open)
		return place_overrun(m);
	if (n == -EAGAIN || n == -EINTR)
		return reader_wait(m);
	return n;
}

static void *reader_main(void *arg)
{
	struct ctk_mirror *m = arg;
	int ret;

	do
		ret = reader_step(m);
	while (ret == 0);
	if (ret != -ECANCELED)
		evq_push(&m->q, EVQ_ERROR, -ret, NULL, 0);
	return NULL;
}

/* The reader blocks every signal: they are for the caller's threads. */
static int start_reader(struct ctk_mirror *m)
{
	int ret = ctknl_thread_start(&m->reader, reader_main, m);

	if (ret)
		return ret;
	m->started = true;
	return 0;
}

static void stop_reader(struct ctk_mirror *m)
{
	uint64_t one = 1;

	if (!m->started)
		return;
	evq_close(&m->q);
	if (write(m->reader_stop, &one, sizeof(one)) < 0) {
		/* An eventfd write cannot fail here; the close above still stops pushes. */
	}
	pthread_join(m->reader, NULL);
	m->started = false;
}

/* ---- construction ---------------------------------------------------------- */

static unsigned int subscribed(const struct ctk_mirror_opts *o)
{
	unsigned int groups = o->groups & CTK_EVENTS_ALL;

	if (o->resync)
		groups |= CTK_EVENTS_NEW | CTK_EVENTS_DESTROY;
	return groups;
}

static int init_parts(struct ctk_mirror *m)
{
	size_t qb = m->o.queue_bytes ? m->o.queue_bytes : DEFAULT_QUEUE;

	/* Events from where the dumps come from: the session's namespace. */
	m->ev = ctk_events_open_netns(subscribed(&m->o), m->o.nl ? m->o.nl->netns : -1);
	if (!m->ev)
		return -errno;
	if (fcntl(ctk_events_fd(m->ev), F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	m->reader_stop = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->reader_stop < 0)
		return -errno;
	if (m->o.resync) {
		m->cache = ctk_cache_new(&m->o.cache);
		if (!m->cache)
			return -errno;
	}
	return evq_init(&m->q, qb < MIN_QUEUE ? MIN_QUEUE : qb);
}

struct ctk_mirror *ctk_mirror_new(const struct ctk_mirror_opts *o)
{
	struct ctk_mirror *m;
	int ret;

	if (!o || !o->cb || (o->resync && !o->nl)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->o = *o;
	m->reader_stop = -1;
	ret = init_parts(m);
	if (ret < 0) {
		ctk_mirror_free(m);
		errno = -ret;
		return NULL;
	}
	return m;
}

void ctk_mirror_free(struct ctk_mirror *m)
{
	if (!m)
		return;
	stop_reader(m);
	if (m->q.ring)
		evq_destroy(&m->q);
	if (m->reader_stop >= 0)
		close(m->reader_stop);
	ctk_cache_free(m->cache);
	ctk_events_close(m->ev);
	free(m);
}

struct ctk_events *ctk_mirror_events(struct ctk_mirror *m)
{
	return m->ev;
}

struct ctk_cache *ctk_mirror_cache(struct ctk_mirror *m)
{
	return m->cache;
}

int ctk_mirror_fd(const struct ctk_mirror *m)
{
	return m->q.efd;
}

void ctk_mirror_stats(const struct ctk_mirror *m, struct ctk_mirror_stats *s)
{
	/* The reader updates the queue's figures under its lock. */
	pthread_mutex_t *lock = (pthread_mutex_t *)&m->q.lock;

	*s = m->st;
	pthread_mutex_lock(lock);
	s->queue_full = m->q.waits;
	s->queue_peak = m->q.peak;
	pthread_mutex_unlock(lock);
}

void ctk_mirror_stop(struct ctk_mirror *m)
{
	m->stop = 1;
	evq_wake(&m->q);
}

/* ---- delivering ------------------------------------------------------------ */

static void deliver(struct ctk_mirror *m, const struct ctk_entry *e,
		    const struct ctk_event_info *info)
{
	int verdict;

	if (!(m->o.groups & group_of(info->type)))
		return;
	verdict = m->o.cb(e, info, m->o.data);
	if (verdict == CTK_CB_ERROR && !m->cb_error)
		m->cb_error = -ECANCELED;
	else if (verdict == CTK_CB_STOP)
		m->cb_stopped = true;
}

static void note(struct ctk_mirror *m, enum ctk_mirror_note what, int err)
{
	if (m->o.notify)
		m->o.notify(what, err, m->o.data);
}

static void keep_error(struct ctk_mirror *m, int err)
{
	if (err < 0 && !m->cb_error)
		m->cb_error = err;
}

/* One real event: the cache first, so the callback sees the mirror as it is after it. */
static int on_real_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct ctk_mirror *m = data;

	if (m->cache && info->type == CTK_EV_DESTROY)
		ctk_cache_del(m->cache, e);
	else if (m->cache && info->type != CTK_EV_NONE)
		keep_error(m, ctk_cache_add(m->cache, e));
	m->st.events++;
	deliver(m, e, info);
	return CTK_CB_OK;
}

/* ---- resync ---------------------------------------------------------------- */

static bool tracked(const struct ctk_mirror *m, const struct ctk_entry *e)
{
	return !m->o.track || m->o.track(e, m->o.data);
}

/* A dumped entry into the cache: 1 when it was not there, 0 when it was or is not tracked. */
static int cache_dumped(struct ctk_mirror *m, const struct ctk_entry *e)
{
	int ret;

	if (!tracked(m, e))
		return 0;
	ret = ctk_cache_add(m->cache, e);
	if (ret < 0)
		keep_error(m, ret);
	return ret;
}

static int baseline_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	(void)ev;
	return cache_dumped(data, e) < 0 ? CTK_CB_ERROR : CTK_CB_OK;
}

static int resync_dump_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct ctk_mirror *m = data;
	struct ctk_event_info info = {.type = CTK_EV_NEW, .family = e->orig.l3num, .repaired = 1};
	int ret;

	(void)ev;
	ret = cache_dumped(m, e);
	if (ret < 0)
		return CTK_CB_ERROR;
	if (ret == 1) {
		m->st.repaired_new++;
		deliver(m, e, &info);
	}
	/* A callback's error stops the repair; the next overrun repairs again. */
	return m->cb_error ? CTK_CB_ERROR : CTK_CB_OK;
}

static int swept_cb(const struct ctk_entry *e, void *data)
{
	struct ctk_mirror *m = data;
	struct ctk_event_info info = {
		.type = CTK_EV_DESTROY, .family = e->orig.l3num, .repaired = 1};

	m->st.repaired_destroy++;
	deliver(m, e, &info);
	return m->cb_error ? CTK_CB_ERROR : CTK_CB_OK;
}

/* A dump the kernel interrupted (table resized) is retried: a partial one would look like losses.
 */
static int dump_into_cache(struct ctk_mirror *m, ctk_entry_cb cb)
{
	struct ctk_dump_opts o = {.family = AF_UNSPEC};
	int tries = DUMP_TRIES;
	int ret;

	do {
		ctk_cache_next_generation(m->cache);
		ret = ctk_nl_dump(m->o.nl, &o, cb, m);
	} while (ret == -EINTR && --tries > 0);
	if (ret == -ECANCELED && m->cb_error)
		ret = m->cb_error;
	return ret;
}

static int do_resync(struct ctk_mirror *m)
{
	int ret;

	ret = dump_into_cache(m, resync_dump_cb);
	if (ret < 0) {
		m->st.resync_failures++;
		/* A callback's or the cache's error is the dispatch's to return. */
		if (!m->cb_error)
			note(m, CTK_MIRROR_RESYNC_FAILED, ret);
		return ret;
	}
	ctk_cache_sweep(m->cache, swept_cb, m);
	m->st.resyncs++;
	return 0;
}

int ctk_mirror_start(struct ctk_mirror *m)
{
	int ret;

	if (m->started)
		return -EALREADY;
	ret = start_reader(m);
	if (ret < 0 || !m->cache)
		return ret;
	ret = dump_into_cache(m, baseline_cb);
	m->cb_error = 0;
	return ret < 0 ? ret : 0;
}

/* ---- the consumer ---------------------------------------------------------- */

static int handle(struct ctk_mirror *m, const struct evq_rec *r)
{
	switch (r->kind) {
	case EVQ_EVENT:
		ctk_events_decode(r->data, r->len, &m->scratch, on_real_event, m);
		return 0;
	case EVQ_OVERRUN:
		m->st.overruns++;
		note(m, CTK_MIRROR_OVERRUN, -ENOBUFS);
		if (m->cache)
			do_resync(m);
		return 0;
	default:
		return -(r->err ? r->err : EIO);
	}
}

int ctk_mirror_dispatch(struct ctk_mirror *m, unsigned int budget)
{
	struct evq_rec r;
	unsigned int done = 0;
	int ret;

	m->cb_error = 0;
	m->cb_stopped = false;
	while (done < budget && !m->cb_stopped && !m->cb_error) {
		if (!evq_peek(&m->q, &r))
			break;
		ret = handle(m, &r);
		if (ret < 0)
			return ret; /* the reader's error stays queued: reported again */
		evq_release(&m->q, &r);
		done++;
	}
	if (m->cb_error)
		return m->cb_error;
	return (int)done;
}

int ctk_mirror_resync(struct ctk_mirror *m)
{
	int ret;

	if (!m->cache)
		return -EOPNOTSUPP;
	m->cb_error = 0;
	ret = do_resync(m);
	return m->cb_error ? m->cb_error : ret;
}

int ctk_mirror_run(struct ctk_mirror *m)
{
	struct pollfd p = {.fd = ctk_mirror_fd(m), .events = POLLIN};
	int ret;

	/* A stop asked before this run (a signal during start-up) ends it at once. */
	while (!m->stop) {
		ret = ctk_mirror_dispatch(m, RUN_BUDGET);
		if (ret < 0)
			return ret;
		if (m->cb_stopped)
			return 0;
		if (ret == 0 && poll(&p, 1, -1) < 0 && errno != EINTR)
			return -errno;
	}
	m->stop = 0; /* consumed: a later run runs */
	return 0;
}
