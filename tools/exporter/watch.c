// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Following namespaces (exporter.h): per namespace a session and an
 * event mirror opened in it, and a census kept by the mirror's events.
 * A census is counted from a dump when a namespace is joined and again
 * after an overrun (a new census is built without the lock and swapped
 * in; the events queued meanwhile are applied after it, which the census
 * takes idempotently). With --netns all the namespaces are listed again
 * every rescan period: new ones are joined, gone ones left.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "exporter.h"

/* Events handled per namespace per round: a busy one cannot starve the others. */
#define BUDGET 256u
/* The event socket's queue: a burst of ~100 000 events waits there (root). */
#define RCVBUF (64u << 20)

/*
 * CTKIT_EXPORTER_RCVBUF=BYTES: a small queue instead, so that the tests
 * can make the kernel lose events and see the census counted again.
 */
static void size_queue(struct ctk_mirror *m)
{
	const char *v = getenv("CTKIT_EXPORTER_RCVBUF");
	unsigned long bytes = v && *v ? strtoul(v, NULL, 10) : 0;

	if (bytes)
		ctk_events_set_rcvbuf(ctk_mirror_events(m), bytes, false);
	else
		ctk_events_set_rcvbuf(ctk_mirror_events(m), RCVBUF, true);
}

int64_t xp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- events (main thread, under the lock: dispatch holds it) ---------------- */

static int on_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct xp_ns *ns = data;

	if (info->type >= CTK_EV_NEW && info->type <= CTK_EV_DESTROY)
		ns->events[info->type - CTK_EV_NEW]++;
	if (ctk_census_apply(ns->census, e, info->type) == -ENOMEM)
		ns->stale = true;
	return CTK_CB_OK;
}

static void on_note(enum ctk_mirror_note note, int err, void *data)
{
	struct xp_ns *ns = data;

	(void)err;
	if (note == CTK_MIRROR_OVERRUN) {
		ns->overruns++;
		ns->stale = true;
	}
}

/* ---- counting ------------------------------------------------------------------ */

struct count_ctx {
	struct xp *x;
	struct xp_ns *ns;
};

/* The lock per entry, not per dump: a scrape waits for one entry, not for a million. */
static int count_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct count_ctx *cc = data;
	int ret;

	(void)ev;
	pthread_mutex_lock(&cc->x->lock);
	ret = ctk_census_apply(cc->ns->census, e, CTK_EV_NONE);
	pthread_mutex_unlock(&cc->x->lock);
	return ret < 0 ? CTK_CB_ERROR : CTK_CB_OK;
}

/*
 * Count the table again (mark and sweep, ctkit/census.h): after lost
 * events, and now and then while silent entries remain. Events queued
 * while the dump runs are dispatched after it; the census takes them
 * idempotently.
 */
static int recount(struct xp *x, struct xp_ns *ns)
{
	struct ctk_dump_opts o = {.family = AF_UNSPEC};
	struct count_ctx cc = {x, ns};
	int ret, tries = 3;

	do {
		pthread_mutex_lock(&x->lock);
		ns->stale = false; /* an overrun during the dump sets it again */
		ctk_census_recount_begin(ns->census);
		pthread_mutex_unlock(&x->lock);
		ret = ctk_nl_dump(ns->nl, &o, count_cb, &cc);
	} while (ret == -EINTR && --tries);
	pthread_mutex_lock(&x->lock);
	if (ret == 0) {
		ctk_census_recount_end(ns->census);
		ns->recounts += ns->counted;
		ns->counted = true;
	} else {
		ns->stale = true;
	}
	pthread_mutex_unlock(&x->lock);
	ns->recount_due_ms = xp_now_ms() + (int64_t)x->o.recount_interval * 1000;
	return ret;
}

/* ---- joining and leaving ------------------------------------------------------- */

static void free_ns(struct xp_ns *ns)
{
	if (!ns)
		return;
	ctk_mirror_free(ns->mirror);
	if (ns->nl)
		ctk_nl_close(ns->nl);
	if (ns->query)
		ctk_nl_close(ns->query);
	if (ns->fd >= 0)
		close(ns->fd);
	ctk_census_free(ns->census);
	free(ns->groups);
	free(ns);
}

static int add_ns(struct xp *x, struct xp_ns *ns)
{
	int ret = 0;

	pthread_mutex_lock(&x->lock);
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 16;
		struct xp_ns **v = realloc(x->ns, cap * sizeof(*v));

		if (v) {
			x->ns = v;
			x->cap = cap;
		} else {
			ret = -ENOMEM;
		}
	}
	if (ret == 0)
		x->ns[x->n++] = ns;
	pthread_mutex_unlock(&x->lock);
	return ret;
}

/* Sessions and a mirror in the namespace of @fd (taken over), counted once. */
static int open_ns(struct xp *x, const char *name, int fd, uint64_t dev, uint64_t ino)
{
	struct xp_ns *ns = calloc(1, sizeof(*ns));
	struct ctk_mirror_opts mo = {
		.groups = CTK_EVENTS_NEW | CTK_EVENTS_UPDATE | CTK_EVENTS_DESTROY,
		.cb = on_event,
		.notify = on_note,
	};
	int ret = -ENOMEM;

	if (!ns) {
		close(fd);
		return -ENOMEM;
	}
	ns->fd = fd;
	ns->dev = dev;
	ns->ino = ino;
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	ns->nl = ctk_nl_open_netns(fd);
	ns->query = ctk_nl_open_netns(fd);
	ns->census = ctk_census_new();
	if (!ns->nl || !ns->query || !ns->census) {
		ret = -errno; /* the constructors' reason: EPERM, ENOMEM, ... */
		goto fail;
	}
	mo.nl = ns->nl;
	mo.data = ns;
	ns->mirror = ctk_mirror_new(&mo);
	if (!ns->mirror) {
		ret = -errno;
		goto fail;
	}
	size_queue(ns->mirror);
	/* Subscribed before the dump: nothing falls between the two. */
	ret = ctk_mirror_start(ns->mirror);
	if (ret == 0)
		ret = recount(x, ns);
	if (ret == 0)
		ret = add_ns(x, ns);
	if (ret == 0)
		return 0;
fail:
	free_ns(ns);
	return ret;
}

static void leave(struct xp *x, size_t i)
{
	struct xp_ns *ns;

	pthread_mutex_lock(&x->lock);
	ns = x->ns[i];
	x->ns[i] = x->ns[--x->n];
	pthread_mutex_unlock(&x->lock);
	free_ns(ns);
}

static bool refused_before(const struct xp *x, const struct ctk_netns_ref *r)
{
	for (size_t i = 0; i < x->n_refused; i++)
		if (x->refused[i].dev == r->dev && x->refused[i].ino == r->ino)
			return true;
	return false;
}

static void refuse(struct xp *x, const struct ctk_netns_ref *r, int err)
{
	struct ctk_netns_ref *v = realloc(x->refused, (x->n_refused + 1) * sizeof(*v));

	fprintf(stderr, "ctkit-exporter: netns %s skipped: %s\n", r->name, strerror(-err));
	if (!v)
		return;
	x->refused = v;
	x->refused[x->n_refused++] = *r;
}

static bool listed(const struct ctk_netns_ref *refs, int n, const struct xp_ns *ns)
{
	for (int i = 0; i < n; i++)
		if (refs[i].dev == ns->dev && refs[i].ino == ns->ino)
			return true;
	return false;
}

static bool following(const struct xp *x, const struct ctk_netns_ref *r)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->ns[i]->dev == r->dev && x->ns[i]->ino == r->ino)
			return true;
	return false;
}

/* --netns all: join what is new, leave what is gone (no name, no process). */
static void rescan(struct xp *x)
{
	struct ctk_netns_ref *refs;
	int n = ctk_netns_list(&refs);

	if (n < 0)
		return;
	for (size_t i = 0; i < x->n;) {
		if (listed(refs, n, x->ns[i]))
			i++;
		else
			leave(x, i);
	}
	for (int i = 0; i < n; i++) {
		int fd, ret;

		if (following(x, &refs[i]) || refused_before(x, &refs[i]))
			continue;
		fd = ctk_netns_ref_open(&refs[i]);
		if (fd == -ENOENT)
			continue; /* gone already */
		ret = fd < 0 ? fd : open_ns(x, refs[i].name, fd, refs[i].dev, refs[i].ino);
		if (ret < 0)
			refuse(x, &refs[i], ret);
	}
	free(refs);
}

/* The exporter's own namespace is called as --netns all would call it: its name, or a PID. */
static void own_name(const struct stat *st, char *name, size_t size)
{
	struct ctk_netns_ref *refs;
	int n = ctk_netns_list(&refs);

	snprintf(name, size, "self");
	for (int i = 0; i < n; i++)
		if (refs[i].dev == (uint64_t)st->st_dev && refs[i].ino == (uint64_t)st->st_ino)
			snprintf(name, size, "%s", refs[i].name);
	free(refs);
}

static int join_spec(struct xp *x, const char *spec)
{
	char name[256];
	struct stat st;
	int fd = ctk_netns_open(spec), ret;

	if (fd < 0) {
		fprintf(stderr, "ctkit-exporter: --netns `%s': %s\n", spec,
			fd == -ENOENT	? "no such network namespace"
			: fd == -EINVAL ? "not a network namespace"
					: strerror(-fd));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	snprintf(name, sizeof(name), "%s", spec);
	if (!x->o.n_netns)
		own_name(&st, name, sizeof(name));
	ret = open_ns(x, name, fd, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	if (ret < 0) {
		fprintf(stderr, "ctkit-exporter: --netns `%s': %s\n", spec, strerror(-ret));
		return -1;
	}
	return 0;
}

int xp_watch_start(struct xp *x)
{
	if (x->o.all) {
		rescan(x);
		if (x->n == 0) {
			fprintf(stderr, "ctkit-exporter: no network namespace could be followed\n");
			return -1;
		}
		return 0;
	}
	if (x->o.n_netns == 0)
		return join_spec(x, "/proc/self/ns/net") < 0 ? -1 : 0;
	for (unsigned int i = 0; i < x->o.n_netns; i++)
		if (join_spec(x, x->o.netns[i]) < 0)
			return -1;
	return 0;
}

/* ---- the loop ------------------------------------------------------------------ */

/*
 * A mirror that failed (its socket broke) is replaced by a new one and
 * the census counted again; until that works the namespace is skipped.
 */
static void revive(struct xp *x, struct xp_ns *ns)
{
	struct ctk_mirror_opts mo = {
		.groups = CTK_EVENTS_NEW | CTK_EVENTS_UPDATE | CTK_EVENTS_DESTROY,
		.nl = ns->nl,
		.cb = on_event,
		.notify = on_note,
		.data = ns,
	};
	struct ctk_mirror *m = ctk_mirror_new(&mo);

	if (!m)
		return;
	size_queue(m);
	if (ctk_mirror_start(m) < 0) {
		ctk_mirror_free(m);
		return;
	}
	pthread_mutex_lock(&x->lock);
	ctk_mirror_free(ns->mirror);
	ns->mirror = m;
	ns->broken = false;
	ns->stale = true;
	pthread_mutex_unlock(&x->lock);
	fprintf(stderr, "ctkit-exporter: netns %s: events followed again\n", ns->name);
}

/* Silent entries (ctkit/census.h) are only seen going by a recount. */
static bool silent_due(struct xp *x, struct xp_ns *ns)
{
	bool silent;

	if (xp_now_ms() < ns->recount_due_ms)
		return false;
	pthread_mutex_lock(&x->lock);
	silent = ctk_census_silent(ns->census) > 0;
	pthread_mutex_unlock(&x->lock);
	return silent;
}

/* One batch of @ns's events; the census counted again if events were lost. */
static void serve_ns(struct xp *x, struct xp_ns *ns, bool *more)
{
	bool stale;
	int ret;

	pthread_mutex_lock(&x->lock);
	ret = ctk_mirror_dispatch(ns->mirror, BUDGET);
	stale = ns->stale;
	pthread_mutex_unlock(&x->lock);
	if (ret < 0) {
		fprintf(stderr, "ctkit-exporter: netns %s: events: %s\n", ns->name, strerror(-ret));
		ns->broken = true;
		return;
	}
	*more |= ret >= (int)BUDGET;
	if (stale && recount(x, ns) < 0)
		fprintf(stderr, "ctkit-exporter: netns %s: cannot count the table again\n",
			ns->name);
}

static struct pollfd *poll_set(struct xp *x, struct pollfd *pfd, size_t *cap)
{
	if (*cap < x->n) {
		struct pollfd *v = realloc(pfd, x->n * sizeof(*v));

		if (!v)
			return pfd;
		pfd = v;
		*cap = x->n;
	}
	for (size_t i = 0; i < x->n && i < *cap; i++)
		pfd[i] = (struct pollfd){.fd = x->ns[i]->broken ? -1
								: ctk_mirror_fd(x->ns[i]->mirror),
					 .events = POLLIN};
	return pfd;
}

int xp_watch_loop(struct xp *x)
{
	struct pollfd *pfd = NULL;
	size_t cap = 0;
	int64_t next_scan = xp_now_ms() + x->o.rescan_ms;

	while (!x->stop) {
		int64_t now = xp_now_ms();
		bool more = false;
		int timeout = 1000;

		if (x->o.all && now >= next_scan) {
			rescan(x);
			next_scan = now + x->o.rescan_ms;
		}
		for (size_t i = 0; i < x->n; i++) {
			if (x->ns[i]->broken)
				revive(x, x->ns[i]);
			if (x->ns[i]->broken)
				continue;
			if (silent_due(x, x->ns[i]) && recount(x, x->ns[i]) < 0)
				fprintf(stderr,
					"ctkit-exporter: netns %s: cannot count the table again\n",
					x->ns[i]->name);
			if (x->o.group_by)
				xp_groups_refresh(x, x->ns[i], now);
		}
		pfd = poll_set(x, pfd, &cap);
		if (poll(pfd, x->n < cap ? x->n : cap, timeout) < 0 && errno != EINTR)
			break;
		do {
			more = false;
			for (size_t i = 0; i < x->n && i < cap; i++) {
				if (x->ns[i]->broken || (!(pfd[i].revents & POLLIN) && !more))
					continue;
				serve_ns(x, x->ns[i], &more);
			}
		} while (more && !x->stop);
	}
	free(pfd);
	return 0;
}

void xp_watch_stop(struct xp *x)
{
	while (x->n)
		leave(x, x->n - 1);
	free(x->ns);
	free(x->refused);
	x->ns = NULL;
	x->refused = NULL;
}
