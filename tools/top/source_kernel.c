// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's table: at every refresh, the dump "conntrack -L" makes
 * with the same options (ct_list_dump_opts, ct_dump_filtered: the kernel
 * filters what it can, the dump is received on a second thread), into
 * the table's picks and groups; the count and the limit from
 * /proc/sys/net/netfilter, which shows the namespace the process is in.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../conntrack/run.h"
#include "clock.h"
#include "kernel_events.h"
#include "report.h"
#include "source.h"

#define SYSCTL_DIR "/proc/sys/net/netfilter/"

struct kernel_source {
	struct top_source base;	    /* first: the loops' handle */
	struct ct_run run;	    /* conntrack's -L: the command line and the session */
	struct top_kevents *events; /* NULL when events cannot be had */
	int count_fd, max_fd;	    /* the sysctls, read again at each refresh */
};

static struct kernel_source *kernel_of(struct top_source *s)
{
	return (struct kernel_source *)s;
}

static int kernel_refresh(struct top_source *s, struct top_table *t, size_t limit)
{
	struct kernel_source *k = kernel_of(s);
	struct ctk_dump_opts o;
	int ret = top_table_begin(t, limit, top_wall_ns());

	if (ret < 0)
		return ret;
	ct_list_dump_opts(k->run.cli, &o);
	ret = ct_dump_filtered(&k->run, &o, &k->run.cli->filter, top_table_entry_cb, t);
	top_table_finish(t, ret == 0);
	return ret < 0 ? ret : t->error;
}

/* Events have waited: count them. A socket that failed is given up (no rates then). */
static void drain_events(struct kernel_source *k)
{
	if (top_kevents_drain(k->events) == 0)
		return;
	top_kevents_close(k->events);
	k->events = NULL;
	k->base.has_events = false;
}

static enum top_wait kernel_wait(struct top_source *s, int input_fd, int timeout_ms)
{
	struct kernel_source *k = kernel_of(s);
	uint64_t deadline = top_mono_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000;

	for (;;) {
		struct pollfd p[2] = {
			{.fd = input_fd, .events = POLLIN},
			{.fd = k->events ? top_kevents_fd(k->events) : -1, .events = POLLIN},
		};
		int n = poll(p, 2, timeout_ms < 0 ? -1 : top_ms_until(deadline));

		if (n < 0)
			return errno == EINTR ? TOP_WAIT_INPUT : TOP_WAIT_ERROR;
		if (n == 0)
			return TOP_WAIT_TIMEOUT;
		if (p[1].revents)
			drain_events(k);
		if (p[0].revents)
			return TOP_WAIT_INPUT;
	}
}

/* A sysctl's number, -1 when it cannot be read. */
static long long read_number(int fd)
{
	char buf[32];
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

static void kernel_counts(struct top_source *s, long long *entries, long long *limit)
{
	struct kernel_source *k = kernel_of(s);

	*entries = read_number(k->count_fd);
	*limit = read_number(k->max_fd);
}

static void kernel_close(struct top_source *s)
{
	struct kernel_source *k = kernel_of(s);

	top_kevents_close(k->events);
	ctk_nl_close(k->run.nl);
	if (k->count_fd >= 0)
		close(k->count_fd);
	if (k->max_fd >= 0)
		close(k->max_fd);
	free(k);
}

static const struct top_source_ops kernel_ops = {
	.refresh = kernel_refresh,
	.wait = kernel_wait,
	.counts = kernel_counts,
	.close = kernel_close,
};

struct top_source *top_source_kernel_open(const struct top_opts *o, int *rc)
{
	struct kernel_source *k = calloc(1, sizeof(*k));

	if (!k) {
		top_say("%s", strerror(ENOMEM));
		*rc = TOP_EXIT_OTHER;
		return NULL;
	}
	k->base.ops = &kernel_ops;
	snprintf(k->base.what, sizeof(k->base.what), "kernel table");
	k->run.cli = &o->cli;
	k->count_fd = k->max_fd = -1;
	k->run.nl = ctk_nl_open();
	if (!k->run.nl) {
		top_say("can't open a netlink session: %s", strerror(errno));
		kernel_close(&k->base);
		*rc = TOP_EXIT_OTHER;
		return NULL;
	}
	k->count_fd = open(SYSCTL_DIR "nf_conntrack_count", O_RDONLY | O_CLOEXEC);
	k->max_fd = open(SYSCTL_DIR "nf_conntrack_max", O_RDONLY | O_CLOEXEC);
	/* without events the view still works; the header says they are missing */
	k->events = top_kevents_open(&k->base.rates);
	k->base.has_events = k->events != NULL;
	return &k->base;
}
