// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epoll plus a short sorted list of timers. The daemon arms a few timers
 * (alive messages, overrun resync, purge, cache expiry), never one per
 * entry, so a list beats a heap here.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define MAX_FDS		64
#define EVENTS_PER_WAIT 32

struct watch {
	int fd;
	ctd_fd_cb cb;
	void *data;
};

struct ctd_loop {
	int epfd;
	struct watch watches[MAX_FDS];
	struct ctd_timer *timers; /* sorted by when_ms */
	ctd_idle_cb idle;
	void *idle_data;
	bool busy;
	bool stop;
};

uint64_t ctd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct ctd_loop *ctd_loop_new(void)
{
	struct ctd_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	for (int i = 0; i < MAX_FDS; i++)
		l->watches[i].fd = -1;
	return l;
}

void ctd_loop_free(struct ctd_loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l);
}

static struct watch *find_watch(struct ctd_loop *l, int fd)
{
	for (int i = 0; i < MAX_FDS; i++)
		if (l->watches[i].fd == fd)
			return &l->watches[i];
	return NULL;
}

int ctd_loop_add(struct ctd_loop *l, int fd, uint32_t events, ctd_fd_cb cb, void *data)
{
	struct watch *w = find_watch(l, -1);
	struct epoll_event ev = {.events = EPOLLIN | events};

	if (!w)
		return -EMFILE;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	w->fd = fd;
	w->cb = cb;
	w->data = data;
	return 0;
}

int ctd_loop_mod(struct ctd_loop *l, int fd, uint32_t events)
{
	struct watch *w = find_watch(l, fd);
	struct epoll_event ev = {.events = EPOLLIN | events};

	if (!w)
		return -ENOENT;
	ev.data.ptr = w;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

int ctd_loop_del(struct ctd_loop *l, int fd)
{
	struct watch *w = find_watch(l, fd);

	if (!w)
		return -ENOENT;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	w->fd = -1;
	return 0;
}

void ctd_timer_init(struct ctd_timer *t, ctd_timer_cb cb, void *data)
{
	t->when_ms = 0;
	t->cb = cb;
	t->data = data;
	t->next = NULL;
}

bool ctd_timer_armed(const struct ctd_timer *t)
{
	return t->when_ms != 0;
}

void ctd_timer_disarm(struct ctd_loop *l, struct ctd_timer *t)
{
	for (struct ctd_timer **p = &l->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->when_ms = 0;
	t->next = NULL;
}

void ctd_timer_arm(struct ctd_loop *l, struct ctd_timer *t, uint64_t ms)
{
	struct ctd_timer **p;

	ctd_timer_disarm(l, t);
	t->when_ms = ctd_now_ms() + ms;
	if (!t->when_ms)
		t->when_ms = 1;
	for (p = &l->timers; *p && (*p)->when_ms <= t->when_ms; p = &(*p)->next)
		;
	t->next = *p;
	*p = t;
}

void ctd_loop_set_idle(struct ctd_loop *l, ctd_idle_cb cb, void *data)
{
	l->idle = cb;
	l->idle_data = data;
}

void ctd_loop_busy(struct ctd_loop *l)
{
	l->busy = true;
}

void ctd_loop_stop(struct ctd_loop *l)
{
	l->stop = true;
}

static int wait_ms(struct ctd_loop *l)
{
	uint64_t now;

	if (l->busy)
		return 0;
	if (!l->timers)
		return -1;
	now = ctd_now_ms();
	if (l->timers->when_ms <= now)
		return 0;
	return (int)(l->timers->when_ms - now);
}

static void run_timers(struct ctd_loop *l)
{
	uint64_t now = ctd_now_ms();

	while (l->timers && l->timers->when_ms <= now && !l->stop) {
		struct ctd_timer *t = l->timers;

		l->timers = t->next;
		t->next = NULL;
		t->when_ms = 0;
		t->cb(t->data);
	}
}

int ctd_loop_run(struct ctd_loop *l)
{
	struct epoll_event ev[EVENTS_PER_WAIT];

	while (!l->stop) {
		int n = epoll_wait(l->epfd, ev, EVENTS_PER_WAIT, wait_ms(l));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		l->busy = false;
		for (int i = 0; i < n && !l->stop; i++) {
			struct watch *w = ev[i].data.ptr;

			/* An earlier callback of this round may have removed it. */
			if (w->fd >= 0)
				w->cb(w->fd, ev[i].events, w->data);
		}
		run_timers(l);
		if (l->idle && !l->stop)
			l->idle(l->idle_data);
	}
	return 0;
}
