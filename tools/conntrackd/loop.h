/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's single event loop: epoll over every descriptor (ctnetlink
 * events, sync links, the control socket, commit progress) and a handful
 * of timers. Everything the daemon does runs from here, on one thread.
 */
#ifndef CTD_LOOP_H
#define CTD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct ctd_loop;
typedef void (*ctd_fd_cb)(int fd, uint32_t events, void *data);
typedef void (*ctd_timer_cb)(void *data);
typedef void (*ctd_idle_cb)(void *data);

/* A timer: embedded in its owner, armed and disarmed without allocating. */
struct ctd_timer {
	uint64_t when_ms; /* CLOCK_MONOTONIC; 0: not armed */
	ctd_timer_cb cb;
	void *data;
	struct ctd_timer *next;
};

struct ctd_loop *ctd_loop_new(void);
void ctd_loop_free(struct ctd_loop *l);

/* ctd_loop_add/mod/del - watch @fd for EPOLLIN (and @events). Return 0 or -errno. */
int ctd_loop_add(struct ctd_loop *l, int fd, uint32_t events, ctd_fd_cb cb, void *data);
int ctd_loop_mod(struct ctd_loop *l, int fd, uint32_t events);
int ctd_loop_del(struct ctd_loop *l, int fd);

void ctd_timer_init(struct ctd_timer *t, ctd_timer_cb cb, void *data);
/* ctd_timer_arm - fire once, @ms from now (re-arming moves it). */
void ctd_timer_arm(struct ctd_loop *l, struct ctd_timer *t, uint64_t ms);
void ctd_timer_disarm(struct ctd_loop *l, struct ctd_timer *t);
bool ctd_timer_armed(const struct ctd_timer *t);

/* ctd_loop_idle - called once after every round of ready descriptors and timers. */
void ctd_loop_set_idle(struct ctd_loop *l, ctd_idle_cb cb, void *data);
/* ctd_loop_busy - run the next round without sleeping (work is pending). */
void ctd_loop_busy(struct ctd_loop *l);

/* ctd_loop_run - until ctd_loop_stop(); returns 0, or -errno if epoll failed. */
int ctd_loop_run(struct ctd_loop *l);
void ctd_loop_stop(struct ctd_loop *l);

uint64_t ctd_now_ms(void);
/* ctd_now_s - monotonic seconds, for ages kept in 32 bits. */
static inline uint32_t ctd_now_s(void)
{
	return (uint32_t)(ctd_now_ms() / 1000);
}

#endif
