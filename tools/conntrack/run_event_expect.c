// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * -E expect: expectation events as conntrack-tools 1.4.7 prints them
 * (event_exp_cb): "<expect>" XML document, the "[%-8ld.%-6ld]\t" prefix
 * for -o timestamp (both in ct_print_expect), no [USERSPACE] suffix, one
 * flush per event, "</expect>" and "N expectation events have been shown."
 * on SIGINT/SIGTERM.
 *
 * Deliberate fix: on ENOBUFS the reference's nfexp_catch() returns and the
 * program dies with "Operation failed: No buffer space available"; here
 * the conntrack -E warning is printed and the loop goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <ctkit/events.h>
#include <ctkit/expect.h>
#include <ctkit/expect_nl.h>

#include "event.h"
#include "report.h"
#include "run_expect.h"

/* Expectations are few and small: the default queue is plenty. */

/* A write error stops -E expect as it stops -E (run->error keeps it). */
static int on_expect(const struct ctk_expect *x, enum ctk_event ev, void *data)
{
	struct ct_run *run = data;
	int ret;

	ct_print_expect(run, x, ev);
	ret = ctk_out_flush(run->out);
	if (ret < 0) {
		run->error = ret;
		return CTK_CB_ERROR;
	}
	run->counter++;
	return CTK_CB_OK;
}

static unsigned int expect_groups(unsigned int mask)
{
	unsigned int ev = 0;

	if (mask & CT_EVENT_NEW)
		ev |= CTK_EVENTS_NEW;
	if (mask & CT_EVENT_UPDATE)
		ev |= CTK_EVENTS_UPDATE;
	if (mask & CT_EVENT_DESTROY)
		ev |= CTK_EVENTS_DESTROY;
	return ctk_expect_event_groups(ev);
}

static int read_one(struct ctk_events *ev, struct ctk_expect *scratch, struct ct_run *run)
{
	const void *buf;
	int n = ctk_events_recv(ev, &buf);

	if (n < 0)
		return n;
	n = ctk_expect_events_decode(buf, (size_t)n, scratch, on_expect, run);
	return n == -ECANCELED ? run->error : 0;
}

static int expect_loop(struct ct_run *run, struct ctk_events *ev, const sigset_t *saved)
{
	struct ctk_expect scratch;
	int ret;

	while (!ct_event_stopped()) {
		ret = read_one(ev, &scratch, run);
		if (ret == -EAGAIN)
			ret = ct_event_wait(ctk_events_fd(ev), saved);
		if (ret == -ENOBUFS) {
			fprintf(stderr, "WARNING: We have hit ENOBUFS! We are losing events.\n"
					"This message means that the current netlink socket buffer "
					"size is too small.\n"
					"Please, check --buffer-size in conntrack(8) manpage.\n");
			ret = 0;
		}
		if (ret < 0 && ret == run->error) {
			ct_say("write error: %s", strerror(-ret));
			return CT_ERR_REPORTED;
		}
		if (ret < 0 && ret != -EINTR) {
			ctk_out_flush(run->out);
			ct_say("Operation failed: %s", strerror(-ret));
			return CT_ERR_REPORTED;
		}
	}
	return 0;
}

int ct_run_expect_events(struct ct_run *run)
{
	unsigned int mask = run->cli->event_mask ? run->cli->event_mask : CT_EVENT_ALL;
	struct ctk_events *ev;
	sigset_t saved;
	int ret;

	ret = ct_event_catch_signals(&saved);
	if (ret < 0)
		return ret;
	ev = ctk_events_open(expect_groups(mask));
	if (!ev) {
		ct_say("Can't open handler");
		ret = CT_ERR_REPORTED;
		goto out;
	}
	ret = fcntl(ctk_events_fd(ev), F_SETFL, O_NONBLOCK) < 0 ? -errno : 0;
	if (ret == 0)
		ret = expect_loop(run, ev, &saved);
	if (ret == 0 || run->error) {
		if (run->xml_open)
			ctk_out_puts(run->out, CTK_XML_EXP_FOOTER);
		ctk_out_flush(run->out);
		ct_say("%u expectation events have been shown.", run->counter);
	}
	ctk_events_close(ev);
out:
	if (sigprocmask(SIG_SETMASK, &saved, NULL) < 0 && ret == 0)
		ret = -errno;
	return ret;
}
