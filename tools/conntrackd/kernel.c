// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel side: libctkit's event mirror keeps the internal cache in
 * step with the kernel. Its reader thread drains the event socket into a
 * large queue, so bursts do not overrun the socket; when the kernel still
 * drops events, the mirror dumps the table and repairs what was missed,
 * zones included (the reference's resync looked entries up without their
 * zone and lost every zoned one). Every dumped entry also refreshes the
 * internal cache here, so state changes lost in an overrun are sent too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <stddef.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/netlink.h>

#include <ctkit/commit.h>
#include <ctkit/expect_nl.h>
#include <ctkit/events.h>
#include <ctkit/mirror.h>
#include <ctkit/netlink.h>

#include "ctd.h"
#include "expect.h"
#include "filter.h"
#include "log.h"

#define DISPATCH_BUDGET 1024
#define OWN_MAX 16 /* our netlink sockets: the commit pipeline's, injection's, expectations' */
/*
 * The event socket's queue when NetlinkBufferSize is not set: large, as
 * the mirror's reader thread empties it into memory anyway; the
 * reference's small default is why it loses bursts.
 */
#define EVENT_RCVBUF_DEFAULT (64u << 20)

struct ctd_kernel {
	struct ctk_nl *nl;
	struct ctk_mirror *mirror;
	bool started; /* the baseline dump is done: changes are announced */
	/* the sockets of our own commits: their events are not sent back to the peers */
	uint32_t own[OWN_MAX];
	size_t n_own;
};

/*
 * Our own sockets' events never reach us: a socket filter drops them in
 * the kernel. A commit of a million entries would otherwise send us a
 * million events to read (overrunning the queue and starting a resync
 * storm) for entries we know already; the internal cache learns them at
 * the next -R, which a node taking over runs anyway.
 */
static void filter_own_events(struct ctd_kernel *k)
{
	struct sock_filter code[2 + 2 * OWN_MAX];
	struct sock_fprog prog = {.filter = code};
	unsigned int n = 0;

	/* nlmsg_pid, loaded in network order like every absolute load */
	code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct nlmsghdr, nlmsg_pid));
	for (size_t i = 0; i < k->n_own; i++) {
		code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(k->own[i]), 0, 1);
		code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	}
	code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffffu);
	prog.len = (unsigned short)n;
	if (setsockopt(ctk_events_fd(ctk_mirror_events(k->mirror)), SOL_SOCKET, SO_ATTACH_FILTER,
		       &prog, sizeof(prog)) < 0)
		ctd_log(LOG_WARNING, "can't filter our own events: %s", strerror(errno));
}

void ctd_kernel_own_portid(struct ctd *d, uint32_t portid)
{
	struct ctd_kernel *k = d->kernel;

	if (!k || !portid)
		return;
	for (size_t i = 0; i < k->n_own; i++)
		if (k->own[i] == portid)
			return;
	if (k->n_own == OWN_MAX)
		return;
	k->own[k->n_own++] = portid;
	filter_own_events(k);
}

static bool caused_by_us(const struct ctd_kernel *k, uint32_t portid)
{
	for (size_t i = 0; portid && i < k->n_own; i++)
		if (k->own[i] == portid)
			return true;
	return false;
}

bool ctd_kernel_filter_pass(const struct ctd *d, const struct ctk_entry *e)
{
	return ctd_filter_pass(&d->cfg->filter, e);
}

/* Dumped entries (baseline and resyncs): the mirror takes those we track. */
static bool track(const struct ctk_entry *e, void *data)
{
	struct ctd *d = data;

	if (!ctd_kernel_filter_pass(d, e))
		return false;
	ctd_internal_ct_event(d, e, CTK_EV_UPDATE, d->kernel->started);
	return true;
}

static int on_event(const struct ctk_entry *e, const struct ctk_event_info *info, void *data)
{
	struct ctd *d = data;

	/* a repaired NEW went through track() already */
	if (info->repaired && info->type == CTK_EV_NEW)
		return CTK_CB_OK;
	d->st.events_received++;
	if (!ctd_kernel_filter_pass(d, e)) {
		d->st.events_filtered++;
		return CTK_CB_OK;
	}
	if (info->type == CTK_EV_DESTROY) {
		ctd_stats_count(d, e);
		if (d->cfg->mode == CTD_MODE_STATS)
			ctd_stats_flow(d, e);
	}
	/* a committed entry is ours to know (for a failover back) but not to echo */
	ctd_internal_ct_event(d, e, info->type, !caused_by_us(d->kernel, info->portid));
	return CTK_CB_OK;
}

static void on_note(enum ctk_mirror_note note, int err, void *data)
{
	struct ctd *d = data;

	if (note == CTK_MIRROR_OVERRUN) {
		d->st.overruns++;
		ctd_log(LOG_WARNING, "netlink event socket overrun: resync with the kernel table");
	} else {
		ctd_log(LOG_ERR, "resync with the kernel table failed: %s", strerror(-err));
	}
}

static void on_mirror(int fd, uint32_t events, void *data)
{
	struct ctd *d = data;
	int ret;

	(void)fd;
	(void)events;
	ret = ctk_mirror_dispatch(d->kernel->mirror, DISPATCH_BUDGET);
	if (ret < 0 && ret != -EAGAIN)
		ctd_log(LOG_ERR, "event dispatch: %s", strerror(-ret));
	if (ret > 0)
		ctd_loop_busy(d->loop);
}

/*
 * NetlinkEventsReliable: the kernel keeps a destroyed entry until its event
 * is delivered (it retries), instead of dropping events and reporting an
 * overrun.
 */
static void reliable_events(struct ctk_events *ev)
{
	int one = 1, fd = ctk_events_fd(ev);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one)) < 0)
		ctd_log(LOG_WARNING, "can't make the event socket reliable: %s", strerror(errno));
}

static void set_event_buffer(struct ctd *d, struct ctd_kernel *k)
{
	size_t want =
		d->cfg->netlink_buffer_size ? d->cfg->netlink_buffer_size : EVENT_RCVBUF_DEFAULT;
	struct ctk_events *ev = ctk_mirror_events(k->mirror);
	int granted;

	if (d->cfg->netlink_buffer_size_max > want)
		want = d->cfg->netlink_buffer_size_max;
	granted = ctk_events_set_rcvbuf(ev, want, true);
	if (granted < 0)
		ctd_log(LOG_WARNING, "can't set the event socket's buffer: %s", strerror(-granted));
	if (d->cfg->netlink_events_reliable)
		reliable_events(ev);
	d->st.event_buffer = (unsigned int)ctk_events_rcvbuf(ev);
	ctd_log(LOG_NOTICE, "netlink event socket buffer size has been set to %u bytes",
		d->st.event_buffer);
}

int ctd_kernel_open(struct ctd *d)
{
	struct ctd_kernel *k = calloc(1, sizeof(*k));
	struct ctk_mirror_opts o = {0};
	int ret;

	if (!k)
		return -ENOMEM;
	d->kernel = k;
	k->nl = ctk_nl_open();
	if (!k->nl) {
		ctd_log(LOG_ERR, "can't open netlink handler: %s", strerror(errno));
		return -errno;
	}
	o.groups = CTK_EVENTS_ALL;
	o.resync = true;
	o.nl = k->nl;
	o.cache.keep = CTK_CACHE_IDENTITY;
	o.track = track;
	o.cb = on_event;
	o.notify = on_note;
	o.data = d;
	k->mirror = ctk_mirror_new(&o);
	if (!k->mirror) {
		ctd_log(LOG_ERR, "can't open the event socket: %s", strerror(errno));
		return -errno;
	}
	set_event_buffer(d, k);
	ret = ctk_mirror_start(k->mirror);
	if (ret < 0) {
		ctd_log(LOG_ERR, "can't dump the kernel table: %s", strerror(-ret));
		return ret;
	}
	k->started = true;
	return ctd_loop_add(d->loop, ctk_mirror_fd(k->mirror), 0, on_mirror, d);
}

void ctd_kernel_close(struct ctd *d)
{
	struct ctd_kernel *k = d->kernel;

	if (!k)
		return;
	if (k->mirror) {
		ctd_loop_del(d->loop, ctk_mirror_fd(k->mirror));
		ctk_mirror_free(k->mirror);
	}
	if (k->nl)
		ctk_nl_close(k->nl);
	free(k);
	d->kernel = NULL;
}

struct ctk_nl *ctd_kernel_nl(struct ctd *d)
{
	return d->kernel->nl;
}

int ctd_kernel_resync(struct ctd *d, bool expect)
{
	if (expect)
		return ctd_expect_resync(d);
	d->st.resyncs++;
	return ctk_mirror_resync(d->kernel->mirror);
}

struct dump_ctx {
	int (*cb)(const struct ctk_entry *e, void *data);
	void *data;
};

static int dump_cb(const struct ctk_entry *e, enum ctk_event ev, void *data)
{
	struct dump_ctx *x = data;

	(void)ev;
	return x->cb(e, x->data) < 0 ? CTK_CB_ERROR : CTK_CB_OK;
}

int ctd_kernel_dump(struct ctd *d, int (*cb)(const struct ctk_entry *e, void *data), void *data)
{
	struct ctk_dump_opts o = {.family = AF_UNSPEC};
	struct dump_ctx x = {.cb = cb, .data = data};

	return ctk_nl_dump(d->kernel->nl, &o, dump_cb, &x);
}

static int flush_result(const struct ctk_commit_result *r, void *data)
{
	(void)r;
	(void)data;
	return 0;
}

static int delete_passing(const struct ctk_entry *e, void *data)
{
	struct ctd *d = ((void **)data)[0];
	struct ctk_commit *c = ((void **)data)[1];
	long ret;

	if (!ctd_kernel_filter_pass(d, e))
		return 0;
	ret = ctk_commit_delete(c, e->orig.l3num, e, NULL);
	return ret < 0 ? (int)ret : 0;
}

/* -F: only what the filter lets through, so ignored flows (the sync link's own) survive. */
int ctd_kernel_flush(struct ctd *d, bool ct, bool expect)
{
	struct ctk_commit *c;
	void *ctx[2];
	int ret = 0;

	if (expect)
		ret = ctk_nl_expect_flush(d->kernel->nl, AF_UNSPEC);
	if (!ct)
		return ret;
	if (!d->cfg->filter.present)
		return ctk_nl_flush(d->kernel->nl, AF_UNSPEC);
	c = ctk_commit_new(NULL, flush_result, NULL);
	if (!c)
		return -errno;
	ctx[0] = d;
	ctx[1] = c;
	ret = ctd_kernel_dump(d, delete_passing, ctx);
	if (ctk_commit_close(c) < 0 && ret == 0)
		ret = -EIO;
	return ret;
}
