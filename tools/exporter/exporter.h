/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctkit-exporter: the conntrack tables of one, several or every network
 * namespace as Prometheus metrics (docs in man/ctkit-exporter.8).
 *
 * Two threads. The main thread (watch.c) follows every namespace: an
 * event mirror per namespace keeps a census (ctkit/census.h) of its
 * entries current, so a scrape reads counts and never dumps a table; a
 * dump happens only to start a census, after lost events (an overrun),
 * and for the optional group-by series (groups.c, every --group-interval).
 * libmicrohttpd's thread (http.c) answers scrapes (metrics.c), asking the
 * kernel only for what is cheap and per CPU (statistics, the expectation
 * count) on a session of its own per namespace. One mutex guards the
 * namespaces' shared state; the main thread never holds it across a dump.
 */
#ifndef CTKIT_EXPORTER_H
#define CTKIT_EXPORTER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ctkit/census.h>
#include <ctkit/group.h>
#include <ctkit/mirror.h>
#include <ctkit/netlink.h>
#include <ctkit/netns.h>

#define XP_NETNS_MAX 64 /* --netns given this many times at most */

struct xp_opts {
	struct sockaddr_storage listen;
	socklen_t listen_len;
	const char *listen_text;
	const char *netns[XP_NETNS_MAX]; /* none: the exporter's own namespace */
	unsigned int n_netns;
	bool all;     /* --netns all */
	bool per_cpu; /* --per-cpu: a cpu label on the statistics */
	bool group_by;
	struct ctk_group_spec group_spec;
	unsigned long top;	       /* --top N (group-by series per namespace) */
	unsigned int group_interval;   /* seconds between group-by dumps */
	unsigned int recount_interval; /* seconds between recounts while silent entries remain */
	unsigned int rescan_ms;	       /* --netns all: how often new namespaces are looked for */
};

/* One namespace followed. */
struct xp_ns {
	char name[256];
	uint64_t dev, ino;
	int fd;		      /* the namespace (dumps and sessions open in it) */
	struct ctk_nl *nl;    /* main thread: the mirror's session, dumps */
	struct ctk_nl *query; /* scrape thread, under the lock: statistics */
	struct ctk_mirror *mirror;
	/* under the lock */
	struct ctk_census *census;
	bool counted;	    /* the first count is done: the census is shown */
	uint64_t events[3]; /* NEW, UPDATE, DESTROY received */
	uint64_t overruns;  /* events the kernel could not deliver (ENOBUFS) */
	uint64_t recounts;  /* dumps after the first (overruns, silent entries) */
	bool stale;	    /* an overrun since the last count */
	char *groups;	    /* group-by series, rendered; NULL: none yet */
	/* main thread only */
	int64_t groups_due_ms;
	int64_t recount_due_ms; /* while silent entries remain */
	bool broken;		/* the mirror failed: replaced at the next round */
};

struct xp {
	struct xp_opts o;
	pthread_mutex_t lock;
	struct xp_ns **ns; /* under the lock (the main thread adds and removes) */
	size_t n, cap;
	struct ctk_netns_ref *refused; /* --netns all: reported once */
	size_t n_refused;
	uint64_t scrapes;
	volatile int stop; /* SIGINT/SIGTERM */
};

/* options.c: argv into @o; exits 0 for --help/--version, 2 with a message on bad input. */
void xp_parse_options(int argc, char **argv, struct xp_opts *o);

/* watch.c */
int xp_watch_start(struct xp *x); /* the namespaces of the options; 0 or -1 (reported) */
int xp_watch_loop(struct xp *x);  /* until x->stop; 0 or -1 */
void xp_watch_stop(struct xp *x); /* everything freed */

/* groups.c: the group-by series of @ns, when due (main thread, without the lock). */
void xp_groups_refresh(struct xp *x, struct xp_ns *ns, int64_t now_ms);

/* metrics.c: the exposition text of every namespace (takes the lock); malloc'd, NULL on ENOMEM. */
char *xp_metrics_render(struct xp *x, size_t *len);
/* A label value in the exposition format's escaping (\\, \", \n) appended to @out. */
struct xp_buf {
	char *p;
	size_t len, cap;
	bool failed;
};
void xp_buf_printf(struct xp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xp_buf_label(struct xp_buf *b, const char *name, const char *value, bool first);

/* http.c */
struct MHD_Daemon;
struct MHD_Daemon *xp_http_start(struct xp *x); /* NULL: reported */
void xp_http_stop(struct MHD_Daemon *d);

int64_t xp_now_ms(void);

#endif
